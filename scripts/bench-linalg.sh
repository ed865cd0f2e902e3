#!/usr/bin/env bash
# Local executor vs one OpenBLAS call on the whole matrix, same process, same run (issue 8).
# Usage: scripts/bench-linalg.sh [SLNODE] [SIZE]   — prints one JSON line per configuration.
set -euo pipefail
slnode=${1:-target/release/slnode}
n=${2:-8192}
for tile in 1024 2048; do
  blocks=$(( (n + tile - 1) / tile ))
  for program in cholesky gemm; do
    "$slnode" lambdapack run "linalg/programs/$program.py" --arg "N=$blocks" --size "$n" --tile "$tile" \
      --verify "$program" --baseline --json
  done
done
