# Random sequences of set operations (seeded, so CPython and the VM draw the same ones) over
# ints, floats, big ints and tuples whose hashes collide; every state is printed in iteration
# order, which CPython's table decides.
import random


def element(r):
    k = r.randrange(10)
    if k < 4:
        return r.randrange(-3, 40)
    if k < 6:
        return r.randrange(8) * r.choice([8, 32, 64, 1024])
    if k == 6:
        return (r.randrange(5), r.randrange(5))
    if k == 7:
        return r.choice([0.5, 1.0, 2.5, -1.5, 3.0, 1e20])
    if k == 8:
        return r.choice([2**61 - 1, 2**61, 2**64 + 3, -(2**62), 2**100])
    return r.randrange(1000)


def operand(r, pool):
    k = r.randrange(5)
    if k == 0:
        return r.choice(pool)
    if k == 1:
        return [element(r) for _ in range(r.randrange(12))]
    if k == 2:
        return {element(r): 1 for _ in range(r.randrange(12))}
    if k == 3:
        return set(element(r) for _ in range(r.randrange(30)))
    return frozenset(element(r) for _ in range(r.randrange(6)))


def run(seed, steps):
    r = random.Random(seed)
    pool = [set(), {1, 2, 3}, set(range(20))]
    for step in range(steps):
        i = r.randrange(len(pool))
        s = pool[i]
        if isinstance(s, frozenset):
            s = pool[i] = set(s)
        op = r.randrange(24)
        if op < 5:
            for _ in range(r.randrange(1, 8)):
                s.add(element(r))
        elif op < 7:
            for _ in range(r.randrange(1, 6)):
                s.discard(element(r))
        elif op < 9:
            got = []
            for _ in range(r.randrange(1, 5)):
                if s:
                    got.append(s.pop())
            print("pop", got)
        elif op == 9:
            if r.randrange(4) == 0:
                s.clear()
        elif op == 10:
            pool.append(s.copy())
        elif op == 11:
            if r.randrange(2):
                s.update(operand(r, pool), operand(r, pool))
            else:
                s.update(operand(r, pool))
        elif op == 12:
            pool.append(s.union(operand(r, pool)))
        elif op == 13:
            pool.append(s.intersection(operand(r, pool)))
        elif op == 14:
            pool.append(s.difference(operand(r, pool), operand(r, pool)))
        elif op == 15:
            pool.append(s.symmetric_difference(operand(r, pool)))
        elif op == 16:
            s.intersection_update(operand(r, pool))
        elif op == 17:
            s.difference_update(operand(r, pool))
        elif op == 18:
            s.symmetric_difference_update(operand(r, pool))
        elif op == 19:
            t = r.choice(pool)
            pool.append([s | t, s & t, s - t, s ^ t][r.randrange(4)])
        elif op == 20:
            t = r.choice(pool)
            alias = s
            k = r.randrange(4)
            if k == 0:
                s |= t
            elif k == 1:
                s &= t
            elif k == 2:
                s -= t
            else:
                s ^= t
            print("in place", alias is s)
        elif op == 21:
            pool.append(set(operand(r, pool)))
        elif op == 22:
            pool.append({x for x in operand(r, pool)})
        else:
            pool.append(frozenset(operand(r, pool)) | set())
        if len(pool) > 12:
            pool = [p if isinstance(p, set) else set(p) for p in pool[-8:]]
        print(step, op, list(s), list(pool[-1]))


for seed in range(12):
    run(seed, 50)
