#!/usr/bin/env bash
# Installs the system packages slnode's build and tests need on a fresh Debian machine.
# Idempotent and non-interactive: packages already present are skipped, and apt is only
# consulted when something is missing, so a warm machine pays almost nothing.
set -euo pipefail

# Why each package is here:
#   librocksdb-dev  - link Debian's RocksDB 7.8 instead of compiling ~18 min of C++ (objstore, coordinator)
#   libclang-dev    - bindgen for the -sys crates (rocksdb)
#   libopenblas-dev - BLAS/LAPACK for the tile kernels (linalg), linked through blas-src
#   build-essential - a C/C++ compiler and linker for the -sys crates and the final link
#   nftables        - partitions between loopback addresses in multi-process tests
#   iproute2        - network namespaces and extra loopback addresses in multi-process tests
#   python3         - differential tests of the VM against CPython, and baselines
#   pkg-config      - locating the system libraries above
#   curl            - examples/studio/run.sh drives the HTTP gateway with it (and its test)
#   chromium        - the dashboard's test renders it in headless Chromium
packages=(build-essential librocksdb-dev libclang-dev libopenblas-dev nftables iproute2 python3 pkg-config curl chromium)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -ne 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  SUDO=
  if [ "$(id -u)" -ne 0 ]; then
    SUDO=sudo
  fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The Rust toolchain comes from rustup (the workspace uses edition 2024 and needs a recent
# stable); Debian 12's own rustc is too old. Setup does not install a toolchain: it says what is
# wrong here instead of letting the build fail later with a less clear message.
need_rust=1.88
if ! command -v cargo >/dev/null 2>&1; then
  echo "setup: no cargo on PATH; install Rust $need_rust or newer with rustup (https://rustup.rs)" >&2
  exit 1
fi
have_rust=$(rustc --version | awk '{print $2}')
if [ "$(printf '%s\n%s\n' "$need_rust" "$have_rust" | sort -V | head -1)" != "$need_rust" ]; then
  echo "setup: rustc $have_rust is older than $need_rust; run 'rustup update stable'" >&2
  exit 1
fi

# The test runner. Built from crates.io once (a few minutes on two cores), then found on PATH.
if ! cargo nextest --version >/dev/null 2>&1; then
  echo "setup: installing cargo-nextest" >&2
  cargo install --locked cargo-nextest >&2
fi
