class Point:
    dims = 2
    def __init__(self, x, y):
        self.x = x
        self.y = y
    def norm2(self):
        return self.x * self.x + self.y * self.y
    def __repr__(self):
        return f"Point({self.x}, {self.y})"

p = Point(3, 4)
print(p, p.norm2(), Point.dims, p.dims)
p.x = 10
print(p.x, p.norm2())
Point.dims = 3
print(p.dims)
p.dims = 7
print(p.dims, Point.dims)
print(hasattr(p, "x"), hasattr(p, "z"), getattr(p, "z", "none"))
setattr(p, "z", 5)
print(p.z)
del p.z
print(hasattr(p, "z"))
