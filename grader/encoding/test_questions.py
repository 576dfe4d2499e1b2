"""Hidden tests for the lecture's questions: one_hot_shape (3 of its 5 points), zero_rows_per_text (5 of 7),
one_hot_row (2 of 3), one_hot_nbytes (4 of 5).

The remaining points are in test_promises.py (the documented type of the answer, the documented errors).
"""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from seqlab import strategies as sst
from seqlab.testing import assert_matches, graded

NOTES_TEXTS = [
    "I am from Germany and I eat lots of Bratwurst.",
    "God bless the queen.",
    "Life is like a box of chocolate.",
]


# --------------------------------------------------------------------------------------------------
# Question 1 -- one_hot_shape: 3 points (+ 2 in test_promises.py)
# --------------------------------------------------------------------------------------------------


@graded("one_hot_shape", points=1)
def test_one_hot_shape_of_the_lecture_texts(submission, reference):
    """Question 1: (3, 10, 500000) with the 500 000-word index, (3, 10, 19) with the texts' own index"""
    for vocab_size in (500_000, None):
        assert_matches(
            submission.one_hot_shape(NOTES_TEXTS, 10, vocab_size),
            reference.one_hot_shape(NOTES_TEXTS, 10, vocab_size),
            what=f"one_hot_shape(lecture texts, 10, vocab_size={vocab_size})",
        )


@graded("one_hot_shape", points=1)
@given(texts=sst.text_lists(), max_length=st.integers(0, 12), vocab_size=st.none() | st.integers(0, 10**6))
@example(texts=[], max_length=0, vocab_size=None)
@example(texts=["", "A a b"], max_length=4, vocab_size=0)
def test_one_hot_shape_random_texts(submission, reference, texts, max_length, vocab_size):
    """one_hot_shape on random batches, with and without a given index size"""
    assert_matches(
        submission.one_hot_shape(texts, max_length, vocab_size),
        reference.one_hot_shape(texts, max_length, vocab_size),
        what=f"one_hot_shape({texts!r}, {max_length}, vocab_size={vocab_size})",
    )


@graded("one_hot_shape", points=1)
@given(texts=sst.text_lists(), max_length=st.integers(0, 30))
def test_one_hot_shape_character_level(submission, reference, texts, max_length):
    """one_hot_shape(..., level='char') counts distinct characters"""
    assert_matches(
        submission.one_hot_shape(texts, max_length, level="char"),
        reference.one_hot_shape(texts, max_length, level="char"),
        what=f"one_hot_shape({texts!r}, {max_length}, level='char')",
    )


# --------------------------------------------------------------------------------------------------
# Question 2 -- zero_rows_per_text: 5 points (+ 2 in test_promises.py)
# --------------------------------------------------------------------------------------------------


@graded("zero_rows_per_text", points=1)
def test_zero_rows_per_text_of_the_lecture_texts(submission, reference):
    """Question 2: 0, 6 and 3 rows of zeros for the lecture's texts with T = 10"""
    index = reference.build_token_index(NOTES_TEXTS)
    for token_index, label in [(None, "None"), (index, "their index")]:
        assert_matches(
            submission.zero_rows_per_text(NOTES_TEXTS, 10, token_index),
            reference.zero_rows_per_text(NOTES_TEXTS, 10, token_index),
            what=f"zero_rows_per_text(lecture texts, 10, token_index={label})",
        )


@graded("zero_rows_per_text", points=2)
@given(sample=sst.texts_and_index(), max_length=st.integers(0, 12), level=sst.levels())
@example(sample=(["the cat sat on the mat", "a cat"], {"the": 0, "cat": 1}), max_length=2, level="word")
def test_zero_rows_per_text_counts_padding_and_unknown_tokens(
    submission, reference, sample, max_length, level
):
    """zero_rows_per_text with an index: padding rows plus unknown tokens among the first T"""
    texts, index = sample
    assert_matches(
        submission.zero_rows_per_text(texts, max_length, index, level=level),
        reference.zero_rows_per_text(texts, max_length, index, level=level),
        what=f"zero_rows_per_text({texts!r}, {max_length}, {index!r}, level={level!r})",
    )


@graded("zero_rows_per_text", points=1)
@given(texts=sst.text_lists(), max_length=st.integers(0, 12))
def test_zero_rows_per_text_without_an_index(submission, reference, texts, max_length):
    """zero_rows_per_text without an index counts the padding rows only"""
    assert_matches(
        submission.zero_rows_per_text(texts, max_length),
        reference.zero_rows_per_text(texts, max_length),
        what=f"zero_rows_per_text({texts!r}, {max_length})",
    )


@graded("zero_rows_per_text", points=1, edge=True)
def test_zero_rows_per_text_is_never_negative_for_long_texts(submission, reference):
    """a text longer than T has no padding rows (0, not a negative number)"""
    for max_length in (0, 4):
        assert_matches(
            submission.zero_rows_per_text(NOTES_TEXTS, max_length),
            reference.zero_rows_per_text(NOTES_TEXTS, max_length),
            what=f"zero_rows_per_text(lecture texts, {max_length})",
        )


# --------------------------------------------------------------------------------------------------
# Question 3 -- one_hot_row: 2 points (+ 1 in test_promises.py)
# --------------------------------------------------------------------------------------------------


@graded("one_hot_row", points=1)
def test_one_hot_row_known_and_unknown_lecture_words(submission, reference):
    """Question 3: a known word is one-hot, an unknown word ('schnitzel') is a row of zeros"""
    index = reference.build_token_index(NOTES_TEXTS)
    for token in ("queen", "schnitzel", "i", "chocolate"):
        assert_matches(
            submission.one_hot_row(token, index),
            reference.one_hot_row(token, index),
            what=f"one_hot_row({token!r}, lecture index)",
        )


@graded("one_hot_row", points=1)
@given(index=sst.token_indexes(), unknown=sst.words().map(str.lower))
@example(index={}, unknown="a")  # the empty index: a row of length 0
def test_one_hot_row_random_indexes(submission, reference, index, unknown):
    """one_hot_row on random indexes (columns in any order, empty index included): every token of the
    index, and one that may not be in it"""
    for token in [*index, unknown]:
        assert_matches(
            submission.one_hot_row(token, index),
            reference.one_hot_row(token, index),
            what=f"one_hot_row({token!r}, {index!r})",
        )


# --------------------------------------------------------------------------------------------------
# Huge vocabularies -- one_hot_nbytes: 4 points (+ 1 in test_promises.py)
# --------------------------------------------------------------------------------------------------


@graded("one_hot_nbytes", points=2)
def test_one_hot_nbytes_of_the_lecture_tensor(submission, reference):
    """the lecture's (3, 10, 500000) one-hot tensor takes 120 MB in float64 (60 MB in float32)"""
    for itemsize in (8, 4):
        assert_matches(
            submission.one_hot_nbytes(3, 10, 500_000, itemsize),
            reference.one_hot_nbytes(3, 10, 500_000, itemsize),
            what=f"one_hot_nbytes(3, 10, 500000, itemsize={itemsize})",
        )


@graded("one_hot_nbytes", points=1)
@given(
    n=st.integers(0, 1000),
    t=st.integers(0, 500),
    v=st.integers(0, 10**6),
    itemsize=st.sampled_from([1, 2, 4, 8]),
)
def test_one_hot_nbytes_random_shapes(submission, reference, n, t, v, itemsize):
    """one_hot_nbytes for random shapes and item sizes"""
    assert_matches(
        submission.one_hot_nbytes(n, t, v, itemsize),
        reference.one_hot_nbytes(n, t, v, itemsize),
        what=f"one_hot_nbytes({n}, {t}, {v}, itemsize={itemsize})",
    )


@graded("one_hot_nbytes", points=1)
def test_one_hot_nbytes_default_is_float64(submission, reference):
    """one_hot_nbytes uses 8 bytes per entry (float64) by default, and 0 for an empty tensor"""
    for args in [(3, 10, 19), (0, 10, 19), (2, 0, 5)]:
        assert_matches(
            submission.one_hot_nbytes(*args),
            reference.one_hot_nbytes(*args),
            what=f"one_hot_nbytes{args}",
        )
