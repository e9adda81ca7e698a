"""Compare a cluster run's metrics with the app's own run of the same job.

    python3 compare.py APP_METRICS.json RUN_METRICS.json [--tol 0.02] [--label NAME]

Both files hold {"validation": {...}, "test": {...}} (the app's `train --json` metrics, or
train.py's output/metrics.json). Checks accuracy and macro_f1 on the test split (validation
when there is no test split) and prints one JSON line; exit 0 within the tolerance, 1 outside,
2 when a file or metric is missing.
"""

import argparse
import json
import sys


def main():
    p = argparse.ArgumentParser()
    p.add_argument("app")
    p.add_argument("run")
    p.add_argument("--tol", type=float, default=0.02)
    p.add_argument("--label", default="run")
    a = p.parse_args()
    try:
        with open(a.app, encoding="utf-8") as f:
            app = json.load(f)
        with open(a.run, encoding="utf-8") as f:
            run = json.load(f)
    except (OSError, ValueError) as e:
        print(json.dumps({"check": a.label, "ok": False, "error": str(e)}))
        return 2
    split = "test" if app.get("test") else "validation"
    rows = []
    for name in ("accuracy", "macro_f1"):
        mine, theirs = app.get(split, {}).get(name), run.get(split, {}).get(name)
        if mine is None or theirs is None:
            print(json.dumps({"check": a.label, "ok": False, "error": f"{split} {name} missing"}))
            return 2
        rows.append({"metric": f"{split}_{name}", "app": mine, "run": theirs, "diff": abs(mine - theirs)})
    ok = all(r["diff"] <= a.tol for r in rows)
    print(json.dumps({"check": a.label, "ok": ok, "tolerance": a.tol, "metrics": rows}))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
