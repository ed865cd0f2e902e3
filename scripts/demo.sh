#!/usr/bin/env bash
# The main demo: a real 3-node slnode cluster on this machine (one loopback address per node,
# background processes, logs in files), its status, the example Kappa jobs submitted and their
# results printed (one under a 1 s forced timeout, resuming from checkpoints), an object stored
# and read back, the leader killed with SIGKILL mid-job and the job still finishing, the killed
# node rejoining. The cluster keeps running afterwards; `slnode down --dir DIR` stops it.
set -euo pipefail
slnode=${1:?usage: demo.sh PATH-TO-SLNODE [DIR]}
dir=${2:-./slnode-cluster}
config="$dir/client.toml"
say() { printf '\n== %s\n' "$*"; }
run() { printf '$ slnode %s\n' "$*"; "$slnode" "$@"; }

say "Bring up a local 3-node cluster (127.0.0.11-13); 'up' waits until it is healthy"
run up --nodes 3 --dir "$dir"

say "Its status: who leads, terms, commit and applied indexes, objects stored"
run status --config "$config" || true

examples=$(cd "$(dirname "$0")/../examples" && pwd)
job() {  # job FILE EXPECTED [submit options…]: submit, wait, print the result line, check it
  local file=$1 expected=$2; shift 2
  printf '$ slnode submit examples/%s %s --wait --json\n' "$file" "$*"
  local out
  if ! out=$("$slnode" submit "$examples/$file" "$@" --wait --json --config "$config" 2>"$dir/submit.err"); then
    echo "demo: job $file failed:" >&2
    cat "$dir/submit.err" >&2
    printf '%s\n' "$out" | tail -1 >&2
    exit 1
  fi
  printf '%s\n' "$out" | tail -1 | EXPECTED="$expected" python3 -c '
import json, os, sys
j = json.load(sys.stdin)
print("   job %s: %s, result %s, %s resumes after forced timeouts" % (j["job"], j["status"], json.dumps(j["result"]), j["resumes"]))
if j["status"] != "done" or json.dumps(j["result"]) != os.environ["EXPECTED"]:
    sys.exit("demo: expected status done and result %s" % os.environ["EXPECTED"])
'
}

say "Kappa jobs: ordinary Python with rt.spawn, futures and queues, run across the cluster"
job fib.py 8 --event '{"n": 6}'
job pingpong.py '"pingpong"'
job work_queue.py 499500
job tree_sum.py 210
job map_spawn.py 25
say "20000! in pure-Python big-integer arithmetic under a 1 s 'lambda limit': cut off, resumed"
job factorial.py 77338 --timeout 1

say "Store an object (replicated on 2 of the 3 nodes) and read it back"
printf 'hello from slnode at %s\n' "$(date -u +%FT%TZ)" > "$dir/hello.txt"
run object put greeting "$dir/hello.txt" --config "$config"
run object get greeting --config "$config"

say "Kill the leader's process with SIGKILL while a job runs; the other two elect a new leader"
id=$("$slnode" submit "$examples/factorial.py" --timeout 1 --json --config "$config" | python3 -c 'import json,sys; print(json.load(sys.stdin)["job"])')
echo "submitted job $id (factorial.py, --timeout 1)"
sleep 2
leader=$("$slnode" status --json --config "$config" | python3 -c 'import json,sys; print(json.load(sys.stdin)["leader"])')
for node in "$dir"/node-*; do
  if [ "$(sed -n 's/^id = //p' "$node/node.toml" | head -1)" = "$leader" ]; then
    echo "kill -9 $(cat "$node/pid")   # node $leader, the leader"
    kill -9 "$(cat "$node/pid")"
  fi
done
sleep 2
run status --config "$config" || true
run object get greeting --config "$config"
say "The job carries on under the new leader"
"$slnode" logs "$id" -f --config "$config" | cut -c1-60
run job "$id" --config "$config"
status=$("$slnode" job "$id" --json --config "$config" | python3 -c 'import json,sys; j=json.load(sys.stdin); print(j["status"], j["result"])')
if [ "$status" != "done 77338" ]; then
  echo "demo: the job that lost its leader ended as '$status', expected 'done 77338'" >&2
  exit 1
fi

say "Restart it: 'up' starts nodes that are not running; it rejoins and catches up"
run up --nodes 3 --dir "$dir" >/dev/null
run status --config "$config"

say "The cluster keeps running. Try 'slnode status --config $config', add a node with"
echo "'slnode up --nodes 4 --dir $dir' (a non-voting member), and stop it all with"
echo "'slnode down --dir $dir'. The tour of the pieces underneath: 'make tour'."
