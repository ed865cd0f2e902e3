# The two commands a newcomer needs: `make demo` and `make test`. Both install missing system
# packages first (scripts/setup.sh is idempotent and fast when nothing is missing).

CARGO ?= cargo
SLNODE = $(or $(CARGO_TARGET_DIR),target)/debug/slnode

.PHONY: setup build test demo tour bench fmt up-soak chaos sim dashboard-shot

setup:
	@scripts/setup.sh

build: setup
	$(CARGO) build --workspace --all-targets

# Doc tests first, so the run closes on nextest's summary of the whole suite. slnode is built
# first because slchaos's smoke test (chaos/tests/smoke.rs) drives the real binary.
test: setup
	$(CARGO) build -p sl-cli
	$(CARGO) test --workspace --doc --quiet
	$(CARGO) nextest run --workspace --no-fail-fast

# A real local cluster: up, status, an object, the leader killed, the node rejoining.
demo: setup
	$(CARGO) build -p sl-cli
	@scripts/demo.sh $(SLNODE)

# The pieces underneath, one by one (policy, LAmbdaPACK, in-process benchmarks).
tour: setup
	$(CARGO) build -p sl-cli
	@scripts/tour.sh $(SLNODE)

# Criterion benchmarks of the pure crates, the tiled-vs-single-call runs at n = 8192, the
# Python VM against python3 on lang/bench, and VM snapshot/restore throughput.
bench: setup
	$(CARGO) bench -p sl-labels
	$(CARGO) bench -p sl-linalg
	$(CARGO) build --release -p sl-cli
	scripts/bench-linalg.sh $(or $(CARGO_TARGET_DIR),target)/release/slnode 8192
	scripts/bench-lang.sh $(or $(CARGO_TARGET_DIR),target)/release/slnode
	OPENBLAS_NUM_THREADS=1 $(or $(CARGO_TARGET_DIR),target)/release/slnode bench snapshot

fmt:
	$(CARGO) fmt --all

# `slnode up --nodes 3` brought up 200 times in a row under CPU load (the test suite does 50).
up-soak: setup
	SLNODE_UP_ROUNDS=200 $(CARGO) nextest run -p sl-cli --test up_soak --no-capture

# The long fault-injection matrix: each nemesis alone and all mixed, 5 nodes, 60 s, all
# workloads, several seeds (`make chaos CHAOS_SEEDS="$(seq 1 20)"` for docs/chaos.md's 20 runs
# per nemesis, about four hours here). Every run goes on whatever the previous one found; the
# table of all of them (slchaos summary) ends the output, and any run that did not pass fails
# the target. Results in chaos-runs/NEMESIS-SEED/.
CHAOS_SEEDS ?= 1 2 3 4
chaos: setup
	$(CARGO) build -p sl-cli -p sl-chaos
	@failed=0; for s in $(CHAOS_SEEDS); do for n in kill pause partition leader membership all; do \
	  rm -rf chaos-runs/$$n-$$s; \
	  $(or $(CARGO_TARGET_DIR),target)/debug/slchaos run --nodes 5 --workload all --nemesis $$n \
	    --duration 60 --seed $$s --out chaos-runs/$$n-$$s || failed=1; done; done; \
	  $(or $(CARGO_TARGET_DIR),target)/debug/slchaos summary chaos-runs/*/; exit $$failed

# The whole-cluster simulation (raft-coordinator/tests/sim.rs) over 10,000 seeds; CI runs 200.
# Failing seeds are listed at the end; `SEED=N cargo test -p sl-coordinator --test sim` replays one.
sim: setup
	SIM_SEEDS=10000 $(CARGO) test --release -p sl-coordinator --test sim -- --nocapture

# A screenshot of the dashboard of a live 3-node cluster running a job (the browser test's own),
# written to ./dashboard.png.
dashboard-shot: setup
	SLNODE_DASHBOARD_SHOT=$(CURDIR)/dashboard.png $(CARGO) nextest run -p sl-cli --test dashboard --no-capture
