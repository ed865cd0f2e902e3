# queue: FIFO, LIFO and priority order, maxsize and Full/Empty, task_done accounting, a BFS
# written with queue.Queue as programs often are.
import queue

q = queue.Queue()
for i in range(5):
    q.put(i)
print(q.qsize(), q.empty(), q.full(), [q.get() for _ in range(5)], q.empty())
l = queue.LifoQueue()
for c in 'abc':
    l.put_nowait(c)
print([l.get_nowait() for _ in range(3)])
p = queue.PriorityQueue()
for item in [(3, 'c'), (1, 'a'), (2, 'b'), (1, 'Z')]:
    p.put(item)
print([p.get() for _ in range(4)])
small = queue.Queue(maxsize=2)
small.put(1); small.put(2)
print(small.full(), small.maxsize)
for action in (lambda: small.put_nowait(3), lambda: small.put(3, timeout=0.01),
               lambda: queue.Queue().get_nowait(), lambda: queue.Queue().get(timeout=0),
               lambda: queue.SimpleQueue().get_nowait(), lambda: queue.Queue().get(False)):
    try:
        action()
    except (queue.Full, queue.Empty) as e:
        print(type(e).__name__, repr(e))
try:
    queue.Queue().get(timeout=-1)
except ValueError as e:
    print(e)
t = queue.Queue()
t.put('job'); t.get(); t.task_done()
print(t.unfinished_tasks)
t.join()
try:
    t.task_done()
except ValueError as e:
    print(e)
s = queue.SimpleQueue()
s.put(1); s.put_nowait(2)
print(s.qsize(), s.get(), s.get(), s.empty())
print(issubclass(queue.Empty, Exception), queue.Queue.__module__, type(q).__name__)


def bfs(grid, start):
    rows, cols = len(grid), len(grid[0])
    dist = {start: 0}
    frontier = queue.Queue()
    frontier.put(start)
    while not frontier.empty():
        r, c = frontier.get()
        for dr, dc in ((1, 0), (-1, 0), (0, 1), (0, -1)):
            nr, nc = r + dr, c + dc
            if 0 <= nr < rows and 0 <= nc < cols and grid[nr][nc] == '.' and (nr, nc) not in dist:
                dist[(nr, nc)] = dist[(r, c)] + 1
                frontier.put((nr, nc))
    return dist


grid = ['..#....', '.##.##.', '...#...', '.#...#.']
d = bfs(grid, (0, 0))
print(len(d), max(d.values()), d.get((3, 6)))
