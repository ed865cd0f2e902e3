from bisect import bisect_left, bisect_right, insort
class Calendar:
    def __init__(self):
        self.starts = []
        self.spans = []
    def book(self, start, end):
        i = bisect_right(self.starts, start)
        if i > 0 and self.spans[i - 1][1] > start:
            return False
        if i < len(self.spans) and self.spans[i][0] < end:
            return False
        self.starts.insert(i, start)
        self.spans.insert(i, (start, end))
        return True
cal = Calendar()
print([cal.book(s, e) for s, e in [(10, 20), (15, 25), (20, 30), (5, 10), (0, 6), (30, 31)]], cal.spans)
sorted_vals = []
for v in [7, 3, 9, 3, 1, 8]:
    insort(sorted_vals, v)
print(sorted_vals, bisect_left(sorted_vals, 3), bisect_right(sorted_vals, 3))
def count_range(a, lo, hi):
    return bisect_right(a, hi) - bisect_left(a, lo)
print(count_range(sorted_vals, 3, 8), count_range(sorted_vals, 10, 20))
breaks = [0.0, 18.5, 25.0, 30.0]
labels = ['?', 'under', 'normal', 'over', 'obese']
print([labels[bisect_right(breaks, bmi)] for bmi in [17.0, 22.4, 27.1, 35.0, 25.0]])
