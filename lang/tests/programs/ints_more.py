print(7 // 2, -7 // 2, 7 % 3, -7 % 3, 7 % -3, 2 ** 10, 2 ** -1, divmod(-7, 2))
print(int("0x1f", 16), int("1_000"), int(" -5 "), int(True), abs(-7), -(-3))
print(10 == 10.0, 1 == True, hash(1) == hash(1.0), {1: "a", 1.0: "b", True: "c"})
n = 0
for i in range(1, 101):
    n += i * i
print(n, n % 97, n // 97)
print(max(3, 7, 1), min([4, -2, 9]), sum(range(0, 100, 7)), sorted([3, -1, 2], key=abs))
print(0 or 5, 3 and 4, not 0, 1 < 2 < 3, 3 > 2 > 2, 1 < 3 > 2)
print(str(12345)[::-1], len(str(2 ** 100)), int("9" * 20) + 1)
