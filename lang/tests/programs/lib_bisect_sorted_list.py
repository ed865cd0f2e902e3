import bisect
class SortedList:
    def __init__(self, items=()):
        self.items = sorted(items)
    def add(self, x):
        bisect.insort(self.items, x)
    def remove(self, x):
        i = bisect.bisect_left(self.items, x)
        if i == len(self.items) or self.items[i] != x:
            raise ValueError('%r not in list' % (x,))
        del self.items[i]
    def count_less(self, x):
        return bisect.bisect_left(self.items, x)
    def __repr__(self):
        return 'SortedList(%r)' % self.items
s = SortedList([5, 1, 4])
for x in [3, 3, 9, 0]:
    s.add(x)
print(s, s.count_less(4), s.count_less(100))
s.remove(3)
try:
    s.remove(42)
except ValueError as e:
    print('ValueError', e)
print(s, bisect.bisect_right(s.items, 3), bisect.bisect_left(s.items, 3))
words = sorted(['delta', 'alpha', 'charlie', 'bravo'])
print(words, words[bisect.bisect_left(words, 'c'):bisect.bisect_left(words, 'd')])
