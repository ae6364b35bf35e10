"""Text helpers: offsets survive cleaning and splitting; negation and gibberish cues."""
from interviewer import text


def test_clean_keeps_offsets():
    raw = "abc\x00def\x07 ghi\nnext"
    cleaned = text.clean(raw)
    assert len(cleaned) == len(raw) and "\x00" not in cleaned and "\n" in cleaned


def test_sentences_have_exact_offsets():
    answer = "L1 makes weights sparse. L2 shrinks them, e.g. towards zero!  Why? Because of the penalty.\n- a bullet"
    spans = text.sentences(answer)
    assert [s.text for s in spans] == ["L1 makes weights sparse.", "L2 shrinks them, e.g. towards zero!", "Why?",
                                       "Because of the penalty.", "- a bullet"]
    assert all(answer[s.start:s.end] == s.text for s in spans)


def test_a_code_fence_after_a_sentence_starts_a_new_unit():
    answer = "L1 gives a sparse model. ```python\nw[abs(w) < t] = 0\n```"
    assert [s.text for s in text.sentences(answer)] == ["L1 gives a sparse model.", "```python\nw[abs(w) < t] = 0\n```"]


def test_long_sentences_are_cut_at_clauses():
    long = ("we start from the data and we clean it carefully, but then we train a gradient boosted tree on the "
            "cleaned features with early stopping on a validation set, whereas the baseline is a logistic "
            "regression with hashed features and some regularisation that we tune by grid search")
    spans = text.sentences(long)
    assert len(spans) >= 2 and all(long[s.start:s.end] == s.text for s in spans)


def test_negation_ignores_not_only():
    assert text.negated("L1 does not make weights sparse")
    assert text.negated("dropout is never used at inference")
    assert text.negated("it doesn\u2019t help")
    assert not text.negated("L1 not only shrinks weights, it zeroes some of them")
    assert not text.negated("it does not matter", {"weight"})
    assert text.negated("it does not, in my view, make weights sparse", {"weight"})
    assert not text.negated("L1 drives weights to exactly zero")


def test_gibberish_ratio():
    assert text.gibberish_ratio("asdf qwer zxcv lkjh poiu") > 0.5
    assert text.gibberish_ratio("the the the the the the the the the") > 0.5
    assert text.gibberish_ratio("L1 regularisation pushes many coefficients to exactly zero.") < 0.2
    assert text.gibberish_ratio("kNN with k=1 overfits; pick k by cross-validation and use ReLU") < 0.5
    assert text.gibberish_ratio("LIFO") == 0 and text.gibberish_ratio("A BST, walked by DFS") == 0  # acronyms
    assert text.gibberish_ratio("lifo") == 1  # the same letters in lower case read as key-mashing
    # a terse true sentence may repeat its few content words; word salad repeats them and little else
    assert text.gibberish_ratio("You can scratch the copper with the paperclip, so the copper is softer, and if "
                                "the copper could scratch the paperclip, it would be softer.") < 0.5
    assert text.gibberish_ratio("um um um um yeah yeah so so so the the the") > 0.5
    # keywords stuffed in pairs state nothing; a doubled word in a sentence is a slip, not gibberish
    assert text.gibberish_ratio("graph graph node node edge edge weight weight zzz zzz") > 0.5
    assert text.gibberish_ratio("lorem ipsum dolor sit amet gradient gradient tree tree consectetur adipiscing") > 0.5
    assert text.gibberish_ratio("It is very very fast because the the array is already sorted.") < 0.5


def test_stems_match_spelling_variants():
    assert text.stem("regularisation") == text.stem("regularization") == text.stem("regularizations")
    assert text.stem("weights") == text.stem("weight")


def test_contrast_finds_swapped_terms_only_when_the_point_term_is_gone():
    point = "L1 regularisation can drive some weights to exactly zero"
    assert text.contrast(point, "L2 is the one that sets weights exactly to zero") == "l1 -> l2"
    assert text.contrast(point, "Unlike L2, L1 sets weights to zero") is None
    assert text.contrast("Increasing k in kNN reduces variance", "increasing k in kNN increases variance") == "reduc -> increas"
    assert text.contrast("High variance means the model overfits", "high bias means the model overfits") == "varian -> bias"
    assert text.contrast("Dropout is applied only during training", "dropout is applied at training time") is None


def test_swapped_finds_terms_paired_the_other_way_round():
    point = ("A stack removes elements last-in, first-out from the top, while a queue removes them "
             "first-in, first-out from the front.")
    assert text.swapped(point, "A stack removes elements first-in, first-out from the top, while a queue "
                               "removes them last-in, first-out from the front.") is True
    sorts = "Linear search is O(n) because it checks every element; binary search is O(log n) because it halves the range."
    assert text.swapped(sorts, "Linear search is O(log n) because it checks every element; "
                               "binary search is O(n) because it halves the range.") is True
    # the same pairs in another order, or in one clause, or in a single-clause answer: not a swap
    assert text.swapped(sorts, "Binary search halves the range, so it is O(log n); linear search checks "
                               "every element, O(n).") is False
    assert text.swapped(point, "A queue removes elements first in first out from the front, while a stack "
                               "removes the last element added from the top.") is False
    assert text.swapped(point, "queue is FIFO, stack is LIFO") is False
    assert text.swapped("L1 zeroes weights", "L2 zeroes weights") is False
    # a paraphrase that borrows a word of the other clause in another sense ("right") is not a swap
    assert text.swapped("Classification only needs the correct class ranked highest, so decisions can be right "
                        "despite wrong probabilities.",
                        "Classification, though, only needs the right class to come out on top, so the ranking "
                        "of classes can be correct even when the probability values are far off.") is False


def test_big_o_terms_are_written_one_way_and_another_complexity_is_found():
    assert text.big_o("O(n log n), Θ(nlogn), O(n²), O(log2 n), O(lg n)") == ["o(nlogn)", "o(nlogn)", "o(n^2)",
                                                                            "o(logn)", "o(logn)"]
    point = "Merge sort runs in O(n log n) time in every case."
    assert text.other_complexity(point, "merge sort runs in O(n^2)") == "o(nlogn) -> o(n^2)"
    assert text.other_complexity(point, "it is O(n logn) always") is None
    assert text.other_complexity(point, "it is n log n") is None       # no big-O term: nothing to compare
    assert text.other_complexity("Binary search halves the range", "it is O(log n)") is None
    # the same term written with other multiplication signs, or sharing a summand, is not another
    assert text.big_o("O(n*k*d), O(n·k·d), O(n × k × d)") == ["o(nkd)"] * 3
    assert text.other_complexity("Selecting the top k costs O(n).", "O(n log n) to sort all, O(n + k log k) here") is None
    assert text.other_complexity("Normal equations cost O(nd² + d³).", "Forming X^T X costs O(n·d^2).") is None


def test_code_is_not_gibberish():
    answer = "I keep a hash map from value to index.\n```python\nfor i, x in enumerate(a):\n    d[x] = i\n```"
    assert text.gibberish_ratio(answer) < 0.2


def test_short_answers_that_state_something_have_content():
    # "same" carries the claim ("the two currents are the same"); acronyms are words
    assert text.content_stems("They are the same.")
    assert text.content_stems("LIFO")
    assert "o(n^2)" in text.content_stems("O(n^2)") and "o(nlogn)" in text.content_stems("It is O(n log n).")
    assert text.content_stems("also (x) to (y)") == []  # no big-O inside a word


def test_clitics_and_connectives_are_not_content():
    # "element's" is the word "element"; "because" and "it's" say nothing a rubric point could hold
    assert text.content_stems("the element's address") == text.content_stems("the element address")
    assert text.content_stems("because it's first in first out") == text.content_stems("first in first out")
    assert "doesn't" in text.content_stems("it doesn't converge")  # a negator stays a word of its own
