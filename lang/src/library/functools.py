# functools: partial, reduce, lru_cache, cache, wraps, update_wrapper, cmp_to_key,
# total_ordering. (cached_property needs descriptors, which the subset does not have.)

WRAPPER_ASSIGNMENTS = ('__module__', '__name__', '__qualname__', '__doc__')
WRAPPER_UPDATES = ('__dict__',)

class _Sentinel:
    pass

_initial_missing = _Sentinel()

def reduce(function, iterable, initial=_initial_missing):
    it = iter(iterable)
    if initial is _initial_missing:
        try:
            value = next(it)
        except StopIteration:
            raise TypeError('reduce() of empty iterable with no initial value')
    else:
        value = initial
    for element in it:
        value = function(value, element)
    return value


class partial:
    def __init__(self, func, *args, **keywords):
        if not callable(func):
            raise TypeError('the first argument must be callable')
        if isinstance(func, partial):
            args = func.args + args
            merged = dict(func.keywords)
            merged.update(keywords)
            keywords = merged
            func = func.func
        self.func = func
        self.args = args
        self.keywords = keywords
    def __call__(self, *args, **keywords):
        merged = dict(self.keywords)
        merged.update(keywords)
        return self.func(*self.args, *args, **merged)
    def __repr__(self):
        parts = [repr(self.func)]
        for a in self.args:
            parts.append(repr(a))
        for k, v in self.keywords.items():
            parts.append(k + '=' + repr(v))
        return 'functools.partial(' + ', '.join(parts) + ')'


def update_wrapper(wrapper, wrapped, assigned=WRAPPER_ASSIGNMENTS, updated=WRAPPER_UPDATES):
    for attr in assigned:
        try:
            value = getattr(wrapped, attr)
        except AttributeError:
            continue
        try:
            setattr(wrapper, attr, value)
        except (AttributeError, TypeError):
            pass
    try:
        wrapper.__wrapped__ = wrapped
    except (AttributeError, TypeError):
        pass
    return wrapper


def wraps(wrapped, assigned=WRAPPER_ASSIGNMENTS, updated=WRAPPER_UPDATES):
    def decorate(wrapper):
        return update_wrapper(wrapper, wrapped, assigned, updated)
    return decorate


class _CacheInfo:
    def __init__(self, hits, misses, maxsize, currsize):
        self.hits = hits
        self.misses = misses
        self.maxsize = maxsize
        self.currsize = currsize
    def _t(self):
        return (self.hits, self.misses, self.maxsize, self.currsize)
    def __iter__(self):
        return iter(self._t())
    def __getitem__(self, i):
        return self._t()[i]
    def __eq__(self, other):
        if isinstance(other, _CacheInfo):
            return self._t() == other._t()
        return self._t() == other
    def __hash__(self):
        return hash(self._t())
    def __repr__(self):
        return 'CacheInfo(hits=' + repr(self.hits) + ', misses=' + repr(self.misses) + ', maxsize=' + repr(self.maxsize) + ', currsize=' + repr(self.currsize) + ')'


_kwd_mark = _Sentinel()

class _LruWrapper:
    def __init__(self, func, maxsize, typed):
        self.__wrapped__ = func
        self._func = func
        self._maxsize = maxsize
        self._typed = typed
        self._cache = {}
        self._hits = 0
        self._misses = 0
        update_wrapper(self, func)
    def __call__(self, *args, **kwargs):
        key = args
        if kwargs:
            key = key + (_kwd_mark,) + tuple(kwargs.items())
        if self._typed:
            key = key + tuple([type(a) for a in args]) + tuple([type(v) for v in kwargs.values()])
        elif len(key) == 1 and type(key[0]) in (int, str):
            key = key[0]
        cache = self._cache
        if key in cache:
            self._hits += 1
            value = cache[key]
            if self._maxsize is not None:
                # Most recently used last.
                del cache[key]
                cache[key] = value
            return value
        self._misses += 1
        value = self._func(*args, **kwargs)
        if self._maxsize is None:
            cache[key] = value
        elif self._maxsize > 0:
            if key in cache:
                return value
            cache[key] = value
            if len(cache) > self._maxsize:
                del cache[next(iter(cache))]
        return value
    def cache_info(self):
        return _CacheInfo(self._hits, self._misses, self._maxsize, len(self._cache))
    def cache_clear(self):
        self._cache = {}
        self._hits = 0
        self._misses = 0
    def cache_parameters(self):
        return {'maxsize': self._maxsize, 'typed': self._typed}
    def __repr__(self):
        return '<functools._lru_cache_wrapper object>'


def lru_cache(maxsize=128, typed=False):
    if isinstance(maxsize, int) and not isinstance(maxsize, bool):
        if maxsize < 0:
            maxsize = 0
    elif callable(maxsize) and isinstance(typed, bool):
        return _LruWrapper(maxsize, 128, typed)
    elif maxsize is not None:
        raise TypeError('Expected first argument to be an integer, a callable, or None')
    def decorating_function(user_function):
        return _LruWrapper(user_function, maxsize, typed)
    return decorating_function


def cache(user_function):
    return _LruWrapper(user_function, None, False)


class _Key:
    def __init__(self, obj, mycmp):
        self.obj = obj
        self._cmp = mycmp
    def __lt__(self, other):
        return self._cmp(self.obj, other.obj) < 0
    def __gt__(self, other):
        return self._cmp(self.obj, other.obj) > 0
    def __eq__(self, other):
        return self._cmp(self.obj, other.obj) == 0
    def __le__(self, other):
        return self._cmp(self.obj, other.obj) <= 0
    def __ge__(self, other):
        return self._cmp(self.obj, other.obj) >= 0
    __hash__ = None


def cmp_to_key(mycmp):
    def key(obj):
        return _Key(obj, mycmp)
    return key


def _own(cls, name):
    # Whether the class itself (not only `object`) defines the method.
    try:
        getattr(cls, name)
        return True
    except AttributeError:
        return False


def total_ordering(cls):
    roots = [op for op in ('__lt__', '__le__', '__gt__', '__ge__') if _own(cls, op)]
    if not roots:
        raise ValueError('must define at least one ordering operation: < > <= >=')
    root = roots[0]
    if root == '__lt__':
        def le(self, other):
            r = self.__lt__(other)
            if r is NotImplemented:
                return r
            return r or self == other
        def gt(self, other):
            r = self.__lt__(other)
            if r is NotImplemented:
                return r
            return not r and self != other
        def ge(self, other):
            r = self.__lt__(other)
            if r is NotImplemented:
                return r
            return not r
        fill = {'__le__': le, '__gt__': gt, '__ge__': ge}
    elif root == '__le__':
        def ge(self, other):
            r = self.__le__(other)
            if r is NotImplemented:
                return r
            return not r or self == other
        def lt(self, other):
            r = self.__le__(other)
            if r is NotImplemented:
                return r
            return r and self != other
        def gt(self, other):
            r = self.__le__(other)
            if r is NotImplemented:
                return r
            return not r
        fill = {'__ge__': ge, '__lt__': lt, '__gt__': gt}
    elif root == '__gt__':
        def lt(self, other):
            r = self.__gt__(other)
            if r is NotImplemented:
                return r
            return not r and self != other
        def ge(self, other):
            r = self.__gt__(other)
            if r is NotImplemented:
                return r
            return r or self == other
        def le(self, other):
            r = self.__gt__(other)
            if r is NotImplemented:
                return r
            return not r
        fill = {'__lt__': lt, '__ge__': ge, '__le__': le}
    else:
        def le(self, other):
            r = self.__ge__(other)
            if r is NotImplemented:
                return r
            return not r or self == other
        def gt(self, other):
            r = self.__ge__(other)
            if r is NotImplemented:
                return r
            return r and self != other
        def lt(self, other):
            r = self.__ge__(other)
            if r is NotImplemented:
                return r
            return not r
        fill = {'__le__': le, '__gt__': gt, '__lt__': lt}
    for name, f in fill.items():
        if name not in roots:
            setattr(cls, name, f)
    return cls
