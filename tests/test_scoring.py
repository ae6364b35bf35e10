"""The rubric judge with the real models (MiniLM retrieval, the verifier) and real FAISS, on a small bank written here."""
from __future__ import annotations

import json
import math

import pytest

from interviewer import text
from interviewer.engine import load_engine
from interviewer.scoring import AnswerError

QUESTIONS = """\
module: ml_breadth
questions:
  - id: reg-l1-l2
    topic: regularization_l1_l2
    difficulty: 2
    time_budget_s: 120
    prompt: Compare L1 and L2 regularisation. When would you pick each one?
    model_answer: >-
      L1 adds the sum of absolute weights to the loss. L1 can push some weights to exactly zero, so it
      gives a sparse model that selects features. L2 adds the sum of squared weights and shrinks all weights
      smoothly without making them exactly zero. With correlated features L2 spreads weight across them
      while L1 tends to keep one.
  - id: dropout-basics
    topic: dropout
    difficulty: 1
    time_budget_s: 90
    prompt: How does dropout work, and what changes at inference time?
    model_answer: >-
      During training dropout sets each activation to zero with probability p. At inference nothing is
      dropped and activations are scaled so their expected value matches training.
"""
RUBRICS = """\
module: ml_breadth
rubrics:
  reg-l1-l2:
    - {id: p1, text: "L1 regularisation adds the sum of absolute values of the weights to the loss."}
    - {id: p2, text: "L1 can drive some weights to exactly zero, producing a sparse model.", weight: 2}
    - {id: p3, text: "L2 regularisation adds the sum of squared weights to the loss."}
    - {id: p4, text: "L2 shrinks weights smoothly but rarely makes any of them exactly zero."}
    - {id: p5, text: "With correlated features L2 spreads weight across them while L1 tends to pick one."}
  dropout-basics:
    - {id: p1, text: "Dropout randomly sets activations to zero during training."}
    - {id: p2, text: "At inference time no units are dropped."}
    - {id: p3, text: "Activations are rescaled so expected values match between training and inference."}
"""


@pytest.fixture(scope="module")
def eng(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bank")
    (folder / "q.yaml").write_text(QUESTIONS)
    (folder / "r.yaml").write_text(RUBRICS)
    return load_engine([folder], cache_dir=tmp_path_factory.mktemp("cache"))


def status(result, point_id):
    return next(v for v in result.verdicts if v.point_id == point_id)


def test_model_answer_covers_every_point_with_evidence(eng):
    q = eng.bank.get("reg-l1-l2")
    r = eng.scorer.score(q, q.model_answer)
    assert r.score >= 70 and not r.reason  # one compound sentence states two points; the verifier is unsure of one
    for v in r.covered:
        assert q.model_answer[v.evidence.start:v.evidence.end] == v.evidence.text
    sparse = status(r, "p2")
    assert sparse.status == "covered" and "exactly zero" in sparse.evidence.text


def test_paraphrase_is_covered_and_evidence_points_at_the_right_sentence(eng):
    answer = ("I'd think about it in terms of what the penalty does. With the absolute-value penalty, many "
              "coefficients end up being exactly zero, which gives you a sparse model. I like that for "
              "feature selection.")
    r = eng.scorer.score("reg-l1-l2", answer)
    v = status(r, "p2")
    assert v.status in ("covered", "partial")
    assert "exactly zero" in v.evidence.text and answer[v.evidence.start:v.evidence.end] == v.evidence.text


def test_negated_statement_is_not_covered(eng):
    correct = eng.scorer.score("reg-l1-l2", "L1 regularisation drives many weights to exactly zero, so the model is sparse.")
    negated = eng.scorer.score("reg-l1-l2", "L1 regularisation does not drive weights to exactly zero, so the model is not sparse.")
    assert status(correct, "p2").status == "covered"
    assert status(negated, "p2").status == "missed"
    assert status(negated, "p2").note == "stated negatively or contradicted"


@pytest.mark.parametrize("answer, reason", [
    ("", "empty"),
    ("   \n\t  ", "empty"),
    ("asdf qwer zxcv lkjh poiu mnbv", "gibberish"),
    ("Compare L1 and L2 regularisation. When would you pick each one?", "repeats the question"),
    ("compare l1 and l2 regularisation", "repeats the question"),
    ("Well, the. And so on.", "no content words"),
    ("My favourite holiday was a week of hiking in the mountains with my family last summer.", "off-topic"),
])
def test_non_answers_get_zero_with_a_reason(eng, answer, reason):
    r = eng.scorer.score("reg-l1-l2", answer)
    assert r.score == 0 and reason in r.reason
    assert all(v.status == "missed" and v.evidence is None for v in r.verdicts)


def test_reusing_the_question_words_is_an_answer_not_a_copy(eng):
    r = eng.scorer.score("dropout-basics", "At inference time no units are dropped.")
    assert not r.reason
    assert status(r, "p2").status == "covered"


def test_unrelated_answer_scores_low(eng):
    other = eng.bank.get("dropout-basics").model_answer
    assert eng.scorer.score("reg-l1-l2", other).score <= 20


def test_same_input_same_bytes(eng):
    answer = eng.bank.get("reg-l1-l2").model_answer + " Also, some rambling about the weather."
    runs = {json.dumps(eng.scorer.score("reg-l1-l2", answer).to_dict(), sort_keys=True) for _ in range(5)}
    assert len(runs) == 1


def test_versions_are_recorded(eng):
    r = eng.scorer.score("reg-l1-l2", "L1 gives sparse weights.")
    assert set(r.versions) == {"scorer", "judge_model", "judge_weights", "rubric"}
    assert "MiniLM" in r.versions["judge_model"] and "cross-encoder" in r.versions["judge_model"]


def test_weights_shape_the_score(eng):
    r = eng.scorer.score("reg-l1-l2", "L1 regularisation pushes some weights all the way to exactly zero, which makes the model sparse.")
    assert status(r, "p2").status == "covered" and status(r, "p2").weight == 2
    w = eng.scorer.weights
    for v in r.verdicts:  # covered: min(1, P / full); partial: a share growing from 0 at the threshold; missed: 0
        expected = {"covered": min(1.0, v.confidence / w.full),
                    "partial": (v.confidence - w.partial) / (w.full - w.partial), "missed": 0.0}[v.status]
        assert v.credit == round(expected, 4)
    assert r.score == round(100 * sum(v.weight * v.credit for v in r.verdicts) / 6, 1)
    assert r.score >= round(100 * 2 * status(r, "p2").credit / 6, 1) > 0


def test_huge_answer_is_refused_with_a_message(eng):
    with pytest.raises(AnswerError, match="too long"):
        eng.scorer.score("reg-l1-l2", "word " * 210_000)


@pytest.mark.parametrize("answer", [
    "L1 gives sparse weights\x00\x00 with exact zeros. \U0001F600\U0001F680",
    "<script>alert('x')</script> L1 makes some weights exactly zero. <img src=x onerror=alert(1)>",
    bytes(range(256)).decode("latin-1"),
    "L2\u200b shrinks weights smoothly; ça ne les annule pas.",
])
def test_odd_input_gets_a_verdict_not_a_crash(eng, answer):
    r = eng.scorer.score("reg-l1-l2", answer)
    assert 0 <= r.score <= 100
    for v in r.verdicts:
        if v.evidence:
            assert answer[v.evidence.start:v.evidence.end] == v.evidence.text


def test_a_negated_or_swapped_sentence_in_the_partial_band_earns_nothing(eng):
    """Where the verifier is unsure (P in the partial band) the lexical checks decide: a sentence that
    swaps the point's key term (L1 -> L2) or negates it is missed with a note; a plain one stays partial."""
    w = eng.scorer.weights
    q = eng.bank.get("reg-l1-l2")
    point = q.points[1]  # "L1 can drive some weights to exactly zero, producing a sparse model."
    unsure = (math.log(w.partial / (1 - w.partial)) + 0.02 - w.bias) / w.scale  # P just above the threshold
    cases = {"L2 can drive some weights to exactly zero, producing a sparse model.": "missed",
             "L1 does not drive weights to exactly zero or produce a sparse model.": "missed",
             "L1 can push a few of the weights all the way to zero.": "partial"}
    for answer, expected in cases.items():
        v = eng.scorer._verdict(point, eng.scorer.analyse(q, answer), {0: unsure})
        assert w.partial <= v.confidence < w.covered
        assert v.status == expected, answer
        assert (v.note == "stated negatively or contradicted") == (expected == "missed")
        assert (v.credit > 0) == (expected == "partial") and (v.evidence is None) == (expected == "missed")


SWAP_POINT = "L1 drives some weights to exactly zero, while L2 shrinks all weights smoothly."
SORT_POINT = "Merge sort runs in O(n log n) time in every case."
L1_POINT = "L1 regularisation drives some weights to exactly zero, giving a sparse model."


@pytest.mark.parametrize("point_text, answer, note", [
    (SWAP_POINT, "L2 drives some weights to exactly zero, while L1 shrinks all weights smoothly.",
     "pairs the point's terms the other way round"),
    (SWAP_POINT, "L2 shrinks all weights smoothly, while L1 drives some weights to exactly zero.", ""),
    (SORT_POINT, "Merge sort runs in O(n^2) time in every case.", "states another complexity (o(nlogn) -> o(n^2))"),
    (SORT_POINT, "Merge sort always takes O(nlogn) time.", ""),
    (L1_POINT, "L2 regularisation drives some weights to exactly zero, giving a sparse model.",
     "swaps a key term for its opposite (l1 -> l2)"),
    (L1_POINT, "With L1 regularisation a few weights end up at exactly zero, so the model is sparse.", ""),
])
def test_swapped_terms_or_another_complexity_earn_nothing_even_when_the_verifier_is_sure(eng, point_text, answer,
                                                                                         note):
    """Scorer 2.5: the verifier reads the same words with the roles exchanged, or with another big-O, as
    the point itself; such a sentence is missed with a note at any P. The same pairs in another order,
    or the same complexity written another way, stay covered. Scorer 2.6: likewise a key term swapped
    for its opposite (L1 -> L2), which the key-term recall can lift past covered."""
    w = eng.scorer.weights
    q = eng.bank.get("reg-l1-l2")
    point = q.points[0].model_copy(update={"text": point_text})
    sure = (math.log(0.99 / 0.01) - w.bias) / w.scale  # P = 0.99
    v = eng.scorer._verdict(point, eng.scorer.analyse(q, answer), {0: sure})
    assert v.status == ("missed" if note else "covered")
    assert v.note.startswith(note) if note else v.note == ""
    assert (v.credit > 0) == (not note)


def test_key_terms_leave_out_the_words_of_the_question(eng):
    """Scorer 2.4: repeating the question's words is no sign of knowing the point, so they are not key
    terms of it; a point made only of the question's words keeps them all."""
    q = eng.bank.get("reg-l1-l2").model_copy(update={"prompt": "What does L1 regularization do to the weights?"})
    point = "L1 regularization drives some weights to exactly zero"
    terms = eng.scorer.key_terms(q, point)
    assert set(terms) == set(text.content_stems(point)) - set(text.content_stems(q.prompt))
    assert "zero" in terms and "weight" not in terms and "regular" not in terms
    assert eng.scorer.key_terms(q, "L1 regularization") == tuple(text.content_stems("L1 regularization"))


def test_evidence_logit_is_the_verifier_logit_plus_weighted_key_term_recall(eng):
    """Scorer 2.3: a unit's evidence logit is the verifier's logit plus `lexical` times the IDF-weighted
    share of the point's content words the unit uses (judge.json sets the weight)."""
    sc = eng.scorer
    q = eng.bank.get("reg-l1-l2")
    answer = "L1 can drive some weights to exactly zero, producing a sparse model. I like pizza on Fridays."
    found = sc.analyse(q, answer)
    evidence = sc.verify(q, found)
    for j, point in enumerate(q.points):
        for i, u in evidence[j].items():
            z = float(sc.verifier.logits([point.text], [found.cands[i].text])[0])
            rec = sc._recall(sc.key_terms(q, point.text), found.cands[i].stems)
            assert u == pytest.approx(z + sc.weights.lexical * rec, abs=0.02)  # batch shape moves logits a little
    p2 = tuple(text.content_stems(q.points[1].text))
    assert sc._recall(p2, found.cands[0].stems) == 1.0  # the sentence uses every key term of p2
    assert sc._recall(p2, found.cands[1].stems) == 0.0
    assert sc.weights.lexical > 0
