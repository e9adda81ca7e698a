"""Back-to-back PyTorch reference for the end-to-end banking77 measure of issue 8.

Trains the same from-scratch tiny BERT as BERT Studio's Balanced preset on the exact token ids
BERT Studio uses (scripts/reference/dump-features.ts): lr 1e-3 with 6% linear warmup and linear
decay, batch 32 with length-grouped batches and dynamic padding, AdamW (wd 0.01, none on
biases/LayerNorm), gradient clipping 1.0, dropout 0.05, validation accuracy after every epoch.
Prints one JSON line per epoch and a summary with the time to the target validation accuracy.
Usage: OMP_WAIT_POLICY=PASSIVE OPENBLAS_NUM_THREADS=2 OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 scripts/reference/torch_train.py FEATURES.json [--epochs 20] [--target 0.85]
"""
import json
import os
import random
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(__file__))
from torch_bert import SIZES, BertClassifier, adamw  # noqa: E402


def arg(name, default):
    return type(default)(sys.argv[sys.argv.index(name) + 1]) if name in sys.argv else default


data = json.load(open(sys.argv[1]))
epochs, target, batch, lr = arg("--epochs", 20), arg("--target", 0.85), 32, arg("--lr", 1e-3)
torch.set_num_threads(int(os.environ.get("THREADS", os.cpu_count())))
torch.manual_seed(42)
rng = random.Random(42)
layers, hidden, heads, inter = SIZES["tiny"]
model = BertClassifier(data["vocabSize"], layers, hidden, heads, inter, data["numLabels"], arg("--dropout", 0.05))
opt = adamw(model, lr, 0.01)
train = data["train"]
steps_per_epoch = (len(train) + batch - 1) // batch
total = steps_per_epoch * epochs
warmup = -(-total * 6 // 100)
sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: s / max(1, warmup) if s < warmup else max(0.0, (total - s) / max(1, total - warmup)))


def tensors(rows):
    width = max(len(r["ids"]) for r in rows)
    ids = torch.full((len(rows), width), data["padId"], dtype=torch.long)
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    for i, r in enumerate(rows):
        ids[i, : len(r["ids"])] = torch.tensor(r["ids"])
        mask[i, : len(r["ids"])] = 1
    return ids, mask, torch.tensor([r["label"] for r in rows])


def grouped_batches():
    """Hugging Face's group_by_length: shuffle, mega-batches of min(n // (4 batch), 50) batches sorted by length."""
    order = list(range(len(train)))
    rng.shuffle(order)
    out = []
    mega = batch * max(1, min(len(order) // (batch * 4), 50))
    for s in range(0, len(order), mega):
        group = sorted(order[s : s + mega], key=lambda i: -len(train[i]["ids"]))
        out += [group[i : i + batch] for i in range(0, len(group), batch)]
    return out


def accuracy(rows):
    model.eval()
    rows = sorted(rows, key=lambda r: len(r["ids"]))
    right = 0
    with torch.inference_mode():
        for s in range(0, len(rows), 64):
            ids, mask, y = tensors(rows[s : s + 64])
            right += (model(ids, mask).argmax(-1) == y).sum().item()
    return right / len(rows)


start = time.perf_counter()
reached, best, best_state = None, -1.0, None
for epoch in range(1, epochs + 1):
    model.train()
    for b in grouped_batches():
        ids, mask, y = tensors([train[i] for i in b])
        opt.zero_grad(set_to_none=True)
        torch.nn.functional.cross_entropy(model(ids, mask), y).backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
    val = accuracy(data["validation"])
    elapsed = time.perf_counter() - start
    if reached is None and val >= target:
        reached = elapsed
    if val > best:
        best, best_state = val, {k: v.clone() for k, v in model.state_dict().items()}
    print(json.dumps({"epoch": epoch, "validation_accuracy": round(val, 4), "seconds": round(elapsed, 1)}), flush=True)
model.load_state_dict(best_state)
print(json.dumps({"bench": "torch-quality", "dataset": data["name"], "seconds_to_validation_accuracy_%s" % target: reached and round(reached, 1), "best_validation_accuracy": round(best, 4), "test_accuracy": round(accuracy(data["test"]), 4), "train_seconds": round(time.perf_counter() - start, 1), "threads": torch.get_num_threads(), "torch": torch.__version__}), flush=True)
