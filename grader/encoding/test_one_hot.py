"""Hidden tests: one_hot_encode (18 of its 20 points), texts_to_indices (12 of 14), hashed_one_hot (11 of 12).

The remaining points are in test_promises.py (the documented dtype, and inputs left unchanged).

Token indexes are built through the reference (or drawn by the shared strategies), so only the function
under test is the student's. Indexes from the strategies number their columns in a random order: the
column of a token is ``token_index[token]``, not its position in the dict.
"""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from seqlab import strategies as sst
from seqlab.testing import assert_matches, expect_raises, graded

NOTES_TEXTS = [
    "I am from Germany and I eat lots of Bratwurst.",
    "God bless the queen.",
    "Life is like a box of chocolate.",
]
UNKNOWN_TEXTS = ["I eat Schnitzel and Bratwurst", "Schnitzel", "the QUEEN of Schnitzel"]
HUGE_VOCABULARY = 500_000


@pytest.fixture(scope="module")
def notes_index(reference):
    return reference.build_token_index(NOTES_TEXTS)


@pytest.fixture(scope="module")
def huge_index(reference):
    """The lecture's 500 000-word index: the texts' 19 words first, then filler words (built once)."""
    index = reference.build_token_index(NOTES_TEXTS)
    columns = range(len(index), HUGE_VOCABULARY)
    index.update(zip(map("w{}".format, range(len(columns))), columns, strict=True))
    assert len(index) == HUGE_VOCABULARY
    return index


# --------------------------------------------------------------------------------------------------
# one_hot_encode: 18 points (+ 2 in test_promises.py)
# --------------------------------------------------------------------------------------------------


@graded("one_hot_encode", points=4)
def test_one_hot_encode_the_lecture_texts(submission, reference, notes_index):
    """one_hot_encode of the lecture's texts with T = 10: shape (3, 10, 19), zero rows 0/6/3"""
    assert_matches(
        submission.one_hot_encode(NOTES_TEXTS, notes_index, 10),
        reference.one_hot_encode(NOTES_TEXTS, notes_index, 10),
        what="one_hot_encode(lecture texts, their index, max_length=10)",
    )


@graded("one_hot_encode", points=4)
@given(sample=sst.texts_and_index(), max_length=st.integers(0, 12))
@example(  # apostrophes inside words, an unknown word, truncation and padding, columns out of order
    sample=(["Don't panic, don't!", "rock'n'roll and don't", "Panic"], {"don't": 2, "panic": 0, "t": 1}),
    max_length=3,
)
def test_one_hot_encode_random_texts(submission, reference, sample, max_length):
    """one_hot_encode on random texts and indexes (columns in any order, some tokens unknown)"""
    texts, index = sample
    assert_matches(
        submission.one_hot_encode(texts, index, max_length),
        reference.one_hot_encode(texts, index, max_length),
        what=f"one_hot_encode({texts!r}, {index!r}, max_length={max_length})",
    )


@graded("one_hot_encode", points=2)
@given(sample=sst.texts_and_index(level="char"), max_length=st.integers(0, 20))
def test_one_hot_encode_character_level(submission, reference, sample, max_length):
    """one_hot_encode(..., level='char') encodes every character"""
    texts, index = sample
    assert_matches(
        submission.one_hot_encode(texts, index, max_length, level="char"),
        reference.one_hot_encode(texts, index, max_length, level="char"),
        what=f"one_hot_encode({texts!r}, {index!r}, max_length={max_length}, level='char')",
    )


@graded("one_hot_encode", points=3)
def test_one_hot_encode_unknown_words_are_zero_rows_in_place(submission, reference, notes_index):
    """an unknown word is a row of zeros at its own time step; the next words are not shifted"""
    assert_matches(
        submission.one_hot_encode(UNKNOWN_TEXTS, notes_index, 6),
        reference.one_hot_encode(UNKNOWN_TEXTS, notes_index, 6),
        what="one_hot_encode(['I eat Schnitzel and Bratwurst', ...], lecture index, max_length=6)",
    )


@graded("one_hot_encode", points=3)
def test_one_hot_encode_post_padding_and_truncation(submission, reference, notes_index):
    """shorter texts are padded with zero rows at the end; longer texts keep their first T tokens"""
    for max_length in (1, 3, 5, 12):
        assert_matches(
            submission.one_hot_encode(NOTES_TEXTS, notes_index, max_length),
            reference.one_hot_encode(NOTES_TEXTS, notes_index, max_length),
            what=f"one_hot_encode(lecture texts, their index, max_length={max_length})",
        )


@graded("one_hot_encode", points=1, edge=True)
def test_one_hot_encode_empty_batch_empty_text_and_zero_length(submission, reference, notes_index):
    """one_hot_encode of no texts, of empty texts, with T = 0 and with an empty index"""
    cases = [
        ([], notes_index, 4),
        (["", "..."], notes_index, 3),
        (NOTES_TEXTS, notes_index, 0),
        (NOTES_TEXTS, {}, 2),
    ]
    for texts, index, max_length in cases:
        assert_matches(
            submission.one_hot_encode(texts, index, max_length),
            reference.one_hot_encode(texts, index, max_length),
            what=f"one_hot_encode({texts!r}, index of size {len(index)}, max_length={max_length})",
        )


@graded("one_hot_encode", points=1, edge=True)
def test_one_hot_encode_rejects_bad_arguments(submission):
    """one_hot_encode raises ValueError for a negative max_length or an unknown level"""
    expect_raises(
        submission.one_hot_encode,
        ["a"],
        {"a": 0},
        -1,
        exception="ValueError",
        what="one_hot_encode(['a'], {'a': 0}, max_length=-1)",
    )
    expect_raises(
        submission.one_hot_encode,
        ["a"],
        {"a": 0},
        2,
        kwargs={"level": "chars"},
        exception="ValueError",
        what="one_hot_encode(['a'], {'a': 0}, 2, level='chars')",
    )


# --------------------------------------------------------------------------------------------------
# texts_to_indices: 12 points (+ 2 in test_promises.py)
# --------------------------------------------------------------------------------------------------


@graded("texts_to_indices", points=3)
def test_texts_to_indices_the_lecture_texts(submission, reference, notes_index):
    """texts_to_indices of the lecture's texts with T = 10 and T = 4, and with unknown words (-1)"""
    for texts, max_length in [(NOTES_TEXTS, 10), (UNKNOWN_TEXTS, 10), (NOTES_TEXTS, 4)]:
        assert_matches(
            submission.texts_to_indices(texts, notes_index, max_length),
            reference.texts_to_indices(texts, notes_index, max_length),
            what=f"texts_to_indices({texts!r}, lecture index, max_length={max_length})",
        )


@graded("texts_to_indices", points=3)
@given(sample=sst.texts_and_index(), max_length=st.integers(0, 12))
@example(
    sample=(["Don't panic, don't!", "rock'n'roll and don't", "Panic"], {"don't": 2, "panic": 0, "t": 1}),
    max_length=3,
)
@example(sample=(["the cat sat on the mat"], {"the": 0, "cat": 1, "mat": 2}), max_length=2)  # truncation
def test_texts_to_indices_random_texts(submission, reference, sample, max_length):
    """texts_to_indices on random texts and indexes: -1 for padding and unknown tokens"""
    texts, index = sample
    assert_matches(
        submission.texts_to_indices(texts, index, max_length),
        reference.texts_to_indices(texts, index, max_length),
        what=f"texts_to_indices({texts!r}, {index!r}, max_length={max_length})",
    )


@graded("texts_to_indices", points=1)
@given(sample=sst.texts_and_index(level="char"), max_length=st.integers(0, 20))
def test_texts_to_indices_character_level(submission, reference, sample, max_length):
    """texts_to_indices(..., level='char')"""
    texts, index = sample
    assert_matches(
        submission.texts_to_indices(texts, index, max_length, level="char"),
        reference.texts_to_indices(texts, index, max_length, level="char"),
        what=f"texts_to_indices({texts!r}, {index!r}, max_length={max_length}, level='char')",
    )


@graded("texts_to_indices", points=3)
def test_texts_to_indices_with_the_500000_word_index(submission, reference, huge_index):
    """texts_to_indices with the lecture's 500 000-word index stays small: (3, 10) integers"""
    texts = [*NOTES_TEXTS[:2], "w499980 w499999 w0 Schnitzel w250000 of of of of of of of"]
    assert_matches(
        submission.texts_to_indices(texts, huge_index, 10),
        reference.texts_to_indices(texts, huge_index, 10),
        what="texts_to_indices(texts, 500 000-word index, max_length=10)",
    )


@graded("texts_to_indices", points=1, edge=True)
def test_texts_to_indices_empty_batch_empty_text_and_zero_length(submission, reference, notes_index):
    """texts_to_indices of no texts, of empty texts and with T = 0"""
    for texts, max_length in [([], 4), (["", "!"], 3), (NOTES_TEXTS, 0)]:
        assert_matches(
            submission.texts_to_indices(texts, notes_index, max_length),
            reference.texts_to_indices(texts, notes_index, max_length),
            what=f"texts_to_indices({texts!r}, lecture index, max_length={max_length})",
        )


@graded("texts_to_indices", points=1, edge=True)
def test_texts_to_indices_rejects_bad_arguments(submission):
    """texts_to_indices raises ValueError for a negative max_length or an unknown level"""
    expect_raises(
        submission.texts_to_indices,
        ["a"],
        {"a": 0},
        -3,
        exception="ValueError",
        what="texts_to_indices(['a'], {'a': 0}, max_length=-3)",
    )
    expect_raises(
        submission.texts_to_indices,
        ["a"],
        {"a": 0},
        2,
        kwargs={"level": "Word"},
        exception="ValueError",
        what="texts_to_indices(['a'], {'a': 0}, 2, level='Word')",
    )


# --------------------------------------------------------------------------------------------------
# hashed_one_hot: 11 points (+ 1 in test_promises.py)
# --------------------------------------------------------------------------------------------------


@graded("hashed_one_hot", points=3)
def test_hashed_one_hot_the_lecture_texts(submission, reference):
    """hashed_one_hot of the lecture's texts (crc32 of the UTF-8 word, mod dim)"""
    for dim in (1000, 97):
        assert_matches(
            submission.hashed_one_hot(NOTES_TEXTS, dim, 10),
            reference.hashed_one_hot(NOTES_TEXTS, dim, 10),
            what=f"hashed_one_hot(lecture texts, dim={dim}, max_length=10)",
        )


@graded("hashed_one_hot", points=3)
@given(texts=sst.text_lists(), dim=st.integers(1, 40), max_length=st.integers(0, 10))
def test_hashed_one_hot_random_texts(submission, reference, texts, dim, max_length):
    """hashed_one_hot on random texts, dimensions and lengths"""
    assert_matches(
        submission.hashed_one_hot(texts, dim, max_length),
        reference.hashed_one_hot(texts, dim, max_length),
        what=f"hashed_one_hot({texts!r}, dim={dim}, max_length={max_length})",
    )


@graded("hashed_one_hot", points=2)
def test_hashed_one_hot_uses_crc32_not_python_hash(submission, reference):
    """hashed_one_hot(['Hello!'], 1000, 2) has its 1 in column crc32(b'hello') % 1000 = 870"""
    texts = ["Hello!", "Ünïcödé wörds", "don't"]
    assert_matches(
        submission.hashed_one_hot(texts, 1000, 2),
        reference.hashed_one_hot(texts, 1000, 2),
        what=f"hashed_one_hot({texts!r}, dim=1000, max_length=2)",
    )


@graded("hashed_one_hot", points=2)
def test_hashed_one_hot_edge_cases(submission, reference):
    """hashed_one_hot with no texts, empty texts, T = 0 and dim = 1"""
    for texts, dim, max_length in [([], 5, 3), (["", "?!"], 5, 2), (NOTES_TEXTS, 7, 0), (NOTES_TEXTS, 1, 12)]:
        assert_matches(
            submission.hashed_one_hot(texts, dim, max_length),
            reference.hashed_one_hot(texts, dim, max_length),
            what=f"hashed_one_hot({texts!r}, dim={dim}, max_length={max_length})",
        )


@graded("hashed_one_hot", points=1, edge=True)
def test_hashed_one_hot_rejects_bad_arguments(submission):
    """hashed_one_hot raises ValueError for dim < 1 or a negative max_length"""
    expect_raises(
        submission.hashed_one_hot, ["a"], 0, 2, exception="ValueError", what="hashed_one_hot(['a'], dim=0, 2)"
    )
    expect_raises(
        submission.hashed_one_hot,
        ["a"],
        4,
        -1,
        exception="ValueError",
        what="hashed_one_hot(['a'], 4, max_length=-1)",
    )
