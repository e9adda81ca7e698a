"""Extractive QA features as the app makes them (main/tasks/qa.ts, main/text/encoder.ts
encodeWindows): the context is cut into windows of max length tokens (question included) that
start at 0, room - stride, 2 (room - stride), ... until one reaches the context's end; an
over-long question is cut to half the room. The answer's start/end tokens come from character
offsets by Hugging Face's run_qa walk, bounded to the context; (0, 0), the [CLS] token, when the
window does not hold the answer. The windows are assembled here, not by the tokenizer's
overflowing truncation, so they are the app's whatever the installed tokenizers version does."""

import torch

from studio_squad import answers_from_logits, squad_scores


def pair_template(tokenizer):
    """The tokenizer's special tokens (and token types) around a question/context pair, read off
    one probe pair: prefix + question + middle + context + suffix."""
    a = tokenizer("a", add_special_tokens=False)["input_ids"]
    b = tokenizer("b", add_special_tokens=False)["input_ids"]
    probe = tokenizer("a", "b")
    ids = list(probe["input_ids"])
    ia = next(i for i in range(len(ids)) if ids[i:i + len(a)] == a)
    ib = next(i for i in range(ia + len(a), len(ids)) if ids[i:i + len(b)] == b)
    types = list(probe["token_type_ids"]) if "token_type_ids" in probe else None
    parts = {"prefix": (0, ia), "middle": (ia + len(a), ib), "suffix": (ib + len(b), len(ids))}
    t = {k: (ids[s:e], types[s:e] if types else None) for k, (s, e) in parts.items()}
    t["types"] = (types[ia], types[ib]) if types else None
    return t


def windows(tokenizer, template, question, context, max_length, stride):
    """[(input_ids, token_type_ids or None, context offsets per token or None)] of one example."""
    q = tokenizer(question, add_special_tokens=False)["input_ids"]
    enc = tokenizer(context, add_special_tokens=False, return_offsets_mapping=True)
    c, offs = enc["input_ids"], [tuple(o) for o in enc["offset_mapping"]]
    (pre, pre_t), (mid, mid_t), (suf, suf_t) = template["prefix"], template["middle"], template["suffix"]
    budget = max_length - len(pre) - len(mid) - len(suf)
    if budget < 2:
        raise ValueError(f"Max length {max_length} leaves no room for a question and a context.")
    if budget - len(q) <= min(stride, len(c) - 1):
        q = q[: budget // 2]
    room = budget - len(q)
    stride = max(0, min(stride, room - 1))
    out, start = [], 0
    while True:
        stop = min(start + room, len(c))
        ids = pre + q + mid + c[start:stop] + suf
        types = None
        if template["types"]:
            tq, tc = template["types"]
            types = pre_t + [tq] * len(q) + mid_t + [tc] * (stop - start) + suf_t
        offsets = [None] * (len(pre) + len(q) + len(mid)) + offs[start:stop] + [None] * len(suf)
        out.append((ids, types, offsets))
        if stop >= len(c):
            return out
        start += room - stride


def answer_positions(offsets, answers):
    """Start/end token of the first answer in this window, or (0, 0) when it is not inside."""
    ctx = [i for i, o in enumerate(offsets) if o is not None]
    if not answers or not ctx:
        return 0, 0
    first, last = ctx[0], ctx[-1]
    start_char = answers[0]["start"]
    end_char = start_char + len(answers[0]["text"])
    if not (offsets[first][0] <= start_char and offsets[last][1] >= end_char):
        return 0, 0
    s = first
    while s <= last and offsets[s][0] <= start_char:
        s += 1
    e = last
    while e >= first and offsets[e][1] >= end_char:
        e -= 1
    return s - 1, e + 1


class QaSplit(torch.utils.data.Dataset):
    """One item per window; `example_of`, `offsets` and `contexts` map windows back to answers."""

    def __init__(self, rows, tokenizer, job):
        hp = job["hp"]
        template = pair_template(tokenizer)
        self.contexts = [r["context"] for r in rows]
        self.gold = [[a["text"] for a in r["answers"]] for r in rows]
        self.items, self.example_of, self.offsets = [], [], []
        for k, r in enumerate(rows):
            for ids, types, offsets in windows(tokenizer, template, r["question"], r["context"], hp["maxLength"], hp["stride"]):
                start, end = answer_positions(offsets, r["answers"])
                item = {"input_ids": ids, "attention_mask": [1] * len(ids), "start_positions": start, "end_positions": end}
                if types is not None:
                    item["token_type_ids"] = types
                self.items.append(item)
                self.example_of.append(k)
                self.offsets.append(offsets)
        self.lengths = [len(i["input_ids"]) for i in self.items]

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


def metrics_from_predictions(predictions, label_ids, split, job):
    """SQuAD exact match and F1 of one evaluated split, its windows in order (the answer positions say so)."""
    starts, ends = (list(map(int, x)) for x in label_ids)
    if starts != [i["start_positions"] for i in split.items] or ends != [i["end_positions"] for i in split.items]:
        raise RuntimeError("The evaluation loader reordered the windows; QA metrics need them in order.")
    start_logits, end_logits = (p.tolist() if hasattr(p, "tolist") else p for p in predictions[:2])
    answers = answers_from_logits(split.contexts, split.example_of, split.offsets, split.lengths, start_logits, end_logits,
                                  bool(job["labels"].get("noAnswer")), job["qa"]["nBest"], job["qa"]["maxAnswerLength"],
                                  job["qa"]["nullScoreDiffThreshold"])
    return squad_scores(answers, split.gold)
