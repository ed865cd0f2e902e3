#!/usr/bin/env bash
# Times each program under python3 and under `slnode run` (best of 3, same run) and prints the
# ratio slnode/python3 with a geometric mean per set: the micro-benchmarks in lang/bench and
# the pyperformance-like programs of the differential corpus (lang/tests/programs/bench_*.py:
# nbody, richards, fannkuch, float, generators, json round trip, regex, nqueens, chaos, …).
# Process start would weigh in the ratio (python3's is 30-150 ms depending on the machine, and
# the corpus programs run for tens of milliseconds): each program is timed as its text repeated
# until python3 spends about a second in it beyond its start (the same file for both
# interpreters, and both outputs must still agree).
# Usage: bench-lang.sh PATH-TO-SLNODE
set -euo pipefail
# OpenBLAS starts its thread pool when the binary loads; its idle threads would spin beside the VM.
export OPENBLAS_NUM_THREADS=1
slnode=${1:?usage: bench-lang.sh PATH-TO-SLNODE}
python3 - "$slnode" lang/bench/*.py -- lang/tests/programs/bench_*.py <<'PY'
import math, os, shutil, subprocess, sys, tempfile, time
slnode, rest = sys.argv[1], sys.argv[2:]
cut = rest.index('--')
sets = [("micro (lang/bench)", rest[:cut]), ("pyperformance-like (bench_*.py)", rest[cut + 1:])]
def best(cmd, runs=3):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        out = subprocess.run(cmd, capture_output=True, check=True).stdout
        times.append(time.perf_counter() - t)
    return min(times), out
start, _ = best(["python3", "-c", "pass"])
work = tempfile.mkdtemp(prefix="bench-lang-")
def sized(f):
    once, _ = best(["python3", f], runs=1)
    reps = max(1, min(200, round(1.0 / max(once - start, 0.002))))
    text = open(f).read().rstrip("\n") + "\n"
    path = os.path.join(work, os.path.basename(f))
    with open(path, "w") as out:
        out.write(text * reps)
    return path, reps
for title, files in sets:
    ratios = []
    print(f"{title}\n{'program':<24}{'reps':>6}{'python3 s':>10}{'slnode s':>10}{'ratio':>8}")
    for f in files:
        f, reps = sized(f)
        py, a = best(["python3", f])
        sl, b = best([slnode, "run", f])
        if a != b:
            print(f"{f}: outputs differ", file=sys.stderr); sys.exit(1)
        ratios.append(sl / py)
        print(f"{f.split('/')[-1]:<24}{reps:>6}{py:>10.3f}{sl:>10.3f}{sl/py:>8.2f}")
    geo = math.exp(sum(map(math.log, ratios)) / len(ratios))
    print(f"geometric mean of slnode/python3: {geo:.2f}; worst {max(ratios):.2f}\n")
shutil.rmtree(work)
PY
