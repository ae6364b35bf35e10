"""Loading and validating the bank: the shipped bank is clean; every kind of broken copy is reported
with file, question id and line, and nothing is half-loaded."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from interviewer.bank import BankError, load_bank
from support import ROOT, run_cli

GOOD_QUESTIONS = """\
module: ml_breadth
questions:
  - id: t-one
    topic: bias_variance
    difficulty: 1
    time_budget_s: 60
    prompt: What is overfitting?
    model_answer: A model overfits when it memorises noise in the training data.
    follow_ups:
      - prompt: How do you detect it?
        probes: p1
  - id: t-two
    topic: dropout
    difficulty: 2
    time_budget_s: 90
    prompt: What does dropout do?
    model_answer: Dropout zeroes random activations while training.
"""
GOOD_RUBRICS = """\
module: ml_breadth
rubrics:
  t-one:
    - {id: p1, text: Overfitting means low training error but high error on unseen data.}
    - {id: p2, text: The model fits noise in the training set rather than the signal.}
    - {id: p3, text: More data or regularisation reduces overfitting., weight: 2}
  t-two:
    - {id: p1, text: Dropout sets random activations to zero during training.}
    - {id: p2, text: At inference no units are dropped and activations are scaled.}
    - {id: p3, text: Dropout acts like averaging an ensemble of thinned networks.}
"""


def write_bank(folder: Path, questions: str = GOOD_QUESTIONS, rubrics: str = GOOD_RUBRICS) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "ml_breadth.yaml").write_text(questions)
    (folder / "rubrics.yaml").write_text(rubrics)
    return folder


def issues_of(folder: Path) -> list:
    with pytest.raises(BankError) as err:
        load_bank([folder])
    return err.value.issues


def test_shipped_bank_is_valid():
    bank = load_bank()
    assert len(bank.questions) > 100
    assert all(3 <= len(q.own_points) <= 8 for q in bank.questions.values())


def test_a_good_folder_loads_with_shared_sets_from_the_shipped_bank(tmp_path):
    bank = load_bank([write_bank(tmp_path / "b")])
    assert sorted(bank.questions) == ["t-one", "t-two"]
    assert [p.weight for p in bank.get("t-one").points] == [1.0, 1.0, 2.0]
    assert "system_design_steps" in bank.sets


@pytest.mark.parametrize("questions, rubrics, expected", [
    (GOOD_QUESTIONS.replace("id: t-two", "id: t-one"), GOOD_RUBRICS, "duplicate question id"),
    (GOOD_QUESTIONS.replace("module: ml_breadth", "module: astrology"), GOOD_RUBRICS, "unknown module 'astrology'"),
    (GOOD_QUESTIONS, GOOD_RUBRICS.replace("Dropout sets random activations to zero during training.", "''"),
     "must not be empty"),
    (GOOD_QUESTIONS.replace("    difficulty: 2\n", "    difficulty: 2\n    rubric_sets: [nope]\n"), GOOD_RUBRICS,
     "unknown rubric set 'nope'"),
    (GOOD_QUESTIONS.replace("topic: dropout", "topic: astrology"), GOOD_RUBRICS, "unknown topic 'astrology'"),
    (GOOD_QUESTIONS.replace("probes: p1", "probes: p9"), GOOD_RUBRICS, "follow-up probes unknown rubric point 'p9'"),
    (GOOD_QUESTIONS, GOOD_RUBRICS.replace("  t-two:", "  t-zzz:"), "has no rubric"),
    (GOOD_QUESTIONS.replace("difficulty: 2", "difficulty: 7"), GOOD_RUBRICS, "difficulty"),
])
def test_broken_bank_names_file_question_and_line(tmp_path, questions, rubrics, expected):
    issues = issues_of(write_bank(tmp_path / "b", questions, rubrics))
    hit = [i for i in issues if expected in i.message]
    assert hit, [str(i) for i in issues]
    assert hit[0].file.endswith(".yaml") and hit[0].line is not None


def test_question_level_errors_name_the_question(tmp_path):
    issues = issues_of(write_bank(tmp_path / "b", GOOD_QUESTIONS.replace("topic: dropout", "topic: astrology")))
    assert issues[0].question == "t-two" and issues[0].line == 12
    assert str(issues[0]).startswith(str(tmp_path / "b" / "ml_breadth.yaml") + ":12: question 't-two':")


def test_yaml_syntax_error_reports_line(tmp_path):
    broken = GOOD_QUESTIONS.replace("    prompt: What does dropout do?", "    prompt: [unclosed\n    oops: {")
    issues = issues_of(write_bank(tmp_path / "b", broken))
    assert "invalid YAML" in issues[0].message and issues[0].line is not None and issues[0].line in (16, 17)


def test_binary_and_non_utf8_files_are_rejected(tmp_path):
    folder = write_bank(tmp_path / "b")
    (folder / "junk.yaml").write_bytes(b"\x00\x01\x02binary")
    (folder / "latin.yaml").write_bytes("module: ml_breadth\nquestions: []\n# caf\xe9".encode("latin-1"))
    messages = " ".join(i.message for i in issues_of(folder))
    assert "binary" in messages and "not UTF-8" in messages


def test_rubric_size_limits(tmp_path):
    few = GOOD_RUBRICS.replace("    - {id: p3, text: More data or regularisation reduces overfitting., weight: 2}\n", "")
    issues = issues_of(write_bank(tmp_path / "b", rubrics=few))
    assert any("rubric has 2 points" in i.message for i in issues)


def test_nothing_half_loaded(tmp_path):
    """One bad question means no Bank at all, not a bank missing that question."""
    folder = write_bank(tmp_path / "b", GOOD_QUESTIONS.replace("topic: dropout", "topic: astrology"))
    with pytest.raises(BankError):
        load_bank([folder])


def test_cli_validate_shipped_bank_passes():
    out = run_cli("validate")
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("OK:")


def test_cli_validate_broken_copy_fails_with_location(tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(ROOT / "question_bank", copy / "question_bank")
    shutil.copytree(ROOT / "rubrics", copy / "rubrics")
    target = copy / "question_bank" / "ml_breadth.yaml"
    lines = target.read_text().splitlines()
    first_topic = next(n for n, line in enumerate(lines) if line.strip().startswith("topic:"))
    lines[first_topic] = lines[first_topic].split("topic:")[0] + "topic: not_a_topic"
    target.write_text("\n".join(lines) + "\n")
    out = run_cli("validate", str(copy))
    assert out.returncode == 2
    assert f"{target}:" in out.stderr and "unknown topic 'not_a_topic'" in out.stderr and "question '" in out.stderr
    assert "Traceback" not in out.stderr
