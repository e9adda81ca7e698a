"""BERT Studio's classification metrics, in plain Python (no numpy, no scikit-learn).

The same definitions as the app (main/tasks/metrics/classification-metrics.ts), which follow
scikit-learn with zero_division=0: averages run over the classes that occur in the gold labels
or the predictions. Kept dependency-free so CI can check them against the app without torch.
"""

import math


def _safe(n, d):
    return 0.0 if d == 0 else n / d


def _f1(p, r):
    return _safe(2 * p * r, p + r)


def classification_scores(gold, pred):
    """gold[i], pred[i]: lists of labels of example i (one each for single-label)."""
    if len(gold) != len(pred):
        raise ValueError(f"{len(gold)} gold examples but {len(pred)} predictions")
    labels = sorted({l for g in gold for l in g} | {l for p in pred for l in p})
    tp, fp, fn = {}, {}, {}
    exact = 0
    for g, p in zip(gold, pred):
        gs, ps = set(g), set(p)
        if gs == ps:
            exact += 1
        for l in ps:
            bucket = tp if l in gs else fp
            bucket[l] = bucket.get(l, 0) + 1
        for l in gs - ps:
            fn[l] = fn.get(l, 0) + 1
    per_class = []
    for label in labels:
        t = tp.get(label, 0)
        precision = _safe(t, t + fp.get(label, 0))
        recall = _safe(t, t + fn.get(label, 0))
        per_class.append({"label": label, "precision": precision, "recall": recall, "f1": _f1(precision, recall), "support": t + fn.get(label, 0)})
    n = len(per_class)
    support = sum(c["support"] for c in per_class)

    def mean(k):
        return _safe(sum(c[k] for c in per_class), n)

    def weighted(k):
        return _safe(sum(c[k] * c["support"] for c in per_class), support)

    stp, sfp, sfn = sum(tp.values()), sum(fp.values()), sum(fn.values())
    micro_p, micro_r = _safe(stp, stp + sfp), _safe(stp, stp + sfn)
    return {
        "accuracy": _safe(exact, len(gold)),
        "macro_precision": mean("precision"),
        "macro_recall": mean("recall"),
        "macro_f1": mean("f1"),
        "micro_precision": micro_p,
        "micro_recall": micro_r,
        "micro_f1": _f1(micro_p, micro_r),
        "weighted_precision": weighted("precision"),
        "weighted_recall": weighted("recall"),
        "weighted_f1": weighted("f1"),
    }


def roc_auc(is_positive, score):
    """Mann-Whitney U with average ranks for ties (scikit-learn's roc_auc_score); None without both classes."""
    n_pos = sum(1 for x in is_positive if x)
    n_neg = len(is_positive) - n_pos
    if n_pos == 0 or n_neg == 0:
        return None
    order = sorted(range(len(score)), key=lambda i: score[i])
    rank_sum = 0.0
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and score[order[j + 1]] == score[order[i]]:
            j += 1
        avg_rank = (i + j) / 2 + 1
        rank_sum += sum(avg_rank for k in range(i, j + 1) if is_positive[order[k]])
        i = j + 1
    return (rank_sum - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


def softmax(row):
    m = max(row)
    e = [math.exp(x - m) for x in row]
    s = sum(e)
    return [x / s for x in e]


def sigmoid(x):
    return 1 / (1 + math.exp(-x)) if x >= 0 else math.exp(x) / (1 + math.exp(x))


def predict_labels(logits, names, multi_label, threshold=0.5):
    """Logits rows -> (predicted label lists, probability rows), as the app decodes them."""
    preds, probs = [], []
    for row in logits:
        p = [sigmoid(x) for x in row] if multi_label else softmax(row)
        probs.append(p)
        if multi_label:
            preds.append([n for n, q in zip(names, p) if q >= threshold])
        else:
            best = max(range(len(p)), key=lambda c: (p[c], -c))
            preds.append([names[best]])
    return preds, probs


def metrics_from_logits(logits, gold, names, multi_label, threshold=0.5):
    """The app's metric set for one split: scores, and ROC AUC for binary single-label problems."""
    preds, probs = predict_labels(logits, names, multi_label, threshold)
    m = classification_scores(gold, preds)
    if len(names) == 2 and not multi_label:
        auc = roc_auc([g[0] == names[1] for g in gold], [p[1] for p in probs])
        if auc is not None:
            m["roc_auc"] = auc
    return m


def tune_threshold(logits, gold, names):
    """Multi-label: the threshold in 0.05..0.95 that maximises macro F1; ties go to the one closest to 0.5."""
    best_t, best_s = 0.5, -1.0
    for k in range(1, 20):
        t = k / 20
        s = metrics_from_logits(logits, gold, names, True, t)["macro_f1"]
        if s > best_s + 1e-12 or (abs(s - best_s) <= 1e-12 and abs(t - 0.5) < abs(best_t - 0.5)):
            best_t, best_s = t, s
    return best_t


def _parse_tag(tag):
    """seqeval's split of a tag: prefix = first character, type = after the first '-' ('_' if none)."""
    if tag in ("O", ""):
        return "O", "_"
    dash = tag.find("-")
    return tag[0], (tag[dash + 1:] if dash >= 0 else tag[1:]) or "_"


def strict_entities(tags):
    """seqeval mode='strict', scheme=IOB2: only B-X I-X* is an entity (the app's NER entity rule)."""
    parsed = [_parse_tag(t) for t in tags]
    out, i = [], 0
    while i < len(parsed):
        if parsed[i][0] != "B":
            i += 1
            continue
        j = i + 1
        while j < len(parsed) and parsed[j][0] == "I" and parsed[j][1] == parsed[i][1]:
            j += 1
        out.append((parsed[i][1], i, j))
        i = j
    return out


def ner_scores(gold, pred):
    """The app's NER metrics: micro entity precision/recall/F1 (strict IOB2) and word tag accuracy."""
    if len(gold) != len(pred):
        raise ValueError(f"{len(gold)} gold sentences but {len(pred)} predicted")
    gold_set, pred_set, correct, total = set(), set(), 0, 0
    for s, (g, p) in enumerate(zip(gold, pred)):
        if len(g) != len(p):
            raise ValueError(f"sentence {s}: {len(g)} gold tags but {len(p)} predicted")
        gold_set |= {(s,) + e for e in strict_entities(g)}
        pred_set |= {(s,) + e for e in strict_entities(p)}
        correct += sum(1 for a, b in zip(g, p) if a == b)
        total += len(g)
    tp = len(gold_set & pred_set)
    precision, recall = _safe(tp, len(pred_set)), _safe(tp, len(gold_set))
    return {"entity_f1": _f1(precision, recall), "entity_precision": precision, "entity_recall": recall, "token_accuracy": _safe(correct, total)}
