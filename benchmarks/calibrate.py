"""Fit the judge's calibration and thresholds; writes interviewer/judge.json.

The verifier (interviewer/verifier.npz, fitted by benchmarks/train_verifier.py) outputs a logit per
(point, answer unit); the scorer adds `lexical` x the unit's key-term recall to it (the evidence
logit). This script chooses `lexical`, turns the best evidence logit of a point into P(stated) and
chooses the thresholds, on data the verifier never saw:
  - SemEval-2013 `train` questions held out from the verifier's training (`semeval_val`, read from
    ../shared/eval, never copied): reference answer as one point, student answer, 2-way label;
  - our labelled dev judgements (benchmarks/data/judgements_dev.jsonl);
  - the shipped bank's model answers against their own question (for the off-topic note only).
P(stated) = sigmoid(scale * evidence logit + bias), a weighted logistic fit with each source weighing
the same.
lexical = the weight in LEXICAL_GRID whose fitted scorer ranks validation answers best: mean ROC AUC
of `interviewer eval`'s scorer on the held-out SemEval questions (Beetle, SciEntsBank) and on the dev
questions of our CS short-answer set (benchmarks/data/cs_short_answers.jsonl), among the weights that
keep covered-vs-not F1 on our dev judgements at least at its value with lexical 0. A logistic fit cannot
choose it: our dev judgements are built to trap word overlap (negations, swapped terms, paraphrases
with no shared words), while graded answers reward it; the grid asks which weight ranks answers best.
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

from interviewer.bank import load_bank
from interviewer.records import ScoreResult
from interviewer.evaluate import Item, eval_bank, load_dataset, metrics, predict
from interviewer.scoring import WEIGHTS_FILE, JudgeWeights, credit_for
from interviewer.verifier import verifier

from .common import CS_SET, LABEL, load_judgements, point_question, reference_point_question, scorer_for, semeval_rows
from .compare import semeval_items
from .train_verifier import split_semeval


@dataclasses.dataclass
class Source:
    cands: list[np.ndarray]  # per pair: (verifier logit, key-term recall) of each candidate unit read
    y: np.ndarray
    rel: np.ndarray          # the answer's relevance to the question

    def best(self, lexical: float) -> np.ndarray:
        """Each pair's best evidence logit at this lexical weight."""
        return np.array([float((c[:, 0] + lexical * c[:, 1]).max()) for c in self.cands])


def best_logits(pairs: list[tuple], weights: JudgeWeights, desc: str) -> Source:
    """Every candidate's (verifier logit, key-term recall) for each pair's first point, its label and the
    answer's relevance; pairs whose answer a gate stops are left out. Every candidate is read (no point
    is taken as clear early), so any lexical weight can be tried without running the verifier again."""
    probe = dataclasses.replace(weights, lexical=0.0, covered=2.0)
    scorer = scorer_for(list({q.id: q for q, _, _ in pairs}.values()), probe)
    cands, y, rel = [], [], []
    for q, answer, label in tqdm(pairs, desc=desc, unit="answer", file=sys.stderr):
        found = scorer.analyse(q, answer)
        if isinstance(found, ScoreResult):
            continue
        stems = scorer.key_terms(q, q.points[0].text)
        cands.append(np.array([(z, scorer._recall(stems, found.cands[i].stems))
                               for i, z in scorer.verify(q, found)[0].items()]))
        y.append(label)
        rel.append(found.relevance)
    return Source(cands, np.array(y), np.array(rel))


class Memo:
    """The verifier with every (point, piece) logit remembered: the weight grid scores the same answers again."""

    def __init__(self, model):
        self.model, self.meta, self.id = model, model.meta, model.id
        self._seen: dict[tuple[str, str], float] = {}

    def logits(self, points: list[str], pieces: list[str]) -> np.ndarray:
        keys = list(zip(points, pieces))
        todo = [k for k in dict.fromkeys(keys) if k not in self._seen]
        if todo:
            self._seen.update(zip(todo, self.model.logits([a for a, _ in todo], [b for _, b in todo])))
        return np.array([self._seen[k] for k in keys], np.float32)


def sources(weights: JudgeWeights) -> dict[str, Source]:
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
    """Weighted logistic regression of soft labels on one logit, by Newton's method from (0, 0) with step
    halving, so it cannot overshoot into saturation when the logits are large (deterministic)."""
    X = np.column_stack([z, np.ones_like(z)])

    def loss(b: np.ndarray) -> float:
        t = X @ b
        return float(np.sum(w * (np.logaddexp(0, t) - y * t)))

    beta = np.zeros(2)
    for _ in range(iters):
        p = 1 / (1 + np.exp(-X @ beta))
        step = np.linalg.solve((X * (w * p * (1 - p))[:, None]).T @ X + 1e-6 * np.eye(2), X.T @ (w * (p - y)))
        t, before = 1.0, loss(beta)
        while loss(beta - t * step) > before + 1e-12 and t > 1e-6:
            t /= 2
        beta = beta - t * step
        if np.abs(t * step).max() < 1e-10:
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


def credit_schemes(data: dict[str, Source], w: JudgeWeights, floor: float) -> str:
    """How each way of turning P into credit ranks the held-out SemEval answers (one point each), and
    what it gives the bank's model answers and answers to another topic: the shipped rule against P
    itself, the scorer 2.1 rule (min(1, P / full) from the floor up, else 0) and the ramp started lower."""
    def ramp_from(start: float):
        ramp = dataclasses.replace(w, partial=start)

        def rule(p: np.ndarray) -> np.ndarray:
            return np.array([credit_for(x, ramp.status(x), ramp) for x in p])
        return rule

    def p_of(name: str) -> np.ndarray:
        return w.probability(data[name].best(w.lexical))

    off_median = round(float(np.median(p_of("off_topic_answers"))), 2)
    schemes = {"P itself (no thresholds)": lambda p: p,
               f"scorer 2.1: min(1, P / full) if P >= {floor}, else 0":
                   lambda p: np.where(p >= floor, np.minimum(1, p / w.full), 0),
               f"partial ramp from {off_median} (off-topic median)": ramp_from(off_median),
               f"shipped: partial ramp from {w.partial}": ramp_from(w.partial)}
    lines = [f"{'credit rule':<52}{'SemEval held-out AUC':>21}{'pearson':>9}{'own answers':>12}{'off-topic':>10}"]
    for name, rule in schemes.items():
        m = metrics(list(rule(p_of("semeval_val"))), list(data["semeval_val"].y))
        own, off = (float(np.mean(rule(p_of(k)))) for k in ("bank_answers", "off_topic_answers"))
        lines.append(f"{name:<52}{m['auc']:>21.3f}{m['pearson']:>9.3f}{own:>12.2f}{off:>10.2f}")
    lines.append("(own answers / off-topic: mean credit the bank's model answers earn on their own first point, "
                 "and answers to another topic of the same module earn on it)")
    return "\n".join(lines)


LEXICAL_GRID = (0.0, 1.0, 2.0, 3.0, 4.0)


def fit_weights(data: dict[str, Source], lexical: float, current: JudgeWeights) -> tuple[JudgeWeights, dict]:
    """Scale, bias and thresholds for one lexical weight (see the module docstring), and what was seen."""
    fit = {k: data[k] for k in ("semeval_val", "own_dev")}
    u = np.concatenate([d.best(lexical) for d in fit.values()])
    y = np.concatenate([d.y for d in fit.values()])
    sw = np.concatenate([np.full(len(d.y), len(y) / (len(fit) * len(d.y))) for d in fit.values()])
    scale, bias = fit_platt(u, y, sw)
    probe = dataclasses.replace(current, scale=scale, bias=bias, lexical=lexical)
    yd = data["own_dev"].y
    pd = probe.probability(data["own_dev"].best(lexical))
    p_off = probe.probability(data["off_topic_answers"].best(lexical))
    floor = round(float(np.quantile(p_off, OFF_TOPIC_QUANTILE)), 2)
    covered_f1, _ = best_threshold(pd, yd == 1)
    covered = round(max(covered_f1, floor + 0.05), 2)
    partial = round(min(float(np.quantile(p_off, PARTIAL_QUANTILE)), covered - 0.05), 2)
    full = round(float(np.median(probe.probability(data["bank_answers"].best(lexical)))), 2)
    w = dataclasses.replace(probe, scale=round(scale, 5), bias=round(bias, 5), covered=covered, partial=partial,
                            full=max(full, covered))
    seen = {"floor": floor, "covered_f1": covered_f1, "dev_f1": _f1(pd >= covered, yd == 1),
            "dev_f1_partial": _f1(pd >= partial, yd >= 0.5),
            "off_topic_credit": float(np.mean([credit_for(x, w.status(x), w) for x in p_off]))}
    return w, seen


def validation_items() -> dict[str, list[Item]]:
    """Graded answers never used to fit the verifier: the held-out SemEval train questions and the dev
    questions of our CS short-answer set."""
    groups = semeval_items("val", None)
    groups["cs dev"] = [it for it in load_dataset(CS_SET) if it.split == "dev"]
    return groups


def choose_lexical(data: dict[str, Source], current: JudgeWeights) -> tuple[float, str]:
    """The grid weight whose fitted scorer ranks the validation answers best (mean AUC over the groups),
    among the weights that keep covered-vs-not F1 on our dev judgements at least where it is without
    word overlap: past that, keyword lists and on-topic wrong answers start to earn points."""
    groups = validation_items()
    judge = Memo(verifier())
    rows, best, floor_f1 = [], (-1.0, 0.0), None
    head = f"{'lexical':>8}{'dev F1':>8}{'off-topic credit':>18}" + "".join(f"{g:>18}" for g in groups) + f"{'mean AUC':>10}"
    for lexical in LEXICAL_GRID:
        w, seen = fit_weights(data, lexical, current)
        aucs = []
        for g, items in groups.items():
            pred = predict(items, scorer_for(list(eval_bank(items)[0].questions.values()), w, judge), progress=False)
            aucs.append(metrics(pred.scorer, [it.label for it in items])["auc"])
        mean = float(np.mean(aucs))
        floor_f1 = seen["dev_f1"] if floor_f1 is None else floor_f1
        allowed = seen["dev_f1"] >= floor_f1 - 1e-9
        rows.append(f"{lexical:>8.1f}{seen['dev_f1']:>8.3f}{seen['off_topic_credit']:>18.2f}"
                    + "".join(f"{a:>18.3f}" for a in aucs) + f"{mean:>10.3f}" + ("" if allowed else "  (dev F1 drops)"))
        print(rows[-1], file=sys.stderr, flush=True)
        if allowed and mean > best[0] + 1e-9:
            best = (mean, lexical)
    return best[1], "\n".join([head] + rows)


def main() -> int:
    t0 = time.time()
    current = JudgeWeights.load()
    v = verifier()
    current = dataclasses.replace(current, verifier=v.meta["version"])
    data = sources(current)
    lexical, grid = choose_lexical(data, current)
    fitted, seen = fit_weights(data, lexical, current)
    positives = np.concatenate([data[k].rel[data[k].y >= 1] for k in ("own_dev", "bank_answers")])
    off_topic = round(float(np.percentile(positives, 1)) - 0.01, 3)
    numbers = [fitted.scale, fitted.bias, fitted.lexical, fitted.covered, fitted.partial, fitted.full]
    version = time.strftime("%Y%m%d") + "-" + hashlib.sha1(np.array(numbers).tobytes()).hexdigest()[:8]
    out = {
        "version": version,
        "verifier": v.meta["version"],
        "fitted_on": "SemEval-2013 train questions held out from the verifier + benchmarks/data/judgements_dev.jsonl "
                     f"({', '.join(f'{k}: {len(d.y)}' for k, d in data.items())}); lexical: best mean validation AUC "
                     f"over {list(LEXICAL_GRID)} (held-out SemEval questions + CS short-answer dev) without dev F1 "
                     f"below lexical 0's; covered: best on "
                     f"dev F1 ({seen['covered_f1']}) raised above the off-topic floor {seen['floor']}; partial (credit "
                     f"starts): {PARTIAL_QUANTILE * 100:.0f}th percentile of P of off-topic answers; "
                     f"dev covered-vs-not F1 {seen['dev_f1']:.3f}, "
                     f"stated-at-least-partly F1 {seen['dev_f1_partial']:.3f}",
        "scale": fitted.scale,
        "bias": fitted.bias,
        "lexical": fitted.lexical,
        "covered": fitted.covered,
        "partial": fitted.partial,
        "full": fitted.full,
        "review_margin": 0.05,
        "off_topic": off_topic,
        "copy_overlap": current.copy_overlap,
        "gibberish": current.gibberish,
    }
    WEIGHTS_FILE.write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps(out, indent=2))
    print("Lexical weight (validation answers, ROC AUC of the fitted scorer):\n" + grid, file=sys.stderr)
    fitted = dataclasses.replace(fitted, version=version, off_topic=off_topic)
    print(credit_schemes(data, fitted, seen["floor"]), file=sys.stderr)
    print(f"calibrated in {time.time() - t0:.0f}s -> {WEIGHTS_FILE}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
