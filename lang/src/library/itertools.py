# itertools: CPython's iterator building blocks, as generators.
import _sl

def count(start=0, step=1):
    n = start
    while True:
        yield n
        n += step

def cycle(iterable):
    saved = []
    for x in iterable:
        yield x
        saved.append(x)
    if not saved:
        return
    while True:
        for x in saved:
            yield x

def repeat(obj, times=None):
    if times is None:
        while True:
            yield obj
    else:
        for _ in range(times):
            yield obj

def accumulate(iterable, func=None, *, initial=None):
    it = iter(iterable)
    total = initial
    if initial is None:
        try:
            total = next(it)
        except StopIteration:
            return
    yield total
    for x in it:
        if func is None:
            total = total + x
        else:
            total = func(total, x)
        yield total

def chain(*iterables):
    for it in iterables:
        for x in it:
            yield x

def _from_iterable(iterables):
    for it in iterables:
        for x in it:
            yield x

chain.from_iterable = _from_iterable

def compress(data, selectors):
    for d, s in zip(data, selectors):
        if s:
            yield d

def dropwhile(predicate, iterable):
    it = iter(iterable)
    for x in it:
        if not predicate(x):
            yield x
            break
    for x in it:
        yield x

def filterfalse(predicate, iterable):
    if predicate is None:
        for x in iterable:
            if not x:
                yield x
    else:
        for x in iterable:
            if not predicate(x):
                yield x

class _Grouper:
    pass

def groupby(iterable, key=None):
    it = iter(iterable)
    state = [None, None, False, 0]
    # state: current value, its key, exhausted, generation
    try:
        v = next(it)
    except StopIteration:
        return
    state[0] = v
    state[1] = v if key is None else key(v)
    while True:
        k = state[1]
        state[3] += 1
        gen = state[3]
        yield (k, _group(it, key, state, k, gen))
        if state[3] == gen:
            # The group was not consumed: skip the rest of it.
            while True:
                try:
                    v = next(it)
                except StopIteration:
                    return
                nk = v if key is None else key(v)
                if not nk == k:
                    state[0] = v
                    state[1] = nk
                    break
        elif state[2]:
            return
        if state[2]:
            return

def _group(it, key, state, k, gen):
    yield state[0]
    while True:
        if state[3] != gen:
            return
        try:
            v = next(it)
        except StopIteration:
            state[2] = True
            state[3] += 1
            return
        nk = v if key is None else key(v)
        if not nk == k:
            state[0] = v
            state[1] = nk
            state[3] += 1
            return
        yield v

def islice(iterable, *args):
    if len(args) == 1:
        start, stop, step = 0, args[0], 1
    elif len(args) == 2:
        start, stop, step = args[0], args[1], 1
    elif len(args) == 3:
        start, stop, step = args
    else:
        raise TypeError('islice expected at most 4 arguments, got ' + str(len(args) + 1))
    if start is None:
        start = 0
    if step is None:
        step = 1
    if stop is not None and (not isinstance(stop, int) or stop < 0):
        raise ValueError('Stop argument for islice() must be None or an integer: 0 <= x <= sys.maxsize.')
    if not isinstance(start, int) or start < 0 or not isinstance(step, int) or step <= 0:
        raise ValueError('Indices for islice() must be None or an integer: 0 <= x <= sys.maxsize.')
    it = iter(iterable)
    if stop is None:
        nexti = start
        i = 0
        for x in it:
            if i == nexti:
                yield x
                nexti += step
            i += 1
        return
    if start >= stop:
        i = 0
        while i < start:
            try:
                next(it)
            except StopIteration:
                return
            i += 1
        return
    nexti = start
    i = 0
    while i < stop:
        try:
            x = next(it)
        except StopIteration:
            return
        if i == nexti:
            yield x
            nexti += step
            if nexti >= stop:
                # Consume up to stop, as CPython does.
                i += 1
                while i < stop:
                    try:
                        next(it)
                    except StopIteration:
                        return
                    i += 1
                return
        i += 1

def pairwise(iterable):
    it = iter(iterable)
    try:
        a = next(it)
    except StopIteration:
        return
    for b in it:
        yield (a, b)
        a = b

def starmap(function, iterable):
    for args in iterable:
        yield function(*args)

def takewhile(predicate, iterable):
    for x in iterable:
        if predicate(x):
            yield x
        else:
            break

def tee(iterable, n=2):
    if n < 0:
        raise ValueError('n must be >= 0')
    it = iter(iterable)
    buffers = [[] for _ in range(n)]
    return tuple([_tee_one(it, buffers, i) for i in range(n)])

def _tee_one(it, buffers, i):
    mine = buffers[i]
    while True:
        if not mine:
            try:
                v = next(it)
            except StopIteration:
                return
            for b in buffers:
                b.append(v)
        yield mine.pop(0)

def zip_longest(*iterables, fillvalue=None):
    its = [iter(x) for x in iterables]
    active = len(its)
    if not active:
        return
    while True:
        values = []
        for i in range(len(its)):
            it = its[i]
            if it is None:
                values.append(fillvalue)
                continue
            try:
                values.append(next(it))
            except StopIteration:
                active -= 1
                if not active:
                    return
                its[i] = None
                values.append(fillvalue)
        yield tuple(values)

def product(*iterables, repeat=1):
    if repeat < 0:
        raise ValueError('repeat argument cannot be negative')
    pools = [tuple(p) for p in iterables] * repeat
    result = [[]]
    for pool in pools:
        result = [x + [y] for x in result for y in pool]
    for prod in result:
        yield tuple(prod)

def permutations(iterable, r=None):
    # The index steps run in Rust (_sl.choose): CPython's are C, and in Python they cost ~19x.
    pool = tuple(iterable)
    if r is None:
        r = len(pool)
    elif r < 0:
        raise ValueError('r must be non-negative')
    return _sl.choose(pool, r, True)

def combinations(iterable, r):
    pool = tuple(iterable)
    if r < 0:
        raise ValueError('r must be non-negative')
    return _sl.choose(pool, r, False)

def combinations_with_replacement(iterable, r):
    pool = tuple(iterable)
    n = len(pool)
    if r < 0:
        raise ValueError('r must be non-negative')
    if not n and r:
        return
    indices = [0] * r
    yield tuple([pool[i] for i in indices])
    while True:
        i = r - 1
        while i >= 0 and indices[i] == n - 1:
            i -= 1
        if i < 0:
            return
        v = indices[i] + 1
        for j in range(i, r):
            indices[j] = v
        yield tuple([pool[i] for i in indices])

