"""Hidden tests: the promises of the encoding docstrings beyond the values -- the type and dtype of each
result, arguments left unchanged, and the documented ValueErrors not tested elsewhere.

Points (each function's others are in test_tokens.py, test_one_hot.py and test_questions.py): tokenize 1,
build_token_index 1, ngrams 1, one_hot_encode 2, texts_to_indices 2, hashed_one_hot 1, one_hot_shape 2,
zero_rows_per_text 2, one_hot_row 1, one_hot_nbytes 1.

The value tests compare with ``assert_matches``, which on purpose lets a list stand for a tuple and one
numeric dtype for another; these tests check the documented type itself, on a few fixed typical inputs.
Every one of them is an edge test: a function that returns zeros of the right type passes it, so it earns
only beside a passing value test of the same function.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from seqlab.testing import assert_inputs_kept, expect_raises, graded

NOTES_TEXTS = [
    "I am from Germany and I eat lots of Bratwurst.",
    "God bless the queen.",
    "Life is like a box of chocolate.",
]
UNKNOWN_TEXTS = ["I eat Schnitzel and Bratwurst", "Schnitzel", "the QUEEN of Schnitzel"]


@pytest.fixture(scope="module")
def notes_index(reference):
    return reference.build_token_index(NOTES_TEXTS)


def type_name(value: Any) -> str:
    """A short description of what a value is, for failure messages."""
    if isinstance(value, np.ndarray):
        return f"a numpy array of dtype {value.dtype}"
    if isinstance(value, np.generic):
        return f"a numpy {value.dtype} scalar"
    return f"a {type(value).__name__}"


def is_int(value: Any) -> bool:
    """An integer (Python or numpy), not a bool and not a float with an integer value."""
    return isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_)


def expect_array(value: Any, dtype: str, *, what: str) -> None:
    """Fail unless ``value`` is a numpy array of ``dtype``."""
    if not isinstance(value, np.ndarray):
        raise AssertionError(
            f"{what} returned {type_name(value)}; the docstring promises a {dtype} numpy array"
        )
    if value.dtype != np.dtype(dtype):
        raise AssertionError(
            f"{what} returned an array of dtype {value.dtype}; the docstring promises dtype {dtype} "
            f"(create it with dtype=np.{dtype})"
        )


def expect_list_of_ints(value: Any, *, what: str) -> None:
    """Fail unless ``value`` is a list whose items are all ints."""
    if type(value) is not list:
        raise AssertionError(f"{what} returned {type_name(value)}; the docstring promises a list of ints")
    for k, item in enumerate(value):
        if not is_int(item):
            raise AssertionError(f"{what}[{k}] is {type_name(item)} ({item!r}); the docstring promises ints")


# --------------------------------------------------------------------------------------------------
# tokenize, build_token_index, ngrams: 1 point each
# --------------------------------------------------------------------------------------------------


@graded("tokenize", points=1, edge=True)
def test_tokenize_returns_a_list_of_strings(submission):
    """tokenize returns a list of str (not a tuple, an array or an iterator)"""
    for text, level in [(NOTES_TEXTS[1], "word"), ("Don't panic!", "word"), ("Hi, Bo", "char")]:
        what = f"tokenize({text!r}, level={level!r})"
        tokens = submission.tokenize(text, level=level)
        if type(tokens) is not list:
            raise AssertionError(f"{what} returned {type_name(tokens)}; the docstring promises a list of str")
        for k, token in enumerate(tokens):
            if type(token) is not str:
                raise AssertionError(f"{what}[{k}] is {type_name(token)}; every token is a str")


@graded("build_token_index", points=1, edge=True)
def test_build_token_index_columns_are_ints(submission):
    """build_token_index returns a dict whose columns are ints (0, 1, 2, ..., not 0.0, 1.0, ...)"""
    for texts, level in [(NOTES_TEXTS, "word"), (["Hi, Bo"], "char")]:
        what = f"build_token_index({texts!r}, level={level!r})"
        index = submission.build_token_index(texts, level=level)
        if type(index) is not dict:
            raise AssertionError(f"{what} returned {type_name(index)}; the docstring promises a dict")
        for token, column in index.items():
            if not is_int(column):
                raise AssertionError(
                    f"{what}[{token!r}] is {type_name(column)} ({column!r}); a column is an int "
                    "(a float cannot index a numpy array)"
                )


@graded("ngrams", points=1, edge=True)
def test_ngrams_are_tuples_in_a_list(submission):
    """ngrams returns a list of tuples (tuple(tokens[k : k + n]), not the list slice tokens[k : k + n])"""
    tokens = ["this", "takes", "too", "long"]
    for n in (1, 2, 4):
        what = f"ngrams({tokens!r}, {n})"
        grams = submission.ngrams(tokens, n)
        if type(grams) is not list:
            raise AssertionError(
                f"{what} returned {type_name(grams)}; the docstring promises a list of tuples"
            )
        for k, gram in enumerate(grams):
            if type(gram) is not tuple:
                raise AssertionError(
                    f"{what}[{k}] is {type_name(gram)}; an n-gram is a tuple (tuples can be dict keys and "
                    "counted with collections.Counter, lists cannot)"
                )


# --------------------------------------------------------------------------------------------------
# one_hot_encode, texts_to_indices: 2 points each; hashed_one_hot: 1 point
# --------------------------------------------------------------------------------------------------


@graded("one_hot_encode", points=1, edge=True)
def test_one_hot_encode_is_float64(submission, notes_index):
    """one_hot_encode returns a float64 array"""
    for texts, max_length in [(NOTES_TEXTS, 10), (UNKNOWN_TEXTS, 3)]:
        expect_array(
            submission.one_hot_encode(texts, notes_index, max_length),
            "float64",
            what=f"one_hot_encode({texts!r}, lecture index, max_length={max_length})",
        )


@graded("one_hot_encode", points=1, edge=True)
def test_one_hot_encode_leaves_the_token_index_unchanged(submission, notes_index):
    """one_hot_encode does not change the token index it is given (unknown words are not added to it)"""
    for texts, max_length in [(UNKNOWN_TEXTS, 6), (NOTES_TEXTS, 4)]:
        assert_inputs_kept(
            submission.one_hot_encode,
            texts,
            notes_index,
            max_length,
            what=f"one_hot_encode({texts!r}, lecture index, max_length={max_length})",
        )


@graded("texts_to_indices", points=1, edge=True)
def test_texts_to_indices_is_int64(submission, notes_index):
    """texts_to_indices returns an int64 array (-1, not -1.0, for padding and unknown tokens)"""
    for texts, max_length in [(NOTES_TEXTS, 10), (UNKNOWN_TEXTS, 3)]:
        expect_array(
            submission.texts_to_indices(texts, notes_index, max_length),
            "int64",
            what=f"texts_to_indices({texts!r}, lecture index, max_length={max_length})",
        )


@graded("texts_to_indices", points=1, edge=True)
def test_texts_to_indices_leaves_the_token_index_unchanged(submission, notes_index):
    """texts_to_indices does not change the token index it is given (unknown words are not added to it)"""
    for texts, max_length in [(UNKNOWN_TEXTS, 6), (NOTES_TEXTS, 4)]:
        assert_inputs_kept(
            submission.texts_to_indices,
            texts,
            notes_index,
            max_length,
            what=f"texts_to_indices({texts!r}, lecture index, max_length={max_length})",
        )


@graded("hashed_one_hot", points=1, edge=True)
def test_hashed_one_hot_is_float64(submission):
    """hashed_one_hot returns a float64 array"""
    for texts, dim in [(NOTES_TEXTS, 1000), (["Hello!", "don't"], 7)]:
        expect_array(
            submission.hashed_one_hot(texts, dim, 5),
            "float64",
            what=f"hashed_one_hot({texts!r}, dim={dim}, max_length=5)",
        )


# --------------------------------------------------------------------------------------------------
# The lecture's questions: one_hot_shape 2, zero_rows_per_text 2, one_hot_row 1, one_hot_nbytes 1
# --------------------------------------------------------------------------------------------------


@graded("one_hot_shape", points=1, edge=True)
def test_one_hot_shape_is_a_tuple_of_three_ints(submission):
    """one_hot_shape returns a tuple of three ints, like numpy's .shape"""
    for vocab_size in (500_000, None):
        what = f"one_hot_shape(lecture texts, 10, vocab_size={vocab_size})"
        shape = submission.one_hot_shape(NOTES_TEXTS, 10, vocab_size)
        if type(shape) is not tuple or len(shape) != 3:
            raise AssertionError(
                f"{what} returned {type_name(shape)}; the docstring promises a tuple (N, T, V)"
            )
        for name, size in zip("NTV", shape, strict=True):
            if not is_int(size):
                raise AssertionError(f"{what}: {name} is {type_name(size)} ({size!r}); it must be an int")


@graded("one_hot_shape", points=1, edge=True)
def test_one_hot_shape_rejects_an_unknown_level(submission):
    """one_hot_shape raises ValueError for a level other than 'word' or 'char' (with or without vocab_size)"""
    for vocab_size in (19, None):
        expect_raises(
            submission.one_hot_shape,
            NOTES_TEXTS,
            10,
            vocab_size,
            kwargs={"level": "sentence"},
            exception="ValueError",
            what=f"one_hot_shape(lecture texts, 10, vocab_size={vocab_size}, level='sentence')",
        )


@graded("zero_rows_per_text", points=1, edge=True)
def test_zero_rows_per_text_is_a_list_of_ints(submission, notes_index):
    """zero_rows_per_text returns a list of ints (not a numpy array)"""
    for token_index, label in [(None, "None"), (notes_index, "lecture index")]:
        expect_list_of_ints(
            submission.zero_rows_per_text(NOTES_TEXTS, 10, token_index),
            what=f"zero_rows_per_text(lecture texts, 10, token_index={label})",
        )


@graded("zero_rows_per_text", points=1, edge=True)
def test_zero_rows_per_text_rejects_bad_arguments(submission, notes_index):
    """zero_rows_per_text raises ValueError for a negative max_length or an unknown level"""
    expect_raises(
        submission.zero_rows_per_text,
        NOTES_TEXTS,
        -1,
        exception="ValueError",
        what="zero_rows_per_text(lecture texts, max_length=-1)",
    )
    expect_raises(
        submission.zero_rows_per_text,
        NOTES_TEXTS,
        10,
        notes_index,
        kwargs={"level": "words"},
        exception="ValueError",
        what="zero_rows_per_text(lecture texts, 10, lecture index, level='words')",
    )


@graded("one_hot_row", points=1, edge=True)
def test_one_hot_row_is_float64(submission, notes_index):
    """one_hot_row returns a float64 array, for a known and for an unknown token"""
    for token in ("queen", "schnitzel"):
        expect_array(
            submission.one_hot_row(token, notes_index),
            "float64",
            what=f"one_hot_row({token!r}, lecture index)",
        )


@graded("one_hot_nbytes", points=1, edge=True)
def test_one_hot_nbytes_is_an_int(submission):
    """one_hot_nbytes returns an int (a number of bytes), not a float"""
    for args in [(3, 10, 500_000), (3, 10, 500_000, 4), (2, 7, 19, 1)]:
        what = f"one_hot_nbytes{args}"
        nbytes = submission.one_hot_nbytes(*args)
        if not is_int(nbytes):
            raise AssertionError(
                f"{what} returned {type_name(nbytes)} ({nbytes!r}); a number of bytes is an int"
            )
