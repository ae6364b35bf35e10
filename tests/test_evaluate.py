"""`interviewer eval` on a small graded file written here (our own words, not SemEval)."""
from __future__ import annotations

import json

import numpy as np
import pytest

from interviewer.evaluate import DatasetError, auc, load_dataset, metrics, reference_question
from support import run_cli

ROWS = [
    ("Why does ice float on water?", "Ice is less dense than liquid water.", "Because ice has lower density than water.", 1),
    ("Why does ice float on water?", "Ice is less dense than liquid water.", "Since frozen water weighs less per volume than liquid water.", 1),
    ("Why does ice float on water?", "Ice is less dense than liquid water.", "Ice is heavier than water.", 0),
    ("Why does ice float on water?", "Ice is less dense than liquid water.", "Because it is cold.", 0),
    ("What does a closed switch do in a circuit?", "A closed switch completes the circuit so current flows.",
     "It completes the path so current can flow.", 1),
    ("What does a closed switch do in a circuit?", "A closed switch completes the circuit so current flows.",
     "It stops the current.", 0),
    ("What does a closed switch do in a circuit?", "A closed switch completes the circuit so current flows.",
     "The bulb gets brighter because the battery is new.", 0),
    ("What does a closed switch do in a circuit?", "A closed switch completes the circuit so current flows.",
     "Current flows because the circuit is complete when the switch is closed.", 1),
]


def write(path, rows, split="test-a"):
    with open(path, "w") as f:
        for q, ref, ans, score in rows:
            f.write(json.dumps({"question": q, "reference_answer": ref, "answer": ans, "score": score,
                                "score_max": 1, "split": split,
                                "reference_answers": [{"text": ref}]}) + "\n")


def test_eval_json_shape(tmp_path):
    path = tmp_path / "graded.jsonl"
    write(path, ROWS)
    out = run_cli("eval", "--dataset", str(path), "--json", data_dir=tmp_path / "data")
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["n"] == len(ROWS)
    assert set(result["splits"]) == {"all", "test-a"}
    assert result["split_sizes"]["all"] == len(ROWS)
    for split in result["splits"].values():  # every value under a split is one system's metrics
        assert {"scorer", "tfidf", "embedding"} <= set(split)
        assert all(set(m) == {"pearson", "spearman", "rmse", "auc"} for m in split.values())
    assert result["splits"]["all"]["scorer"]["auc"] > 0.5


def test_eval_table_and_bad_input(tmp_path):
    path = tmp_path / "graded.jsonl"
    write(path, ROWS[:4])
    out = run_cli("eval", "--dataset", str(path), data_dir=tmp_path / "data")
    assert out.returncode == 0 and "pearson" in out.stdout and "tfidf" in out.stdout
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"question": "q", "answer": "a"}\n')
    out = run_cli("eval", "--dataset", str(bad), data_dir=tmp_path / "data")
    assert out.returncode == 2 and "missing field" in out.stderr and "Traceback" not in out.stderr
    bad.write_text("not json\n")
    out = run_cli("eval", "--dataset", str(bad), data_dir=tmp_path / "data")
    assert out.returncode == 2 and ":1: not valid JSON" in out.stderr


def test_metric_functions():
    assert auc(np.array([0.1, 0.4, 0.35, 0.8]), np.array([False, False, True, True])) == 0.75
    assert auc(np.array([0.5, 0.5]), np.array([False, True])) == 0.5
    m = metrics([0.0, 0.5, 1.0], [0.0, 0.5, 1.0])
    assert m["pearson"] == 1.0 and m["spearman"] == 1.0 and m["rmse"] == 0.0 and m["auc"] == 1.0


@pytest.mark.parametrize("line, message", [
    ('[1, 2]', "not a JSON object"),
    ('{"question": "q", "reference_answer": " ", "answer": "a", "score": 1, "score_max": 5}', "reference_answer is empty"),
    ('{"question": "q", "reference_answer": "r.", "answer": "a", "score": "NaN", "score_max": 5}', "finite numbers"),
    ('{"question": "q", "reference_answer": "r.", "answer": "a", "score": 1, "score_max": 0}', "finite numbers"),
    ('{"question": "q", "reference_answer": "r.", "answer": "a", "score": "four", "score_max": 5}', "finite numbers"),
])
def test_dataset_rows_that_cannot_be_scored_are_named(tmp_path, line, message):
    path = tmp_path / "bad.jsonl"
    path.write_text(line + "\n")
    with pytest.raises(DatasetError, match=message) as e:
        load_dataset(path)
    assert str(e.value).startswith(f"{path}:1: ")


def test_dataset_reads_string_numbers_and_plain_reference_lists(tmp_path):
    path = tmp_path / "ok.jsonl"
    path.write_text(json.dumps({"question": "q", "reference_answer": "A stack is last in, first out.", "answer": "LIFO",
                                "score": "4.5", "score_max": "5", "reference_answers": ["A LIFO container.", {"text": ""}]}) + "\n")
    [item] = load_dataset(path)
    assert item.label == 0.9 and item.references == ["A stack is last in, first out.", "A LIFO container."]
    assert item.split == "all"


def test_reference_becomes_sentence_clause_and_claim_points():
    """A claim and its reason are separate points, so a terse right answer ("a queue") earns part of
    the reference; sentence points and clause points each hold half the weight."""
    q = reference_question("q1", "Which structure does BFS use?",
                           "A queue, because vertices must be processed in the order they are found. It runs in O(V + E).")
    texts = {p.text: p.weight for p in q.points}
    assert "A queue" in texts and "vertices must be processed in the order they are found" in texts
    assert sum(p.weight for p in q.points if p.id.startswith("r")) == pytest.approx(1.0)
    assert sum(p.weight for p in q.points if p.id.startswith("c")) == pytest.approx(1.0)
