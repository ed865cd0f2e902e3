from itertools import islice, tee, pairwise, accumulate, count
def windows(seq, n):
    its = tee(seq, n)
    for i, it in enumerate(its):
        for _ in range(i):
            next(it, None)
    return zip(*its)
print(list(windows([1, 2, 3, 4, 5], 3)), list(windows('ab', 3)))
prices = [10, 12, 11, 15, 14, 18]
print([b - a for a, b in pairwise(prices)], max(b - a for a, b in pairwise(prices)))
print(list(accumulate(prices, min)), list(accumulate(prices, max)))
evens = (n for n in count() if n % 2 == 0)
print(list(islice(evens, 5)), list(islice(evens, 2)))
