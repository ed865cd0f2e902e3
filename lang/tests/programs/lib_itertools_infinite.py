from itertools import count, cycle, repeat, islice, takewhile, accumulate
print(list(islice(count(), 5)), list(islice(count(10, -3), 4)), list(islice(count(0.5, 0.25), 3)))
print(list(islice(cycle([1, 2, 3]), 8)), list(repeat('x', 3)), list(zip(range(3), repeat(0))))
print(list(takewhile(lambda n: n < 40, (x * x for x in count(1)))))
def primes():
    found = []
    for n in count(2):
        if all(n % p for p in takewhile(lambda p: p * p <= n, found)):
            found.append(n)
            yield n
print(list(islice(primes(), 15)))
print(list(accumulate(repeat(2, 6), lambda a, b: a * b)), list(accumulate([3, 1, 4, 1, 5], max)))
print(list(islice('abcdefg', 1, 6, 2)), list(islice(range(100), 95, None)), list(islice([], 3)))
it = iter(range(10))
print(list(islice(it, 3)), list(islice(it, 2)), next(it))
