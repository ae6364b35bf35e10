"""Compare verifier adapters (and the similarity baselines) on the same data, in one run.

    python -m benchmarks.compare [ADAPTER.npz ...] [--on val|test] [--semeval-sample N]

Each adapter runs through the product's own pipeline (gates, wordpiece retrieval, verifier on the
candidate sentences); an answer's score is the mean over its points of sigmoid(best logit), without
calibration, so adapters are compared on how they rank answers. Printed per system:
  - our judgements: AUC, and F1 of covered-vs-not at the threshold that is best on dev
    (--on val: dev itself; --on test: the test split);
  - SemEval-2013: ROC AUC against the 2-way label (max over reference answers), on the test splits
    (--on test) or on the `train` questions held out from the verifier's training (--on val);
  - p50 / p95 time to judge one 150-word answer against 8 points (the speed benchmark's case).
Choose between adapters with --on val; report the chosen one with --on test.
With no adapter given, the shipped one (interviewer/verifier.npz) is compared with the baselines.
Other adapters come from `python -m benchmarks.train_verifier --out PATH` (e.g. --layers 6).
"""
from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import random
import sys
import time
from pathlib import Path

import numpy as np

from interviewer.bank import load_bank
from interviewer.evaluate import auc, embedding_cosines, load_dataset, reference_question, tfidf_cosines
from interviewer.index import build_index
from interviewer.models import minilm
from interviewer.records import ScoreResult
from interviewer.scoring import JudgeWeights, Scorer
from interviewer.verifier import ADAPTER, Verifier

from .common import NEUTRAL_PROMPT, ROOT, SEMEVAL, load_judgements, reference_point_question, scorer_for, semeval_rows
from .judgements import baseline_scores, best_threshold, prf
from .speed import answer_of_words, eight_point_question, percentiles
from .train_verifier import split_semeval

SPLITS = {"beetle": ["test-unseen-answers", "test-unseen-questions"],
          "scientsbank": ["test-unseen-answers", "test-unseen-questions", "test-unseen-domains"]}


def _question(prompt: str, reference: str, split_sentences: bool):
    """A reference as a rubric: a point per sentence and per clause (as `interviewer eval` does), or one point."""
    if not split_sentences:
        return reference_point_question(prompt, reference)
    return reference_question("c-" + hashlib.sha1(f"{prompt}\x00{reference}".encode()).hexdigest()[:12], prompt, reference)


def _scorer(questions: list, verifier: Verifier) -> Scorer:
    """Raw verifier logits: no calibration and no key-term recall added, so adapters are compared alone."""
    weights = dataclasses.replace(JudgeWeights.load(), scale=1.0, bias=0.0, lexical=0.0,
                                  verifier=verifier.meta["version"])
    return scorer_for(questions, weights, verifier)


def stated(scorer: Scorer, q, answer: str) -> float:
    """Mean over the question's points of sigmoid(best verifier logit): 0 when a gate stops the answer."""
    found = scorer.analyse(q, answer)
    if isinstance(found, ScoreResult):
        return 0.0
    return float(np.mean([1 / (1 + np.exp(-max(z.values()))) for z in scorer.verify(q, found)]))


def semeval_items(on: str, sample: int | None) -> dict[str, list]:
    """Named groups of SemEval items: the test splits, or the held-out `train` questions per dataset."""
    out = {}
    _, held_out = split_semeval(semeval_rows("train"))  # exactly the questions train_verifier held out
    val_questions = {r["question"] for r in held_out}
    for name, splits in SPLITS.items():
        items = load_dataset(SEMEVAL / f"{name}.jsonl")
        if on == "val":
            groups = {f"{name} val": [it for it in items if it.split == "train" and it.question in val_questions]}
        else:
            groups = {f"{name} {split.removeprefix('test-')}": [it for it in items if it.split == split] for split in splits}
        for key, rows in groups.items():
            out[key] = random.Random(0).sample(rows, min(sample, len(rows))) if sample else rows
    return out


def verifier_scores(verifier: Verifier, dev, test, semeval: dict) -> dict[str, list[float]]:
    own = {j.point: _question(NEUTRAL_PROMPT, j.point, False) for j in dev + test}
    refs = {(it.question, r): _question(it.question, r, True) for rows in semeval.values() for it in rows
            for r in it.references}
    scorer = _scorer(list(own.values()) + list(refs.values()), verifier)
    out = {"dev": [stated(scorer, own[j.point], j.answer) for j in dev],
           "test": [stated(scorer, own[j.point], j.answer) for j in test]}
    for name, rows in semeval.items():
        out[name] = [max(stated(scorer, refs[(it.question, r)], it.answer) for r in it.references) for it in rows]
    return out


def latency(verifier: Verifier, runs: int = 20) -> tuple[float, float]:
    bank = load_bank()
    q8 = eight_point_question(bank)
    index = build_index(bank, minilm)
    weights = dataclasses.replace(JudgeWeights.load(), verifier=verifier.meta["version"])
    scorer = Scorer(bank, index, verifier, weights)
    answer = answer_of_words(q8)
    scorer.score(q8, answer)
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        scorer.score(q8, answer)
        times.append(time.perf_counter() - t)
    return percentiles(times)


def row(name: str, scores: dict[str, list[float]], dev, test, semeval: dict, on: str, speed=None) -> dict:
    gold_dev = [j.verdict == "covered" for j in dev]
    gold_test = [j.verdict == "covered" for j in test]
    t = best_threshold(scores["dev"], gold_dev)
    r = {"system": name}
    if on == "val":
        r |= {"dev_auc": round(auc(np.array(scores["dev"]), np.array(gold_dev)), 3),
              "dev_best_f1": prf([s >= t for s in scores["dev"]], gold_dev)["f1"]}
    else:
        r |= {"test_f1": prf([s >= t for s in scores["test"]], gold_test)["f1"],
              "test_auc": round(auc(np.array(scores["test"]), np.array(gold_test)), 3)}
    for split, rows in semeval.items():
        r[split] = round(auc(np.array(scores[split]), np.array([it.label >= 0.5 for it in rows])), 3)
    if speed:
        r["p50_ms"], r["p95_ms"] = round(speed[0], 1), round(speed[1], 1)
    return r


def format_table(rows: list[dict]) -> str:
    keys = [k for k in rows[0] if k != "system"] + [k for k in ("p50_ms", "p95_ms") if k not in rows[0]]
    width = {k: max(9, len(k) + 2) for k in keys}
    lines = [f"{'system':<34}" + "".join(f"{k:>{width[k]}}" for k in keys)]
    for r in rows:
        cells = [("-" if k not in r else f"{r[k]:.1f}" if k.endswith("_ms") else f"{r[k]:.3f}") for k in keys]
        lines.append(f"{r['system']:<34}" + "".join(f"{c:>{width[k]}}" for c, k in zip(cells, keys)))
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.compare")
    ap.add_argument("adapters", nargs="*", type=Path)
    ap.add_argument("--on", choices=("val", "test"), default="test")
    ap.add_argument("--semeval-sample", type=int, default=None)
    args = ap.parse_args(argv)
    dev, test = load_judgements("dev"), load_judgements("test")
    if args.on == "val":
        test = []  # choosing: never look at the test split
    semeval = semeval_items(args.on, args.semeval_sample)
    rows = []
    # Baselines: max-sentence cosine for our judgements; cosine to the reference for SemEval.
    base = {k: {"dev": v} for k, v in baseline_scores(dev).items()}
    for k, v in (baseline_scores(test) if test else {k: [] for k in base}).items():
        base[k]["test"] = v
    for name, rows_ in semeval.items():
        answers, references = [it.answer for it in rows_], [it.references for it in rows_]
        base["tfidf_cos"][name] = tfidf_cosines(answers, references)
        base["minilm_cos"][name] = embedding_cosines(answers, references)
    for k in ("tfidf_cos", "minilm_cos"):
        rows.append(row(k, base[k], dev, test, semeval, args.on))
    for path in args.adapters or [ADAPTER]:
        v = Verifier(path)
        name = f"verifier {path.name} ({v.meta.get('layers', 6)} layers)"
        rows.append(row(name, verifier_scores(v, dev, test, semeval), dev, test, semeval, args.on, latency(v)))
        print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    print(format_table(rows))
    (ROOT / "benchmarks" / f"compare-{args.on}.json").write_text(json.dumps(rows, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
