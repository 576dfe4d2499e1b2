"""Known misconceptions of the encoding assignment, each implemented as the mistake (see
seqlab.misconceptions).

The mistakes tokenize with the reference's ``ref.tokenize`` (none of them is a mistake in ``tokenize`` but
the first), so a wrong level raises as the reference does.

Every function with a mistake has probes (see :meth:`Catalogue.probe`): typical inputs -- several texts with
repeated and distinct words, unknown words, texts shorter and longer than ``max_length``, index columns out
of order -- on which each mistake's output is wrong and unlike every other mistake's, so a hint is only given
to a student whose function agrees with the mistake there too.

Python's ``hash`` is reproducible here because the grader's workers run the student's code with
``PYTHONHASHSEED=0``: the hash of a str is then SipHash-1-3 with an all-zero key over the string's internal
(Latin-1, UCS-2 or UCS-4) bytes, which :func:`_python_hash` computes. On an interpreter with another hash
algorithm that mistake raises and so explains nothing.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

import numpy as np

from seqlab.misconceptions import Catalogue

catalogue = Catalogue("encoding")

TOKENS = "the encoding notebook, section 1 (Tokenization)"
INDEX = "the encoding notebook, section 2 (The token index)"
ONE_HOT = "the encoding notebook, section 3 (One-hot encoding)"
QUESTIONS = "the encoding notebook, section 4 (The lecture's questions)"
COMPACT = "the encoding notebook, section 5 (Huge vocabularies: the compact form)"
HASHING = "the encoding notebook, section 6 (The hashing trick)"
NGRAMS = "the encoding notebook, section 7 (N-grams)"


# ----------------------------------------------------------------------------------------------------
# tokenize, build_token_index, ngrams
# ----------------------------------------------------------------------------------------------------


@catalogue.mistake(
    "tokenize-whitespace-split",
    "tokenize",
    title="text.lower().split(), which splits at whitespace only",
    explanation="Splitting at spaces keeps punctuation attached to the words ('bratwurst.' and 'queen!' are "
    'new tokens): the word tokens are the matches of re.findall(r"\\w+(?:\'\\w+)*", text.lower()).',
    where=TOKENS,
)
def _(ref: Any, text: str, level: str = "word") -> list[str]:
    return text.lower().split() if level == "word" else ref.tokenize(text, level)


catalogue.probe("tokenize", "God bless the queen. Don't panic!")
catalogue.probe("tokenize", "I eat lots of Bratwurst, you eat lots of Schnitzel; 3.14 is pi.")


def _first_appearance(ref: Any, texts: Sequence[str], level: str, num_words: int | None) -> list[str]:
    """The distinct tokens of ``texts`` in order of first appearance, at most ``num_words`` of them."""
    if num_words is not None and num_words < 0:
        raise ValueError("num_words must be >= 0")
    seen = dict.fromkeys(token for text in texts for token in ref.tokenize(text, level))
    return list(seen)[:num_words]


@catalogue.mistake(
    "index-one-based",
    "build_token_index",
    title="a token index numbered from 1, as Keras' Tokenizer does",
    explanation="Here the columns of a one-hot row are 0 .. V-1, so the first token seen gets column 0 "
    "(token_index[token] = number of distinct tokens seen before it); Keras keeps 0 for padding.",
    where=INDEX,
)
def _(ref: Any, texts: Sequence[str], level: str = "word", num_words: int | None = None) -> dict[str, int]:
    return {token: k + 1 for k, token in enumerate(_first_appearance(ref, texts, level, num_words))}


@catalogue.mistake(
    "index-sorted-vocabulary",
    "build_token_index",
    title="a token index in alphabetical order, as sorted(set(tokens)) gives",
    explanation="The columns follow the order of first appearance: walk the texts and their tokens in order "
    "and give a token the next free column the first time it is seen; num_words keeps the first K tokens "
    "seen, not the first K in sorted order.",
    where=INDEX,
)
def _(ref: Any, texts: Sequence[str], level: str = "word", num_words: int | None = None) -> dict[str, int]:
    vocabulary = sorted(_first_appearance(ref, texts, level, None))[:num_words]
    return {token: k for k, token in enumerate(vocabulary)}


@catalogue.form("index-sorted-vocabulary")
def _(ref: Any, texts: Sequence[str], level: str = "word", num_words: int | None = None) -> dict[str, int]:
    """The first ``num_words`` tokens seen, then sorted (a loop that stops at K tokens, sorted after)."""
    vocabulary = sorted(_first_appearance(ref, texts, level, num_words))
    return {token: k for k, token in enumerate(vocabulary)}


# first appearance, alphabetical order, frequency order (the three differ) and num_words below the vocabulary
catalogue.probe("build_token_index", ["one two two three three three", "Four! two, one."])
catalogue.probe("build_token_index", ["The cat sat on the mat.", "A dog and the cat!"])
catalogue.probe("build_token_index", ["b a c", "a d c e", "f b"], num_words=4)


@catalogue.mistake(
    "ngrams-misses-last",
    "ngrams",
    title="n-grams that miss the last one, as range(len(tokens) - n) does",
    explanation="The n-grams start at k = 0, 1, ..., L - n, which is range(L - n + 1): L - n + 1 of them "
    "(n = L gives one n-gram, the whole sequence).",
    where=NGRAMS,
)
def _(ref: Any, tokens: Sequence[str], n: int) -> list[tuple[str, ...]]:
    if n < 1:
        raise ValueError("n must be >= 1")
    return [tuple(tokens[k : k + n]) for k in range(len(tokens) - n)]


catalogue.probe("ngrams", ["this", "takes", "too", "long"], 2)
catalogue.probe("ngrams", ["a", "rose", "is", "a", "rose"], 3)


# ----------------------------------------------------------------------------------------------------
# one_hot_encode, texts_to_indices, hashed_one_hot
# ----------------------------------------------------------------------------------------------------


def _token_lists(ref: Any, texts: Sequence[str], max_length: int, level: str) -> list[list[str]]:
    if max_length < 0:
        raise ValueError("max_length must be >= 0")
    return [ref.tokenize(text, level) for text in texts]


def _one_hot(
    ref: Any,
    texts: Sequence[str],
    token_index: dict[str, int],
    max_length: int,
    level: str,
    *,
    pre_padding: bool = False,
    unknown_row: float = 0.0,
) -> np.ndarray:
    out = np.zeros((len(texts), max_length, len(token_index)))
    for i, tokens in enumerate(_token_lists(ref, texts, max_length, level)):
        kept = tokens[:max_length]
        offset = max_length - len(kept) if pre_padding else 0
        for t, token in enumerate(kept):
            if token in token_index:
                out[i, offset + t, token_index[token]] = 1.0
            else:
                out[i, offset + t, :] = unknown_row
    return out


@catalogue.mistake(
    "one-hot-pre-padding",
    "one_hot_encode",
    title="pre-padding (the zero rows before the text)",
    explanation="This assignment post-pads: token t of a text is at time step t, and the zero rows of a "
    "short text come after it (Keras' pad_sequences pre-pads by default; here padding='post').",
    where=ONE_HOT,
)
def _(
    ref: Any, texts: Sequence[str], token_index: dict[str, int], max_length: int, level: str = "word"
) -> Any:
    return _one_hot(ref, texts, token_index, max_length, level, pre_padding=True)


@catalogue.mistake(
    "one-hot-unknown-row-of-ones",
    "one_hot_encode",
    title="rows of ones for unknown tokens (out[i, t, token_index.get(token)] = 1)",
    explanation="token_index.get(token) is None for an unknown token, and numpy reads None as a new axis, so "
    "the whole row becomes 1. An unknown token must stay a row of zeros: set the 1 only when the token "
    "is in the index.",
    where=ONE_HOT,
)
def _(
    ref: Any, texts: Sequence[str], token_index: dict[str, int], max_length: int, level: str = "word"
) -> Any:
    return _one_hot(ref, texts, token_index, max_length, level, unknown_row=1.0)


#: Texts and an index for the probes of the encoders: unknown words in the middle of a text, a text shorter
#: and one longer than T = 5, repeated words, and index columns not in order of first appearance.
PROBE_TEXTS = ["the queen and the king", "God", "a box of chocolate and a queen for the god"]
PROBE_INDEX = {"queen": 2, "the": 0, "god": 3, "a": 1, "box": 4}
CHAR_TEXTS = ["Hi, Bo", "ob"]
CHAR_INDEX = {"o": 0, "B": 1, "i": 2, " ": 3}

for function in ("one_hot_encode", "texts_to_indices"):
    catalogue.probe(function, PROBE_TEXTS, PROBE_INDEX, 5)
    catalogue.probe(function, CHAR_TEXTS, CHAR_INDEX, 4, level="char")


def _indices(
    ref: Any,
    texts: Sequence[str],
    token_index: dict[str, int],
    max_length: int,
    level: str,
    *,
    unknown: int = -1,
    keep_last: bool = False,
) -> np.ndarray:
    out = np.full((len(texts), max_length), -1, dtype=np.int64)
    for i, tokens in enumerate(_token_lists(ref, texts, max_length, level)):
        kept = tokens[max(len(tokens) - max_length, 0) :] if keep_last else tokens[:max_length]
        out[i, : len(kept)] = [token_index.get(token, unknown) for token in kept]
    return out


@catalogue.mistake(
    "indices-unknown-is-zero",
    "texts_to_indices",
    title="index 0 for unknown tokens",
    explanation="0 is the column of a real token (the first one of the index); an unknown token, like "
    "padding, is -1 (its one-hot row is all zeros): token_index.get(token, -1).",
    where=COMPACT,
)
def _(
    ref: Any, texts: Sequence[str], token_index: dict[str, int], max_length: int, level: str = "word"
) -> Any:
    return _indices(ref, texts, token_index, max_length, level, unknown=0)


@catalogue.mistake(
    "indices-truncate-keeps-last",
    "texts_to_indices",
    title="a truncation that keeps the last max_length tokens",
    explanation="A text longer than T keeps its first T tokens (tokens[:max_length]), as in one_hot_encode; "
    "keeping the end (Keras' truncating='pre') is a different convention.",
    where=COMPACT,
)
def _(
    ref: Any, texts: Sequence[str], token_index: dict[str, int], max_length: int, level: str = "word"
) -> Any:
    return _indices(ref, texts, token_index, max_length, level, keep_last=True)


_MASK = (1 << 64) - 1


def _rotate(x: int, bits: int) -> int:
    return ((x << bits) | (x >> (64 - bits))) & _MASK


def _sip_round(v0: int, v1: int, v2: int, v3: int) -> tuple[int, int, int, int]:
    v0 = (v0 + v1) & _MASK
    v1, v0 = _rotate(v1, 13) ^ v0, _rotate(v0, 32)
    v2 = (v2 + v3) & _MASK
    v3 = _rotate(v3, 16) ^ v2
    v0 = (v0 + v3) & _MASK
    v3 = _rotate(v3, 21) ^ v0
    v2 = (v2 + v1) & _MASK
    v1, v2 = _rotate(v1, 17) ^ v2, _rotate(v2, 32)
    return v0, v1, v2, v3


def _siphash13(data: bytes) -> int:
    """SipHash-1-3 of ``data`` with the all-zero key (CPython's ``pyhash.c``), as an unsigned 64-bit int."""
    v = (0x736F6D6570736575, 0x646F72616E646F6D, 0x6C7967656E657261, 0x7465646279746573)
    tail = len(data) % 8
    blocks = [int.from_bytes(data[k : k + 8], "little") for k in range(0, len(data) - tail, 8)]
    blocks.append((len(data) & 0xFF) << 56 | int.from_bytes(data[len(data) - tail :], "little"))
    for m in blocks:
        v = _sip_round(v[0], v[1], v[2], v[3] ^ m)
        v = (v[0] ^ m, *v[1:])
    v = (v[0], v[1], v[2] ^ 0xFF, v[3])
    for _ in range(3):
        v = _sip_round(*v)
    return v[0] ^ v[1] ^ v[2] ^ v[3]


def _python_hash(token: str) -> int:
    """``hash(token)`` in a CPython process started with ``PYTHONHASHSEED=0`` (the grader's workers)."""
    if sys.hash_info.algorithm != "siphash13" or sys.hash_info.width != 64 or sys.byteorder != "little":
        raise RuntimeError("only CPython's 64-bit siphash13 on a little-endian machine is reproduced")
    if not token:
        return 0
    width = max((ord(c) > 0xFF) + (ord(c) > 0xFFFF) for c in token)
    data = token.encode(("latin-1", "utf-16-le", "utf-32-le")[width], "surrogatepass")
    x = _siphash13(data)
    x = x - (1 << 64) if x >> 63 else x
    return -2 if x == -1 else x


@catalogue.mistake(
    "hashed-python-hash",
    "hashed_one_hot",
    title="columns from Python's built-in hash() instead of zlib.crc32",
    explanation="hash() of a str is salted per process (PYTHONHASHSEED), so the same word gets another "
    "column in every run and in every other program; use h(token) = zlib.crc32(token.encode('utf-8')) % D.",
    where=HASHING,
)
def _(ref: Any, texts: Sequence[str], dim: int, max_length: int) -> np.ndarray:
    if dim < 1:
        raise ValueError("dim must be >= 1")
    out = np.zeros((len(texts), max_length, dim))
    for i, tokens in enumerate(_token_lists(ref, texts, max_length, "word")):
        for t, token in enumerate(tokens[:max_length]):
            out[i, t, _python_hash(token) % dim] = 1.0
    return out


catalogue.probe("hashed_one_hot", PROBE_TEXTS, 1000, 5)
catalogue.probe("hashed_one_hot", ["Don't panic!", "über straße", "Hello hello"], 97, 3)


# ----------------------------------------------------------------------------------------------------
# The lecture's questions
# ----------------------------------------------------------------------------------------------------


@catalogue.mistake(
    "zero-rows-without-truncation",
    "zero_rows_per_text",
    title="a count of zero rows that forgets the truncation to T tokens (T - L can be negative)",
    explanation="Only the first T tokens are encoded: a text has max(T - L, 0) padding rows, never a "
    "negative number, plus the unknown tokens among its first T tokens.",
    where=QUESTIONS,
)
def _(
    ref: Any,
    texts: Sequence[str],
    max_length: int,
    token_index: dict[str, int] | None = None,
    level: str = "word",
) -> list[int]:
    known = (lambda token: True) if token_index is None else token_index.__contains__
    return [
        max_length - len(tokens) + sum(not known(token) for token in tokens)
        for tokens in _token_lists(ref, texts, max_length, level)
    ]


@catalogue.form("zero-rows-without-truncation")
def _(
    ref: Any,
    texts: Sequence[str],
    max_length: int,
    token_index: dict[str, int] | None = None,
    level: str = "word",
) -> list[int]:
    """The unknown tokens counted among the first T, but the padding still T - L (negative for long texts)."""
    known = (lambda token: True) if token_index is None else token_index.__contains__
    return [
        max_length - len(tokens) + sum(not known(token) for token in tokens[:max_length])
        for tokens in _token_lists(ref, texts, max_length, level)
    ]


catalogue.probe("zero_rows_per_text", PROBE_TEXTS, 5, PROBE_INDEX)
catalogue.probe("zero_rows_per_text", PROBE_TEXTS, 6)
