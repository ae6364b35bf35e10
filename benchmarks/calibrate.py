"""Fit the judge's logistic head and thresholds; writes interviewer/judge.json.

Training data (never a test split):
  - SemEval-2013 `train` (read from ../shared/eval, not copied): (reference answer as one point,
    student answer, 2-way label);
  - our labelled judgements, dev split only (benchmarks/data/judgements_dev.jsonl);
  - the shipped bank: each question's points against its own model answer (stated) and against
    model answers of other questions in the same module (not stated).
Each source gets equal total weight. Thresholds: covered = the P that maximises covered-vs-not F1 on
our dev judgements plus the bank pairs; partial sits between covered and not-covered.

Run: .venv/bin/python -m benchmarks.calibrate   (minutes on 2 cores; features are cached)
     INTERVIEWER_JUDGE=minilm .venv/bin/python -m benchmarks.calibrate   fits the MiniLM judge's head
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import pickle
import random
import sys
import time
from pathlib import Path

import numpy as np
from tqdm import tqdm

from interviewer import config
from interviewer.bank import Bank, BankError, load_bank
from interviewer.evaluate import reference_question
from interviewer.index import build_index
from interviewer.models import judge, minilm
from interviewer.records import ScoreResult
from interviewer.scoring import FEATURES, SCORER_VERSION, WEIGHTS_FILES, JudgeWeights, Scorer

from .common import DATA, LABEL, load_judgements, point_question, semeval_rows

CACHE = config.data_dir() / "calibration"
SEMEVAL_SAMPLE = 2500  # of 8,910 train answers: enough for a 5-number head
BANK_SAMPLE = 150      # questions whose model answers give in-domain positives and negatives


def _scorer_for(questions: list, weights: JudgeWeights) -> Scorer:
    bank = Bank(questions={q.id: q for q in questions}, sets={}, topics={})
    index = build_index(bank, judge(), minilm, cache_dir=config.data_dir() / "eval-index")
    return Scorer(bank, index, judge(), weights)


def pair_features(scorer: Scorer, q, answer: str) -> tuple[list[np.ndarray], float] | None:
    """Features of each point's most similar candidate, or None when a gate stopped the answer."""
    found = scorer.analyse(q, answer)
    if isinstance(found, ScoreResult):
        return None
    stems, background = scorer._points(q)
    rows = []
    for j, p in enumerate(q.points):
        i = int(np.argmax(found.sims[:, j]))
        f, _ = scorer.features(p.text, stems[j], float(background[j]), found.cands[i], float(found.sims[i, j]),
                               float(found.aux[i, j]))
        rows.append(f)
    return rows, found.relevance


def collect(weights: JudgeWeights) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """(features, labels, (relevance, label) per answer) per source, cached on disk by the inputs'
    hash. The off-topic gate is off while collecting, so its threshold can be chosen afterwards."""
    weights = dataclasses.replace(weights, off_topic=-1.0)
    sources: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}

    # SemEval train: whole reference answer as one point (its label is about the whole reference).
    rows = semeval_rows("train")
    rows = random.Random(0).sample(rows, min(SEMEVAL_SAMPLE, len(rows)))
    qs, pairs = {}, []
    for r in rows:
        qid = "sem-" + hashlib.sha1((r["question"] + r["reference_answer"]).encode()).hexdigest()[:10]
        if qid not in qs:
            q = reference_question(qid, r["question"], r["reference_answer"])
            qs[qid] = q.model_copy(update={"points": [q.points[0].model_copy(update={"text": r["reference_answer"]})]})
        pairs.append((qid, r["answer"], r["score"]))
    sources["semeval_train"] = _features_cached("semeval_train", qs, pairs, weights)

    # Our dev judgements.
    qs, pairs = {}, []
    for j in load_judgements("dev") if (DATA / "judgements_dev.jsonl").exists() else []:
        qid = "dev-" + hashlib.sha1(j.point.encode()).hexdigest()[:10]
        qs.setdefault(qid, point_question(qid, j.point, j.module))
        pairs.append((qid, j.answer, LABEL[j.verdict]))
    sources["own_dev"] = _features_cached("own_dev", qs, pairs, weights)

    # The bank: own model answer (stated) vs other questions' model answers in the module (not stated).
    try:
        bank = load_bank()
    except BankError as e:
        print(f"warning: the shipped bank does not load ({len(e.issues)} problems); using the files that do",
              file=sys.stderr)
        bank = _loadable_bank()
    rng = random.Random(0)
    qs = dict(bank.questions)
    pairs = []
    for qid in rng.sample(sorted(qs), min(BANK_SAMPLE, len(qs))):
        q = qs[qid]
        pairs.append((q.id, q.model_answer, 1.0))
        others = [o for o in bank.by_module(q.module) if o.id != q.id]
        pairs += [(q.id, o.model_answer, 0.0) for o in rng.sample(others, min(1, len(others)))]
    sources["bank_self"] = _features_cached("bank_self", qs, pairs, weights, own_points_only=True)
    return sources


def _loadable_bank() -> Bank:
    questions = {}
    for qfile in sorted(config.BANK_DIR.glob("*.yaml")):
        rfile = config.RUBRIC_DIR / qfile.name
        try:
            questions.update(load_bank([qfile, rfile]).questions)
        except BankError:
            continue
    return Bank(questions=questions, sets={}, topics={})


def _features_cached(name: str, qs: dict, pairs: list, weights: JudgeWeights, own_points_only: bool = False):
    key = hashlib.sha256(json.dumps([SCORER_VERSION, sorted((k, repr(v.points)) for k, v in qs.items()), pairs,
                                     weights.off_topic, weights.gibberish, weights.copy_overlap,
                                     own_points_only]).encode()).hexdigest()[:16]
    path = CACHE / f"{name}-{key}.pkl"
    if path.exists():
        return pickle.loads(path.read_bytes())
    scorer = _scorer_for(list(qs.values()), weights)
    X, y, rel = [], [], []
    for qid, answer, label in tqdm(pairs, desc=f"features: {name}", unit="pair", file=sys.stderr):
        q = qs[qid]
        got = pair_features(scorer, q, answer)
        if got is None:
            continue
        rows, relevance = got
        rel.append((relevance, label))
        for p, f in zip(q.points, rows):
            if own_points_only and p.source != "question":
                continue
            X.append(f)
            y.append(label)
    out = (np.array(X), np.array(y), np.array(rel))
    CACHE.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps(out))
    return out


def fit_logistic(X: np.ndarray, y: np.ndarray, w: np.ndarray, l2: float = 1.0, iters: int = 50):
    """Weighted logistic regression with soft labels, by Newton's method (deterministic). Features
    are standardised for the L2 penalty, and the coefficients returned on the raw scale."""
    mu = np.average(X, axis=0, weights=w)
    sd = np.sqrt(np.average((X - mu) ** 2, axis=0, weights=w))
    sd[sd == 0] = 1.0
    Xb = np.hstack([(X - mu) / sd, np.ones((len(X), 1))])
    beta = np.zeros(Xb.shape[1])
    for _ in range(iters):
        p = 1 / (1 + np.exp(-Xb @ beta))
        grad = Xb.T @ (w * (p - y)) + l2 * np.r_[beta[:-1], 0]
        H = (Xb * (w * p * (1 - p))[:, None]).T @ Xb + l2 * np.diag(np.r_[np.ones(len(beta) - 1), 0])
        step = np.linalg.solve(H, grad)
        beta -= step
        if np.abs(step).max() < 1e-8:
            break
    coef = beta[:-1] / sd
    return coef, float(beta[-1] - coef @ mu)


def best_threshold(p: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    best = (0.5, -1.0)
    for t in np.round(np.arange(0.2, 0.9, 0.01), 2):
        pred = p >= t
        tp = float((pred & (y == 1)).sum())
        prec = tp / max(pred.sum(), 1)
        rec = tp / max((y == 1).sum(), 1)
        f1 = 2 * prec * rec / max(prec + rec, 1e-9)
        if f1 > best[1]:
            best = (float(t), f1)
    return best


def main() -> int:
    t0 = time.time()
    weights_file = WEIGHTS_FILES[judge().name]
    current = JudgeWeights.load(weights_file)
    sources = {k: v for k, v in collect(current).items() if len(v[1])}
    # Off-topic gate: below the 1st percentile of relevance among answers humans judged correct.
    rel = np.vstack([v[2] for v in sources.values()])
    off_topic = round(float(np.percentile(rel[rel[:, 1] >= 1, 0], 1)) - 0.005, 3)
    X = np.vstack([s[0] for s in sources.values()])
    y = np.concatenate([s[1] for s in sources.values()])
    w = np.concatenate([np.full(len(s[1]), len(y) / (len(sources) * len(s[1]))) for s in sources.values()])
    coef, intercept = fit_logistic(X, y, w)
    probe = JudgeWeights(tuple(coef), intercept, 0.5, 0.3, 0.05, off_topic, current.copy_overlap,
                         current.gibberish, "", "")
    # Thresholds on our own dev judgements + bank pairs (the product's domain), not on SemEval.
    domain = [k for k in ("own_dev", "bank_self") if k in sources]
    Xd = np.vstack([sources[k][0] for k in domain])
    yd = np.concatenate([sources[k][1] for k in domain])
    pd = probe.probability(Xd)
    covered, f1 = best_threshold(pd, (yd == 1).astype(int))
    partial = round(max(0.15, covered - 0.2), 2)
    version = time.strftime("%Y%m%d") + "-" + hashlib.sha1(np.r_[coef, intercept].tobytes()).hexdigest()[:8]
    out = {
        "version": version,
        "fitted_on": "SemEval-2013 train + benchmarks/data/judgements_dev.jsonl + shipped bank model answers "
                     f"({', '.join(f'{k}: {len(v[1])}' for k, v in sources.items())}); dev F1 {f1:.3f}",
        "features": list(FEATURES),
        "coef": [round(float(c), 5) for c in coef],
        "intercept": round(intercept, 5),
        "covered": covered,
        "partial": partial,
        "review_margin": 0.05,
        "off_topic": off_topic,
        "copy_overlap": current.copy_overlap,
        "gibberish": current.gibberish,
    }
    weights_file.write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps(out, indent=2))
    print(f"calibrated in {time.time() - t0:.0f}s -> {weights_file}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
