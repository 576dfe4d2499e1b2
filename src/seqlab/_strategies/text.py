"""Strategies for texts, token lists and token indexes (the ``encoding`` assignment).

Texts are built from a deliberately small alphabet so that words repeat across texts (shared index
entries, unknown words, truncation and padding all happen often) and every size is bounded so one example
stays far below a millisecond of work. Generated words contain apostrophes only *between* letters, so
every reasonable reading of "a word" agrees on them; the tokenizer's edge cases are tested on purpose in the
suites, not by accident here.
"""

from __future__ import annotations

from hypothesis import strategies as st

__all__ = [
    "SEPARATORS",
    "WORD_LETTERS",
    "levels",
    "text_lists",
    "texts",
    "texts_and_index",
    "token_indexes",
    "token_lists",
    "words",
]

#: Letters of generated words: few, so words collide; upper case so lower-casing matters; one non-ASCII.
WORD_LETTERS = "abcdeABé"

#: What generated texts put between words: whitespace and punctuation (never part of a word token).
SEPARATORS = (" ", " ", " ", "  ", ", ", ". ", "! ", "? ", "; ", " - ", "\n", "\t", "-", "...")


@st.composite
def _apostrophe_words(draw: st.DrawFn, letters: str, max_size: int) -> str:
    left = draw(st.text(alphabet=letters, min_size=1, max_size=max(1, max_size // 2)))
    right = draw(st.text(alphabet=letters, min_size=1, max_size=max(1, max_size // 2)))
    return f"{left}'{right}"


def words(
    *, letters: str = WORD_LETTERS, min_size: int = 1, max_size: int = 3, digits: bool = True
) -> st.SearchStrategy[str]:
    """One word: letters (and sometimes digits) of ``letters``, or two such runs joined by an apostrophe."""
    alphabet = letters + ("07" if digits else "")
    plain = st.text(alphabet=alphabet, min_size=min_size, max_size=max_size)
    return st.one_of(plain, plain, plain, _apostrophe_words(alphabet, max_size))


@st.composite
def texts(
    draw: st.DrawFn,
    *,
    min_words: int = 0,
    max_words: int = 8,
    vocabulary: st.SearchStrategy[str] | None = None,
    separators: tuple[str, ...] = SEPARATORS,
) -> str:
    """A text of ``min_words .. max_words`` words (drawn from ``vocabulary``, default :func:`words`) joined by
    whitespace/punctuation, maybe with a leading and trailing separator (so ``"... Ab, c!"`` and ``""``
    happen). Its word tokens are exactly the lower-cased words, in order."""
    ws = draw(st.lists(words() if vocabulary is None else vocabulary, min_size=min_words, max_size=max_words))
    seps = st.sampled_from(separators)
    parts: list[str] = []
    if draw(st.booleans()):
        parts.append(draw(seps))
    for k, word in enumerate(ws):
        if k:
            parts.append(draw(seps))
        parts.append(word)
    if draw(st.booleans()):
        parts.append(draw(st.sampled_from((".", "!", "?", " ", ".\n"))))
    return "".join(parts)


def text_lists(
    *, min_size: int = 0, max_size: int = 4, min_words: int = 0, max_words: int = 8
) -> st.SearchStrategy[list[str]]:
    """A batch of texts (``min_size .. max_size`` of them); empty texts and the empty batch included."""
    return st.lists(texts(min_words=min_words, max_words=max_words), min_size=min_size, max_size=max_size)


def token_lists(*, min_size: int = 0, max_size: int = 8) -> st.SearchStrategy[list[str]]:
    """A list of (lower-case) word tokens, repeats likely, for n-gram tests."""
    return st.lists(words(letters="abc", max_size=2, digits=False), min_size=min_size, max_size=max_size)


@st.composite
def token_indexes(
    draw: st.DrawFn,
    *,
    level: str = "word",
    min_size: int = 0,
    max_size: int = 12,
    permuted: bool = True,
) -> dict[str, int]:
    """A token index ``{token: column}`` with columns ``0 .. V-1`` each used once.

    Word level: lower-case words from the same small alphabet as :func:`texts` (so texts share tokens with
    it and also contain unknown ones). Character level: single characters of texts (letters of both cases,
    separators' characters). ``permuted=True`` assigns the columns in a random order (the index need not be
    in order of first appearance), ``False`` in insertion order.
    """
    if level == "word":
        token = words(letters=WORD_LETTERS.lower()).map(str.lower)
    elif level == "char":
        token = st.sampled_from(sorted(set(WORD_LETTERS + "07'" + "".join(SEPARATORS))))
    else:
        raise ValueError(f"level must be 'word' or 'char', got {level!r}")
    tokens = draw(st.lists(token, min_size=min_size, max_size=max_size, unique=True))
    columns = list(range(len(tokens)))
    if permuted:
        columns = draw(st.permutations(columns))
    return dict(zip(tokens, columns, strict=True))


@st.composite
def texts_and_index(
    draw: st.DrawFn,
    *,
    level: str = "word",
    min_texts: int = 0,
    max_texts: int = 4,
    max_words: int = 8,
    permuted: bool = True,
) -> tuple[list[str], dict[str, int]]:
    """A batch of texts and a token index that knows *some* of their tokens (plus tokens they lack).

    The texts draw their words from a small vocabulary, so tokens repeat; the index holds a random subset
    of the texts' tokens (lower-cased words at word level, characters at char level) and a few tokens the
    texts never use, with columns ``0 .. V-1`` in a random order when ``permuted``.
    """
    if level not in ("word", "char"):
        raise ValueError(f"level must be 'word' or 'char', got {level!r}")
    vocabulary = draw(st.lists(words(), min_size=1, max_size=8, unique_by=str.lower))
    batch = draw(
        st.lists(
            texts(max_words=max_words, vocabulary=st.sampled_from(vocabulary)),
            min_size=min_texts,
            max_size=max_texts,
        )
    )
    if level == "word":
        candidates = sorted({w.lower() for w in vocabulary})
        extra = st.sampled_from(["zz", "qq'x", "hello", "9"])
    else:
        candidates = sorted(set("".join(batch)))
        extra = st.sampled_from(["z", "Q", "#", "\u00fc"])
    known = draw(st.lists(st.sampled_from(candidates), unique=True)) if candidates else []
    unknown = draw(st.lists(extra, max_size=2, unique=True))
    tokens = known + [t for t in unknown if t not in known]
    columns = list(range(len(tokens)))
    if permuted:
        columns = draw(st.permutations(columns))
    return batch, dict(zip(tokens, columns, strict=True))


def levels() -> st.SearchStrategy[str]:
    """``"word"`` or ``"char"``."""
    return st.sampled_from(["word", "char"])
