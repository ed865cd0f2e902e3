def find(xs, target):
    for i, x in enumerate(xs):
        if x == target:
            print("found at", i)
            break
    else:
        print("not found")

find([1, 2, 3], 2)
find([1, 2, 3], 9)
n = 0
while n < 3:
    n += 1
else:
    print("while finished", n)
while True:
    break
else:
    print("never")
for outer in range(3):
    for inner in range(3):
        if inner == outer:
            break
    else:
        print("inner exhausted for", outer)
        continue
    print("inner broke at", outer)
for i in []:
    pass
else:
    print("empty loop else")
