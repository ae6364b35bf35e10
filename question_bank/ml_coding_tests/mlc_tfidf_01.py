"""Hidden tests for mlc-tfidf-01 (tf-idf vectors)."""
import math

from interviewer.coderun import assert_close

FUNCTION = "tfidf"
SIGNATURE = "def tfidf(docs: list[str]) -> list[dict[str, float]]"

DOCS = [
    "The cat sat on the mat.",
    "The dog chased the cat!",
    "Dogs and cats: 2 friends, or 2 enemies?",
    "A quick brown fox jumps over the lazy dog",
]


def _vectors(sol, docs):
    out = sol.tfidf(docs)
    assert isinstance(out, (list, tuple)), f"return a list of dicts, got {type(out).__name__}"
    assert len(out) == len(docs), f"expected {len(docs)} vectors, got {len(out)}"
    for i, v in enumerate(out):
        assert isinstance(v, dict), f"vector {i} should be a dict term -> weight, got {type(v).__name__}"
    return list(out)


def _reference(docs):
    from sklearn.feature_extraction.text import TfidfVectorizer

    vec = TfidfVectorizer(lowercase=True, token_pattern=r"[a-z0-9]+")
    M = vec.fit_transform(docs).toarray()
    vocab = vec.get_feature_names_out()
    return [{t: M[i, j] for j, t in enumerate(vocab) if M[i, j] != 0} for i in range(len(docs))]


def test_matches_reference(sol):
    got, ref = _vectors(sol, DOCS), _reference(DOCS)
    for i, (g, r) in enumerate(zip(got, ref)):
        assert set(g) == set(r), (f"document {i}: terms differ; missing {sorted(set(r) - set(g))[:5]}, "
                                  f"unexpected {sorted(set(g) - set(r))[:5]}")
        for term in r:
            assert_close(g[term], r[term], f"weight of {term!r} in document {i}")


def test_vectors_have_unit_length(sol):
    for i, v in enumerate(_vectors(sol, DOCS)):
        norm = math.sqrt(sum(float(x) ** 2 for x in v.values()))
        assert abs(norm - 1) < 1e-9, f"document {i} has L2 norm {norm:.6g}; normalise each vector"


def test_case_and_punctuation(sol):
    got = _vectors(sol, ["Hello, WORLD!", "hello world"])
    assert set(got[0]) == {"hello", "world"}, f"tokens of 'Hello, WORLD!' should be hello and world, got {sorted(got[0])}"
    assert_close(got[0]["hello"], got[1]["hello"], "weight of 'hello' in two equivalent documents")


def test_term_in_every_document_still_counts(sol):
    got = _vectors(sol, ["common rare", "common other", "common third"])
    assert "common" in got[0] and got[0]["common"] > 0, "a term in every document should keep a positive weight"
    assert got[0]["rare"] > got[0]["common"], "a rarer term should outweigh a term that occurs in every document"


def test_empty_inputs(sol):
    assert _vectors(sol, []) == [], "an empty corpus should give an empty list"
    got = _vectors(sol, ["", "!!!", "words here"])
    assert got[0] == {} and got[1] == {}, f"documents without tokens should give empty dicts, got {got[:2]}"
    assert set(got[2]) == {"words", "here"}


def test_repeated_terms(sol):
    docs = ["spam spam spam eggs", "eggs ham"]
    got, ref = _vectors(sol, docs), _reference(docs)
    assert_close(got[0]["spam"], ref[0]["spam"], "weight of 'spam' (three occurrences)")
