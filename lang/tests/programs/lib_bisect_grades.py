import bisect
def grade(score, breakpoints=[60, 70, 80, 90], grades='FDCBA'):
    return grades[bisect.bisect(breakpoints, score)]
print([grade(s) for s in [33, 99, 77, 70, 89, 90, 100, 60]])
a = [1, 2, 2, 2, 3, 5, 8]
print(bisect.bisect_left(a, 2), bisect.bisect_right(a, 2), bisect.bisect_left(a, 4), bisect.bisect_right(a, 9), bisect.bisect_left(a, 0))
print(bisect.bisect_left(a, 2, 2), bisect.bisect_right(a, 2, 0, 3), bisect.bisect(a, 5, lo=1, hi=5))
s = []
for x in [5, 1, 4, 1, 5, 9, 2, 6]:
    bisect.insort(s, x)
print(s)
bisect.insort_left(s, 5); bisect.insort_right(s, 0); print(s)
people = [('ann', 21), ('bob', 35), ('cy', 50)]
ages = [p[1] for p in people]
print(people[bisect.bisect_left(ages, 30)], bisect.bisect_left(people, 35, key=lambda p: p[1]))
bisect.insort(people, ('dee', 40), key=lambda p: p[1]); print(people)
try:
    bisect.bisect([1], 1, lo=-1)
except ValueError as e:
    print('ValueError', e)
def index(a, x):
    i = bisect.bisect_left(a, x)
    if i != len(a) and a[i] == x:
        return i
    return -1
print(index(s, 6), index(s, 7))
