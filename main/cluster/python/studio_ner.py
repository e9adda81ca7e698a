"""Named-entity recognition as the app does it: each word tokenized on its own, the word's tag on
its first sub-token (-100 elsewhere), and each word's prediction read from its first sub-token;
a word with no token left (cut by max length) is predicted 'O' and still counted."""

import torch

from studio_metrics import ner_scores


class NerSplit(torch.utils.data.Dataset):
    def __init__(self, rows, tokenizer, job):
        index = {n: i for i, n in enumerate(job["labels"]["names"])}
        self.gold = [r["tags"] for r in rows]
        self.items, self.word_ids = [], []
        for r in rows:
            enc = tokenizer(r["tokens"], is_split_into_words=True, truncation=True, max_length=job["hp"]["maxLength"])
            words = enc.word_ids()
            labels, seen = [], set()
            for w in words:
                first = w is not None and w not in seen
                labels.append(index.get(r["tags"][w], -100) if first else -100)
                if w is not None:
                    seen.add(w)
            enc["labels"] = labels
            self.items.append(enc)
            self.word_ids.append(words)

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


def metrics_from_labels(logits, label_ids, names):
    """During training (early stopping): the words whose first sub-token was kept, in the order the
    evaluation loader gave. Equal to the app's numbers unless max length cut words off."""
    gold, pred = [], []
    for row, labels in zip(logits, label_ids):
        g, p = [], []
        for tok, y in zip(row, labels):
            if y == -100:
                continue
            g.append(names[int(y)])
            p.append(names[max(range(len(tok)), key=lambda c: (tok[c], -c))])
        gold.append(g)
        pred.append(p)
    return ner_scores(gold, pred)


@torch.no_grad()
def final_metrics(model, split, collator, names, batch_size=32):
    """The split's metrics exactly as the app computes them: in example order, every word counted."""
    model.eval()
    device = next(model.parameters()).device
    pred = []
    for start in range(0, len(split), batch_size):
        batch = collator([split[i] for i in range(start, min(start + batch_size, len(split)))])
        batch = {k: v.to(device) for k, v in batch.items() if k != "labels"}
        logits = model(**batch).logits.float().cpu().tolist()
        for k, row in enumerate(logits):
            i = start + k
            tags, seen = ["O"] * len(split.gold[i]), set()
            for t, w in enumerate(split.word_ids[i]):
                if w is None or w in seen or w >= len(tags):
                    continue
                seen.add(w)
                tags[w] = names[max(range(len(row[t])), key=lambda c: (row[t][c], -c))]
            pred.append(tags)
    return ner_scores(split.gold, pred)
