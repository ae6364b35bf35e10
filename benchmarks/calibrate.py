"""Fit the judge's calibration and thresholds; writes interviewer/judge.json.

The verifier (interviewer/verifier.npz, fitted by benchmarks/train_verifier.py) outputs a logit per
(point, answer unit). This script turns the best logit of a point into P(stated) and chooses the
thresholds, on data the verifier never saw:
  - SemEval-2013 `train` questions held out from the verifier's training (`semeval_val`, read from
    ../shared/eval, never copied): reference answer as one point, student answer, 2-way label;
  - our labelled dev judgements (benchmarks/data/judgements_dev.jsonl);
  - the shipped bank's model answers against their own question (for the off-topic note only).
P(stated) = sigmoid(scale * logit + bias), a weighted logistic fit with each source weighing the same.
covered = the P that maximises covered-vs-not F1 on our dev judgements (the product's domain),
raised if needed above an off-topic floor: the 90th percentile of P when a bank question's first
point meets the model answer of another topic of the same module (nine in ten such answers must
not be called covered; our dev judgements hold too few off-topic answers to see this).
partial = the 75th percentile of P for those off-topic answers: three in four answers to another
question earn nothing on a point. Above it a partial point earns a share rising in a straight line,
(P - partial) / (full - partial), which ranks answers better than credit that jumps from 0 at a
threshold (benchmarks/RESULTS.md); a covered point earns min(1, P / full).
full = the median P of the bank's model answers for their own first point: from there a stated point
earns its whole weight.
Off-topic note (explains a 0, never changes a verdict): just under the 1st percentile of relevance
among our own answers that state their point (dev judgements and the bank's model answers).
Never a test split.

Run: .venv/bin/python -m benchmarks.calibrate   (a few minutes on 2 cores)
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import random
import sys
import time

import numpy as np
from tqdm import tqdm

from interviewer import config
from interviewer.bank import Bank, load_bank
from interviewer.index import build_index
from interviewer.models import minilm
from interviewer.records import ScoreResult
from interviewer.evaluate import metrics
from interviewer.scoring import WEIGHTS_FILE, JudgeWeights, Scorer, credit_for
from interviewer.verifier import verifier

from .common import LABEL, load_judgements, point_question, reference_point_question, semeval_rows
from .train_verifier import split_semeval


def scorer_for(questions: list, weights: JudgeWeights) -> Scorer:
    bank = Bank(questions={q.id: q for q in questions}, sets={}, topics={})
    index = build_index(bank, minilm, cache_dir=config.data_dir() / "eval-index")
    return Scorer(bank, index, verifier(), weights)


def best_logits(pairs: list[tuple], weights: JudgeWeights, desc: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(best verifier logit of each pair's first point, its label, the answer's relevance); pairs whose
    answer a gate stops are left out."""
    scorer = scorer_for(list({q.id: q for q, _, _ in pairs}.values()), weights)
    z, y, rel = [], [], []
    for q, answer, label in tqdm(pairs, desc=desc, unit="answer", file=sys.stderr):
        found = scorer.analyse(q, answer)
        if isinstance(found, ScoreResult):
            continue
        z.append(max(scorer.verify(q, found)[0].values()))
        y.append(label)
        rel.append(found.relevance)
    return np.array(z), np.array(y), np.array(rel)


def sources(weights: JudgeWeights) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    _, held_out = split_semeval(semeval_rows("train"))
    sem = []
    for r in held_out:
        sem.append((reference_point_question(r["question"], r["reference_answer"]), r["answer"], float(r["score"])))
    dev = [(point_question("dev-" + hashlib.sha1(j.point.encode()).hexdigest()[:10], j.point, j.module),
            j.answer, LABEL[j.verdict]) for j in load_judgements("dev")]
    bank = load_bank()
    questions = sorted(bank.questions.values(), key=lambda q: q.id)
    own = [(q.model_copy(update={"points": q.points[:1]}), q.model_answer, 1.0) for q in questions]
    return {"semeval_val": best_logits(sem, weights, "semeval_val"),
            "own_dev": best_logits(dev, weights, "own_dev"),
            "bank_answers": best_logits(own, weights, "bank answers"),
            "off_topic_answers": best_logits(off_topic_pairs(questions), weights, "off-topic answers")}


def off_topic_pairs(questions: list) -> list[tuple]:
    """Each question's first point against the model answer of a question on another topic of the same
    module (label 0): the answers a candidate gives to the wrong question, which must not earn it."""
    rng = random.Random(0)
    pairs = []
    for q in questions:
        others = [o for o in questions if o.module == q.module and o.topic != q.topic]
        if others:
            pairs.append((q.model_copy(update={"points": q.points[:1]}), rng.choice(others).model_answer, 0.0))
    return pairs


def fit_platt(z: np.ndarray, y: np.ndarray, w: np.ndarray, iters: int = 100) -> tuple[float, float]:
    """Weighted logistic regression of soft labels on one logit, by Newton's method (deterministic)."""
    X = np.column_stack([z, np.ones_like(z)])
    beta = np.array([1.0, 0.0])
    for _ in range(iters):
        p = 1 / (1 + np.exp(-X @ beta))
        step = np.linalg.solve((X * (w * p * (1 - p))[:, None]).T @ X + 1e-6 * np.eye(2), X.T @ (w * (p - y)))
        beta -= step
        if np.abs(step).max() < 1e-10:
            break
    return float(beta[0]), float(beta[1])


def best_threshold(p: np.ndarray, positive: np.ndarray, lo: float = 0.05, hi: float = 0.95) -> tuple[float, float]:
    """The threshold in [lo, hi] (step 0.01) with the best F1 of `p >= t` against `positive`."""
    best = (0.5, -1.0)
    for t in np.round(np.arange(lo, hi + 1e-9, 0.01), 2):
        pred = p >= t
        tp = float((pred & positive).sum())
        f1 = 2 * tp / max(pred.sum() + positive.sum(), 1)
        if f1 > best[1] + 1e-12:
            best = (float(t), f1)
    return best


OFF_TOPIC_QUANTILE = 0.9  # covered: nine in ten answers to another topic must not be called covered
PARTIAL_QUANTILE = 0.75   # partial: three in four of them earn nothing


def _f1(pred: np.ndarray, positive: np.ndarray) -> float:
    return 2 * float((pred & positive).sum()) / max(float(pred.sum() + positive.sum()), 1.0)


def credit_schemes(data: dict, w: JudgeWeights, floor: float) -> str:
    """How each way of turning P into credit ranks the held-out SemEval answers (one point each), and
    what it gives the bank's model answers and answers to another topic: the shipped rule against P
    itself, the scorer 2.1 rule (min(1, P / full) from the floor up, else 0) and the ramp started lower."""
    def ramp_from(start: float):
        ramp = dataclasses.replace(w, partial=start)

        def rule(p: np.ndarray) -> np.ndarray:
            return np.array([credit_for(x, ramp.status(x), ramp) for x in p])
        return rule

    off_median = round(float(np.median(w.probability(data["off_topic_answers"][0]))), 2)
    schemes = {"P itself (no thresholds)": lambda p: p,
               f"scorer 2.1: min(1, P / full) if P >= {floor}, else 0":
                   lambda p: np.where(p >= floor, np.minimum(1, p / w.full), 0),
               f"partial ramp from {off_median} (off-topic median)": ramp_from(off_median),
               f"shipped: partial ramp from {w.partial}": ramp_from(w.partial)}
    z, y, _ = data["semeval_val"]
    lines = [f"{'credit rule':<52}{'SemEval held-out AUC':>21}{'pearson':>9}{'own answers':>12}{'off-topic':>10}"]
    for name, rule in schemes.items():
        m = metrics(list(rule(w.probability(z))), list(y))
        own, off = (float(np.mean(rule(w.probability(data[k][0])))) for k in ("bank_answers", "off_topic_answers"))
        lines.append(f"{name:<52}{m['auc']:>21.3f}{m['pearson']:>9.3f}{own:>12.2f}{off:>10.2f}")
    lines.append("(own answers / off-topic: mean credit the bank's model answers earn on their own first point, "
                 "and answers to another topic of the same module earn on it)")
    return "\n".join(lines)


def main() -> int:
    t0 = time.time()
    current = JudgeWeights.load()
    v = verifier()
    current = dataclasses.replace(current, verifier=v.meta["version"])
    data = sources(current)
    fit = {k: data[k] for k in ("semeval_val", "own_dev")}
    z = np.concatenate([d[0] for d in fit.values()])
    y = np.concatenate([d[1] for d in fit.values()])
    w = np.concatenate([np.full(len(d[1]), len(y) / (len(fit) * len(d[1]))) for d in fit.values()])
    scale, bias = fit_platt(z, y, w)
    probe = dataclasses.replace(current, scale=scale, bias=bias)
    zd, yd, _ = data["own_dev"]
    pd = probe.probability(zd)
    p_off = probe.probability(data["off_topic_answers"][0])
    floor = round(float(np.quantile(p_off, OFF_TOPIC_QUANTILE)), 2)
    covered_f1, _ = best_threshold(pd, yd == 1)
    covered = round(max(covered_f1, floor + 0.05), 2)
    partial = round(min(float(np.quantile(p_off, PARTIAL_QUANTILE)), covered - 0.05), 2)
    f1 = _f1(pd >= covered, yd == 1)
    f1_partial = _f1(pd >= partial, yd >= 0.5)
    full = round(float(np.median(probe.probability(data["bank_answers"][0]))), 2)
    positives = np.concatenate([data[k][2][data[k][1] >= 1] for k in ("own_dev", "bank_answers")])
    off_topic = round(float(np.percentile(positives, 1)) - 0.01, 3)
    version = time.strftime("%Y%m%d") + "-" + hashlib.sha1(np.array([scale, bias, covered, partial, full]).tobytes()).hexdigest()[:8]
    out = {
        "version": version,
        "verifier": v.meta["version"],
        "fitted_on": "SemEval-2013 train questions held out from the verifier + benchmarks/data/judgements_dev.jsonl "
                     f"({', '.join(f'{k}: {len(d[1])}' for k, d in data.items())}); covered: best on dev F1 "
                     f"({covered_f1}) raised above the off-topic floor {floor}; partial (credit starts): "
                     f"75th percentile of P of off-topic answers; dev covered-vs-not F1 {f1:.3f}, "
                     f"stated-at-least-partly F1 {f1_partial:.3f}",
        "scale": round(scale, 5),
        "bias": round(bias, 5),
        "covered": covered,
        "partial": partial,
        "full": max(full, covered),
        "review_margin": 0.05,
        "off_topic": off_topic,
        "copy_overlap": current.copy_overlap,
        "gibberish": current.gibberish,
    }
    WEIGHTS_FILE.write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps(out, indent=2))
    fitted = JudgeWeights(**{f.name: out[f.name] for f in dataclasses.fields(JudgeWeights)})
    print(credit_schemes(data, fitted, floor), file=sys.stderr)
    print(f"calibrated in {time.time() - t0:.0f}s -> {WEIGHTS_FILE}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
