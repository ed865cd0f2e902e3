import copy
class Board:
    def __init__(self):
        self.cells = [['.'] * 3 for _ in range(3)]
        self.history = []
    def play(self, r, c, mark):
        self.cells[r][c] = mark
        self.history.append((r, c, mark))
    def show(self):
        return '/'.join(''.join(row) for row in self.cells)
b = Board()
b.play(1, 1, 'X')
snapshot = copy.deepcopy(b)
b.play(0, 0, 'O')
print(b.show(), snapshot.show(), len(b.history), len(snapshot.history))
shallow = copy.copy(b)
shallow.cells[2][2] = 'X'
print(b.show(), shallow.cells is b.cells)
def best_move(board, mark):
    options = []
    for r in range(3):
        for c in range(3):
            if board.cells[r][c] == '.':
                trial = copy.deepcopy(board)
                trial.play(r, c, mark)
                options.append((trial.show(), (r, c)))
    return sorted(options)[0]
print(best_move(b, 'O'))
