#!/usr/bin/env bash
# Takes one run of the app to "the cluster" and back, and checks that both agree:
#
#   scripts/cluster-check.sh prepare OUT   (needs Node: this tree)  the app's own run + export-job
#   scripts/cluster-check.sh run OUT       (needs python3 with torch, transformers, accelerate; no Node, no network)
#   scripts/cluster-check.sh import OUT    (needs Node)  bert-studio models add of what `run` trained
#   scripts/cluster-check.sh all OUT       the three in a row, where Node and PyTorch are both there
#
# prepare: imports test/fixtures/cluster/banking6.csv (955 BANKING77 tickets, 6 intents, fixed
#   splits), trains a tiny model from scratch (OUT/app-run.json) and writes OUT/job with
#   `bert-studio export-job` (2.4 MB: carry OUT to the GPU machine).
# run: (1) `accelerate launch` on one GPU -> OUT/gpu1, (2) `torchrun --nproc_per_node 2` on CPU
#   processes with gloo -> OUT/cpu2; each must end within CLUSTER_TOL (0.02) of the app's test
#   accuracy and macro-F1 (scripts/cluster-check/compare.py).
# import: brings OUT/gpu1/model (else OUT/cpu2/model) back with `bert-studio models add`, where
#   the app evaluates it on the run's test split; that must agree with the cluster's own numbers.
#
# OUT/checks.jsonl gets one JSON line per check; the exit code is 0 only if every check passed
# (2: a missing tool or file, said in one sentence).
# Environment: CLUSTER_TOL (0.02), CLUSTER_EPOCHS (30), CLUSTER_GPU (0), CLUSTER_STEP_TIMEOUT_S (900).
set -uo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
MODE="${1:-}"
if [[ -z "$MODE" || -z "${2:-}" ]]; then
  echo "usage: scripts/cluster-check.sh prepare|run|import|all OUT_DIR" >&2
  exit 2
fi
OUT="$(mkdir -p "$2" && cd "$2" && pwd)"
TOL="${CLUSTER_TOL:-0.02}"
EPOCHS="${CLUSTER_EPOCHS:-30}"
STEP_TIMEOUT="${CLUSTER_STEP_TIMEOUT_S:-900}"
COMPARE=(python3 "$ROOT/scripts/cluster-check/compare.py")
FAILED=0
touch "$OUT/checks.jsonl"

need() {
  # need TOOL SENTENCE: exit 2 with the sentence when TOOL is not on PATH.
  command -v "$1" >/dev/null 2>&1 || { echo "cluster-check: $2" >&2; exit 2; }
}

check() {
  # check LABEL RUN_METRICS: compare with the app's run, record the line, remember a failure.
  local line
  line="$("${COMPARE[@]}" "$OUT/app-metrics.json" "$2" --tol "$TOL" --label "$1")"
  local rc=$?
  echo "$line" | tee -a "$OUT/checks.jsonl"
  [[ $rc -eq 0 ]] || FAILED=1
}

prepare() {
  need node "prepare needs Node 20 and this tree with node_modules (it runs the app's own training)."
  local cli=(node "$ROOT/bin/bert-studio.mjs" --home "$OUT/home")
  rm -rf "$OUT/home" "$OUT/job"
  "${cli[@]}" import "$ROOT/test/fixtures/cluster/banking6.csv" --task classification --split-col split --project cluster-check --json >"$OUT/import.json" || exit 1
  # The app's run: tiny from scratch, fixed seed; its metrics are what the cluster must reproduce.
  "${cli[@]}" train --task classification --dataset 1 --from-scratch tiny --epochs "$EPOCHS" --batch-size 16 --lr 1e-3 --max-length 32 --patience 5 --seed 5 --json >"$OUT/app-run.json" || exit 1
  python3 - "$OUT/app-run.json" "$OUT/app-metrics.json" <<'PY' || exit 1
import json, sys
lines = [l for l in open(sys.argv[1], encoding="utf-8").read().splitlines() if l.startswith("{")]
run = json.loads(lines[-1])
json.dump({"run": run["run"], **run["metrics"]}, open(sys.argv[2], "w"), indent=2)
PY
  "${cli[@]}" export-job --run 1 --out "$OUT/job" --json >"$OUT/export-job.json" || exit 1
  echo "cluster-check: prepared $OUT/job (app run 1: $(python3 -c "import json; m=json.load(open('$OUT/app-metrics.json'))['test']; print('test accuracy %.4f, macro-F1 %.4f' % (m['accuracy'], m['macro_f1']))"))"
}

run_cluster() {
  need python3 "run needs python3 with torch, transformers and accelerate."
  [[ -f "$OUT/job/train.py" && -f "$OUT/app-metrics.json" ]] || { echo "cluster-check: $OUT has no prepared job; run 'scripts/cluster-check.sh prepare $OUT' where Node is, and carry $OUT here." >&2; exit 2; }
  python3 -c "import torch, transformers, accelerate" 2>/dev/null || { echo "cluster-check: python3 cannot import torch, transformers and accelerate; install the job's requirements.txt." >&2; exit 2; }
  need accelerate "the 'accelerate' command is not on PATH (pip install accelerate)."
  need torchrun "the 'torchrun' command is not on PATH (it comes with PyTorch)."
  export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 TOKENIZERS_PARALLELISM=false
  if python3 -c "import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)"; then
    rm -rf "$OUT/gpu1"
    CUDA_VISIBLE_DEVICES="${CLUSTER_GPU:-0}" timeout "$STEP_TIMEOUT" accelerate launch --num_processes 1 --num_machines 1 --mixed_precision no --dynamo_backend no \
      "$OUT/job/train.py" --output "$OUT/gpu1" >"$OUT/gpu1.log" 2>&1
    echo "cluster-check: accelerate launch (1 GPU) exited $?; log in $OUT/gpu1.log"
    check accelerate-1gpu "$OUT/gpu1/metrics.json"
  else
    echo '{"check":"accelerate-1gpu","ok":false,"error":"torch.cuda.is_available() is false: no GPU for this check"}' | tee -a "$OUT/checks.jsonl"
    FAILED=1
  fi
  rm -rf "$OUT/cpu2"
  CUDA_VISIBLE_DEVICES="" timeout "$STEP_TIMEOUT" torchrun --standalone --nproc_per_node 2 "$OUT/job/train.py" --cpu --output "$OUT/cpu2" >"$OUT/cpu2.log" 2>&1
  echo "cluster-check: torchrun --nproc_per_node 2 (CPU, gloo) exited $?; log in $OUT/cpu2.log"
  check torchrun-2cpu "$OUT/cpu2/metrics.json"
}

import_back() {
  need node "import needs Node 20 and this tree with node_modules (bert-studio models add)."
  local from="$OUT/gpu1"
  [[ -f "$from/model/config.json" ]] || from="$OUT/cpu2"
  [[ -f "$from/model/config.json" ]] || { echo "cluster-check: no trained model in $OUT/gpu1/model or $OUT/cpu2/model; run 'scripts/cluster-check.sh run $OUT' first." >&2; exit 2; }
  node "$ROOT/bin/bert-studio.mjs" --home "$OUT/home" models add "$from/model" --json >"$OUT/import-back.json" || { echo '{"check":"import-back","ok":false,"error":"bert-studio models add failed"}' | tee -a "$OUT/checks.jsonl"; FAILED=1; return; }
  python3 - "$OUT/import-back.json" "$OUT/imported-metrics.json" <<'PY' || exit 1
import json, sys
lines = [l for l in open(sys.argv[1], encoding="utf-8").read().splitlines() if l.startswith("{")]
r = json.loads(lines[-1])
json.dump({"run": r["runId"], **r["metrics"]}, open(sys.argv[2], "w"), indent=2)
PY
  # The app's evaluation of the imported model against the app's own run…
  check import-back-vs-app "$OUT/imported-metrics.json"
  # …and against the numbers the cluster printed for the same weights (a different framework, same predictions).
  local line
  line="$("${COMPARE[@]}" "$from/metrics.json" "$OUT/imported-metrics.json" --tol 0.01 --label import-back-vs-cluster)"
  local rc=$?
  echo "$line" | tee -a "$OUT/checks.jsonl"
  [[ $rc -eq 0 ]] || FAILED=1
}

case "$MODE" in
  prepare) prepare ;;
  run) run_cluster ;;
  import) import_back ;;
  all) prepare && run_cluster && import_back ;;
  *) echo "usage: scripts/cluster-check.sh prepare|run|import|all OUT_DIR" >&2; exit 2 ;;
esac
exit "$FAILED"
