# Blocked forward substitution X = L⁻¹·B: L is an N×N grid of tiles (lower triangular), B an N×M
# grid. S[i, j, k] is B[i, j] minus the first k updates L[i, k']·X[k', j].
def trsm(L: BigMatrix, B: BigMatrix, S: BigMatrix, X: BigMatrix, N: int, M: int):
    for j in range(0, M):
        for i in range(0, N):
            for k in range(0, i):
                if k == 0:
                    S[i, j, 1] = gemm_sub(B[i, j], L[i, 0], X[0, j])
                else:
                    S[i, j, k + 1] = gemm_sub(S[i, j, k], L[i, k], X[k, j])
            if i == 0:
                X[i, j] = trsm_left(L[i, i], B[i, j])
            else:
                X[i, j] = trsm_left(L[i, i], S[i, j, i])
