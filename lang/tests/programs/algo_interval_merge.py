def merge(intervals):
    out = []
    for s, e in sorted(intervals):
        if out and s <= out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return out
print(merge([[1, 3], [2, 6], [8, 10], [15, 18], [17, 20], [9, 9]]))
def insert(intervals, new):
    return merge(intervals + [new])
print(insert([[1, 2], [3, 5], [6, 7], [8, 10], [12, 16]], [4, 8]))
def free_slots(busy, day=(9, 17)):
    slots, t = [], day[0]
    for s, e in merge(busy):
        if s > t:
            slots.append((t, s))
        t = max(t, e)
    if t < day[1]:
        slots.append((t, day[1]))
    return slots
print(free_slots([[10, 11], [9, 9], [12, 13], [12, 14], [16, 18]]))
