from operator import itemgetter, attrgetter, neg
records = [{'name': 'x', 'score': 3, 'age': 30}, {'name': 'y', 'score': 9, 'age': 25}, {'name': 'z', 'score': 3, 'age': 22}]
print([r['name'] for r in sorted(records, key=itemgetter('score', 'age'))])
print([r['name'] for r in sorted(records, key=itemgetter('score'), reverse=True)])
pairs = [(1, 'b'), (1, 'a'), (0, 'z')]
print(sorted(pairs, key=itemgetter(1)), max(pairs, key=itemgetter(0)), min(pairs, key=itemgetter(1)))
print(list(map(neg, [1, -2, 3])), sorted([3, 1, 2], key=neg))
class Emp:
    def __init__(self, n, d):
        self.n = n
        self.d = d
emps = [Emp('a', 'ops'), Emp('b', 'dev'), Emp('c', 'dev')]
print([e.n for e in sorted(emps, key=attrgetter('d', 'n'))])
