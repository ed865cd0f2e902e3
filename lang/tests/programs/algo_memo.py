cache = {}
def ways(n, coins):
    key = (n, coins)
    if key in cache:
        return cache[key]
    if n == 0:
        return 1
    if n < 0 or not coins:
        return 0
    result = ways(n - coins[0], coins) + ways(n, coins[1:])
    cache[key] = result
    return result

print(ways(100, (1, 5, 10, 25, 50)), len(cache))

def collatz_len(n, memo={1: 1}):
    if n not in memo:
        memo[n] = 1 + collatz_len(n // 2 if n % 2 == 0 else 3 * n + 1)
    return memo[n]

best = max(range(1, 3000), key=collatz_len)
print(best, collatz_len(best))

def partitions(n):
    p = [1] + [0] * n
    for k in range(1, n + 1):
        for i in range(k, n + 1):
            p[i] += p[i - k]
    return p[n]
print([partitions(i) for i in range(10)], partitions(100))
