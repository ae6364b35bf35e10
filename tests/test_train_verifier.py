"""How the verifier's training pairs are made from labelled judgements (no training here)."""
from __future__ import annotations

import random

from benchmarks.contrast import negate, swap
from benchmarks.train_verifier import judgement_pairs, split_semeval

POINT = "L1 regularisation can drive some weights to exactly zero, giving a sparse model."


def row(answer, verdict="covered", kind="direct", evidence=None, point=POINT, qid="q1"):
    return {"question_id": qid, "point_id": "p1", "module": "ml_breadth", "point": point, "answer": answer,
            "verdict": verdict, "kind": kind, "evidence": evidence if evidence is not None or verdict == "missed" else answer}


def test_evidence_sentence_keeps_the_label_and_other_sentences_are_negatives():
    answer = "I like the question. L1 drives weights to exactly zero. That is why people use it."
    pairs = judgement_pairs([row(answer, evidence="L1 drives weights to exactly zero.")], random.Random(0))
    pieces = {p.piece: p.label for p in pairs if p.source == "own-piece"}
    assert pieces["L1 drives weights to exactly zero."] == 1.0  # the sentence that states it
    assert pieces["I like the question. L1 drives weights to exactly zero."] == 1.0  # a window holding it
    assert 0.0 in pieces.values() and "L1 drives" not in " ".join(k for k, v in pieces.items() if v == 0.0)
    assert any(p.source == "own" and p.piece == answer and p.label == 1.0 for p in pairs)


def test_rambling_answers_give_sentences_only_and_partial_is_half():
    ramble = "Well, I think about it a lot. " * 3 + "L1 gives exact zeros in the weights."
    pairs = judgement_pairs([row(ramble, kind="rambling", evidence="L1 gives exact zeros in the weights."),
                             row("L1 makes weights smaller.", verdict="partial", kind="partial")], random.Random(0))
    assert not any(p.source == "own" and p.piece == ramble for p in pairs)
    assert any(p.source == "own" and p.label == 0.5 for p in pairs)


def test_a_sibling_answer_becomes_an_unrelated_negative():
    rows = [row("L1 zeroes weights."), row("L2 adds squared weights to the loss.", point="L2 adds squared weights.")]
    unrelated = [p for p in judgement_pairs(rows, random.Random(0)) if p.source == "own-unrelated"]
    assert {(p.point, p.piece, p.label) for p in unrelated} == {
        (POINT, "L2 adds squared weights to the loss.", 0.0), ("L2 adds squared weights.", "L1 zeroes weights.", 0.0)}


def test_semeval_validation_questions_are_unseen_in_training():
    rows = [{"question": f"q{i % 20}", "answer": str(i)} for i in range(200)]
    train, val = split_semeval(rows)
    assert val and train and not ({r["question"] for r in train} & {r["question"] for r in val})


def test_contrast_edits_flip_one_thing_and_leave_symmetric_claims_alone():
    rng = random.Random(0)
    assert negate("Dropout is turned off at inference time.", rng) in (
        "Dropout is not turned off at inference time.", "Dropout isn't turned off at inference time.")
    assert negate("L1 can drive weights to zero.", rng) in ("L1 cannot drive weights to zero.", "L1 can't drive weights to zero.")
    assert negate("Dropout does not run at inference.", rng) is None  # already negative
    assert negate("Trees split on features.", rng) is None  # no auxiliary to negate
    assert swap(POINT, "L1 gives exact zeros, a sparse model.") == "L2 gives exact zeros, a dense model."
    assert swap("Elastic net combines the L1 and L2 penalties.", "It adds the L1 and L2 terms.") is None
    assert swap(POINT, "Dropout zeroes activations.") is None


def test_each_point_is_paired_with_itself_and_its_edits():
    pairs = judgement_pairs([row("Some L1 weights become exactly zero, so the model is sparse.")], random.Random(0))
    edits = {(p.source, p.label) for p in pairs if p.source.startswith("edit")}
    assert ("edit-itself", 1.0) in edits and ("edit-point", 0.0) in edits and ("edit-answer", 0.0) in edits
    assert any(p.piece == "Some L2 weights become exactly zero, so the model is dense." and p.label == 0.0 for p in pairs)


def test_answers_from_another_topic_of_the_module_become_off_topic_negatives():
    dropout = "Dropout zeroes random activations in training. Nothing is dropped at inference."
    rows = [row("L1 zeroes weights.", qid="brd-reg-01"), row("L2 adds squared weights.", point="L2 point.", qid="brd-reg-02"),
            row(dropout, point="Dropout point.", qid="brd-dropout-01")]
    assert not any(p.source == "cross-topic" for p in judgement_pairs(rows, random.Random(0)))  # opt-in
    cross = [p for p in judgement_pairs(rows, random.Random(0), cross_topic=True) if p.source == "cross-topic"]
    assert cross and all(p.label == 0.0 for p in cross)
    by_point = {}
    for p in cross:
        by_point.setdefault(p.point, set()).add(p.piece)
    # the two regularisation questions share a topic, so each is paired only with the dropout answer
    assert by_point[POINT] == by_point["L2 point."] == {dropout, "Dropout zeroes random activations in training.",
                                                        "Nothing is dropped at inference."}
    assert all(piece in ("L1 zeroes weights.", "L2 adds squared weights.") for piece in by_point["Dropout point."])
