# %% [markdown]
# # Encoding text for sequence models
#
# A recurrent network reads numbers, not words. Before any RNN, LSTM or GRU can learn from a sentence we
# must turn it into a tensor. The lecture lists the steps:
#
# 1. **Tokenization**: segment the text into *tokens* -- words, or characters.
# 2. **Indexing**: give every token of the vocabulary a number (a *token index*).
# 3. **Encoding**: turn each token into a vector -- here a *one-hot* vector, a row of zeros with a single 1
#    in the token's column.
#
# You will write each step as a small function, answer the lecture's three questions about the training
# texts with code, see why one-hot encoding breaks down for a 500 000-word vocabulary and what to do
# instead (a compact index form, and the *hashing trick*), and finally extract *n-grams*, the overlapping
# groups of consecutive tokens that CNNs for text look at.
#
# The lecture's training texts are:
#
# > I am from Germany and I eat lots of Bratwurst.
# >
# > God bless the queen.
# >
# > Life is like a box of chocolate.
#
# with a sequence length of $T = 10$.
#
# Every function has a docstring that states exactly what it must return, so read the docstrings
# carefully.
#
# ## How to check and submit your work
#
# * Each function has a **check cell** below it, for example `check("tokenize")`. Run it after you write
#   the function. It runs the function's public tests (mostly the lecture's examples) on the code you last
#   ran in this notebook, in a separate process, and shows ✅ when they pass -- or, for each failed check,
#   the call, what your function returned and what was expected, and a 💡 hint when your output matches a
#   well-known mistake (listed in `MISTAKES.md`, next to this notebook). A failed check does not stop
#   "Run All".
# * The same checks from a terminal, in the assignment folder: `seqlab check` (or `pytest`).
# * Before you submit, save the notebook (Ctrl+S); the **Validate** button (or
#   `nbgrader validate encoding.ipynb`) lists every function whose checks still fail.
# * Passing the checks does not guarantee full marks: the hidden tests try many more cases (empty texts,
#   `T = 0`, unknown tokens, character level, ...).
# * To submit, save, then submit `encoding.ipynb` the way your course says (nbgrader's Assignments tab,
#   "Submit"; or upload it to Gradescope). Only the functions in the exercise cells are graded; demo and
#   plot cells never run during grading.
#
# When a hidden test fails and your output is exactly what a well-known mistake produces, the feedback
# names the mistake in a line starting with `Hint:`; `MISTAKES.md`, next to this notebook, lists those
# mistakes, what is right instead and where this notebook explains it.

# %% [imports]
import re
import zlib
from collections.abc import Sequence

import numpy as np

# %%
# The lecture's training texts, used by the demo cells below.
TEXTS = [
    "I am from Germany and I eat lots of Bratwurst.",
    "God bless the queen.",
    "Life is like a box of chocolate.",
]

# %% [markdown]
# ## 1. Tokenization
#
# We fix one precise rule so that everybody's tokens are the same:
#
# * **word level**: lower-case the text with `str.lower()`, then take the matches of the regular expression
#   `\w+(?:'\w+)*` -- runs of letters, digits and underscores, where an apostrophe is kept only *between*
#   word characters (`"Don't"` -> `"don't"`, but `"'tis'"` -> `"tis"`). Punctuation and whitespace only
#   separate tokens. With this rule the three training texts have **10, 4 and 7** tokens
#   ("I" appears twice in the first one).
# * **character level**: every character is a token, exactly as written: upper case, spaces and
#   punctuation included.
#
# `re.findall(pattern, string)` returns all non-overlapping matches of `pattern`, left to right.

# %% [solution] tokenize

# %% [check] tokenize

# %% [markdown]
# ## 2. The token index
#
# The token index maps each distinct token to a column. We number the tokens **from 0, in order of first
# appearance**, so the columns are exactly $0, 1, \dots, V-1$ and a one-hot vector has $V$ = `len(index)`
# entries. (Keras' `Tokenizer` numbers from 1 and keeps the *most frequent* `num_words`; we keep the
# *first* `num_words` tokens, which is simpler to reason about.)
#
# The three texts have 21 word tokens but only **19 distinct** ones: "i" and "of" repeat.

# %% [solution] build_token_index

# %% [check] build_token_index

# %% [markdown]
# ## 3. One-hot encoding
#
# For a batch of $N$ texts, a sequence length $T$ and an index of size $V$, the one-hot tensor $X$ has shape
# $(N, T, V)$ and
#
# $$X_{i,t,v} = \begin{cases} 1 & \text{if token } t \text{ of text } i \text{ exists and has column } v\\
# 0 & \text{otherwise.}\end{cases}$$
#
# Three conventions matter:
#
# * **post-padding**: a text shorter than $T$ is followed by rows of zeros;
# * **truncation keeps the first $T$ tokens** of a longer text;
# * a token that is **not in the index** keeps its time step but gets a row of zeros (the next words do
#   not move up to fill the gap).

# %% [solution] one_hot_encode

# %% [check] one_hot_encode

# %% [markdown]
# ## 4. The lecture's questions
#
# The lecture asks three questions about the training texts, with a token index of **500 000 words** and
# $T = 10$. Answer each with a small function.
#
# **Question 1: what is the dimension of the training data using one-hot encoding?**
# The notes answer (3, 10, 500 000): samples $\times$ sequence length $\times$ index size.
#
# > **Erratum.** That answer is right only for an index of 500 000 words. If we build the index from the
# > three texts themselves, as we did above, $V = 19$ and the tensor is **(3, 10, 19)**. The last dimension
# > is always the size of the index in use -- not a property of the texts.

# %% [solution] one_hot_shape

# %% [check] one_hot_shape

# %% [markdown]
# **Question 2: how many rows of zeros does each text get?**
# The notes answer 0 for the first text, 6 for the second and 3 for the last: the padding rows,
# $\max(T - L_i, 0)$ for a text of $L_i$ tokens. That assumes every word is in the index -- which leads to
# the third question: an unknown word is a zero row as well, so with an index the count is
# padding rows + unknown tokens among the first $T$.

# %% [solution] zero_rows_per_text

# %% [check] zero_rows_per_text

# %% [markdown]
# **Question 3: what happens if a word is not contained in the token index?**
# The whole row contains zeros: the word has no column, so there is nowhere to put the 1. The network
# sees "a word was here" only through the position, not which word. (A common bug is
# `X[i, t, index.get(word)] = 1`: for an unknown word `get` returns `None`, and numpy reads `None` as
# "a new axis", so the *whole row* becomes ones -- check that your code does not do this.)

# %% [solution] one_hot_row

# %% [check] one_hot_row

# %% [markdown]
# ## 5. Huge vocabularies: the compact form
#
# With the lecture's 500 000-word index the one-hot tensor of our **30 words** would be
# $3 \times 10 \times 500\,000$ float64 numbers. How big is that?

# %% [solution] one_hot_nbytes

# %% [check] one_hot_nbytes

# %% [markdown]
# Every row holds a single 1, so all the information is *which column*. Storing that column -- with
# $-1$ for padding and unknown tokens -- gives an $(N, T)$ integer array with the same information:
# 240 bytes instead of 120 MB. This is what embedding layers (`torch.nn.Embedding`,
# `keras.layers.Embedding`) take as input.

# %% [solution] texts_to_indices

# %% [check] texts_to_indices

# %%
# The two encodings agree: the column of the 1 in each non-zero row is the index.
if ready("build_token_index", "one_hot_encode", "texts_to_indices"):
    index = build_token_index(TEXTS)
    X = one_hot_encode(TEXTS, index, 10)
    S = texts_to_indices(TEXTS, index, 10)
    rows_are_zero = X.sum(axis=-1) == 0
    assert (np.where(rows_are_zero, -1, X.argmax(axis=-1)) == S).all()

# %% [markdown]
# ## 6. The hashing trick
#
# Even the index itself can be too big to build or ship. The *hashing trick* skips it: a token's column
# is a hash of the token modulo a chosen dimension $D$,
#
# $$h(\text{token}) = \operatorname{crc32}(\text{token as UTF-8}) \bmod D .$$
#
# Different tokens may collide in one column (more likely when $D$ is small compared with the vocabulary),
# but there are no unknown tokens any more.
#
# Why not Python's built-in `hash`? Because for strings it is **salted per process**: every Python
# process picks a random seed (see `PYTHONHASHSEED`) so that attackers cannot predict hash collisions.
# A model trained in one process would then see different columns for the same word in the next one. A
# checksum like `zlib.crc32` is the same everywhere, forever. Run the next cell to see the salt.

# %%
import os
import subprocess
import sys

for seed in ("1", "2"):
    result = subprocess.run(
        [sys.executable, "-c", "print(hash('queen') % 1000, __import__('zlib').crc32(b'queen') % 1000)"],
        env={**os.environ, "PYTHONHASHSEED": seed},
        capture_output=True,
        text=True,
        check=True,
    )
    print(f"PYTHONHASHSEED={seed}: hash % 1000, crc32 % 1000 = {result.stdout.strip()}")

# %% [solution] hashed_one_hot

# %% [check] hashed_one_hot

# %% [markdown]
# ## 7. N-grams
#
# Besides single words and characters, the lecture extracts *overlapping groups of consecutive tokens*:
# n-grams. A CNN for text computes a vector for each of them; for "this takes too long" the bigrams are
# (this, takes), (takes, too), (too, long), and the trigrams (this, takes, too), (takes, too, long). A
# sequence of $L$ tokens has $\max(L - n + 1, 0)$ n-grams.

# %% [solution] ngrams

# %% [check] ngrams

# %% [markdown]
# ## Summary
#
# * Tokens are words or characters; a token index numbers them $0 \dots V-1$ in order of first appearance.
# * One-hot data has shape (samples, sequence length, index size); shorter texts get zero rows at the end,
#   longer ones are cut after $T$ tokens, and unknown words are zero rows.
# * For big vocabularies keep the indices, $(N, T)$ integers, and let an embedding layer do the rest; or
#   hash tokens with a *stable* hash when even the index is too big.
