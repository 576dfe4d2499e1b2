"""Oracle tests for the ``encoding`` reference solution.

The reference is never its own oracle: expectations come from the lecture's worked examples (written out by
hand), from independent pure-Python re-implementations (character loops instead of regular expressions,
nested lists instead of numpy), from numpy itself, and from separate Python processes for the hashing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import zlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seqlab import strategies as sst
from seqlab.course.layout import load_reference

ref = load_reference("encoding")

NOTES_TEXTS = [
    "I am from Germany and I eat lots of Bratwurst.",
    "God bless the queen.",
    "Life is like a box of chocolate.",
]
# The index of the three texts written out by hand: distinct lower-case words in order of first appearance.
NOTES_VOCABULARY = [
    "i",
    "am",
    "from",
    "germany",
    "and",
    "eat",
    "lots",
    "of",
    "bratwurst",
    "god",
    "bless",
    "the",
    "queen",
    "life",
    "is",
    "like",
    "a",
    "box",
    "chocolate",
]
NOTES_INDEX = {word: column for column, word in enumerate(NOTES_VOCABULARY)}

ORACLE_SETTINGS = settings(max_examples=50, deadline=None)


# --------------------------------------------------------------------------------------------------
# Independent re-implementations (no regular expressions, no numpy)
# --------------------------------------------------------------------------------------------------


def _is_word_char(ch: str) -> bool:
    # Python's re documents \w for str patterns as "alphanumeric (str.isalnum()) or the underscore".
    return ch.isalnum() or ch == "_"


def oracle_tokenize(text: str, level: str = "word") -> list[str]:
    if level == "char":
        return [ch for ch in text]
    lowered = text.lower()
    tokens: list[str] = []
    current = ""
    for k, ch in enumerate(lowered):
        inner_apostrophe = ch == "'" and current and k + 1 < len(lowered) and _is_word_char(lowered[k + 1])
        if _is_word_char(ch) or inner_apostrophe:
            current += ch
        else:
            if current:
                tokens.append(current)
            current = ""
    if current:
        tokens.append(current)
    return tokens


def oracle_index(texts: list[str], level: str = "word", num_words: int | None = None) -> dict[str, int]:
    seen: list[str] = []
    for text in texts:
        for token in oracle_tokenize(text, level):
            if token not in seen:
                seen.append(token)
    if num_words is not None:
        seen = seen[:num_words]
    return {token: k for k, token in enumerate(seen)}


def oracle_one_hot(texts: list[str], index: dict[str, int], max_length: int, level: str) -> list:
    width = len(index)
    out = []
    for text in texts:
        tokens = oracle_tokenize(text, level)
        rows = []
        for t in range(max_length):
            row = [0.0] * width
            if t < len(tokens) and tokens[t] in index:
                row[index[tokens[t]]] = 1.0
            rows.append(row)
        out.append(rows)
    return out


def oracle_indices(texts: list[str], index: dict[str, int], max_length: int, level: str) -> list:
    out = []
    for text in texts:
        tokens = oracle_tokenize(text, level)
        padded = tokens[:max_length] + [None] * max(0, max_length - len(tokens))
        out.append([index.get(tok, -1) if tok is not None else -1 for tok in padded])
    return out


def oracle_ngrams(tokens: list[str], n: int) -> list[tuple[str, ...]]:
    return list(zip(*[tokens[k:] for k in range(n)], strict=False))


def as_array(nested: list, shape: tuple[int, ...], dtype: type) -> np.ndarray:
    return np.array(nested, dtype=dtype).reshape(shape)


# --------------------------------------------------------------------------------------------------
# The lecture's worked examples
# --------------------------------------------------------------------------------------------------


def test_notes_texts_have_10_4_7_word_tokens() -> None:
    assert [len(ref.tokenize(text)) for text in NOTES_TEXTS] == [10, 4, 7]
    assert ref.tokenize("God bless the queen.") == ["god", "bless", "the", "queen"]
    assert ref.tokenize(NOTES_TEXTS[0]) == [
        "i",
        "am",
        "from",
        "germany",
        "and",
        "i",
        "eat",
        "lots",
        "of",
        "bratwurst",
    ]


def test_notes_index_is_the_19_words_in_order_of_first_appearance() -> None:
    assert ref.build_token_index(NOTES_TEXTS) == NOTES_INDEX
    assert len(NOTES_INDEX) == 19


def test_notes_one_hot_shape_is_3_by_10_by_vocabulary_size() -> None:
    x = ref.one_hot_encode(NOTES_TEXTS, NOTES_INDEX, 10)
    assert x.shape == (3, 10, 19)
    assert x.dtype == np.float64
    assert ref.one_hot_shape(NOTES_TEXTS, 10) == (3, 10, 19)
    # The notes' answer A1 holds for the notes' 500 000-word index only.
    assert ref.one_hot_shape(NOTES_TEXTS, 10, 500_000) == (3, 10, 500_000)


def test_notes_zero_rows_are_0_6_3() -> None:
    x = ref.one_hot_encode(NOTES_TEXTS, NOTES_INDEX, 10)
    zero_rows = [int(np.sum(~x[i].any(axis=1))) for i in range(3)]
    assert zero_rows == [0, 6, 3]
    assert ref.zero_rows_per_text(NOTES_TEXTS, 10) == [0, 6, 3]
    assert ref.zero_rows_per_text(NOTES_TEXTS, 10, NOTES_INDEX) == [0, 6, 3]


def test_notes_one_hot_first_text_written_out() -> None:
    x = ref.one_hot_encode(NOTES_TEXTS, NOTES_INDEX, 10)
    # "i am from germany and i eat lots of bratwurst" -> columns 0 1 2 3 4 0 5 6 7 8
    expected = np.zeros((10, 19))
    for t, column in enumerate([0, 1, 2, 3, 4, 0, 5, 6, 7, 8]):
        expected[t, column] = 1.0
    np.testing.assert_array_equal(x[0], expected)
    # "god bless the queen" -> columns 9 10 11 12, then six zero rows (post-padding)
    expected = np.zeros((10, 19))
    for t, column in enumerate([9, 10, 11, 12]):
        expected[t, column] = 1.0
    np.testing.assert_array_equal(x[1], expected)
    np.testing.assert_array_equal(
        ref.texts_to_indices(NOTES_TEXTS, NOTES_INDEX, 10),
        [
            [0, 1, 2, 3, 4, 0, 5, 6, 7, 8],
            [9, 10, 11, 12, -1, -1, -1, -1, -1, -1],
            [13, 14, 15, 16, 17, 7, 18, -1, -1, -1],
        ],
    )


def test_unknown_word_is_a_zero_row_at_its_own_time_step() -> None:
    x = ref.one_hot_encode(["I eat Schnitzel and Bratwurst"], NOTES_INDEX, 6)
    assert x.shape == (1, 6, 19)
    np.testing.assert_array_equal(x[0, 2], np.zeros(19))  # "schnitzel" is unknown
    assert x[0, 3, NOTES_INDEX["and"]] == 1.0  # the next word is NOT shifted into the gap
    assert x[0, 4, NOTES_INDEX["bratwurst"]] == 1.0
    np.testing.assert_array_equal(x[0, 5], np.zeros(19))  # padding
    np.testing.assert_array_equal(ref.one_hot_row("schnitzel", NOTES_INDEX), np.zeros(19))
    np.testing.assert_array_equal(ref.one_hot_row("queen", NOTES_INDEX), np.eye(19)[12])
    assert ref.zero_rows_per_text(["I eat Schnitzel and Bratwurst"], 6, NOTES_INDEX) == [2]
    np.testing.assert_array_equal(
        ref.texts_to_indices(["I eat Schnitzel and Bratwurst"], NOTES_INDEX, 6), [[0, 5, -1, 4, 8, -1]]
    )


def test_truncation_keeps_the_first_tokens() -> None:
    np.testing.assert_array_equal(ref.texts_to_indices(NOTES_TEXTS[:1], NOTES_INDEX, 3), [[0, 1, 2]])
    x = ref.one_hot_encode(NOTES_TEXTS[:1], NOTES_INDEX, 3)
    np.testing.assert_array_equal(x[0], np.eye(19)[[0, 1, 2]])
    assert ref.zero_rows_per_text(NOTES_TEXTS, 3) == [0, 0, 0]


def test_notes_ngram_example_this_takes_too_long() -> None:
    tokens = ["this", "takes", "too", "long"]
    assert ref.ngrams(tokens, 2) == [("this", "takes"), ("takes", "too"), ("too", "long")]
    assert ref.ngrams(tokens, 3) == [("this", "takes", "too"), ("takes", "too", "long")]
    assert ref.ngrams(tokens, 4) == [("this", "takes", "too", "long")]
    assert ref.ngrams(tokens, 5) == []
    assert ref.ngrams(tokens, 1) == [("this",), ("takes",), ("too",), ("long",)]


def test_crc32_hashing_known_value() -> None:
    # zlib.crc32(b"hello") == 0x3610A686 == 907060870, a published CRC-32 test value; 907060870 % 1000 == 870.
    x = ref.hashed_one_hot(["Hello!", ""], 1000, 2)
    assert x.shape == (2, 2, 1000)
    assert x[0, 0, 870] == 1.0
    assert x.sum() == 1.0


def test_one_hot_nbytes_of_the_notes_tensor() -> None:
    assert ref.one_hot_nbytes(3, 10, 500_000) == 120_000_000
    assert ref.one_hot_nbytes(3, 10, 500_000, itemsize=4) == 60_000_000
    assert ref.texts_to_indices(NOTES_TEXTS, NOTES_INDEX, 10).nbytes == 240


def test_character_level_keeps_case_spaces_and_punctuation() -> None:
    assert ref.tokenize("Hi, Bo", level="char") == ["H", "i", ",", " ", "B", "o"]
    assert ref.build_token_index(["aba", "b!"], level="char") == {"a": 0, "b": 1, "!": 2}
    assert ref.one_hot_shape(NOTES_TEXTS[1:2], 30, level="char") == (1, 30, len(set(NOTES_TEXTS[1])))
    assert ref.zero_rows_per_text(NOTES_TEXTS[1:2], 30, level="char") == [30 - 20]


# --------------------------------------------------------------------------------------------------
# Edge cases
# --------------------------------------------------------------------------------------------------


def test_empty_inputs() -> None:
    assert ref.tokenize("") == []
    assert ref.tokenize("...  !?") == []
    assert ref.build_token_index([]) == {}
    assert ref.build_token_index(["", "!"]) == {}
    assert ref.one_hot_encode([], NOTES_INDEX, 10).shape == (0, 10, 19)
    assert ref.one_hot_encode(["", "queen"], NOTES_INDEX, 0).shape == (2, 0, 19)
    assert ref.one_hot_encode(["queen"], {}, 2).shape == (1, 2, 0)
    assert ref.texts_to_indices([], NOTES_INDEX, 4).shape == (0, 4)
    assert ref.texts_to_indices([], NOTES_INDEX, 4).dtype == np.int64
    np.testing.assert_array_equal(ref.texts_to_indices([""], NOTES_INDEX, 2), [[-1, -1]])
    assert ref.hashed_one_hot([], 7, 3).shape == (0, 3, 7)
    assert ref.ngrams([], 1) == []
    assert ref.one_hot_shape([], 5) == (0, 5, 0)
    assert ref.zero_rows_per_text([""], 4) == [4]
    assert ref.one_hot_row("x", {}).shape == (0,)


def test_num_words_edge_cases() -> None:
    assert ref.build_token_index(NOTES_TEXTS, num_words=0) == {}
    assert ref.build_token_index(NOTES_TEXTS, num_words=2) == {"i": 0, "am": 1}
    assert ref.build_token_index(NOTES_TEXTS, num_words=1000) == NOTES_INDEX
    assert ref.build_token_index(NOTES_TEXTS, num_words=19) == NOTES_INDEX


def test_apostrophes_only_between_word_characters() -> None:
    assert ref.tokenize("Don't say 'tis' rock'n'roll a''b students'") == [
        "don't",
        "say",
        "tis",
        "rock'n'roll",
        "a",
        "b",
        "students",
    ]


def test_non_ascii_text_is_lower_cased_whole_before_it_is_split() -> None:
    # Unicode SpecialCasing: U+0130 lower-cases to "i" + U+0307 COMBINING DOT ABOVE (a mark, not alphanumeric)
    assert "\u0130".lower() == "i\u0307" and not "\u0307".isalnum()
    assert ref.tokenize("\u0130stanbul") == ["i", "stanbul"]
    assert ref.tokenize("\u00dcBER Stra\u00dfe") == ["\u00fcber", "stra\u00dfe"]  # lower(), not casefold()
    assert ref.tokenize("\u0130stanbul", level="char") == ["\u0130", "s", "t", "a", "n", "b", "u", "l"]


def test_result_types_the_docstrings_promise() -> None:
    assert type(ref.tokenize("God bless the queen.")) is list
    assert all(type(column) is int for column in ref.build_token_index(NOTES_TEXTS).values())
    assert all(type(gram) is tuple for gram in ref.ngrams(["this", "takes", "too", "long"], 2))
    assert ref.hashed_one_hot(NOTES_TEXTS, 97, 10).dtype == np.float64
    shape = ref.one_hot_shape(NOTES_TEXTS, 10)
    assert type(shape) is tuple and all(type(size) is int for size in shape)
    counts = ref.zero_rows_per_text(NOTES_TEXTS, 10, NOTES_INDEX)
    assert type(counts) is list and all(type(count) is int for count in counts)
    assert ref.one_hot_row("schnitzel", NOTES_INDEX).dtype == np.float64
    assert type(ref.one_hot_nbytes(3, 10, 500_000)) is int


def test_encoders_leave_the_token_index_unchanged() -> None:
    index = dict(NOTES_INDEX)
    texts = ["I eat Schnitzel and Bratwurst", "Schnitzel", "the QUEEN of Schnitzel"]
    ref.one_hot_encode(texts, index, 6)
    ref.texts_to_indices(texts, index, 6)
    ref.zero_rows_per_text(texts, 6, index)
    ref.one_hot_row("schnitzel", index)
    assert index == NOTES_INDEX and list(index) == NOTES_VOCABULARY


@pytest.mark.parametrize(
    ("function", "args", "kwargs"),
    [
        ("tokenize", ("a",), {"level": "sentence"}),
        ("build_token_index", (["a"],), {"level": "Word"}),
        ("build_token_index", (["a"],), {"num_words": -1}),
        ("one_hot_encode", (["a"], {"a": 0}, -1), {}),
        ("one_hot_encode", (["a"], {"a": 0}, 2), {"level": "chars"}),
        ("texts_to_indices", (["a"], {"a": 0}, -1), {}),
        ("texts_to_indices", (["a"], {"a": 0}, 2), {"level": ""}),
        ("hashed_one_hot", (["a"], 0, 2), {}),
        ("hashed_one_hot", (["a"], 3, -2), {}),
        ("ngrams", (["a"], 0), {}),
        ("one_hot_shape", (["a"], 2), {"level": "bytes"}),
        ("zero_rows_per_text", (["a"], -1), {}),
        ("zero_rows_per_text", (["a"], 1), {"level": "x"}),
    ],
)
def test_documented_value_errors(function: str, args: tuple, kwargs: dict) -> None:
    with pytest.raises(ValueError):
        getattr(ref, function)(*args, **kwargs)


# --------------------------------------------------------------------------------------------------
# Property tests against the independent oracles
# --------------------------------------------------------------------------------------------------


@ORACLE_SETTINGS
@given(text=st.one_of(sst.texts(), st.text(max_size=30)), level=sst.levels())
def test_tokenize_matches_the_character_loop_oracle(text: str, level: str) -> None:
    assert ref.tokenize(text, level) == oracle_tokenize(text, level)


@ORACLE_SETTINGS
@given(texts=sst.text_lists(), level=sst.levels(), num_words=st.none() | st.integers(0, 30))
def test_build_token_index_matches_oracle(texts: list[str], level: str, num_words: int | None) -> None:
    index = ref.build_token_index(texts, level=level, num_words=num_words)
    assert index == oracle_index(texts, level, num_words)
    assert sorted(index.values()) == list(range(len(index)))
    assert list(index) == list(oracle_index(texts, level))[: len(index)]  # a prefix of the full index


@ORACLE_SETTINGS
@given(data=st.data(), level=sst.levels(), max_length=st.integers(0, 12))
def test_one_hot_encode_matches_nested_list_oracle(data: st.DataObject, level: str, max_length: int) -> None:
    texts, index = data.draw(sst.texts_and_index(level=level))
    x = ref.one_hot_encode(texts, index, max_length, level=level)
    expected = as_array(
        oracle_one_hot(texts, index, max_length, level), (len(texts), max_length, len(index)), float
    )
    assert x.dtype == np.float64
    np.testing.assert_array_equal(x, expected)


@ORACLE_SETTINGS
@given(data=st.data(), level=sst.levels(), max_length=st.integers(0, 12))
def test_texts_to_indices_matches_oracle_and_agrees_with_one_hot(
    data: st.DataObject, level: str, max_length: int
) -> None:
    texts, index = data.draw(sst.texts_and_index(level=level))
    s = ref.texts_to_indices(texts, index, max_length, level=level)
    assert s.dtype == np.int64
    np.testing.assert_array_equal(s, as_array(oracle_indices(texts, index, max_length, level), s.shape, int))
    assert s.shape == (len(texts), max_length)
    x = ref.one_hot_encode(texts, index, max_length, level=level)
    row_sums = x.sum(axis=-1)
    # Every row is exactly one-hot (sum exactly 1.0) or exactly zero; -1 exactly where the row is zero.
    assert set(np.unique(row_sums)).issubset({0.0, 1.0})
    np.testing.assert_array_equal(s == -1, row_sums == 0.0)
    if x.size:
        np.testing.assert_array_equal(np.where(row_sums == 1.0, x.argmax(axis=-1), -1), s)


@ORACLE_SETTINGS
@given(texts=sst.text_lists(), max_length=st.integers(0, 12), level=sst.levels())
def test_known_tokens_rows_sum_to_exactly_one(texts: list[str], max_length: int, level: str) -> None:
    index = oracle_index(texts, level)  # every token known
    x = ref.one_hot_encode(texts, index, max_length, level=level)
    for i, text in enumerate(texts):
        n_tokens = min(len(oracle_tokenize(text, level)), max_length)
        np.testing.assert_array_equal(x[i, :n_tokens].sum(axis=-1), np.ones(n_tokens))
        np.testing.assert_array_equal(x[i, n_tokens:], 0.0)
    assert ref.zero_rows_per_text(texts, max_length, level=level) == [
        max_length - min(len(oracle_tokenize(t, level)), max_length) for t in texts
    ]
    assert ref.one_hot_shape(texts, max_length, level=level) == x.shape


@ORACLE_SETTINGS
@given(data=st.data(), max_length=st.integers(0, 12), level=sst.levels())
def test_zero_rows_per_text_counts_the_zero_rows(data: st.DataObject, max_length: int, level: str) -> None:
    texts, index = data.draw(sst.texts_and_index(level=level))
    expected = [
        sum(1 for row in rows if not any(row)) for rows in oracle_one_hot(texts, index, max_length, level)
    ]
    assert ref.zero_rows_per_text(texts, max_length, index, level=level) == expected


@ORACLE_SETTINGS
@given(texts=sst.text_lists(), dim=st.integers(1, 40), max_length=st.integers(0, 10))
def test_hashed_one_hot_matches_crc32_loop_oracle(texts: list[str], dim: int, max_length: int) -> None:
    x = ref.hashed_one_hot(texts, dim, max_length)
    expected = np.zeros((len(texts), max_length, dim))
    for i, text in enumerate(texts):
        for t, token in enumerate(oracle_tokenize(text)[:max_length]):
            expected[i, t, zlib.crc32(bytes(token, "utf-8")) % dim] = 1.0
    assert x.dtype == np.float64
    np.testing.assert_array_equal(x, expected)


@ORACLE_SETTINGS
@given(tokens=sst.token_lists(max_size=10), n=st.integers(1, 12))
def test_ngrams_matches_zip_oracle(tokens: list[str], n: int) -> None:
    grams = ref.ngrams(tokens, n)
    assert grams == oracle_ngrams(tokens, n)
    assert len(grams) == max(len(tokens) - n + 1, 0)
    assert ref.ngrams(tuple(tokens), n) == grams


@ORACLE_SETTINGS
@given(index=sst.token_indexes(), token=sst.words().map(str.lower))
def test_one_hot_row_is_a_row_of_the_identity_or_zeros(index: dict[str, int], token: str) -> None:
    row = ref.one_hot_row(token, index)
    expected = np.eye(len(index))[index[token]] if token in index else np.zeros(len(index))
    np.testing.assert_array_equal(row, expected)


@ORACLE_SETTINGS
@given(
    n=st.integers(0, 5), t=st.integers(0, 5), v=st.integers(0, 5), dtype=st.sampled_from(["f8", "f4", "u1"])
)
def test_one_hot_nbytes_matches_numpy(n: int, t: int, v: int, dtype: str) -> None:
    itemsize = np.dtype(dtype).itemsize
    assert ref.one_hot_nbytes(n, t, v, itemsize=itemsize) == np.zeros((n, t, v), dtype=dtype).nbytes


# --------------------------------------------------------------------------------------------------
# Hashing is stable across processes (Python's hash() is not)
# --------------------------------------------------------------------------------------------------

_CHILD = textwrap.dedent(
    """
    import json
    from seqlab.course.layout import load_reference
    ref = load_reference("encoding")
    texts = {texts!r}
    x = ref.hashed_one_hot(texts, 97, 10)
    print(json.dumps({{"columns": x.argmax(axis=-1).tolist(), "sum": float(x.sum()),
                      "python_hash": hash("bratwurst")}}))
    """
)


def _run_child(seed: str) -> dict:
    env = dict(os.environ, PYTHONHASHSEED=seed)
    completed = subprocess.run(
        [sys.executable, "-c", _CHILD.format(texts=NOTES_TEXTS)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return json.loads(completed.stdout)


def test_hashed_encoding_is_identical_across_processes_with_different_hash_seeds() -> None:
    first, second = _run_child("1"), _run_child("2")
    assert first["columns"] == second["columns"]
    assert first["sum"] == second["sum"] == 21.0  # 10 + 4 + 7 tokens
    here = ref.hashed_one_hot(NOTES_TEXTS, 97, 10)
    assert first["columns"] == here.argmax(axis=-1).tolist()
    expected_first_row = [
        zlib.crc32(w.encode()) % 97
        for w in ["i", "am", "from", "germany", "and", "i", "eat", "lots", "of", "bratwurst"]
    ]
    assert first["columns"][0] == expected_first_row
    # ...while Python's salted hash() puts the same word in a different column in each process.
    assert first["python_hash"] != second["python_hash"]
