#!/usr/bin/env bash
# Installs the system packages slnode's build and tests need on a fresh Debian machine.
# Idempotent and non-interactive: packages already present are skipped, and apt is only
# consulted when something is missing, so a warm machine pays almost nothing.
set -euo pipefail

# Why each package is here:
#   librocksdb-dev  - link Debian's RocksDB 7.8 instead of compiling ~18 min of C++ (objstore, coordinator)
#   libclang-dev    - bindgen for the -sys crates (rocksdb)
#   libopenblas-dev - BLAS/LAPACK for the tile kernels (linalg), linked through blas-src
#   liblapacke-dev  - LAPACK headers/symbols some kernels reach through the C interface
#   nftables        - partitions between loopback addresses in multi-process tests
#   iproute2        - network namespaces and extra loopback addresses in multi-process tests
#   python3         - differential tests of the VM against CPython, and baselines
#   pkg-config      - locating the system libraries above
packages=(librocksdb-dev libclang-dev libopenblas-dev liblapacke-dev nftables iproute2 python3 pkg-config)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "setup: installing ${missing[*]}" >&2
if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
else
  SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
