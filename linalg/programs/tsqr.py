# TSQR: QR of a tall-skinny matrix A (N row tiles, one tile column) by a binary tree. Leaves factor
# their tile; each level factors pairs of triangles. When a level has an odd number of triangles,
# the missing partner reads as a zero block. R[levels, 0] is the final R; V and T hold Q implicitly.
def tsqr(A: BigMatrix, V: BigMatrix, T: BigMatrix, R: BigMatrix, N: int):
    levels = ceiling(log(N) / log(2))
    for i in range(0, N):
        V[0, i], T[0, i], R[0, i] = qr_factor(A[i, 0])
    for level in range(0, levels):
        for i in range(0, N, 2 ** (level + 1)):
            V[level + 1, i], T[level + 1, i], R[level + 1, i] = qr_pair(R[level, i], R[level, i + 2 ** level])
