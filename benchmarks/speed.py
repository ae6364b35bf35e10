"""Speed and size: scoring latency, throughput, cold start, index build, peak memory.

Every figure is a median over several runs, and the scorer's latency is printed next to the
embedding-cosine baseline (MiniLM embedding of the answer, cosine to each point) measured in the
same run, as a ratio. The machine is shared, so compare ratios more than absolute numbers.
"""
from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from interviewer import scoring
from interviewer.bank import load_bank
from interviewer.engine import load_engine
from interviewer.index import build_index
from interviewer.models import minilm
from interviewer.records import Question

from .common import ROOT


def answer_of_words(q: Question, n_words: int = 150) -> str:
    """A realistic answer of exactly n words: the model answer, cut or extended with filler talk."""
    filler = ("In practice I would also check this on a validation set before trusting it, "
              "and I would talk to the team about the trade-offs involved. ").split()
    words = q.model_answer.split()
    while len(words) < n_words:
        words += filler
    return " ".join(words[:n_words])


def eight_point_question(bank: Bank) -> Question:
    """The question with the most points (own first; ties: first id), cut to 8 points."""
    q = max(sorted(bank.questions.values(), key=lambda q: q.id),
            key=lambda q: (min(len(q.points), 8), min(len(q.own_points), 8)))
    return q.model_copy(update={"points": (q.own_points + [p for p in q.points if p.source != "question"])[:8]})


def percentiles(samples: list[float]) -> tuple[float, float]:
    """p50 and p95 of durations in seconds, in milliseconds."""
    s = sorted(samples)
    return statistics.median(s) * 1000, s[min(len(s) - 1, int(round(0.95 * (len(s) - 1))))] * 1000


def latency(runs: int = 60) -> dict:
    eng = load_engine()
    q8 = eight_point_question(eng.bank)
    answer = answer_of_words(q8)
    mini = minilm()
    point_vecs = mini.encode([p.text for p in q8.points])
    eng.scorer.score(q8, answer)  # warm caches
    scorer_t, base_t = [], []
    for _ in range(runs):  # interleaved, so both see the same machine load
        for cache in (scoring._clause_stems, scoring._negated, scoring._contrast, scoring._swapped,
                      scoring._other_complexity):
            cache.cache_clear()  # every real answer is new text: no warm memo from the last run
        t = time.perf_counter()
        eng.scorer.score(q8, answer)
        scorer_t.append(time.perf_counter() - t)
        t = time.perf_counter()
        _ = mini.encode([answer]) @ point_vecs.T
        base_t.append(time.perf_counter() - t)
    s50, s95 = percentiles(scorer_t)
    b50, b95 = percentiles(base_t)
    return {"question": q8.id, "points": len(q8.points), "words": len(answer.split()), "runs": runs,
            "scorer_p50_ms": round(s50, 1), "scorer_p95_ms": round(s95, 1),
            "baseline_p50_ms": round(b50, 1), "baseline_p95_ms": round(b95, 1),
            "ratio_p50": round(s50 / b50, 2)}


def throughput(n_answers: int = 40) -> dict:
    eng = load_engine()
    qs = sorted(eng.bank.questions.values(), key=lambda q: q.id)[:n_answers]
    jobs = [(q, answer_of_words(q)) for q in qs]
    out = {}
    for workers in (1, 4):
        t = time.perf_counter()
        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(lambda job: eng.scorer.score(*job), jobs))
        out[f"answers_per_s_{workers}_callers"] = round(len(jobs) / (time.perf_counter() - t), 2)
    return out


# Peak RSS from VmHWM, not getrusage: Linux carries ru_maxrss across fork + exec, so a child started
# by this (large) benchmark process would report the parent's peak instead of its own.
_COLD = """
import time
t = time.perf_counter()
from interviewer.engine import load_engine
eng = load_engine()
eng.scorer.score(next(iter(eng.bank.questions.values())), "warm up")
status = open("/proc/self/status").read()
print(time.perf_counter() - t, int(status.split("VmHWM:")[1].split()[0]) / 1024)
"""


def cold_start(runs: int = 3) -> dict:
    times, rss = [], []
    for _ in range(runs):
        t = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", _COLD], capture_output=True, text=True, cwd=ROOT, check=True)
        wall = time.perf_counter() - t
        inner, mb = map(float, out.stdout.split())
        times.append(wall)
        rss.append(mb)
    return {"cold_start_s": round(statistics.median(times), 2), "peak_rss_mb": round(max(rss), 1)}


def index_build(cached_runs: int = 5) -> dict:
    bank = load_bank()
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        build_index(bank, minilm, cache_dir=Path(tmp))
        cold = time.perf_counter() - t
        cached = []
        for _ in range(cached_runs):
            t = time.perf_counter()
            idx = build_index(bank, minilm, cache_dir=Path(tmp))
            cached.append(time.perf_counter() - t)
            assert idx.loaded_from_cache
    return {"questions": len(bank.questions), "points": sum(len(q.points) for q in bank.questions.values()),
            "index_cold_s": round(cold, 2), "index_cached_s": round(statistics.median(cached), 3),
            "ratio_cold_over_cached": round(cold / statistics.median(cached), 1)}


def run(quick: bool = False) -> dict:
    result = {"latency": latency(30 if quick else 60), "throughput": throughput(20 if quick else 40),
              "startup": cold_start(1 if quick else 3)}
    if not quick:
        result["index"] = index_build()
    result["bench_process_peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return result


def format_table(r: dict) -> str:
    lat = r["latency"]
    lines = ["\nSpeed (2-core machine; medians)",
             f"  score one {lat['words']}-word answer against {lat['points']} points ({lat['runs']} runs):",
             f"    scorer            p50 {lat['scorer_p50_ms']:>7.1f} ms   p95 {lat['scorer_p95_ms']:>7.1f} ms",
             f"    embedding cosine  p50 {lat['baseline_p50_ms']:>7.1f} ms   p95 {lat['baseline_p95_ms']:>7.1f} ms"
             f"   (scorer / baseline p50 = {lat['ratio_p50']}x)"]
    for k, v in r["throughput"].items():
        lines.append(f"  throughput, {k.split('_')[3]} concurrent caller(s): {v} answers/s")
    lines.append(f"  cold start (process start to first score, cached index): {r['startup']['cold_start_s']} s;"
                 f" peak RSS {r['startup']['peak_rss_mb']} MB")
    if "index" in r:
        i = r["index"]
        lines.append(f"  index build ({i['questions']} questions, {i['points']} points): cold {i['index_cold_s']} s,"
                     f" cached {i['index_cached_s']} s ({i['ratio_cold_over_cached']}x)")
    return "\n".join(lines)


if __name__ == "__main__":
    r = run("--quick" in sys.argv)
    print(format_table(r))
    print(json.dumps(r, indent=2), file=sys.stderr)
