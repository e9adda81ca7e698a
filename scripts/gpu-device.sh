#!/usr/bin/env bash
# Runs on the borrowed GPU machine, from the checkout's root, after scripts/gpu-pack.sh packed DIR:
#
#   scripts/gpu-device.sh [DIR] [OUT]    (defaults .gpu and $OUT, the folder whose files come back)
#
# Unpacks Node, node_modules and the parity fixtures that fit, the Vulkan loader (dpkg -x into /, as the machine
# has none), registers the NVIDIA Vulkan driver where the container keeps it outside the loader's
# search path, runs scripts/gpu-check.sh, and leaves at most 8 files in OUT: the JSON lines a
# reader needs first and one archive with everything (the step logs, parity outputs, cluster jobs).
# On the device tool: command `bash scripts/gpu-device.sh .gpu "$OUT"`, carry [".gpu"], timeout
# 600 s (unpacking takes seconds; gpu-check.sh gets the rest of 560 s as its budget).
set -uo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DIR="$(cd "${1:-$ROOT/.gpu}" && pwd)" || exit 2
OUT_DIR="${2:-${OUT:-}}"
if [[ -z "$OUT_DIR" ]]; then
  echo "gpu-device: no output folder (pass one, or set OUT)." >&2
  exit 2
fi
mkdir -p "$OUT_DIR"
OUT_DIR="$(cd "$OUT_DIR" && pwd)"
cd "$ROOT" || exit 2

work="${GPU_WORK:-/tmp/bert-studio-gpu}"
rm -rf "$work"
mkdir -p "$work"
SECONDS=0
xz -dc "$DIR/bundle.tar.xz" | tar -C "$work" -xf - || {
  echo "gpu-device: could not unpack $DIR/bundle.tar.xz" >&2
  exit 2
}
echo "gpu-device: unpacked in ${SECONDS}s"
mkdir -p "$work/fixtures"
for fx in "$DIR"/fixture-*.tar.xz; do
  [[ -f "$fx" ]] && xz -dc "$fx" | tar -C "$work/fixtures" -xf -
done
for deb in "$DIR"/*.deb; do
  [[ -f "$deb" ]] && dpkg -x "$deb" /
done
ldconfig 2>/dev/null || true

# The checkout has no node_modules of its own there; a link keeps every path the same as here.
if [[ ! -e "$ROOT/node_modules" ]]; then
  ln -s "$work/node_modules" "$ROOT/node_modules"
fi
export PATH="$work/bin:$PATH"

# Containers often keep the driver's ICD under /usr/local/nvidia rather than the loader's paths.
if [[ -z "${VK_DRIVER_FILES:-}${VK_ICD_FILENAMES:-}" ]]; then
  for icd in /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json; do
    if [[ -f "$icd" ]]; then
      export VK_DRIVER_FILES="$icd"
      break
    fi
  done
fi

check="$work/gpu-check-out"
# The call may run 600 s: what unpacking took, and ~30 s for packing the results, come off it.
budget="${GPU_CHECK_BUDGET_S:-$((560 - SECONDS))}"
GPU_CHECK_BUDGET_S="$budget" FIXTURES="$work/fixtures" "$ROOT/scripts/gpu-check.sh" "$check"
rc=$?

# What comes back: the summaries as they are (≤ 7; env.jsonl is in the archive) and the rest
# of the folder as one archive.
for f in steps devices parity bench torch profile epoch; do
  [[ -s "$check/$f.jsonl" ]] && cp "$check/$f.jsonl" "$OUT_DIR/"
done
# Weights and the app's data folder stay behind: each returned file is capped at 16 MiB.
tar -C "$work" --exclude='gpu-check-out/home' --exclude='*.onnx' --exclude='*.safetensors' --exclude='*.bin' --exclude='*.pt' --exclude='*.data' -cJf "$OUT_DIR/gpu-check.tar.xz" gpu-check-out
echo "gpu-device: gpu-check exited $rc after ${SECONDS}s; results in $OUT_DIR"
exit $rc
