"""Hidden tests: tokenize (11 of its 12 points), build_token_index (11 of 12), ngrams (9 of 10).

The remaining point of each is in test_promises.py (the type of the result the docstring promises).
"""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from seqlab import strategies as sst
from seqlab.testing import assert_matches, expect_raises, graded

NOTES_TEXTS = [
    "I am from Germany and I eat lots of Bratwurst.",
    "God bless the queen.",
    "Life is like a box of chocolate.",
]

TRICKY_TEXTS = [
    "Don't say 'tis' twice",
    "rock'n'roll a''b students' 'quoted'",
    "HELLO, World!! ÜBER Straße",
    "3.14 is pi; snake_case words-with-hyphens",
    "  tabs\tand\nnewlines  ",
    "...!?",
    "",
    "İstanbul, İzmir: ΣΟΦΊΑ ﬁnds ǄUNGLE!",  # str.lower() of the whole text first: 'İ' -> 'i' + U+0307 splits
]


# --------------------------------------------------------------------------------------------------
# tokenize: 11 points (+ 1 in test_promises.py)
# --------------------------------------------------------------------------------------------------


@graded("tokenize", points=2)
def test_tokenize_the_lecture_texts(submission, reference):
    """tokenize splits the lecture's three texts into 10, 4 and 7 lower-case words"""
    for text in NOTES_TEXTS:
        assert_matches(submission.tokenize(text), reference.tokenize(text), what=f"tokenize({text!r})")


@graded("tokenize", points=3)
@given(text=sst.texts())
def test_tokenize_random_texts_at_word_level(submission, reference, text):
    """tokenize(text) at word level on random texts with punctuation"""
    assert_matches(submission.tokenize(text), reference.tokenize(text), what=f"tokenize({text!r})")


@graded("tokenize", points=2)
@given(text=st.one_of(sst.texts(), st.text(max_size=20)))
def test_tokenize_character_level_keeps_every_character(submission, reference, text):
    """tokenize(text, level='char') keeps every character, case, spaces and punctuation included"""
    assert_matches(
        submission.tokenize(text, level="char"),
        reference.tokenize(text, level="char"),
        what=f"tokenize({text!r}, level='char')",
    )


@graded("tokenize", points=2)
def test_tokenize_apostrophes_digits_underscores_and_case(submission, reference):
    """tokenize follows the documented rule for apostrophes, digits, underscores, hyphens and case
    (non-ASCII letters too: the whole text is lower-cased with str.lower() before it is split)"""
    for text in TRICKY_TEXTS:
        assert_matches(submission.tokenize(text), reference.tokenize(text), what=f"tokenize({text!r})")


@graded("tokenize", points=1, edge=True)
def test_tokenize_empty_and_punctuation_only_texts(submission, reference):
    """tokenize returns an empty list for texts without words"""
    for text, level in [("", "word"), ("...!?  ", "word"), ("", "char")]:
        assert_matches(
            submission.tokenize(text, level=level),
            reference.tokenize(text, level=level),
            what=f"tokenize({text!r}, level={level!r})",
        )


@graded("tokenize", points=1, edge=True)
def test_tokenize_rejects_an_unknown_level(submission):
    """tokenize raises ValueError for a level other than 'word' or 'char'"""
    expect_raises(
        submission.tokenize,
        "a b",
        kwargs={"level": "sentence"},
        exception="ValueError",
        what="tokenize('a b', level='sentence')",
    )


# --------------------------------------------------------------------------------------------------
# build_token_index: 11 points (+ 1 in test_promises.py)
# --------------------------------------------------------------------------------------------------


@graded("build_token_index", points=2)
def test_build_token_index_of_the_lecture_texts(submission, reference):
    """build_token_index of the lecture's texts: 19 words numbered from 0 in order of first appearance"""
    assert_matches(
        submission.build_token_index(NOTES_TEXTS),
        reference.build_token_index(NOTES_TEXTS),
        what="build_token_index(lecture texts)",
    )


@graded("build_token_index", points=3)
@given(texts=sst.text_lists())
@example(texts=[])
@example(texts=["", "Don't stop, don't!", "", "stop"])
def test_build_token_index_random_texts(submission, reference, texts):
    """build_token_index(texts) on random batches, including empty texts and empty batches"""
    assert_matches(
        submission.build_token_index(texts),
        reference.build_token_index(texts),
        what=f"build_token_index({texts!r})",
    )


@graded("build_token_index", points=2)
@given(texts=sst.text_lists())
def test_build_token_index_character_level(submission, reference, texts):
    """build_token_index(texts, level='char') indexes characters"""
    assert_matches(
        submission.build_token_index(texts, level="char"),
        reference.build_token_index(texts, level="char"),
        what=f"build_token_index({texts!r}, level='char')",
    )


@graded("build_token_index", points=3)
@given(texts=sst.text_lists(min_size=1), num_words=st.integers(0, 25), level=sst.levels())
@example(texts=["God bless the queen."], num_words=2, level="word")  # the docstring's example
@example(texts=["God bless the queen.", "The queen!"], num_words=0, level="word")  # {}
@example(texts=["God bless the queen.", "The queen!"], num_words=4, level="word")  # exactly the vocabulary
@example(texts=["ab", "ba c"], num_words=25, level="char")  # more than the vocabulary
def test_build_token_index_keeps_the_first_num_words_tokens(submission, reference, texts, num_words, level):
    """build_token_index(..., num_words=K) keeps the first K tokens (K = 0 and K above the vocabulary too)"""
    assert_matches(
        submission.build_token_index(texts, level=level, num_words=num_words),
        reference.build_token_index(texts, level=level, num_words=num_words),
        what=f"build_token_index({texts!r}, level={level!r}, num_words={num_words})",
    )


@graded("build_token_index", points=1, edge=True)
def test_build_token_index_rejects_bad_arguments(submission):
    """build_token_index raises ValueError for a negative num_words or an unknown level"""
    expect_raises(
        submission.build_token_index,
        ["a b"],
        kwargs={"num_words": -1},
        exception="ValueError",
        what="build_token_index(['a b'], num_words=-1)",
    )
    expect_raises(
        submission.build_token_index,
        ["a b"],
        kwargs={"level": "words"},
        exception="ValueError",
        what="build_token_index(['a b'], level='words')",
    )


# --------------------------------------------------------------------------------------------------
# ngrams: 9 points (+ 1 in test_promises.py)
# --------------------------------------------------------------------------------------------------


@graded("ngrams", points=3)
def test_ngrams_of_this_takes_too_long(submission, reference):
    """ngrams of the lecture's example "this takes too long" for n = 1 .. 4"""
    tokens = ["this", "takes", "too", "long"]
    for n in (1, 2, 3, 4):
        assert_matches(
            submission.ngrams(tokens, n), reference.ngrams(tokens, n), what=f"ngrams({tokens!r}, {n})"
        )


@graded("ngrams", points=3)
@given(tokens=sst.token_lists(max_size=10), n=st.integers(1, 6))
def test_ngrams_random_token_lists(submission, reference, tokens, n):
    """ngrams(tokens, n) on random token lists"""
    assert_matches(submission.ngrams(tokens, n), reference.ngrams(tokens, n), what=f"ngrams({tokens!r}, {n})")


@graded("ngrams", points=2, edge=True)
def test_ngrams_longer_than_the_sequence_is_empty(submission, reference):
    """ngrams returns [] when n exceeds the number of tokens (and for no tokens)"""
    for tokens, n in [(["a", "b"], 3), ([], 1), (["a"], 1), (["a", "b", "c"], 3), (["x"], 7)]:
        assert_matches(
            submission.ngrams(tokens, n), reference.ngrams(tokens, n), what=f"ngrams({tokens!r}, {n})"
        )


@graded("ngrams", points=1, edge=True)
def test_ngrams_rejects_n_below_one(submission):
    """ngrams raises ValueError for n < 1"""
    expect_raises(submission.ngrams, ["a", "b"], 0, exception="ValueError", what="ngrams(['a', 'b'], 0)")
