"""The opt-in deep review's LLM judge (interviewer/llm_judge.py) side by side with the default scorer:
`python -m benchmarks.deep_review [--semeval-sample N] [--limit N]` (needs the `llm` extra; `make bench-deep`).

- Our labelled judgements: P / R / F1 of covered-vs-not and ROC AUC on test for the default scorer,
  the LLM alone, and the two combined (a logistic fit of their two logits); the LLM's and the
  combination's thresholds are chosen on dev, never on test.
- Answers against a reference (SemEval-2013 unseen-questions test splits, our CS short-answer test
  questions): AUC and Pearson r of the scorer, the LLM alone (P(Yes) for the whole reference as one
  point, with the question), the two combined by z-scored logits with equal weights (no fitting), and
  the TF-IDF and embedding baselines, all in the same run.
- Time to judge one 150-word answer against 8 points, next to the default scorer.
The JSON goes to benchmarks/deep_review.json.
"""
from __future__ import annotations

import json
import random
import statistics
import sys
import time
from collections import defaultdict

import numpy as np
from tqdm import tqdm

from interviewer import evaluate
from interviewer.deep_review import logit
from interviewer.engine import load_engine
from interviewer.llm_judge import LLMJudge

from . import judgements
from .common import CS_SET, ROOT, SEMEVAL, load_judgements
from .speed import answer_of_words, eight_point_question


def _fit(x: np.ndarray, y: np.ndarray):
    from sklearn.linear_model import LogisticRegression
    return LogisticRegression(C=1.0).fit(x, y)


def own(llm: LLMJudge, limit: int | None = None) -> dict:
    rows = {"dev": load_judgements("dev")[:limit], "test": load_judgements("test")[:limit]}
    feats, gold, kinds, status = {}, {}, {}, {}
    for name, rs in rows.items():
        scored = judgements.judge_predictions(rs)
        llm_p = [llm.judge(j.answer, [j.point])[0]
                 for j in tqdm(rs, desc=f"LLM on {name} judgements", unit="judgement", file=sys.stderr)]
        feats[name] = np.array([[logit(c), logit(p)] for (_, c, _), p in zip(scored, llm_p)])
        gold[name] = np.array([j.verdict == "covered" for j in rs])
        kinds[name] = [j.kind for j in rs]
        status[name] = [s for s, _, _ in scored]
    model = _fit(feats["dev"], gold["dev"])
    both = {n: model.predict_proba(f)[:, 1] for n, f in feats.items()}
    t_llm = judgements.best_threshold(list(feats["dev"][:, 1]), list(gold["dev"]))
    t_both = judgements.best_threshold(list(both["dev"]), list(gold["dev"]))
    out = {"thresholds": {"llm_logit": t_llm, "combined": t_both},
           "combined_fit": {"coef": [round(float(c), 4) for c in model.coef_[0]], "intercept": round(float(model.intercept_[0]), 4)}}
    for name in rows:
        y = gold[name]
        preds = {"scorer": np.array([s == "covered" for s in status[name]]),
                 "llm": feats[name][:, 1] >= t_llm,
                 "combined": both[name] >= t_both}
        scores = {"scorer": feats[name][:, 0], "llm": feats[name][:, 1], "combined": both[name]}
        per_kind = {}
        for system, p in preds.items():
            acc = defaultdict(list)
            for k, ok in zip(kinds[name], p == y):
                acc[k].append(bool(ok))
            per_kind[system] = {k: round(sum(v) / len(v), 2) for k, v in sorted(acc.items())}
        out[name] = {"n": len(y),
                     "systems": {s: {**judgements.prf(list(p), list(y)),
                                     "auc": round(evaluate.auc(scores[s], y), 3)} for s, p in preds.items()},
                     "per_kind_accuracy": per_kind}
    return out


def _items(path, split_prefix: str | None = None, sample: int | None = None) -> list[evaluate.Item]:
    items = evaluate.load_dataset(path)
    if split_prefix:
        items = [it for it in items if it.split.startswith(split_prefix)]
    if sample and sample < len(items):
        items = random.Random(0).sample(items, sample)
    return items


def answers(llm: LLMJudge, items: list[evaluate.Item], desc: str) -> dict:
    pred = evaluate.predict(items, progress=False)
    llm_p = [max(llm.judge(it.answer, it.references, it.question))  # the answer is read once for all references
             for it in tqdm(items, desc=desc, unit="answer", file=sys.stderr)]
    z = lambda v: (np.asarray(v) - np.mean(v)) / (np.std(v) or 1.0)  # noqa: E731
    combined = z(pred.scorer) + z([logit(p) for p in llm_p])
    gold = [it.label for it in items]
    systems = {"scorer": pred.scorer, "llm": llm_p, "combined": list(combined),
               "tfidf": pred.tfidf, "embedding": pred.embedding}
    return {"n": len(items), "systems": {s: evaluate.metrics(v, gold) for s, v in systems.items()}}


def timing(llm: LLMJudge, runs: int = 3) -> dict:
    eng = load_engine()
    q8 = eight_point_question(eng.bank)
    answer = answer_of_words(q8)
    points = [p.text for p in q8.points]
    llm_t, scorer_t = [], []
    for _ in range(runs):  # every call reads the answer afresh (llm_judge keeps only the instructions cached)
        t = time.perf_counter()
        llm.judge(answer, points, q8.prompt)
        llm_t.append(time.perf_counter() - t)
        t = time.perf_counter()
        eng.scorer.score(q8, answer)
        scorer_t.append(time.perf_counter() - t)
    return {"question": q8.id, "points": len(points), "words": len(answer.split()), "runs": runs,
            "llm_median_s": round(statistics.median(llm_t), 2), "scorer_median_s": round(statistics.median(scorer_t), 3),
            "ratio": round(statistics.median(llm_t) / statistics.median(scorer_t), 1)}


def format_tables(r: dict) -> str:
    lines = [f"\nDeep review judge: {r['model']}; load {r['load_s']} s"]
    for split in ("dev", "test"):
        s = r["own"][split]
        lines.append(f"\nOwn judgements, {split} ({s['n']}): covered vs not (thresholds chosen on dev)")
        lines.append(f"  {'system':<10}{'precision':>10}{'recall':>8}{'f1':>7}{'auc':>7}")
        for name, m in s["systems"].items():
            lines.append(f"  {name:<10}{m['precision']:>10.3f}{m['recall']:>8.3f}{m['f1']:>7.3f}{m['auc']:>7.3f}")
        for name, acc in s["per_kind_accuracy"].items():
            lines.append(f"  {name} accuracy by kind: " + ", ".join(f"{k} {v:.2f}" for k, v in acc.items()))
    for name, s in r["answers"].items():
        lines.append(f"\n{name} ({s['n']} answers): AUC (Pearson r)")
        lines.append("  " + "  ".join(f"{sys_}: {m['auc']:.3f} ({m['pearson']:.2f})" for sys_, m in s["systems"].items()))
    t = r["timing"]
    lines.append(f"\nOne {t['words']}-word answer against {t['points']} points ({t['question']}), median of {t['runs']}: "
                 f"LLM {t['llm_median_s']} s, default scorer {t['scorer_median_s']} s ({t['ratio']}x)")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    sample = int(argv[argv.index("--semeval-sample") + 1]) if "--semeval-sample" in argv else None
    limit = int(argv[argv.index("--limit") + 1]) if "--limit" in argv else None  # a smoke run: N of everything
    t0 = time.time()
    t = time.perf_counter()
    llm = LLMJudge(progress=lambda m: print(m, file=sys.stderr))
    result: dict = {"command": "python -m benchmarks.deep_review " + " ".join(argv), "model": llm.id,
                    "load_s": round(time.perf_counter() - t, 1)}
    result["timing"] = timing(llm)
    result["own"] = own(llm, limit)
    sets = {"CS short answers, test questions": _items(CS_SET, "test", limit)}
    if (SEMEVAL / "beetle.jsonl").exists():
        for name in ("beetle", "scientsbank"):
            sets[f"SemEval {name}, unseen questions"] = _items(SEMEVAL / f"{name}.jsonl", "test-unseen-questions", limit or sample)
    result["answers"] = {name: answers(llm, items, name) for name, items in sets.items()}
    result["seconds"] = round(time.time() - t0)
    print(format_tables(result))
    if limit is None:
        (ROOT / "benchmarks" / "deep_review.json").write_text(json.dumps(result, indent=2) + "\n")
        print(f"\nin {result['seconds']} s; JSON in benchmarks/deep_review.json")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
