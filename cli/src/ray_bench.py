# The peer of `slnode bench kappa`: the same five measurements with Ray on this machine, in the
# same run. Prints one JSON object. Run by `slnode bench kappa --ray PYTHON`.
import json
import sys
import time

import ray


@ray.remote
def noop():
    return 1


@ray.remote
def inc(x):
    return x + 1


@ray.remote
class Ponger:
    def ping(self, x):
        return x


def round_trip():
    times = []
    for _ in range(200):
        t = time.time()
        ray.get(noop.remote())
        times.append((time.time() - t) * 1000)
    times.sort()
    return {"p50": times[len(times) // 2], "p99": times[len(times) * 99 // 100]}


def throughput():
    t = time.time()
    total = sum(ray.get([noop.remote() for _ in range(2000)]))
    return {"tasks_per_s": total / (time.time() - t)}


def chain():
    t = time.time()
    f = inc.remote(0)
    for _ in range(99):
        f = inc.remote(f)
    value = ray.get(f)
    return {"ms": (time.time() - t) * 1000, "value": value}


def actor_call():
    ponger = Ponger.remote()
    ray.get(ponger.ping.remote(0))
    rounds = 300
    t = time.time()
    for i in range(rounds):
        ray.get(ponger.ping.remote(i))
    return {"ms": (time.time() - t) / rounds * 1000}


def main():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    # Warm-up: workers started, functions exported.
    ray.get([noop.remote() for _ in range(50)])
    out = {
        "version": ray.__version__,
        "round_trip_ms": round_trip(),
        "tasks_per_s": throughput()["tasks_per_s"],
        "chain_100_ms": chain()["ms"],
        "actor_call_ms": actor_call()["ms"],
    }
    ray.shutdown()
    json.dump(out, sys.stdout)
    print()


main()
