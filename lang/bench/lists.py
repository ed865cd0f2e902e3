rows = [[i * j for j in range(100)] for i in range(2000)]
total = 0
for row in rows:
    for v in row:
        total += v
print(total)
