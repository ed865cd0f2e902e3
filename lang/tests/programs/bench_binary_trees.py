# Binary trees (benchmarks-game style), written for the corpus.
def make(depth):
    if depth == 0:
        return (None, None)
    depth -= 1
    return (make(depth), make(depth))
def check(node):
    left, right = node
    if left is None:
        return 1
    return 1 + check(left) + check(right)
max_depth = 8
stretch = max_depth + 1
print('stretch tree of depth %d\t check: %d' % (stretch, check(make(stretch))))
long_lived = make(max_depth)
for d in range(4, max_depth + 1, 2):
    iterations = 2 ** (max_depth - d + 4)
    total = sum(check(make(d)) for _ in range(iterations))
    print('%d\t trees of depth %d\t check: %d' % (iterations, d, total))
print('long lived tree of depth %d\t check: %d' % (max_depth, check(long_lived)))
