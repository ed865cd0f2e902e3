from functools import partial, lru_cache
class Dataset:
    def __init__(self, values):
        self.values = values
        self.computations = 0
    @property
    def stats(self):
        self.computations += 1
        n = len(self.values)
        mean = sum(self.values) / n
        return {'n': n, 'mean': mean, 'max': max(self.values)}
d = Dataset([3, 1, 4, 1, 5, 9, 2, 6])
print(d.stats, d.stats['mean'], d.computations)
@lru_cache(maxsize=None, typed=True)
def describe(x):
    return type(x).__name__ + ':' + str(x)
print(describe(1), describe(1.0), describe(True), describe.cache_info().currsize)
print(lru_cache(maxsize=32)(abs)(-4), partial(max, key=len)(['aa', 'b', 'ccc']))
