r"""Encoding text for sequence models: tokens, token indexes, one-hot tensors, hashing and n-grams.

Conventions used by every function of this assignment
-----------------------------------------------------
* A *text* is a ``str``; a batch of texts is a sequence (list or tuple) of ``str``.
* ``level="word"``: the text is lower-cased with ``str.lower()`` and its tokens are the matches, from left
  to right, of the regular expression ``\w+(?:'\w+)*`` (Python's ``re``): runs of letters, digits and
  underscores, with an apostrophe kept only *between* two word characters ("don't" is one token, the
  quotes of "'tis'" are dropped). Punctuation and whitespace separate tokens and are never tokens.
  The whole text is lower-cased *before* it is split, with ``str.lower()`` (not ``str.casefold()``:
  "Straße" stays "straße"). A few characters lower-case to more than one code point: "İ" (capital I
  with dot) becomes "i" followed by U+0307 COMBINING DOT ABOVE, which is not a word character, so
  "İstanbul" gives the two tokens "i" and "stanbul".
* ``level="char"``: every character of the text is a token, exactly as written (no lower-casing; spaces
  and punctuation are tokens too), as in the character-level example of Chollet's *Deep Learning with
  Python*.
* Any other ``level`` raises ``ValueError``.
* A *token index* is a ``dict`` mapping each token to a column ``0 .. V-1`` (``V = len(token_index)``,
  every column used exactly once). One-hot tensors have exactly ``V`` columns.
* Shapes: ``N`` texts (samples), ``T = max_length`` time steps, ``V`` index size, ``D`` hashing dimension.
* Padding is *post*-padding (zero rows after the text), truncation keeps the *first* ``T`` tokens, and a
  token missing from the index keeps its time step but gets a zero row (``-1`` in the compact encoding).
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence

import numpy as np


def tokenize(text: str, level: str = "word") -> list[str]:
    r"""Split one text into its tokens.

    Word level: ``tokens = re.findall(r"\w+(?:'\w+)*", text.lower())`` -- lower-case the whole text first
    (``str.lower()``), then take the runs of word characters (letters, digits, ``_``), an apostrophe being
    kept only between two word characters. Character level: ``tokens = list(text)`` (every character, case
    kept).

    Examples (the lecture's training texts, and two non-ASCII ones)::

        tokenize("God bless the queen.")        -> ["god", "bless", "the", "queen"]
        tokenize("Don't panic!")                -> ["don't", "panic"]
        tokenize("Hi, Bo", level="char")        -> ["H", "i", ",", " ", "B", "o"]
        tokenize("")                            -> []
        tokenize("ÜBER Straße")                 -> ["über", "straße"]
        tokenize("İstanbul")                    -> ["i", "stanbul"]

    (``"İ".lower()`` is ``"i\u0307"``, an ``i`` and a combining dot that is not a word character, so
    lower-casing the whole text before matching splits the word; lower-casing each token after matching
    would not.)

    Args:
        text: the text.
        level: ``"word"`` or ``"char"``.

    Returns:
        A ``list`` of ``str`` tokens, in the order they appear in the text (possibly empty).

    Raises:
        ValueError: if ``level`` is neither ``"word"`` nor ``"char"``.
    """
    raise NotImplementedError("tokenize is not implemented yet")


def build_token_index(
    texts: Sequence[str], level: str = "word", num_words: int | None = None
) -> dict[str, int]:
    """Build a 0-based token index in order of first appearance.

    Walk the texts in order and the tokens of each text in order (tokenized as in ``tokenize``); the
    first time a token is seen it gets the next free column, starting at 0::

        token_index[token] = number of distinct tokens seen before it

    With ``num_words = K`` only the first ``K`` distinct tokens are kept (the columns ``0 .. K-1``; this is
    *first appearance*, not frequency as in Keras' ``Tokenizer``). ``num_words=None`` or a ``K`` at
    least as large as the vocabulary keeps every token; ``num_words=0`` gives ``{}``.

    Example::

        build_token_index(["God bless the queen.", "The queen!"])
            -> {"god": 0, "bless": 1, "the": 2, "queen": 3}
        build_token_index(["God bless the queen."], num_words=2) -> {"god": 0, "bless": 1}

    Args:
        texts: N texts (may be empty, texts may be empty strings).
        level: ``"word"`` or ``"char"``.
        num_words: keep at most this many tokens; ``None`` keeps all.

    Returns:
        ``dict`` token -> column, the columns being the ints ``0 .. V-1`` (``V <= num_words`` when given).

    Raises:
        ValueError: if ``level`` is invalid or ``num_words`` is negative.
    """
    raise NotImplementedError("build_token_index is not implemented yet")


def one_hot_encode(
    texts: Sequence[str], token_index: dict[str, int], max_length: int, level: str = "word"
) -> np.ndarray:
    """One-hot encode a batch of texts into a 3-D tensor.

    With ``tokens_i = tokenize(texts[i], level)`` and ``V = len(token_index)``::

        X[i, t, v] = 1.0  if t < min(len(tokens_i), T) and token_index.get(tokens_i[t]) == v
        X[i, t, v] = 0.0  otherwise

    so each row ``X[i, t, :]`` is either a one-hot vector (sums to 1) or all zeros:
    post-padding (time steps after the text are zero rows), truncation keeps the *first* ``T`` tokens, and
    a token not in ``token_index`` is a zero row at its own time step (later tokens do not move up).

    Example (index of "God bless the queen."): ``one_hot_encode(["the god"], index, 3)[0]`` is
    ``[[0, 0, 1, 0], [1, 0, 0, 0], [0, 0, 0, 0]]``.

    The inputs are not changed (an unknown token is not added to ``token_index``).

    Args:
        texts: N texts.
        token_index: token -> column in ``0 .. V-1``.
        max_length: T >= 0, the number of time steps.
        level: ``"word"`` or ``"char"``.

    Returns:
        float64 array of shape ``(N, T, V)``.

    Raises:
        ValueError: if ``level`` is invalid or ``max_length`` is negative.
    """
    raise NotImplementedError("one_hot_encode is not implemented yet")


def texts_to_indices(
    texts: Sequence[str], token_index: dict[str, int], max_length: int, level: str = "word"
) -> np.ndarray:
    """Encode a batch of texts as token indices: the compact form of ``one_hot_encode``.

    With ``tokens_i = tokenize(texts[i], level)``::

        S[i, t] = token_index[tokens_i[t]]  if t < min(len(tokens_i), T) and tokens_i[t] in token_index
        S[i, t] = -1                        otherwise (padding or unknown token)

    It carries the same information as the one-hot tensor ``X`` (``X[i, t, S[i, t]] = 1`` where
    ``S[i, t] >= 0``, a zero row where ``S[i, t] == -1``) in ``N*T`` integers instead of ``N*T*V``
    floats -- the only workable form for a vocabulary of 500 000 words (an embedding layer takes it).

    Example (index of "God bless the queen."): ``texts_to_indices(["the god", "hi"], index, 3)`` is
    ``[[2, 0, -1], [-1, -1, -1]]``.

    The inputs are not changed (an unknown token is not added to ``token_index``).

    Args:
        texts: N texts.
        token_index: token -> column in ``0 .. V-1``.
        max_length: T >= 0, the number of time steps.
        level: ``"word"`` or ``"char"``.

    Returns:
        int64 array of shape ``(N, T)`` (integers, not floats: ``-1``, not ``-1.0``).

    Raises:
        ValueError: if ``level`` is invalid or ``max_length`` is negative.
    """
    raise NotImplementedError("texts_to_indices is not implemented yet")


def hashed_one_hot(texts: Sequence[str], dim: int, max_length: int) -> np.ndarray:
    """One-hot encode word tokens with the hashing trick (no token index needed).

    Word-level tokens as in ``tokenize``; each token gets the column
    ``h(token) = zlib.crc32(token.encode("utf-8")) % D``::

        X[i, t, h(tokens_i[t])] = 1.0  for t < min(len(tokens_i), T); every other entry is 0.0

    Padding and truncation as in ``one_hot_encode`` (post-padding, keep the first ``T`` tokens). There are
    no unknown tokens, but different tokens may collide in one column. Do not use Python's ``hash``: it is
    salted per process (``PYTHONHASHSEED``), so two runs would encode the same text differently.

    Example: ``zlib.crc32(b"hello") = 907060870``, so ``hashed_one_hot(["Hello!"], 1000, 2)`` has its
    single 1.0 at ``[0, 0, 870]``.

    Args:
        texts: N texts.
        dim: D >= 1, the number of hash columns.
        max_length: T >= 0, the number of time steps.

    Returns:
        float64 array of shape ``(N, T, D)``.

    Raises:
        ValueError: if ``dim < 1`` or ``max_length < 0``.
    """
    raise NotImplementedError("hashed_one_hot is not implemented yet")


def ngrams(tokens: Sequence[str], n: int) -> list[tuple[str, ...]]:
    """All n-grams: the overlapping groups of ``n`` consecutive tokens, in order.

    For ``L = len(tokens)``::

        ngrams(tokens, n) = [tuple(tokens[k : k + n]) for k = 0, 1, ..., L - n]

    that is ``max(L - n + 1, 0)`` tuples; ``n > L`` gives ``[]``.

    Example (the lecture's CNN-for-text example)::

        ngrams(["this", "takes", "too", "long"], 2)
            -> [("this", "takes"), ("takes", "too"), ("too", "long")]

    Args:
        tokens: the token sequence (list or tuple of str).
        n: the n-gram size, n >= 1.

    Returns:
        A list of tuples of length ``n``.

    Raises:
        ValueError: if ``n < 1``.
    """
    raise NotImplementedError("ngrams is not implemented yet")


# ----------------------------------------------------------------------------------------------------
# The lecture's questions, as small functions
# ----------------------------------------------------------------------------------------------------


def one_hot_shape(
    texts: Sequence[str], max_length: int, vocab_size: int | None = None, level: str = "word"
) -> tuple[int, int, int]:
    """Question 1: the shape of the one-hot training data.

    ``(N, T, V)`` = (number of texts, ``max_length``, size of the token index). ``vocab_size`` is the
    size of the token index in use; ``None`` means the index is built from ``texts`` themselves
    (``V`` = number of distinct tokens of ``texts`` at ``level``).

    Example: the lecture's three texts with ``T = 10``: ``(3, 10, 500000)`` with the lecture's
    500 000-word index, ``(3, 10, 19)`` with the index built from the three texts.

    Returns:
        ``(N, T, V)`` as a tuple of three ints.

    Raises:
        ValueError: if ``level`` is invalid.
    """
    raise NotImplementedError("one_hot_shape is not implemented yet")


def zero_rows_per_text(
    texts: Sequence[str],
    max_length: int,
    token_index: dict[str, int] | None = None,
    level: str = "word",
) -> list[int]:
    """Question 2: how many rows of zeros does each text get in the one-hot tensor?

    With ``L_i = len(tokenize(texts[i], level))``, the padding rows are ``max(T - L_i, 0)``. When a
    ``token_index`` is given, the unknown tokens among the first ``T`` tokens are zero rows too::

        zeros_i = max(T - L_i, 0) + #{t < min(L_i, T) : tokens_i[t] not in token_index}

    ``token_index=None`` means every token is known (the lecture's 500 000-word index).

    Example: the lecture's three texts with ``T = 10`` -> ``[0, 6, 3]``.

    Returns:
        A list of N ints (the number of all-zero rows of ``one_hot_encode(...)[i]``).

    Raises:
        ValueError: if ``level`` is invalid or ``max_length`` is negative.
    """
    raise NotImplementedError("zero_rows_per_text is not implemented yet")


def one_hot_row(token: str, token_index: dict[str, int]) -> np.ndarray:
    """Question 3: the one-hot row of a single token -- and what an unknown token becomes.

    ``row[v] = 1.0 if token_index.get(token) == v else 0.0`` for ``v = 0 .. V-1``: a one-hot vector for a
    known token and a row of zeros for a token that is not in the index. The token is looked up as given
    (it is already a token: no lower-casing here).

    Returns:
        float64 array of shape ``(V,)``.
    """
    raise NotImplementedError("one_hot_row is not implemented yet")


def one_hot_nbytes(num_texts: int, max_length: int, vocab_size: int, itemsize: int = 8) -> int:
    """How many bytes a one-hot tensor of shape ``(N, T, V)`` takes: ``N * T * V * itemsize``.

    ``itemsize`` is the bytes per entry (8 for float64, 4 for float32, 1 for uint8/bool). Example: the
    lecture's ``(3, 10, 500000)`` in float64 is ``120_000_000`` bytes (120 MB) -- for 30 words, where the
    compact ``texts_to_indices`` form needs ``3 * 10 * 8 = 240`` bytes.

    Returns:
        The number of bytes, an int.
    """
    raise NotImplementedError("one_hot_nbytes is not implemented yet")
