# Communication-avoiding QR (CAQR) of an M×N grid of tiles, M >= N: for each tile column i, a TSQR
# of the panel (tiles i..M-1 of column i: a QR of every tile, then a binary tree of QRs of pairs of
# triangles) and the same tree applied to every trailing column k > i.
#
# Tree over the panel's relative rows r = j - i: at level l, row r (a multiple of 2^(l+1)) pairs
# with r + 2^l when that row exists. A row that took part in every level below l is at state
# `level`; the bottom row r + 2^l took part in min(l, ceiling(log2(M - j - 2^l))) levels (it pairs
# at level l' < l while r + 2^l + 2^l' < M - i), which is the state it is read at.
#
# Outputs: R[i, k] (upper triangular R by tiles) and the Householder blocks V[j, i, level],
# T[j, i, level] (level 0: the QR of tile j of panel i; level l + 1: the pair of tree level l whose
# top row is j), from which Q is applied. Rp, U and Y are intermediates: Rp the panel's R at each
# level, U[j, k, i, level] a trailing tile during step i, Y[j, k, i] its state after step i.
def qr(A: BigMatrix, V: BigMatrix, T: BigMatrix, R: BigMatrix, Rp: BigMatrix, U: BigMatrix,
       Y: BigMatrix, M: int, N: int):
    for i in range(0, N):
        levels = ceiling(log(M - i) / log(2))
        for j in range(i, M):
            if i == 0:
                V[j, i, 0], T[j, i, 0], Rp[j, i, 0] = qr_factor(A[j, i])
            else:
                V[j, i, 0], T[j, i, 0], Rp[j, i, 0] = qr_factor(Y[j, i, i - 1])
        for level in range(0, levels):
            for j in range(i, M - 2 ** level, 2 ** (level + 1)):
                V[j, i, level + 1], T[j, i, level + 1], Rp[j, i, level + 1] = qr_pair(
                    Rp[j, i, level],
                    Rp[j + 2 ** level, i, min(level, ceiling(log(M - j - 2 ** level) / log(2)))])
        R[i, i] = copy(Rp[i, i, levels])
        for k in range(i + 1, N):
            for j in range(i, M):
                if i == 0:
                    U[j, k, i, 0] = qr_leaf(V[j, i, 0], T[j, i, 0], A[j, k])
                else:
                    U[j, k, i, 0] = qr_leaf(V[j, i, 0], T[j, i, 0], Y[j, k, i - 1])
            for level in range(0, levels):
                for j in range(i, M - 2 ** level, 2 ** (level + 1)):
                    if j == i and level == levels - 1:
                        R[i, k], Y[j + 2 ** level, k, i] = qr_trailing_update(
                            V[j, i, level + 1], T[j, i, level + 1], U[j, k, i, level],
                            U[j + 2 ** level, k, i, min(level, ceiling(log(M - j - 2 ** level) / log(2)))])
                    else:
                        U[j, k, i, level + 1], Y[j + 2 ** level, k, i] = qr_trailing_update(
                            V[j, i, level + 1], T[j, i, level + 1], U[j, k, i, level],
                            U[j + 2 ** level, k, i, min(level, ceiling(log(M - j - 2 ** level) / log(2)))])
