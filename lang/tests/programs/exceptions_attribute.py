class Box:
    def __init__(self):
        self.size = 3

b = Box()
print(b.size)
try:
    b.weight
except AttributeError as e:
    print(e)
try:
    (5).foo
except AttributeError as e:
    print(e)
try:
    "s".nope()
except AttributeError as e:
    print(e)
try:
    Box.missing
except AttributeError as e:
    print(e)
print(b.colour)
