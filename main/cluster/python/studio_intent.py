"""Intent detection (intent only, no slots) as the app does it (main/tasks/intent.ts): the text's
intent from a sequence-classification head; with job.json's tuneOutOfScope, a confidence
threshold tuned on validation at every evaluation turns low-confidence predictions into
out_of_scope. Plain Python (no numpy) so CI checks it against the app without torch."""

import torch

from studio_metrics import softmax

OUT_OF_SCOPE = "out_of_scope"


def is_out_of_scope(intent):
    """Datasets name the out-of-scope intent 'out_of_scope' (the app's) or 'oos' (CLINC150)."""
    return intent in (OUT_OF_SCOPE, "oos")


class IntentSplit(torch.utils.data.Dataset):
    """The text of each example, its intent's id as the label (-100 for an intent the labels lack)."""

    def __init__(self, rows, tokenizer, job):
        index = {n: i for i, n in enumerate(job["labels"]["names"])}
        self.gold = [r["intent"] for r in rows]
        self.label_ids = [index.get(r["intent"], -100) for r in rows]
        self.num_labels = len(index)
        self.items = []
        for r, y in zip(rows, self.label_ids):
            enc = tokenizer(r["text"], truncation=True, max_length=job["hp"]["maxLength"])
            enc["labels"] = y
            self.items.append(enc)
        self.lengths = [len(e["input_ids"]) for e in self.items]

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


def decode(logits, names):
    """Each row's (best intent, its softmax probability); ties go to the first intent, as the app's argmax."""
    out = []
    for row in logits:
        p = softmax(row)
        best = max(range(len(p)), key=lambda c: (p[c], -c))
        out.append((names[best], p[best]))
    return out


def apply_threshold(decoded, threshold):
    return [OUT_OF_SCOPE if confidence < threshold else top for top, confidence in decoded]


def intent_scores(gold, pred):
    """intent_accuracy (out-of-scope names count as one), and oos_recall when the gold has out-of-scope examples."""
    if len(gold) != len(pred):
        raise ValueError(f"{len(gold)} examples but {len(pred)} predictions")
    ok = [p == g or (is_out_of_scope(p) and is_out_of_scope(g)) for g, p in zip(gold, pred)]
    m = {"intent_accuracy": sum(ok) / len(gold) if gold else 0.0}
    oos = [i for i, g in enumerate(gold) if is_out_of_scope(g)]
    if oos:
        m["oos_recall"] = sum(1 for i in oos if is_out_of_scope(pred[i])) / len(oos)
    return m


def tune_threshold(decoded, gold):
    """The threshold in 0, 0.05, ..., 0.95 with the best intent accuracy; ties go to the lower one."""
    best_t, best_s = 0.0, -1.0
    for k in range(20):
        t = k / 20
        s = intent_scores(gold, apply_threshold(decoded, t))["intent_accuracy"]
        if s > best_s + 1e-12:
            best_t, best_s = t, s
    return best_t


def metrics_from_predictions(logits, label_ids, split, names, threshold):
    """The app's metrics for one evaluated split (its rows in example order: the label ids say so).
    threshold: None = no out-of-scope threshold; 'tune' = tune it on these predictions."""
    if [int(y) for y in label_ids] != split.label_ids:
        raise RuntimeError("The evaluation loader reordered the examples; intent metrics need them in order.")
    decoded = decode([list(map(float, r)) for r in logits], names)
    if threshold == "tune":
        threshold = tune_threshold(decoded, split.gold)
    pred = apply_threshold(decoded, threshold) if threshold is not None else [top for top, _ in decoded]
    m = intent_scores(split.gold, pred)
    if threshold is not None:
        m["threshold"] = threshold
    return m
