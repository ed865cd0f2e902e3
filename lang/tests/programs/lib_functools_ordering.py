from functools import total_ordering, cmp_to_key, wraps
@total_ordering
class Version:
    def __init__(self, text):
        self.parts = tuple(int(p) for p in text.split('.'))
    def __eq__(self, other):
        return self.parts == other.parts
    def __lt__(self, other):
        return self.parts < other.parts
    def __repr__(self):
        return 'Version(' + '.'.join(map(str, self.parts)) + ')'
vs = [Version(v) for v in ['1.10.0', '1.2.3', '1.2.10', '0.9']]
print(sorted(vs), max(vs), Version('1.0') <= Version('1.0'), Version('2.0') > Version('1.9'), Version('1.0') >= Version('1.1'))
def by_length_then_reverse(a, b):
    if len(a) != len(b):
        return len(a) - len(b)
    return (a < b) - (a > b)
print(sorted(['pear', 'fig', 'apple', 'kiwi', 'date'], key=cmp_to_key(by_length_then_reverse)))
def logged(fn):
    @wraps(fn)
    def wrapper(*args, **kwargs):
        print('calling', fn.__name__, args)
        return fn(*args, **kwargs)
    return wrapper
@logged
def area(w, h):
    return w * h
print(area(3, 4), area.__name__, area.__wrapped__(2, 2))
@total_ordering
class Money:
    def __init__(self, cents):
        self.cents = cents
    def __eq__(self, other):
        return self.cents == other.cents
    def __gt__(self, other):
        return self.cents > other.cents
print(Money(5) < Money(7), Money(5) <= Money(5), Money(9) >= Money(10))
