"""A tree of spawns sums 1..20: each leaf is a task, and the parents are spawned with their
children's futures as arguments, so they start only when those have resolved."""
import rt


def leaf(i):
    return i


def add(a, b):
    return a + b


def main():
    level = [rt.spawn(leaf, (i,)) for i in range(1, 21)]
    while len(level) > 1:
        nxt = []
        for i in range(0, len(level) - 1, 2):
            nxt.append(rt.spawn(add, (level[i], level[i + 1])))
        if len(level) % 2:
            nxt.append(level[-1])
        level = nxt
    return level[0].wait()
