"""Public tests for the encoding assignment: the lecture's worked examples with fixed expected values.

Run them with ``seqlab check`` or ``pytest``. Passing them does not guarantee full marks: the hidden tests
also try random texts, empty texts, ``max_length = 0``, the character level, unknown tokens and bad
arguments.
"""

import numpy as np

TEXTS = [
    "I am from Germany and I eat lots of Bratwurst.",
    "God bless the queen.",
    "Life is like a box of chocolate.",
]
WORDS = "i am from germany and eat lots of bratwurst god bless the queen life is like a box chocolate".split()
INDEX = {word: column for column, word in enumerate(WORDS)}  # the index of the three texts


# tokenize ------------------------------------------------------------------------------------------


def test_tokenize_the_lecture_texts(submission):
    assert submission.tokenize(TEXTS[1]) == ["god", "bless", "the", "queen"]
    assert submission.tokenize(TEXTS[0]) == "i am from germany and i eat lots of bratwurst".split()
    assert [len(submission.tokenize(text)) for text in TEXTS] == [10, 4, 7]


def test_tokenize_apostrophes_and_characters(submission):
    assert submission.tokenize("Don't panic, 'tis fine!") == ["don't", "panic", "tis", "fine"]
    assert submission.tokenize("Hi, Bo", level="char") == ["H", "i", ",", " ", "B", "o"]
    assert submission.tokenize("") == []


# build_token_index -----------------------------------------------------------------------------------


def test_build_token_index_of_the_lecture_texts(submission):
    assert submission.build_token_index(TEXTS) == INDEX


def test_build_token_index_num_words_and_char_level(submission):
    assert submission.build_token_index(TEXTS, num_words=3) == {"i": 0, "am": 1, "from": 2}
    assert submission.build_token_index(TEXTS, num_words=100) == INDEX
    assert submission.build_token_index(["aba", "b!"], level="char") == {"a": 0, "b": 1, "!": 2}


# one_hot_encode ------------------------------------------------------------------------------------


def test_one_hot_encode_the_lecture_texts(submission):
    x = np.asarray(submission.one_hot_encode(TEXTS, INDEX, 10))
    assert x.shape == (3, 10, 19)
    expected_columns = [
        [0, 1, 2, 3, 4, 0, 5, 6, 7, 8],
        [9, 10, 11, 12, -1, -1, -1, -1, -1, -1],
        [13, 14, 15, 16, 17, 7, 18, -1, -1, -1],
    ]
    expected = np.zeros((3, 10, 19))
    for i, columns in enumerate(expected_columns):
        for t, column in enumerate(columns):
            if column >= 0:
                expected[i, t, column] = 1.0
    np.testing.assert_array_equal(x, expected)


def test_one_hot_encode_unknown_word_and_truncation(submission):
    x = np.asarray(submission.one_hot_encode(["I eat Schnitzel and Bratwurst"], INDEX, 6))
    assert x.shape == (1, 6, 19)
    assert x[0].sum(axis=1).tolist() == [1, 1, 0, 1, 1, 0]  # "schnitzel" is unknown, then padding
    assert x[0, 3, INDEX["and"]] == 1
    truncated = np.asarray(submission.one_hot_encode(TEXTS[:1], INDEX, 3))
    assert truncated[0].argmax(axis=1).tolist() == [0, 1, 2]  # the first three words


# texts_to_indices ----------------------------------------------------------------------------------


def test_texts_to_indices_the_lecture_texts(submission):
    s = np.asarray(submission.texts_to_indices(TEXTS, INDEX, 10))
    assert s.shape == (3, 10)
    assert s.dtype.kind == "i"
    assert s.tolist() == [
        [0, 1, 2, 3, 4, 0, 5, 6, 7, 8],
        [9, 10, 11, 12, -1, -1, -1, -1, -1, -1],
        [13, 14, 15, 16, 17, 7, 18, -1, -1, -1],
    ]


def test_texts_to_indices_unknown_word(submission):
    s = np.asarray(submission.texts_to_indices(["I eat Schnitzel"], INDEX, 4))
    assert s.tolist() == [[0, 5, -1, -1]]


# hashed_one_hot ------------------------------------------------------------------------------------


def test_hashed_one_hot_hello(submission):
    x = np.asarray(submission.hashed_one_hot(["Hello!"], 1000, 2))
    assert x.shape == (1, 2, 1000)
    assert x[0, 0, 870] == 1  # zlib.crc32(b"hello") = 907060870
    assert x.sum() == 1


def test_hashed_one_hot_the_lecture_texts(submission):
    x = np.asarray(submission.hashed_one_hot(TEXTS, 97, 10))
    assert x.shape == (3, 10, 97)
    # crc32 % 97 of "god", "bless", "the", "queen"
    assert x[1].argmax(axis=1)[:4].tolist() == [39, 80, 79, 33]
    assert x.sum(axis=2).tolist() == [[1] * 10, [1] * 4 + [0] * 6, [1] * 7 + [0] * 3]


# ngrams --------------------------------------------------------------------------------------------


def test_ngrams_this_takes_too_long(submission):
    tokens = ["this", "takes", "too", "long"]
    assert submission.ngrams(tokens, 2) == [("this", "takes"), ("takes", "too"), ("too", "long")]
    assert submission.ngrams(tokens, 3) == [("this", "takes", "too"), ("takes", "too", "long")]


def test_ngrams_too_long(submission):
    assert submission.ngrams(["this", "takes"], 3) == []
    assert submission.ngrams(["this"], 1) == [("this",)]


# the lecture's questions ---------------------------------------------------------------------------


def test_question_1_one_hot_shape(submission):
    assert tuple(submission.one_hot_shape(TEXTS, 10, 500_000)) == (3, 10, 500_000)
    assert tuple(submission.one_hot_shape(TEXTS, 10)) == (3, 10, 19)


def test_question_2_zero_rows_per_text(submission):
    assert list(submission.zero_rows_per_text(TEXTS, 10)) == [0, 6, 3]
    assert list(submission.zero_rows_per_text(["I eat Schnitzel"], 10, INDEX)) == [8]


def test_question_3_one_hot_row(submission):
    assert np.asarray(submission.one_hot_row("schnitzel", INDEX)).tolist() == [0.0] * 19
    assert np.asarray(submission.one_hot_row("queen", INDEX)).tolist() == np.eye(19)[12].tolist()


def test_one_hot_nbytes_of_the_lecture_tensor(submission):
    assert submission.one_hot_nbytes(3, 10, 500_000) == 120_000_000
    assert submission.one_hot_nbytes(3, 10, 500_000, itemsize=4) == 60_000_000
