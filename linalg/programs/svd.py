# Reduction of an M×N grid of tiles (M >= N) to upper band form, numpywren's first step of the SVD:
# alternate a CAQR step on tile column i (as in qr.py) and a CA-LQ step on tile row i right of the
# diagonal (the same binary tree over columns, with lq_* kernels), so that only the diagonal tiles
# (upper triangular) and the tiles just right of them (lower triangular) are left. B holds that band:
# B[i, i] and B[i, i + 1]; its singular values are A's, computed on one node (dgbbrd to bidiagonal,
# then dbdsqr) by `lambdapack run --verify svd`.
#
# States: Y[j, k, i] is tile (j, k) after the QR step i, Z[j, k, i] after the LQ step i; Rrow[i, k]
# is row i after the QR step (the LQ step's panel). U and W are the trees' working tiles, Rp and Lp
# the panels' triangles at each tree level. VQ/TQ and VL/TL are the Householder blocks.
def svd(A: BigMatrix, B: BigMatrix, VQ: BigMatrix, TQ: BigMatrix, VL: BigMatrix, TL: BigMatrix,
        Rp: BigMatrix, Lp: BigMatrix, Rrow: BigMatrix, U: BigMatrix, W: BigMatrix, Y: BigMatrix,
        Z: BigMatrix, M: int, N: int):
    for i in range(0, N):
        # QR step on tile column i (rows i..M-1); the input is A at i == 0, else Z of the LQ step.
        levels = ceiling(log(M - i) / log(2))
        for j in range(i, M):
            if i == 0:
                VQ[j, i, 0], TQ[j, i, 0], Rp[j, i, 0] = qr_factor(A[j, i])
            else:
                VQ[j, i, 0], TQ[j, i, 0], Rp[j, i, 0] = qr_factor(Z[j, i, i - 1])
        for level in range(0, levels):
            for j in range(i, M - 2 ** level, 2 ** (level + 1)):
                VQ[j, i, level + 1], TQ[j, i, level + 1], Rp[j, i, level + 1] = qr_pair(
                    Rp[j, i, level],
                    Rp[j + 2 ** level, i, min(level, ceiling(log(M - j - 2 ** level) / log(2)))])
        B[i, i] = copy(Rp[i, i, levels])
        for k in range(i + 1, N):
            for j in range(i, M):
                if i == 0:
                    U[j, k, i, 0] = qr_leaf(VQ[j, i, 0], TQ[j, i, 0], A[j, k])
                else:
                    U[j, k, i, 0] = qr_leaf(VQ[j, i, 0], TQ[j, i, 0], Z[j, k, i - 1])
            for level in range(0, levels):
                for j in range(i, M - 2 ** level, 2 ** (level + 1)):
                    if j == i and level == levels - 1:
                        Rrow[i, k], Y[j + 2 ** level, k, i] = qr_trailing_update(
                            VQ[j, i, level + 1], TQ[j, i, level + 1], U[j, k, i, level],
                            U[j + 2 ** level, k, i, min(level, ceiling(log(M - j - 2 ** level) / log(2)))])
                    else:
                        U[j, k, i, level + 1], Y[j + 2 ** level, k, i] = qr_trailing_update(
                            VQ[j, i, level + 1], TQ[j, i, level + 1], U[j, k, i, level],
                            U[j + 2 ** level, k, i, min(level, ceiling(log(M - j - 2 ** level) / log(2)))])
        # LQ step on tile row i, columns i+1..N-1 (relative column c = k - i - 1, tree as above).
        width = N - i - 1
        lq_levels = ceiling(log(max(width, 1)) / log(2))
        for k in range(i + 1, N):
            VL[i, k, 0], TL[i, k, 0], Lp[i, k, 0] = lq_factor(Rrow[i, k])
        for level in range(0, lq_levels):
            for k in range(i + 1, N - 2 ** level, 2 ** (level + 1)):
                VL[i, k, level + 1], TL[i, k, level + 1], Lp[i, k, level + 1] = lq_pair(
                    Lp[i, k, level],
                    Lp[i, k + 2 ** level, min(level, ceiling(log(N - k - 2 ** level) / log(2)))])
        if width > 0:
            B[i, i + 1] = copy(Lp[i, i + 1, lq_levels])
        for j in range(i + 1, M):
            for k in range(i + 1, N):
                if width == 1:
                    Z[j, k, i] = lq_leaf(VL[i, k, 0], TL[i, k, 0], Y[j, k, i])
                else:
                    W[j, k, i, 0] = lq_leaf(VL[i, k, 0], TL[i, k, 0], Y[j, k, i])
            for level in range(0, lq_levels):
                for k in range(i + 1, N - 2 ** level, 2 ** (level + 1)):
                    if k == i + 1 and level == lq_levels - 1:
                        Z[j, k, i], Z[j, k + 2 ** level, i] = lq_trailing_update(
                            VL[i, k, level + 1], TL[i, k, level + 1], W[j, k, i, level],
                            W[j, k + 2 ** level, i, min(level, ceiling(log(N - k - 2 ** level) / log(2)))])
                    else:
                        W[j, k, i, level + 1], Z[j, k + 2 ** level, i] = lq_trailing_update(
                            VL[i, k, level + 1], TL[i, k, level + 1], W[j, k, i, level],
                            W[j, k + 2 ** level, i, min(level, ceiling(log(N - k - 2 ** level) / log(2)))])
