from collections import namedtuple
Point = namedtuple('Point', 'x y')
Color = namedtuple('Color', ['r', 'g', 'b'], defaults=[0])
p = Point(3, 4)
q = Point(x=1, y=-2)
print(p, q, p.x * q.y, p[0], len(p), tuple(p), list(q))
print(p._fields, Color._fields, Color(255, 128), Color(1, 2, 3))
print(p._asdict(), p._replace(y=10), Point._make([7, 8]))
print(p == (3, 4), p == Point(3, 4), hash(p) == hash((3, 4)), p < Point(3, 5))
x, y = p
print(x, y, sorted([Point(2, 1), Point(1, 5), Point(1, 2)]))
pts = {Point(0, 0): 'origin', Point(1, 1): 'diag'}
print(pts[Point(1, 1)])
try:
    Point(1)
except TypeError as e:
    print('TypeError', e)
try:
    Point(1, 2, 3)
except TypeError as e:
    print('TypeError', e)
try:
    namedtuple('Bad', ['ok', '_no'])
except ValueError as e:
    print('ValueError', e)
Emp = namedtuple('Emp', 'name, dept, salary')
staff = [Emp('ann', 'eng', 120), Emp('bo', 'ops', 90), Emp('cy', 'eng', 100)]
print(max(staff, key=lambda e: e.salary).name, sum(e.salary for e in staff if e.dept == 'eng'))
print(type(p).__name__, p.count(3), p.index(4))
