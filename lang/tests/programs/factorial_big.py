def factorial(n):
    result = 1
    for i in range(2, n + 1):
        result *= i
    return result

f = factorial(300)
text = str(f)
print(len(text), text[:20], text[-20:])
print(sum(int(c) for c in text))
zeros = len(text) - len(text.rstrip("0"))
print(zeros)
print(factorial(25) // factorial(23))
