"""Minimal edits that turn a true statement false, for the verifier's training (contrast pairs).

A verifier trained only on freely written answers learns "says nearly the same words -> stated",
so "Dropout is not turned off at inference" passes for "Dropout is turned off at inference". These
edits give it pairs that differ in one or two words and have opposite labels:
  - `negate`: the first auxiliary verb gets a "not" ("is" -> "is not" / "isn't", "can" -> "cannot");
  - `swap`: terms with a clear opposite are exchanged (L1 <-> L2, increases <-> decreases,
    precision <-> recall...), only terms the rubric point itself uses without their opposite, so the
    edit changes what the point claims ("L1 and L2 both..." is left alone).
Both return None when there is nothing safe to edit. A text that already negates something is left
alone (a double negation may read as true again). The edits are mechanical and sometimes clumsy
English; they are training signal, never shown to anyone.
"""
from __future__ import annotations

import random
import re

from interviewer import text

# auxiliary -> (negated, contracted); "may"/"might" are left out: "may not" need not contradict "may".
AUXILIARIES = {"is": ("is not", "isn't"), "are": ("are not", "aren't"), "was": ("was not", "wasn't"),
               "were": ("were not", "weren't"), "can": ("cannot", "can't"), "could": ("could not", "couldn't"),
               "will": ("will not", "won't"), "would": ("would not", "wouldn't"),
               "should": ("should not", "shouldn't"), "must": ("must not", "mustn't")}
_AUX = re.compile(r"\b(" + "|".join(AUXILIARIES) + r")\b", re.I)

OPPOSITES = [("L1", "L2"), ("increase", "decrease"), ("increases", "decreases"), ("increasing", "decreasing"),
             ("increased", "decreased"), ("higher", "lower"), ("larger", "smaller"), ("maximize", "minimize"),
             ("maximise", "minimise"), ("maximum", "minimum"), ("overfitting", "underfitting"),
             ("overfit", "underfit"), ("bias", "variance"), ("precision", "recall"), ("before", "after"),
             ("positive", "negative"), ("positives", "negatives"), ("faster", "slower"), ("sparse", "dense"),
             ("exploding", "vanishing"), ("bagging", "boosting"), ("rows", "columns"), ("row", "column"),
             ("left", "right"), ("encoder", "decoder"), ("sigmoid", "softmax"), ("concave", "convex"),
             ("parallel", "sequential"), ("independent", "dependent"), ("more", "less"), ("min", "max"),
             ("upper", "lower"), ("online", "offline"), ("training", "inference"), ("shallow", "deep"),
             ("small", "large"), ("always", "rarely")]
_OPPOSITE = {a.lower(): b.lower() for a, b in OPPOSITES} | {b.lower(): a.lower() for a, b in OPPOSITES}
_TERM = re.compile(r"\b(" + "|".join(sorted(map(re.escape, _OPPOSITE), key=len, reverse=True)) + r")\b", re.I)


def _same_case(word: str, new: str) -> str:
    return new.upper() if word.isupper() and len(word) > 1 else new.capitalize() if word[0].isupper() else new


def negate(sentence: str, rng: random.Random) -> str | None:
    """The sentence with its first auxiliary negated, or None."""
    if text.negated(sentence):
        return None
    m = _AUX.search(sentence)
    if not m:
        return None
    full, short = AUXILIARIES[m.group(1).lower()]
    return sentence[:m.start()] + _same_case(m.group(1), rng.choice((full, short))) + sentence[m.end():]


def swap(point: str, sentence: str) -> str | None:
    """The sentence with the point's opposite-able terms (and their opposites) exchanged, or None."""
    used = {t.lower() for t in _TERM.findall(point)}
    terms = {t for t in used if _OPPOSITE[t] not in used}  # "L1 and L2 both..." would swap to the same claim
    terms |= {_OPPOSITE[t] for t in terms}
    if not terms & {t.lower() for t in _TERM.findall(sentence)}:
        return None
    return _TERM.sub(lambda m: _same_case(m.group(0), _OPPOSITE[m.group(0).lower()])
                     if m.group(0).lower() in terms else m.group(0), sentence)
