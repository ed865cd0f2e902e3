from itertools import islice, chain, groupby, count, zip_longest, accumulate, repeat, starmap, product
def take(n, it):
    return list(islice(it, n))
def chunked(seq, n):
    it = iter(seq)
    while True:
        chunk = take(n, it)
        if not chunk:
            return
        yield chunk
def grouper(iterable, n, fill=None):
    args = [iter(iterable)] * n
    return zip_longest(*args, fillvalue=fill)
def flatten(lists):
    return chain.from_iterable(lists)
def unique_justseen(iterable):
    return [k for k, _ in groupby(iterable)]
def running_mean(xs):
    return [s / i for i, s in zip(count(1), accumulate(xs))]
def dot(a, b):
    return sum(starmap(lambda x, y: x * y, zip(a, b)))
print(list(chunked(range(10), 3)), list(grouper('abcdefg', 3, 'x')))
print(list(flatten([[1, 2], [3], [4, 5]])), unique_justseen('AAAABBBCCDAABBB'))
print(running_mean([2, 4, 6, 8]), dot([1, 2, 3], [4, 5, 6]))
print(sum(1 for a, b, c in product(range(1, 20), repeat=3) if a < b and a * a + b * b == c * c))
matrix = [[1, 2, 3], [4, 5, 6]]
print(list(zip(*matrix)), list(map(sum, zip(*matrix))), list(repeat([0] * 2, 2)))
