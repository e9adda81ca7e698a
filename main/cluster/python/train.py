"""Fine-tune the exported BERT Studio run with Hugging Face transformers.Trainer.

Everything about the run is in job.json (written by `bert-studio export-job`): task, labels,
hyperparameters, monitored metric, seeds. Launch (see README.md):
    python train.py                                  # one GPU or the CPU
    accelerate launch --config_file accelerate_config.yaml train.py
    torchrun --nnodes N --nproc_per_node G ... train.py
The result is a Hugging Face folder in output/model (plus output/metrics.json) that
`bert-studio models add output/model --run RUN` brings back into the app.
"""

import argparse
import dataclasses
import json
import math
import os
import shutil
import sys

import torch
from transformers import (AutoModelForQuestionAnswering, AutoModelForSequenceClassification, AutoModelForTokenClassification,
                          AutoTokenizer, DataCollatorForTokenClassification, DataCollatorWithPadding, Trainer,
                          TrainerCallback, TrainingArguments, set_seed)

import studio_intent
import studio_ner
import studio_qa
from studio_metrics import metrics_from_logits, tune_threshold

HERE = os.path.dirname(os.path.abspath(__file__))


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


class Split(torch.utils.data.Dataset):
    """Tokenized examples; `lengths` feeds the length-grouped sampler as in the app."""

    def __init__(self, rows, tokenizer, job):
        names = job["labels"]["names"]
        index = {n: i for i, n in enumerate(names)}
        self.gold = [r["labels"] for r in rows]
        self.items = []
        for r in rows:
            enc = tokenizer(r["text"], truncation=True, max_length=job["hp"]["maxLength"])
            if job["labels"].get("multiLabel"):
                enc["labels"] = [1.0 if n in r["labels"] else 0.0 for n in names]
            else:
                enc["labels"] = index[r["labels"][0]]
            self.items.append(enc)
        self.lengths = [len(e["input_ids"]) for e in self.items]

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


class StudioEarlyStopping(TrainerCallback):
    """The app's rule: stop after `patience` evaluations without an improvement above min_delta,
    counting only once the model has left its starting plateau (improved after the first evaluation)."""

    def __init__(self, monitor, patience, min_delta):
        self.key, self.patience, self.min_delta = f"eval_{monitor}", patience, min_delta
        self.best, self.best_eval, self.wait, self.evals = None, -1, 0, 0

    def on_evaluate(self, args, state, control, metrics=None, **kwargs):
        value = (metrics or {}).get(self.key)
        if value is None:
            return
        improved = math.isfinite(value) and (self.best is None or value > self.best + self.min_delta)
        plateau_before = self.best_eval <= 0
        if improved:
            self.best, self.best_eval, self.wait = value, self.evals, 0
        else:
            self.wait = 0 if plateau_before else self.wait + 1
        self.evals += 1
        if self.patience > 0 and self.best_eval > 0 and self.wait >= self.patience:
            control.should_training_stop = True


class StudioTrainer(Trainer):
    """Evaluates in dataset order: with length grouping on, some transformers versions group the
    evaluation batches by length too, and intent and QA metrics map rows back to examples by position."""

    def _get_eval_sampler(self, eval_dataset):
        return torch.utils.data.SequentialSampler(eval_dataset)


def training_arguments(job, out, world, cpu):
    """TrainingArguments under the names of the installed transformers (4.x and 5.x differ)."""
    hp = job["hp"]
    have = {f.name for f in dataclasses.fields(TrainingArguments)}
    per_device = max(1, hp["batchSize"] // world)
    if per_device * world != hp["batchSize"]:
        print(f"note: batch {hp['batchSize']} is not divisible by {world} processes; the global batch is {per_device * world}", file=sys.stderr)
    every = {"eval_strategy": "steps", "eval_steps": job["evalSteps"]} if job.get("evalSteps") else {"eval_strategy": "epoch"}
    kw = dict(
        output_dir=out,
        per_device_train_batch_size=per_device,
        per_device_eval_batch_size=64,
        num_train_epochs=hp["epochs"],
        learning_rate=hp["lr"],
        weight_decay=hp["weightDecay"],
        max_grad_norm=hp["maxGradNorm"] if hp["maxGradNorm"] > 0 else 0.0,
        lr_scheduler_type="linear",
        adam_beta1=0.9, adam_beta2=0.999, adam_epsilon=1e-8,
        seed=hp["seed"], data_seed=hp["seed"],
        save_strategy=every["eval_strategy"],
        # Checkpoints only serve to restore the best weights: no optimizer state, at most the best and the latest.
        save_only_model=True,
        save_total_limit=2,
        load_best_model_at_end=True,
        metric_for_best_model=job["monitor"],
        greater_is_better=True,
        logging_steps=10,
        report_to=[],
        dataloader_num_workers=0,
        **every,
    )
    if "eval_steps" in kw:
        kw["save_steps"] = kw["eval_steps"]
    kw["warmup_ratio" if "warmup_ratio" in have else "warmup_steps"] = float(hp["warmupRatio"])
    if "train_sampling_strategy" in have:
        kw["train_sampling_strategy"] = "group_by_length"
    else:
        kw["group_by_length"] = True
    if "evaluation_strategy" in have and "eval_strategy" not in have:
        kw["evaluation_strategy"] = kw.pop("eval_strategy")
    if cpu:
        kw["use_cpu"] = True
        # Only a launch of several processes has a process group to give a backend: with one
        # (`accelerate launch --cpu`, plain `python train.py --cpu`) accelerate would ask a
        # group that was never initialized for its size and stop.
        if world > 1:
            kw["ddp_backend"] = "gloo"
    return TrainingArguments(**{k: v for k, v in kw.items() if k in have or k == "output_dir"})


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--job", default=os.path.join(HERE, "job.json"))
    p.add_argument("--base", help="base model folder or hub id (default: the one job.json names)")
    p.add_argument("--output", default=os.path.join(HERE, "output"))
    p.add_argument("--cpu", action="store_true", help="train on CPU processes (gloo), e.g. torchrun --nproc_per_node 2 train.py --cpu")
    args = p.parse_args()

    with open(args.job, encoding="utf-8") as f:
        job = json.load(f)
    task = job["task"]
    ner = task == "ner"
    if task not in ("classification", "ner", "intent", "qa"):
        sys.exit(f"This train.py handles classification, ner, intent and qa; job.json says {task}.")
    world = int(os.environ.get("WORLD_SIZE", "1"))
    set_seed(job["hp"]["seed"])
    base = args.base or job["base"]["path"]
    base = base if os.path.isabs(base) or not os.path.exists(os.path.join(HERE, base)) else os.path.join(HERE, base)
    names = job["labels"]["names"]
    multi = bool(job["labels"].get("multiLabel"))
    # A threshold tuned on validation: multi-label's decision threshold, or intent's out-of-scope one.
    tunes = multi or (task == "intent" and bool(job.get("tuneOutOfScope")))
    tokenizer = AutoTokenizer.from_pretrained(base)
    label_maps = dict(num_labels=len(names), id2label=dict(enumerate(names)), label2id={n: i for i, n in enumerate(names)}, ignore_mismatched_sizes=True)
    if ner:
        model = AutoModelForTokenClassification.from_pretrained(base, **label_maps)
        collator = DataCollatorForTokenClassification(tokenizer)
    elif task == "qa":
        model = AutoModelForQuestionAnswering.from_pretrained(base)
        collator = DataCollatorWithPadding(tokenizer)
    else:
        model = AutoModelForSequenceClassification.from_pretrained(
            base, problem_type="multi_label_classification" if multi else "single_label_classification", **label_maps)
        collator = DataCollatorWithPadding(tokenizer)
    data = os.path.join(HERE, "data")
    make = {"ner": studio_ner.NerSplit, "intent": studio_intent.IntentSplit, "qa": studio_qa.QaSplit}.get(task, Split)
    splits = {s: make(read_jsonl(os.path.join(data, f"{s}.jsonl")), tokenizer, job) for s in ("train", "validation", "test")}

    # The metric function sees each split's logits with their labels in the order the
    # evaluation loader produced them. Intent and QA map rows back to examples by position
    # (StudioTrainer evaluates in order; their metric functions check it by the labels).
    fixed = {"threshold": None, "split": splits["validation"]}

    def compute_metrics(ev):
        if task == "qa":
            return studio_qa.metrics_from_predictions(ev.predictions, ev.label_ids, fixed["split"], job)
        logits = ev.predictions[0] if isinstance(ev.predictions, tuple) else ev.predictions
        if ner:
            return studio_ner.metrics_from_labels(logits.tolist(), ev.label_ids.tolist(), names)
        if task == "intent":
            threshold = (fixed["threshold"] if fixed["threshold"] is not None else "tune") if tunes else None
            return studio_intent.metrics_from_predictions(logits, ev.label_ids, fixed["split"], names, threshold)
        rows = [list(map(float, r)) for r in logits]
        ids = ev.label_ids
        gold = [[n for n, y in zip(names, row) if y >= 0.5] for row in ids] if multi else [[names[int(y)]] for y in ids]
        threshold = 0.5
        if multi:
            threshold = fixed["threshold"] if fixed["threshold"] is not None else tune_threshold(rows, gold, names)
        m = metrics_from_logits(rows, gold, names, multi, threshold)
        if multi:
            m["threshold"] = threshold
        return m

    trainer = StudioTrainer(
        model=model,
        args=training_arguments(job, args.output, world, args.cpu),
        train_dataset=splits["train"],
        eval_dataset=splits["validation"],
        data_collator=collator,
        compute_metrics=compute_metrics,
        callbacks=[StudioEarlyStopping(job["monitor"], job["hp"]["patience"], job["hp"]["minDelta"])],
    )
    trainer.train()
    # load_best_model_at_end restored the best evaluation's weights: score them as the app does.
    if ner:
        # In example order with every word counted (words cut by max length are 'O'), as the app decodes.
        final = {s: studio_ner.final_metrics(trainer.model, splits[s], collator, names) for s in ("validation", "test") if len(splits[s])}
        validation = {f"validation_{k}": v for k, v in final.get("validation", {}).items()}
        test = {f"test_{k}": v for k, v in final.get("test", {}).items()}
    else:
        validation = trainer.evaluate(splits["validation"], metric_key_prefix="validation")
        if tunes:
            fixed["threshold"] = validation["validation_threshold"]
        fixed["split"] = splits["test"]
        test = trainer.evaluate(splits["test"], metric_key_prefix="test") if len(splits["test"]) else {}

    def strip(m, prefix):
        return {k[len(prefix) + 1:]: v for k, v in m.items() if k.startswith(prefix + "_") and isinstance(v, (int, float)) and not k.endswith(("_runtime", "_per_second", "_epoch"))}

    model_dir = os.path.join(args.output, "model")
    trainer.save_model(model_dir)
    if trainer.is_world_process_zero():
        tokenizer.save_pretrained(model_dir)
        # Some transformers versions save only tokenizer.json; keep the base's vocabulary files too.
        for f in ("vocab.txt", "vocab.json", "merges.txt"):
            src = os.path.join(base, f)
            if os.path.isfile(src) and not os.path.exists(os.path.join(model_dir, f)):
                shutil.copyfile(src, os.path.join(model_dir, f))
        # exportedRun: `bert-studio models add` files the model under the run it came from.
        info = {"task": job["task"], "labels": job["labels"], "maxLength": job["hp"]["maxLength"], "exportedRun": job["run"]}
        if tunes:
            info["threshold"] = fixed["threshold"]
        with open(os.path.join(model_dir, "bert_studio.json"), "w", encoding="utf-8") as f:
            json.dump(info, f, indent=2)
        result = {"run": job["run"], "monitor": job["monitor"], "validation": strip(validation, "validation"), "test": strip(test, "test"), "world_size": world}
        with open(os.path.join(args.output, "metrics.json"), "w", encoding="utf-8") as f:
            json.dump(result, f, indent=2)
        print(json.dumps(result))


if __name__ == "__main__":
    main()
