#!/usr/bin/env bash
# The tour: the pieces underneath the cluster, one by one (policy, LAmbdaPACK, coordinator and
# object-store benchmarks in one process). The main demo is scripts/demo.sh.
set -euo pipefail
slnode=${1:?usage: tour.sh PATH-TO-SLNODE}
policy=examples/photo-policy.toml
run() { printf '\n$ slnode %s\n' "$*"; "$slnode" "$@" || true; }

echo "== The photographer studio's security policy (Trapeze's example lattice)"
run policy check "$policy"
run policy show "$policy"

echo
echo "== Flow decisions: data moves only up the lattice"
run policy flows "$policy" public owner
run policy flows "$policy" client1CC owner
run policy flows "$policy" @ann @ben

echo
echo "== A faceted key: each reader sees the newest value written at or below its label"
run policy faceted "$policy" \
  'write:owner=studio-draft' 'write:@ann=ann-edit' \
  'read:public' 'read:owner' 'read:owner{*}' 'read:@ben' \
  'write:public=released' 'read:owner{*}' 'read:@ben'

echo
echo "== LAmbdaPACK: tiled Cholesky as a 12-line loop program; its DAG is derived, never expanded"
run lambdapack dag linalg/programs/cholesky.py --arg N=4
echo
echo "== Run it on a 2000x2000 SPD matrix in 500x500 tiles, against one LAPACK call on the whole matrix"
run lambdapack run linalg/programs/cholesky.py --arg N=4 --size 2000 --tile 500 --verify cholesky --baseline
echo
echo "== TSQR of a 3250x250 matrix (13 row tiles): a binary tree of tile QRs (odd levels read zero blocks)"
run lambdapack run linalg/programs/tsqr.py --arg N=13 --size 3250x250 --tile 250 --verify qr

echo
echo "== A 3-voter Raft coordinator over QUIC with synced RocksDB logs: calls, throughput, then the"
echo "   leader is crashed and the time until a new leader commits is measured"
run bench coordinator --calls 200 --throughput-calls 2000

echo
echo "== The replicated object store on 3 nodes (R=2): durable puts, local and remote reads"
run bench objstore --tiles 8 --small-puts 1000
