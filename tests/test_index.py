"""The FAISS index: cached by content hash, restricted retrieval, similar questions."""
from __future__ import annotations

import numpy as np
import pytest

from interviewer.bank import load_bank
from interviewer.index import build_index, cache_key
from interviewer.models import minilm, wordpieces
from test_bank import GOOD_QUESTIONS, GOOD_RUBRICS, write_bank


def _no_minilm():
    raise AssertionError("the cached index must not load or run the embedding model")


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    folder = write_bank(tmp_path_factory.mktemp("bank"))
    cache = tmp_path_factory.mktemp("cache")
    bank = load_bank([folder])
    index = build_index(bank, minilm, cache_dir=cache)
    return folder, cache, bank, index


def test_unchanged_bank_is_loaded_from_cache_without_embedding(small):
    _, cache, bank, first = small
    assert not first.loaded_from_cache
    again = build_index(bank, _no_minilm, cache_dir=cache)
    assert again.loaded_from_cache and again.key == first.key
    q = bank.get("t-one")
    np.testing.assert_array_equal(again.point_vectors(q), first.point_vectors(q))


def test_changed_bank_gets_a_new_key_and_rebuilds(small, tmp_path):
    _, cache, bank, first = small
    changed = write_bank(tmp_path / "b2", rubrics=GOOD_RUBRICS.replace("More data", "Much more data"))
    bank2 = load_bank([changed])
    assert cache_key(bank2) != first.key
    index2 = build_index(bank2, minilm, cache_dir=cache)
    assert not index2.loaded_from_cache
    assert sorted(p.name for p in cache.iterdir() if not p.name.startswith(".")) == sorted([first.key, index2.key])


def test_damaged_cache_is_rebuilt(small, tmp_path):
    folder, _, bank, first = small
    cache = tmp_path / "cache"
    build_index(bank, minilm, cache_dir=cache)
    (cache / first.key / "points.faiss").write_bytes(b"garbage")
    rebuilt = build_index(bank, minilm, cache_dir=cache)
    assert not rebuilt.loaded_from_cache and rebuilt.points.ntotal == first.points.ntotal


def test_retrieval_is_restricted_to_the_question(small):
    _, _, bank, index = small
    q = bank.get("t-two")
    units = wordpieces().encode(["During training dropout zeroes random activations.", "Overfitting is memorising noise."])
    sims = index.nearest_points(units, q)
    assert sims.shape == (2, len(q.points))
    assert int(np.argmax(sims[0])) == 0  # the dropout sentence is nearest to the dropout point
    expected = units @ index.point_vectors(q).T
    np.testing.assert_allclose(sims, expected, atol=1e-5)


def test_similar_questions_and_near_duplicates(small):
    _, _, bank, index = small
    similar = index.similar_questions("t-one", k=5)
    assert [qid for qid, _ in similar] == ["t-two"]
    assert index.near_duplicates(0.9999) == []
