"""The shipped bank: sizes, topic coverage, rubric shape, self-consistency with the real scorer,
and no unjustified near-duplicates."""
from __future__ import annotations

import statistics
from collections import Counter

import pytest

from benchmarks.bank_quality import NEAR_DUPLICATE, justified_duplicates, self_consistency
from interviewer.bank import load_bank
from support import engine, engine_cache  # noqa: F401

MINIMUM = {"ml_breadth": 120, "ml_system_design": 30, "ml_coding": 20, "general_coding": 25,
           "ml_depth": 15, "behavioral": 20}
# The topics of the guide (../shared/seed) and the issue, each of which must have a question.
GUIDE_TOPICS = {
    "ml_breadth": ["learning_paradigms", "parametric_vs_nonparametric", "linear_regression", "logistic_regression",
                   "gradient_descent", "svm", "lda", "naive_bayes", "map_mle", "decision_trees", "bagging_boosting",
                   "random_forest", "adaboost", "gradient_boosting", "xgboost", "kmeans", "gmm", "lsa", "hmm", "pca",
                   "ica", "tsne", "feedforward_nets", "activations", "rnn_bptt", "vanishing_exploding_gradients",
                   "lstm", "dropout", "attention", "self_attention", "transformer", "bias_variance",
                   "regularization_l1_l2", "sampling", "missing_data", "loss_functions", "evaluation_metrics",
                   "p_values", "outliers", "similarity_metrics", "embeddings", "transfer_learning", "llm_basics"],
    "ml_system_design": ["recommendation", "feed_ranking", "ads_ctr", "search_ranking", "people_you_may_know",
                         "visual_search", "harmful_content", "fake_news", "chatbot", "typeahead", "fraud", "eta"],
    "ml_coding": ["kmeans", "knn", "decision_tree", "linear_regression", "logistic_regression", "softmax",
                  "sampling", "tfidf", "perceptron", "mlp", "convolution", "metrics"],
}


@pytest.fixture(scope="module")
def bank():
    return load_bank()


@pytest.mark.parametrize("module", sorted(MINIMUM))
def test_module_minimum_size(bank, module):
    assert len(bank.by_module(module)) >= MINIMUM[module]


@pytest.mark.parametrize("module", sorted(GUIDE_TOPICS))
def test_every_guide_topic_is_covered(bank, module):
    counts = Counter(q.topic for q in bank.by_module(module))
    assert [t for t in GUIDE_TOPICS[module] if counts[t] == 0] == []


def test_shared_rubric_sets_are_used(bank):
    assert all("system_design_steps" in q.rubric_sets for q in bank.by_module("ml_system_design"))
    assert all("star" in q.rubric_sets for q in bank.by_module("behavioral"))


def test_questions_are_complete(bank):
    for q in bank.questions.values():
        assert 1 <= len(q.follow_ups) <= 2, q.id
        assert len(q.model_answer.split()) >= 25, q.id
        if q.module == "ml_coding":
            assert q.coding and "def " in q.coding.starter_code, q.id


def test_rubric_points_are_claims_not_skills(bank):
    vague = ("understands", "knows about", "is familiar with", "mentions", "discusses")
    for q in bank.questions.values():
        for p in q.own_points:
            assert not p.text.lower().startswith(vague), (q.id, p.text)
            assert 4 <= len(p.text.split()) <= 35, (q.id, p.text)


@pytest.fixture(scope="module")
def consistency(engine):  # noqa: F811
    return self_consistency(engine)


# The verifier (scorer 2.x) gives partial credit where the judge is unsure, so a model answer no longer
# scores ~100 on every point; these bounds sit under what it measured with scorer 2.2 on 2026-11-30
# (median own 79, 5 % of model answers under 50; own beats unrelated by 20+ points on 98 % of
# questions, median unrelated 3) and scorer 2.3 on 2026-12-01 (median own 86, 1.5 % under 50, own
# beats unrelated by 20+ on 99.6 %, median unrelated 2), scorer 2.4 (median own 86, 2.7 % under 50,
# 99.6 %, median unrelated 1.5) and scorer 2.5 (86, 2.7 % under 50, 99.6 %, 1.4).
# `python -m benchmarks.bank_quality` lists the questions under OWN_MIN / over UNRELATED_MAX.
def test_model_answers_cover_their_own_rubric(consistency):
    own = [r.own for r in consistency]
    assert statistics.median(own) >= 75
    assert sum(s < 50 for s in own) <= 0.08 * len(own)
    assert min(own) > 0


def test_unrelated_model_answers_do_not_cover_the_rubric(consistency):
    assert statistics.median(r.unrelated for r in consistency) <= 5
    beaten = [r for r in consistency if r.own >= r.unrelated + 20]
    assert len(beaten) >= 0.95 * len(consistency)


def test_near_duplicates_are_merged_or_justified(engine):  # noqa: F811
    justified = justified_duplicates()
    unjustified = [d for d in engine.index.near_duplicates(NEAR_DUPLICATE) if frozenset(d[:2]) not in justified]
    assert unjustified == []
