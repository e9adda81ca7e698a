"""Back-to-back PyTorch reference for `bert-studio bench`: training step and inference times.

Usage: OMP_WAIT_POLICY=PASSIVE OPENBLAS_NUM_THREADS=2 OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 scripts/reference/torch_bench.py SIZE [--steps N] [--device cpu|cuda] [--precision fp32|bf16]
On a GPU (--device cuda) every timing waits for the GPU (torch.cuda.synchronize), AdamW is the
fused CUDA kernel, and bf16 runs the model under autocast with fp32 master weights.
`bert-studio bench --reference FILE` divides by these numbers when they were measured in the same run.
Prints one JSON line per measurement (same shapes and work as main/engine/bench.ts: vocabulary
30522, 2 labels, AdamW, gradient clipping 1.0, dropout on; batch 16 x seq 128 for training).
"""
import json
import os
import resource
import statistics
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(__file__))
from torch_bert import SIZES, BertClassifier, adamw  # noqa: E402

size = sys.argv[1] if len(sys.argv) > 1 else "tiny"


def arg(name, default):
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else default


steps = int(arg("--steps", 5))
device = arg("--device", "cpu")
precision = arg("--precision", "fp32")
B, S = int(arg("--batch", 16)), int(arg("--seq", 128))
threads = int(os.environ.get("THREADS", os.cpu_count()))
torch.set_num_threads(threads)
torch.manual_seed(0)
layers, hidden, heads, inter = SIZES[size]
model = BertClassifier(30522, layers, hidden, heads, inter, 2, 0.1).to(device)
opt = adamw(model, 2e-5, 0.01, fused=device == "cuda")
ids = torch.randint(1, 30522, (B, S), device=device)
mask = torch.ones(B, S, dtype=torch.long, device=device)
labels = torch.randint(0, 2, (B,), device=device)


def sync():
    if device == "cuda":
        torch.cuda.synchronize()


def step():
    model.train()
    opt.zero_grad(set_to_none=True)
    with torch.autocast(device_type=device, dtype=torch.bfloat16, enabled=precision == "bf16"):
        loss = torch.nn.functional.cross_entropy(model(ids, mask), labels)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()
    sync()


def timed(fn, n, warm=2):
    """Median wall and CPU seconds (CPU time is steadier on a shared machine)."""
    for _ in range(warm):
        fn()
    wall, cpu = [], []
    for _ in range(n):
        t, c = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return statistics.median(wall), statistics.median(cpu)


train_s, train_cpu = timed(step, steps)
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"bench": "torch-train", "device": device, "precision": precision, "size": size, "batch": B, "seq": S, "sec_per_step": round(train_s, 4), "cpu_sec_per_step": round(train_cpu, 4), "tokens_per_sec": round(B * S / train_s), "peak_rss_mib": round(rss), "threads": threads, "torch": torch.__version__}), flush=True)

model.eval()
for batch in (1, 32):
    x = torch.randint(1, 30522, (batch, S), device=device)
    m = torch.ones(batch, S, dtype=torch.long, device=device)

    def infer():
        with torch.inference_mode():
            model(x, m)
        sync()

    s, c = timed(infer, 10 if batch == 1 else 5)
    print(json.dumps({"bench": "torch-infer", "device": device, "size": size, "batch": batch, "seq": S, "sec_per_batch": round(s, 5), "cpu_sec_per_batch": round(c, 5), "threads": threads}), flush=True)
