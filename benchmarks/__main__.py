"""Run every benchmark and print tables:
`python -m benchmarks [--quick] [--no-semeval] [--semeval-sample N]`.

  - own labelled judgements (dev and test): judge vs baselines, confusion, accuracy per kind;
  - SemEval-2013 test splits (read from ../shared/eval or $SEMEVAL_DIR; skipped with a note if absent):
    `interviewer eval` figures, scorer vs TF-IDF vs embedding cosine; with --semeval-sample N, a fixed
    random sample of N answers per split (seed 0) instead of all of them;
  - our CS short-answer set (benchmarks/data/cs_short_answers.jsonl): `interviewer eval` figures per
    split; its dev questions chose the lexical weight (benchmarks/calibrate.py), its test questions did not;
  - speed and size.
The full JSON goes to benchmarks/results.json.
"""
from __future__ import annotations

import json
import random
import sys
import tempfile
import time
from pathlib import Path

from interviewer import evaluate

from . import judgements, speed
from .common import CS_SET, ROOT, SEMEVAL


def semeval(sample: int | None = None) -> dict:
    out = {}
    for name in ("beetle", "scientsbank"):
        rows = [json.loads(line) for line in (SEMEVAL / f"{name}.jsonl").read_text().splitlines()]
        by_split: dict[str, list] = {}
        for r in rows:
            if r["split"].startswith("test"):
                by_split.setdefault(r["split"], []).append(r)
        if sample:
            rng = random.Random(0)
            by_split = {k: rng.sample(v, min(sample, len(v))) for k, v in sorted(by_split.items())}
        with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=True) as tmp:
            for r in (r for v in by_split.values() for r in v):
                tmp.write(json.dumps(r) + "\n")
            tmp.flush()
            items = evaluate.load_dataset(tmp.name)
        out[name] = evaluate.report(items, evaluate.predict(items))
    return out


def main(argv: list[str]) -> int:
    quick, t0 = "--quick" in argv, time.time()
    results: dict = {"command": "python -m benchmarks " + " ".join(argv)}
    results["judgements"] = judgements.run()
    print(judgements.format_tables(results["judgements"]))
    if "--no-semeval" not in argv and not quick:
        if (SEMEVAL / "beetle.jsonl").exists():
            sample = int(argv[argv.index("--semeval-sample") + 1]) if "--semeval-sample" in argv else None
            results["semeval"] = semeval(sample)
            for name, r in results["semeval"].items():
                print(evaluate.format_table(r, f"\nSemEval-2013 {name}, test splits ({r['n']} answers)"))
        else:
            print(f"\nSemEval-2013 not found at {SEMEVAL}: set SEMEVAL_DIR to include it.")
    if not quick:
        items = evaluate.load_dataset(CS_SET)
        results["cs_short_answers"] = evaluate.report(items, evaluate.predict(items))
        print(evaluate.format_table(results["cs_short_answers"], f"\nOur CS short-answer set ({len(items)} answers; "
                                    "dev chose the lexical weight, test did not)"))
    results["speed"] = speed.run(quick)
    print(speed.format_table(results["speed"]))
    (ROOT / "benchmarks" / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nall benchmarks in {time.time() - t0:.0f} s; JSON in benchmarks/results.json")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
