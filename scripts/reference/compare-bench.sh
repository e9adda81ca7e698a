#!/usr/bin/env bash
# Back-to-back engine comparison with PyTorch (not part of the product or its tests).
# Alternates `bert-studio bench` and torch_bench.py for each size, ROUNDS times, so both see the
# same machine load; report the fastest median of each, as ../shared/fixtures/parity/README.md does.
# Needs Debian's python3-torch with OpenBLAS (apt-get install python3-torch libopenblas0-pthread:
# the generic reference BLAS it otherwise uses is ~10x slower).
# OpenBLAS picks its kernels from CPUID, which virtual machines often hide: on this project's
# build machine it fell back to "Prescott" (SSE3) kernels at 39 GFLOP/s instead of 224 with its
# SkylakeX ones. Name the core type so PyTorch runs at its best (override OPENBLAS_CORETYPE).
# Usage: scripts/reference/compare-bench.sh [ROUNDS] [SIZES...]  > results.jsonl
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ -z "${OPENBLAS_CORETYPE:-}" ]; then
  if grep -q avx512f /proc/cpuinfo; then export OPENBLAS_CORETYPE=SkylakeX; elif grep -q avx2 /proc/cpuinfo; then export OPENBLAS_CORETYPE=Haswell; fi
fi
rounds=${1:-2}
shift || true
sizes=${*:-tiny mini small base}
for size in $sizes; do
  for _ in $(seq "$rounds"); do
    node bin/bert-studio.mjs bench --size "$size" --json | tail -1
    OMP_WAIT_POLICY=PASSIVE OPENBLAS_NUM_THREADS=2 /usr/bin/python3 scripts/reference/torch_bench.py "$size"
    echo "{\"load_avg\": \"$(cut -d' ' -f1-3 /proc/loadavg)\"}"
  done
done
