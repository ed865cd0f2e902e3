# Tiled right-looking Cholesky: O (lower) with O·Oᵀ = I, for an N×N grid of tiles.
# S is the 3-D intermediate that keeps the program single-assignment: S[j, k, i] is tile (j, k) of
# the trailing matrix after i elimination steps; step 0 reads the input I directly.
def cholesky(O: BigMatrix, I: BigMatrix, S: BigMatrix, N: int):
    for i in range(0, N):
        if i == 0:
            O[i, i] = chol(I[i, i])
        else:
            O[i, i] = chol(S[i, i, i])
        for j in range(i + 1, N):
            if i == 0:
                O[j, i] = trsm(O[i, i], I[j, i])
            else:
                O[j, i] = trsm(O[i, i], S[j, i, i])
        for j in range(i + 1, N):
            for k in range(i + 1, j + 1):
                if i == 0:
                    S[j, k, i + 1] = syrk(I[j, k], O[j, i], O[k, i])
                else:
                    S[j, k, i + 1] = syrk(S[j, k, i], O[j, i], O[k, i])
