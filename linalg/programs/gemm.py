# Tiled matrix multiply O = A·B on an N×N grid, accumulating along k: Temp[i, j, k] is the sum of
# the first k + 1 products, each step one gemm_add on the previous step's tile. N + 1 tiles written
# per output tile against numpywren's tree's 2N (below): on a cluster, where every written tile is
# stored twice and most cross the network, that traffic is the cost; the N² chains still give
# every worker work. The tree's log N depth wins only with more workers than output tiles.
def gemm(A: BigMatrix, B: BigMatrix, Temp: BigMatrix, O: BigMatrix, N: int):
    for i in range(0, N):
        for j in range(0, N):
            Temp[i, j, 0] = gemm(A[i, 0], B[0, j])
            for k in range(1, N):
                Temp[i, j, k] = gemm_add(Temp[i, j, k - 1], A[i, k], B[k, j])
            O[i, j] = copy(Temp[i, j, N - 1])

# Tiled matrix multiply O = A·B on an N×N grid, with a binary reduction tree over k (numpywren's
# GEMM). Temp[i, j, k, level] holds partial sums; a read past the end of a level (when N is not a
# power of two) has no writer and reads as a zero block.
def gemm_tree(A: BigMatrix, B: BigMatrix, Temp: BigMatrix, O: BigMatrix, N: int):
    levels = ceiling(log(N) / log(2))
    for i in range(0, N):
        for j in range(0, N):
            for k in range(0, N):
                Temp[i, j, k, 0] = gemm(A[i, k], B[k, j])
            for level in range(0, levels):
                for k in range(0, N, 2 ** (level + 1)):
                    Temp[i, j, k, level + 1] = add(Temp[i, j, k, level], Temp[i, j, k + 2 ** level, level])
            O[i, j] = copy(Temp[i, j, 0, levels])

# Rectangular GEMM(M, N, K): O = A·B with A an M×K grid of tiles and B a K×N grid, with the same
# binary reduction tree over k as `gemm` (numpywren's): level l adds partial sums k and k + 2^l.
def gemm_rect(A: BigMatrix, B: BigMatrix, Temp: BigMatrix, O: BigMatrix, M: int, N: int, K: int):
    levels = ceiling(log(K) / log(2))
    for i in range(0, M):
        for j in range(0, N):
            for k in range(0, K):
                Temp[i, j, k, 0] = gemm(A[i, k], B[k, j])
            for level in range(0, levels):
                for k in range(0, K, 2 ** (level + 1)):
                    Temp[i, j, k, level + 1] = add(Temp[i, j, k, level], Temp[i, j, k + 2 ** level, level])
            O[i, j] = copy(Temp[i, j, 0, levels])
