# The two commands a newcomer needs: `make demo` and `make test`. Both install missing system
# packages first (scripts/setup.sh is idempotent and fast when nothing is missing).

CARGO ?= cargo
SLNODE = $(or $(CARGO_TARGET_DIR),target)/debug/slnode

.PHONY: setup build test demo bench fmt

setup:
	@scripts/setup.sh

build: setup
	$(CARGO) build --workspace --all-targets

test: setup
	$(CARGO) nextest run --workspace --no-fail-fast
	$(CARGO) test --workspace --doc

demo: setup
	$(CARGO) build -p sl-cli
	@scripts/demo.sh $(SLNODE)

bench: setup
	$(CARGO) bench -p sl-labels

fmt:
	$(CARGO) fmt --all
