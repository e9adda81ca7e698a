#!/usr/bin/env bash
# The one prepared check for a borrowed GPU machine (Node 20, this tree with node_modules copied
# over, no network; scripts/gpu-pack.sh packs that and scripts/gpu-device.sh unpacks it there and
# runs this). Every step writes JSON lines into the output folder and has its own
# timeout, and the whole script stays under a fixed budget, so one hang does not eat the loan:
#
#   scripts/gpu-check.sh [OUT_DIR]        (default ./gpu-check-out)
#
# OUT_DIR/steps.jsonl     one line per step: {"step","rc","seconds","timed_out","file"}
# OUT_DIR/env.jsonl       GPU, driver, Vulkan loader and ICDs, ORT providers in the package
# OUT_DIR/cuda.jsonl      `bert-studio devices --install cuda --json` when CUDA_NUPKG is given
# OUT_DIR/devices.jsonl   `bert-studio devices --json`: the probe (a training step per provider)
# OUT_DIR/parity.jsonl    `bert-studio parity --device D --json` per fixture, per GPU device that works
# OUT_DIR/torch.jsonl     PyTorch's step on CUDA (fp32 and bf16 autocast, fused AdamW) per size, where
#                         `python3 -c 'import torch'` finds CUDA: the reference of bench's ratio, same run
# OUT_DIR/bench.jsonl     `bert-studio bench --json --reference torch.jsonl` per size (tiny, mini, small,
#                         base) on each GPU device and the CPU: s/step, host↔device bytes, CPU nodes, ratio
# OUT_DIR/profile.jsonl   scripts/profile-step.ts: the base and tiny step on each GPU device by op type
# OUT_DIR/epoch.jsonl     a from-scratch tiny model, one epoch of the banking77 sample, on each device
#                         (and in mixed precision on WebGPU when the adapter has shader-f16; parity and
#                         bench then also run with --precision fp16)
# OUT_DIR/cluster/        scripts/cluster-check.sh all (per seed of three, an accelerate launch on a GPU
#                         and a 2-process torchrun on CPU), where Node, PyTorch, transformers and
#                         accelerate are all there
# OUT_DIR/*.err           each step's stderr (ORT warnings, Dawn messages)
#
# Environment: GPU_CHECK_BUDGET_S (default 470), FIXTURES (default ../shared/fixtures/parity
# next to the tree), BENCH_STEPS (default 3 timed steps after 2 warm-ups), CUDA_NUPKG and
# CUDA_SHA256 (ONNX Runtime's CUDA provider package file and its sha256, for "Enable NVIDIA CUDA"
# without network).
set -uo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="$(mkdir -p "${1:-./gpu-check-out}" && cd "${1:-./gpu-check-out}" && pwd)"
BUDGET="${GPU_CHECK_BUDGET_S:-470}"
FIXTURES="${FIXTURES:-$ROOT/../shared/fixtures/parity}"
BENCH_STEPS="${BENCH_STEPS:-3}"
CLI=(node "$ROOT/bin/bert-studio.mjs")
cd "$ROOT" || exit 2
: >"$OUT/steps.jsonl"
: >"$OUT/env.jsonl"
: >"$OUT/parity.jsonl"
: >"$OUT/bench.jsonl"
: >"$OUT/torch.jsonl"
: >"$OUT/profile.jsonl"
: >"$OUT/epoch.jsonl"
# The app's data (downloaded models, runs) must not land in the borrowed machine's home.
export BERT_STUDIO_HOME="$OUT/home"
SECONDS=0

# JSON string of $1 (node is the one JSON tool sure to be there).
jstr() { node -e 'process.stdout.write(JSON.stringify(process.argv[1]))' -- "$1"; }

note() {
  # note KEY VALUE...: one {"key": value} line into env.jsonl and on the terminal.
  local key="$1"
  shift
  local line="{\"$key\":$(jstr "$*")}"
  echo "$line" >>"$OUT/env.jsonl"
  echo "$line"
}

# step NAME LIMIT_S DEST CMD...: runs CMD with at most LIMIT_S seconds (less if the budget is
# nearly spent; skipped when under 10 s are left), its JSON stdout lines appended to DEST.
step() {
  local name="$1" limit="$2" dest="$3"
  shift 3
  local left=$((BUDGET - SECONDS))
  if ((left < 10)); then
    echo "{\"step\":$(jstr "$name"),\"skipped\":\"budget spent\"}" | tee -a "$OUT/steps.jsonl"
    return 0
  fi
  ((limit > left)) && limit=$left
  local start=$SECONDS tmp="$OUT/.step.out"
  timeout -k 5 "$limit" "$@" >"$tmp" 2>"$OUT/$name.err"
  local rc=$?
  # Only the JSON lines: the result objects of `--json` commands.
  grep '^{' "$tmp" >>"$dest" || true
  rm -f "$tmp"
  local timed_out=false
  ((rc == 124 || rc == 137)) && timed_out=true
  echo "{\"step\":$(jstr "$name"),\"rc\":$rc,\"seconds\":$((SECONDS - start)),\"limit_s\":$limit,\"timed_out\":$timed_out,\"file\":$(jstr "$(basename "$dest")")}" | tee -a "$OUT/steps.jsonl"
}

echo "gpu-check: writing to $OUT (budget ${BUDGET}s)"

# --- The machine -------------------------------------------------------------------------
note node "$(node --version)"
note uname "$(uname -srm)"
note cpus "$(nproc)"
if command -v nvidia-smi >/dev/null 2>&1; then
  smi="$(timeout 20 nvidia-smi 2>&1)"
  echo "$smi"
  note nvidia_smi "$smi"
  note nvidia_gpus "$(timeout 20 nvidia-smi --query-gpu=name,driver_version,memory.total,compute_cap --format=csv,noheader 2>&1)"
else
  note nvidia_smi "nvidia-smi not found"
fi
note gpu_device_nodes "$(ls /dev/nvidia* /dev/dri/renderD* /dev/dxg 2>/dev/null | tr '\n' ' ')"
# WebGPU on Linux is Dawn on Vulkan: it needs the loader (libvulkan.so.1) and the NVIDIA ICD
# (nvidia_icd.json → libGLX_nvidia.so.0, from the driver's graphics libraries; containers
# without NVIDIA_DRIVER_CAPABILITIES=graphics lack it).
note vulkan_loader "$(ldconfig -p 2>/dev/null | grep -E 'libvulkan\.so\.1' | head -1 || true)"
icds="$(ls /usr/share/vulkan/icd.d/*.json /etc/vulkan/icd.d/*.json /usr/local/share/vulkan/icd.d/*.json 2>/dev/null | tr '\n' ' ')"
note vulkan_icds "$icds"
note vulkan_driver_env "VK_DRIVER_FILES=${VK_DRIVER_FILES:-} VK_ICD_FILENAMES=${VK_ICD_FILENAMES:-}"
glx="$(ldconfig -p 2>/dev/null | grep -E 'libGLX_nvidia\.so\.0' | head -1 || true)"
note nvidia_glx "$glx"
if [[ -z "${VK_ICD_FILENAMES:-}${VK_DRIVER_FILES:-}" && "$icds" != *nvidia* && -n "$glx" ]]; then
  # The driver's Vulkan library is there but not registered: register it for this script only.
  api="$(timeout 20 nvidia-smi --query-gpu=driver_version --format=csv,noheader 2>/dev/null | head -1)"
  printf '{"file_format_version":"1.0.0","ICD":{"library_path":"libGLX_nvidia.so.0","api_version":"1.3.0"}}\n' >"$OUT/nvidia_icd.json"
  export VK_ICD_FILENAMES="$OUT/nvidia_icd.json"
  note vulkan_icd_added "no nvidia_icd.json was installed; using $OUT/nvidia_icd.json → libGLX_nvidia.so.0 (driver $api)"
fi
if command -v vulkaninfo >/dev/null 2>&1; then
  note vulkaninfo "$(timeout 20 vulkaninfo --summary 2>&1 | sed -n '/^Devices:/,$p' | head -40)"
fi
# CUDA's provider is not in the package when it was installed with ONNXRUNTIME_NODE_INSTALL=skip.
ortbin="$(ls -d "$ROOT"/node_modules/onnxruntime-node/bin/napi-v*/linux/x64 2>/dev/null | head -1)"
note ort_files "$(ls "$ortbin" 2>/dev/null | tr '\n' ' ')"
if ls "$ortbin"/libonnxruntime_providers_cuda.so >/dev/null 2>&1; then
  note cuda_ep "libonnxruntime_providers_cuda.so present"
else
  note cuda_ep "not in node_modules/onnxruntime-node (installed with ONNXRUNTIME_NODE_INSTALL=skip; the app installs it into its home instead: Enable NVIDIA CUDA)"
fi
# "Enable NVIDIA CUDA" (issue 12, item 6) installs the provider into the app's home; with no
# network here the package comes as a file (Microsoft.ML.OnnxRuntime.Gpu.Linux at onnxruntime-node's
# version). Wherever the libraries are — that install or onnxruntime-node's own folder — the probe
# below runs a training step on CUDA and, when it works, parity runs on it like WebGPU (bench
# takes cpu|webgpu until the trainer takes CUDA: its cuda steps exit 2 and say so).
if [[ -n "${CUDA_NUPKG:-}" ]]; then
  step cuda-install 180 "$OUT/cuda.jsonl" "${CLI[@]}" devices --install cuda --feed "$CUDA_NUPKG" ${CUDA_SHA256:+--sha256 "$CUDA_SHA256"} --json
  note cuda_install "$(tail -c 1500 "$OUT/cuda-install.err" 2>/dev/null)"
fi
note cuda_runtime "$(ls "$BERT_STUDIO_HOME"/runtimes/onnxruntime-cuda-*/ 2>/dev/null | tr '\n' ' ')"

# --- The device probe ----------------------------------------------------------------------
step devices 120 "$OUT/devices.jsonl" "${CLI[@]}" devices --json
gpus="$(node -e '
  const fs = require("fs");
  const lines = fs.readFileSync(process.argv[1], "utf8").trim().split("\n").filter(Boolean);
  const last = lines.length ? JSON.parse(lines[lines.length - 1]) : { devices: [] };
  // Every GPU provider that ran the probe step, usable or not: its parity numbers say why.
  console.log(last.devices.filter((d) => d.device !== "cpu" && d.works).map((d) => d.device).join(" "));
' "$OUT/devices.jsonl" 2>/dev/null)"
note gpu_devices_that_work "${gpus:-none}"
# Mixed precision needs half-precision shaders (the probe's shaderF16 on WebGPU).
f16="$(node -e '
  const fs = require("fs");
  const lines = fs.readFileSync(process.argv[1], "utf8").trim().split("\n").filter(Boolean);
  const last = lines.length ? JSON.parse(lines[lines.length - 1]) : { devices: [] };
  console.log(last.devices.some((d) => d.device === "webgpu" && d.works && d.shaderF16) ? "yes" : "no");
' "$OUT/devices.jsonl" 2>/dev/null)"
note webgpu_shader_f16 "${f16:-no}"

# --- Parity on each GPU device ---------------------------------------------------------------
if [[ ! -d "$FIXTURES" ]]; then
  note parity "fixtures not found at $FIXTURES (set FIXTURES=...); parity skipped"
elif [[ -z "$gpus" ]]; then
  note parity "no GPU device ran the probe's training step (see devices.jsonl); parity skipped"
else
  for dev in $gpus; do
    for fx in "$FIXTURES"/*/; do
      [[ -f "$fx/expected.json" ]] || continue
      step "parity-$dev-$(basename "$fx")" 60 "$OUT/parity.jsonl" "${CLI[@]}" parity "$fx" --device "$dev" --out "$OUT/parity/$dev/$(basename "$fx")" --json
      if [[ "$dev" == webgpu && "$f16" == yes ]]; then
        step "parity-$dev-fp16-$(basename "$fx")" 60 "$OUT/parity.jsonl" "${CLI[@]}" parity "$fx" --device "$dev" --precision fp16 --out "$OUT/parity/$dev-fp16/$(basename "$fx")" --json
      fi
    done
  done
fi

# --- PyTorch on the same GPU: the reference every ratio below is computed against -------------
if timeout 60 python3 -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)' >/dev/null 2>&1; then
  for size in tiny mini small base; do
    for prec in fp32 bf16; do
      step "torch-$size-$prec" 90 "$OUT/torch.jsonl" python3 "$ROOT/scripts/reference/torch_bench.py" "$size" --device cuda --precision "$prec" --steps 20
    done
  done
else
  note torch "python3 with CUDA PyTorch not found: bench prints no ratio (never one against fixed numbers)"
fi

# --- Bench: each GPU device and the CPU, smaller sizes first -----------------------------------
# `bench --device D`: the result's `device` is the one its sessions ran on; with a reference of
# the same size measured above, the result carries the ratio (GPU: against CUDA fp32).
bench() {
  local dev="$1" size="$2" limit="$3"
  step "bench-$dev-$size" "$limit" "$OUT/bench.jsonl" "${CLI[@]}" bench --size "$size" --steps "$BENCH_STEPS" --device "$dev" --reference "$OUT/torch.jsonl" --json
}
for size in tiny mini small base; do
  limit=60
  [[ "$size" == base ]] && limit=120
  for dev in $gpus cpu; do
    [[ "$dev" == cuda ]] && continue # the trainer takes cpu|webgpu; CUDA is probed and parity-checked above
    bench "$dev" "$size" "$limit"
    if [[ "$dev" == webgpu && "$f16" == yes ]]; then
      step "bench-$dev-fp16-$size" "$limit" "$OUT/bench.jsonl" "${CLI[@]}" bench --size "$size" --steps "$BENCH_STEPS" --device "$dev" --precision fp16 --reference "$OUT/torch.jsonl" --json
    fi
  done
done

# --- Where a GPU step's time goes (ORT profile of the third step) ----------------------------
for dev in $gpus; do
  [[ "$dev" == cuda ]] && continue
  for size in base tiny; do
    step "profile-$dev-$size" 90 "$OUT/profile.jsonl" node "$ROOT/node_modules/tsx/dist/cli.mjs" "$ROOT/scripts/profile-step.ts" "$size" "$dev" 16 128
  done
done

# --- A from-scratch epoch of the banking77 sample on each device ------------------------------
sample="$ROOT/resources/samples/banking77-support-tickets.csv"
if [[ -f "$sample" ]]; then
  ds="$("${CLI[@]}" import "$sample" --task classification --project gpu-check --json 2>"$OUT/epoch-import.err" | tail -1 | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{try{const r=JSON.parse(s);console.log(typeof r.dataset === "number" ? r.dataset : "")}catch{console.log("")}})')"
  if [[ -n "$ds" ]]; then
    for dev in $gpus cpu; do
      [[ "$dev" == cuda ]] && continue
      step "epoch-$dev" 120 "$OUT/epoch.jsonl" "${CLI[@]}" train --task classification --dataset "$ds" --from-scratch tiny --epochs 1 --patience 0 --device "$dev" --precision fp32 --json
      if [[ "$dev" == webgpu && "$f16" == yes ]]; then
        step "epoch-$dev-fp16" 120 "$OUT/epoch.jsonl" "${CLI[@]}" train --task classification --dataset "$ds" --from-scratch tiny --epochs 1 --patience 0 --device "$dev" --precision fp16 --json
      fi
    done
  else
    note epoch "the banking77 sample did not import (see epoch-import.err)"
  fi
fi

# --- Cluster jobs (issue 14): accelerate launch on the GPU, 2-process torchrun on CPU, 3 seeds --
if [[ -x "$ROOT/scripts/cluster-check.sh" ]] && timeout 60 python3 -c 'import torch, transformers, accelerate' >/dev/null 2>&1; then
  step cluster 300 "$OUT/cluster.jsonl" "$ROOT/scripts/cluster-check.sh" all "$OUT/cluster"
else
  note cluster "PyTorch with transformers and accelerate not found: cluster-check skipped"
fi

echo "{\"step\":\"done\",\"seconds\":$SECONDS,\"out\":$(jstr "$OUT")}" | tee -a "$OUT/steps.jsonl"
