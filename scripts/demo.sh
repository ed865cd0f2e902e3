#!/usr/bin/env bash
# The main demo: what slnode can do today, run for real against the shipped example policy.
set -euo pipefail
slnode=${1:?usage: demo.sh PATH-TO-SLNODE}
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
