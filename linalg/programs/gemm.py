# Tiled matrix multiply O = A·B on an N×N grid, with a binary reduction tree over k (numpywren's
# GEMM). Temp[i, j, k, level] holds partial sums; a read past the end of a level (when N is not a
# power of two) has no writer and reads as a zero block.
def gemm(A: BigMatrix, B: BigMatrix, Temp: BigMatrix, O: BigMatrix, N: int):
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
