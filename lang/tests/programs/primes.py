def is_prime(n):
    if n < 2:
        return False
    d = 2
    while d * d <= n:
        if n % d == 0:
            return False
        d += 1
    return True

found = []
for k in range(200):
    if is_prime(k):
        found.append(k)
print(len(found), found[-1])
print(found)
