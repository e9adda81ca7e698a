"""QA answers from start/end logits and SQuAD scores, as the app computes them (main/tasks/qa.ts
decode, main/tasks/metrics/squad.ts). Plain Python (no numpy) so CI checks it against the app."""

import re
import string
from collections import Counter

_PUNCT = set(string.punctuation)
_ARTICLES = re.compile(r"\b(a|an|the)\b", re.UNICODE)


def normalize_answer(s):
    """The official SQuAD v2 script's normalization: lower, no punctuation, no articles, single spaces."""
    s = "".join(ch for ch in s.lower() if ch not in _PUNCT)
    return " ".join(_ARTICLES.sub(" ", s).split())


def exact_match(pred, gold):
    return 1.0 if normalize_answer(pred) == normalize_answer(gold) else 0.0


def token_f1(pred, gold):
    p, g = normalize_answer(pred).split(), normalize_answer(gold).split()
    if not p or not g:
        return 1.0 if len(p) == len(g) else 0.0
    same = sum((Counter(p) & Counter(g)).values())
    if same == 0:
        return 0.0
    precision, recall = same / len(p), same / len(g)
    return 2 * precision * recall / (precision + recall)


def max_over_gold(pred, golds, score):
    """Gold answers that normalize to nothing are dropped; a question left with none has '' as its gold."""
    kept = [g for g in golds if normalize_answer(g) != ""]
    return max(score(pred, g) for g in (kept or [""]))


def squad_scores(preds, golds):
    """exact_match and f1, the means over questions of the best score against any gold answer."""
    if len(preds) != len(golds):
        raise ValueError(f"{len(golds)} questions but {len(preds)} predictions")
    n = len(golds)
    em = sum(max_over_gold(p, g, exact_match) for p, g in zip(preds, golds))
    f1 = sum(max_over_gold(p, g, token_f1) for p, g in zip(preds, golds))
    return {"exact_match": em / n if n else 0.0, "f1": f1 / n if n else 0.0}


def _top_k(x, k, n):
    """Indices of the k largest of x[:n], largest first, ties to the lower index."""
    return sorted(range(n), key=lambda i: (-x[i], i))[:k]


def answers_from_logits(contexts, example_of, offsets, lengths, start_logits, end_logits, no_answer, n_best=20, max_answer_length=30, null_score_diff=0.0):
    """One answer per example ('' = no answer): the best span (start + end logit) over all its windows,
    inside the context, end >= start, at most max_answer_length tokens; with unanswerable questions in
    the data, no answer when the lowest [CLS] score beats the best span's by more than null_score_diff."""
    windows = [[] for _ in contexts]
    for i, k in enumerate(example_of):
        windows[k].append(i)
    out = []
    for k, ctx in enumerate(contexts):
        null, cands = float("inf"), []
        for i in windows[k]:
            s, e, off, n = start_logits[i], end_logits[i], offsets[i], lengths[i]
            null = min(null, s[0] + e[0])
            for a in _top_k(s, n_best, n):
                for b in _top_k(e, n_best, n):
                    if off[a] is None or off[b] is None or b < a or b - a + 1 > max_answer_length:
                        continue
                    cands.append((s[a] + e[b], off[a][0], ctx[off[a][0]:off[b][1]]))
        cands.sort(key=lambda c: (-c[0], c[1]))
        none = not cands or (no_answer and null - cands[0][0] > null_score_diff)
        out.append("" if none else cands[0][2])
    return out
