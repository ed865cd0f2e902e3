# Float-heavy object benchmark (pyperformance "float" style), written for the corpus.
from math import sin, cos, sqrt
class Point:
    def __init__(self, i):
        self.x = x = sin(i)
        self.y = cos(i) * 3
        self.z = (x * x) / 2
    def normalize(self):
        norm = sqrt(self.x * self.x + self.y * self.y + self.z * self.z)
        self.x /= norm
        self.y /= norm
        self.z /= norm
    def maximize(self, other):
        self.x = self.x if self.x > other.x else other.x
        self.y = self.y if self.y > other.y else other.y
        self.z = self.z if self.z > other.z else other.z
        return self
    def __repr__(self):
        return '<Point: x=%s, y=%s, z=%s>' % (self.x, self.y, self.z)
points = [Point(i) for i in range(5000)]
for p in points:
    p.normalize()
best = points[0]
for p in points[1:]:
    best = best.maximize(p)
print(best)
