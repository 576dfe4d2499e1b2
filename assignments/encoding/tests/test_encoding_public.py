"""Public tests for the encoding assignment: the lecture's worked examples with fixed expected values.

Run them with ``seqlab check`` or ``pytest``; each function's check cell in the notebook runs that
function's tests from this file. Passing them does not guarantee full marks: the hidden tests also try
random texts, empty texts, ``max_length = 0``, the character level, unknown tokens and bad arguments.
"""

import numpy as np

from seqlab.testing import assert_matches, assert_returns

TEXTS = [
    "I am from Germany and I eat lots of Bratwurst.",
    "God bless the queen.",
    "Life is like a box of chocolate.",
]
WORDS = "i am from germany and eat lots of bratwurst god bless the queen life is like a box chocolate".split()
INDEX = {word: column for column, word in enumerate(WORDS)}  # the index of the three texts, 19 words
# the columns of the tokens of each text in INDEX (-1: a row of zeros, for padding or an unknown word)
TEXT_COLUMNS = [
    [0, 1, 2, 3, 4, 0, 5, 6, 7, 8],
    [9, 10, 11, 12, -1, -1, -1, -1, -1, -1],
    [13, 14, 15, 16, 17, 7, 18, -1, -1, -1],
]
# zlib.crc32(token.encode()) % 97 of the tokens of each text, padded with -1 to 10 tokens
HASHED_COLUMNS = [
    [22, 50, 49, 60, 19, 22, 62, 28, 93, 62],
    [39, 80, 79, 33, -1, -1, -1, -1, -1, -1],
    [88, 53, 23, 80, 79, 93, 89, -1, -1, -1],
]


def one_hot(columns, width):
    """The one-hot array with a 1 at ``[i, t, columns[i][t]]`` (no 1 in the row where the column is -1)."""
    x = np.zeros((len(columns), len(columns[0]), width))
    for i, row in enumerate(columns):
        for t, column in enumerate(row):
            if column >= 0:
                x[i, t, column] = 1.0
    return x


def assert_type(value, expected_type, *, call):
    """Fail unless ``value``, what ``call`` returned, is exactly of ``expected_type``."""
    assert_matches(type(value), expected_type, what=f"type({call})")


# tokenize ------------------------------------------------------------------------------------------


def test_tokenize_the_lecture_texts(submission):
    """tokenize of the lecture's three texts"""
    tokens = assert_returns(submission.tokenize, TEXTS[1], expected=["god", "bless", "the", "queen"])
    assert_type(tokens, list, call=f"tokenize({TEXTS[1]!r})")
    assert_returns(
        submission.tokenize, TEXTS[0], expected="i am from germany and i eat lots of bratwurst".split()
    )
    assert_returns(submission.tokenize, TEXTS[2], expected="life is like a box of chocolate".split())


def test_tokenize_apostrophes_characters_and_empty_text(submission):
    """tokenize keeps apostrophes inside words, splits into characters with level='char', and of ''"""
    assert_returns(submission.tokenize, "Don't panic!", expected=["don't", "panic"])
    assert_returns(submission.tokenize, "Don't panic, 'tis fine!", expected=["don't", "panic", "tis", "fine"])
    assert_returns(submission.tokenize, "Hi, Bo", level="char", expected=["H", "i", ",", " ", "B", "o"])
    assert_returns(submission.tokenize, "", expected=[])


# build_token_index -----------------------------------------------------------------------------------


def test_build_token_index_of_the_lecture_texts(submission):
    """build_token_index of the lecture's texts: 19 words, numbered in order of first appearance"""
    index = assert_returns(submission.build_token_index, TEXTS, expected=INDEX)
    assert_matches(
        list(index), WORDS, what="list(build_token_index(TEXTS)), the words in the order of the dict,"
    )


def test_build_token_index_num_words_and_char_level(submission):
    """build_token_index with num_words = 2, 3 and 100, and at the character level"""
    assert_returns(submission.build_token_index, TEXTS, num_words=2, expected={"i": 0, "am": 1})
    assert_returns(submission.build_token_index, TEXTS, num_words=3, expected={"i": 0, "am": 1, "from": 2})
    assert_returns(submission.build_token_index, TEXTS, num_words=100, expected=INDEX)
    assert_returns(submission.build_token_index, ["aba"], level="char", expected={"a": 0, "b": 1})
    assert_returns(
        submission.build_token_index, ["aba", "b!"], level="char", expected={"a": 0, "b": 1, "!": 2}
    )


# one_hot_encode ------------------------------------------------------------------------------------


def test_one_hot_encode_the_lecture_texts(submission):
    """one_hot_encode of the lecture's texts with max_length = 10: shape (3, 10, 19), zero rows of padding"""
    x = assert_returns(submission.one_hot_encode, TEXTS, INDEX, 10, expected=one_hot(TEXT_COLUMNS, 19))
    assert_type(x, np.ndarray, call="one_hot_encode(TEXTS, INDEX, 10)")


def test_one_hot_encode_unknown_word_and_truncation(submission):
    """one_hot_encode gives an unknown word a row of zeros and keeps only the first max_length tokens"""
    # "schnitzel" is not in INDEX: a row of zeros, like the padding after it
    assert_returns(
        submission.one_hot_encode, ["I eat Schnitzel"], INDEX, 4, expected=one_hot([[0, 5, -1, -1]], 19)
    )
    assert_returns(
        submission.one_hot_encode,
        ["I eat Schnitzel and Bratwurst"],
        INDEX,
        6,
        expected=one_hot([[0, 5, -1, 4, 8, -1]], 19),
    )
    first_three = [columns[:3] for columns in TEXT_COLUMNS]  # the first three tokens of each text
    assert_returns(submission.one_hot_encode, TEXTS, INDEX, 3, expected=one_hot(first_three, 19))


# texts_to_indices ----------------------------------------------------------------------------------


def test_texts_to_indices_the_lecture_texts(submission):
    """texts_to_indices of the lecture's texts with max_length = 10: an integer array, -1 for padding"""
    s = assert_returns(submission.texts_to_indices, TEXTS, INDEX, 10, expected=np.array(TEXT_COLUMNS))
    assert_type(s, np.ndarray, call="texts_to_indices(TEXTS, INDEX, 10)")
    assert_matches(
        s.dtype.kind, "i", what="texts_to_indices(TEXTS, INDEX, 10).dtype.kind ('i' for an integer dtype)"
    )


def test_texts_to_indices_unknown_word(submission):
    """texts_to_indices gives an unknown word -1, like padding"""
    assert_returns(
        submission.texts_to_indices, ["I eat Schnitzel"], INDEX, 4, expected=np.array([[0, 5, -1, -1]])
    )


# hashed_one_hot ------------------------------------------------------------------------------------


def test_hashed_one_hot_hello(submission):
    """hashed_one_hot of 'Hello!' with dim = 1000: a 1 in column 870 (zlib.crc32(b'hello') = 907060870)"""
    expected = np.zeros((1, 2, 1000))
    expected[0, 0, 870] = 1.0
    x = assert_returns(submission.hashed_one_hot, ["Hello!"], 1000, 2, expected=expected)
    assert_type(x, np.ndarray, call="hashed_one_hot(['Hello!'], 1000, 2)")


def test_hashed_one_hot_the_lecture_texts(submission):
    """hashed_one_hot of the lecture's texts with dim = 97: column zlib.crc32(token) % 97, 21 ones"""
    assert_returns(submission.hashed_one_hot, TEXTS, 97, 10, expected=one_hot(HASHED_COLUMNS, 97))


# ngrams --------------------------------------------------------------------------------------------


def test_ngrams_of_four_tokens(submission):
    """ngrams of ['this', 'takes', 'too', 'long'] with n = 2, 3, 4 and 5"""
    tokens = ["this", "takes", "too", "long"]
    bigrams = assert_returns(
        submission.ngrams, tokens, 2, expected=[("this", "takes"), ("takes", "too"), ("too", "long")]
    )
    assert_type(bigrams, list, call=f"ngrams({tokens!r}, 2)")
    assert_type(bigrams[0], tuple, call=f"ngrams({tokens!r}, 2)[0]")
    assert_returns(
        submission.ngrams, tokens, 3, expected=[("this", "takes", "too"), ("takes", "too", "long")]
    )
    assert_returns(submission.ngrams, tokens, 4, expected=[("this", "takes", "too", "long")])
    assert_returns(submission.ngrams, tokens, 5, expected=[])


def test_ngrams_of_short_token_lists(submission):
    """ngrams with n larger than the number of tokens (none) and of a single token with n = 1"""
    assert_returns(submission.ngrams, ["this", "takes"], 3, expected=[])
    assert_returns(submission.ngrams, ["this"], 1, expected=[("this",)])


# the lecture's questions ---------------------------------------------------------------------------


def test_question_1_one_hot_shape(submission):
    """one_hot_shape of the lecture's texts: with 500 000 words, with the texts' own 19, and of characters"""
    shape = assert_returns(submission.one_hot_shape, TEXTS, 10, 500_000, expected=(3, 10, 500_000))
    assert_type(shape, tuple, call="one_hot_shape(TEXTS, 10, 500000)")
    assert_returns(submission.one_hot_shape, TEXTS, 10, expected=(3, 10, 19))
    assert_returns(submission.one_hot_shape, ["Hi, Bo"], 8, level="char", expected=(1, 8, 6))


def test_question_2_zero_rows_per_text(submission):
    """zero_rows_per_text of the lecture's texts: padding rows, unknown words, and none when truncated"""
    rows = assert_returns(submission.zero_rows_per_text, TEXTS, 10, expected=[0, 6, 3])
    assert_type(rows, list, call="zero_rows_per_text(TEXTS, 10)")
    assert_returns(submission.zero_rows_per_text, TEXTS, 10, INDEX, expected=[0, 6, 3])
    # 7 rows of padding and 1 for the unknown word "schnitzel"
    assert_returns(submission.zero_rows_per_text, ["I eat Schnitzel"], 10, INDEX, expected=[8])
    assert_returns(submission.zero_rows_per_text, TEXTS, 4, expected=[0, 0, 0])  # truncated: no padding


def test_question_3_one_hot_row(submission):
    """one_hot_row of 'queen' (column 12 of 19) and of the unknown 'schnitzel' (19 zeros)"""
    row = assert_returns(submission.one_hot_row, "queen", INDEX, expected=np.eye(19)[12])
    assert_type(row, np.ndarray, call="one_hot_row('queen', INDEX)")
    assert_returns(submission.one_hot_row, "schnitzel", INDEX, expected=np.zeros(19))


def test_one_hot_nbytes_of_the_lecture_tensor(submission):
    """one_hot_nbytes of the lecture's (3, 10, 500000) tensor, 8 and 4 bytes per entry, and of (3, 10, 19)"""
    assert_returns(submission.one_hot_nbytes, 3, 10, 500_000, expected=120_000_000)  # 120 MB, almost all 0
    assert_returns(submission.one_hot_nbytes, 3, 10, 500_000, itemsize=4, expected=60_000_000)
    assert_returns(submission.one_hot_nbytes, 3, 10, 19, expected=np.zeros((3, 10, 19)).nbytes)
