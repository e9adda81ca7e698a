"""Average the metrics of runs that differ only in their seed.

    python3 mean.py OUT.json LABEL RUN_METRICS.json [RUN_METRICS.json ...]

Each input holds {"validation": {...}, "test": {...}} (the app's `train --json` metrics, or
train.py's output/metrics.json). OUT.json gets the same shape with the mean accuracy and
macro_f1 per split, plus every run's values; one JSON line says the mean and the spread.
From-scratch tiny models on a 143-example test split move by a few hundredths from one seed
to the next, more than the 0.02 the cluster check allows: single runs cannot be compared.
Exit 2 when a file or metric is missing (a seed whose run failed).
"""

import json
import sys

METRICS = ("accuracy", "macro_f1")


def main():
    if len(sys.argv) < 4:
        print("usage: mean.py OUT.json LABEL RUN_METRICS.json [RUN_METRICS.json ...]", file=sys.stderr)
        return 2
    out, label, files = sys.argv[1], sys.argv[2], sys.argv[3:]
    runs = []
    for name in files:
        try:
            with open(name, encoding="utf-8") as f:
                runs.append(json.load(f))
        except (OSError, ValueError) as e:
            print(json.dumps({"mean": label, "ok": False, "error": f"{name}: {e}"}))
            return 2
    result = {"runs": len(runs)}
    line = {"mean": label, "ok": True, "runs": len(runs)}
    for split in ("validation", "test"):
        if not all(r.get(split) for r in runs):
            continue
        result[split] = {}
        result["per_run_" + split] = {}
        for m in METRICS:
            values = [r[split].get(m) for r in runs]
            if any(v is None for v in values):
                print(json.dumps({"mean": label, "ok": False, "error": f"{split} {m} missing"}))
                return 2
            result[split][m] = sum(values) / len(values)
            result["per_run_" + split][m] = values
            line[f"{split}_{m}"] = {"mean": result[split][m], "min": min(values), "max": max(values)}
    with open(out, "w", encoding="utf-8") as f:
        json.dump(result, f, indent=2)
    print(json.dumps(line))
    return 0


if __name__ == "__main__":
    sys.exit(main())
