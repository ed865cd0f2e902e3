seed = 7
def rand():
    global seed
    seed = (seed * 1103515245 + 12345) % 2147483648
    return seed

tellers = [0, 0, 0]
waits = []
clock = 0
for customer in range(30):
    clock += rand() % 4
    service = 2 + rand() % 6
    i = min(range(len(tellers)), key=lambda t: tellers[t])
    start = max(clock, tellers[i])
    waits.append(start - clock)
    tellers[i] = start + service
print(len(waits), sum(waits), max(waits), round(sum(waits) / len(waits), 3), tellers)
