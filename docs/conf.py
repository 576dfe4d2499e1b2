"""Sphinx configuration of seqlab's docs: reStructuredText pages, autodoc of the suite authors' public face,
and local directives (``docs/_ext/seqlab_docs.py``) that generate the options table, the CLI reference and
the re-exported constants from the code. Built by ``tests/docs/test_docs.py`` with ``-W --keep-going -n``."""

from __future__ import annotations

import sys
from pathlib import Path

import seqlab

sys.path.insert(0, str(Path(__file__).parent / "_ext"))  # the local extension, seqlab_docs

project = "seqlab"
author = "the seqlab maintainers"
copyright = "the seqlab maintainers"
version = release = seqlab.__version__

extensions = ["sphinx.ext.autodoc", "sphinx.ext.napoleon", "seqlab_docs"]
exclude_patterns = ["_build"]
templates_path: list[str] = []
html_theme = "alabaster"
html_static_path: list[str] = []

# The public face documents what its modules' __all__ lists, in that order.
autodoc_member_order = "bysource"
autodoc_default_options = {"members": True, "show-inheritance": True}
autodoc_typehints = "signature"

napoleon_google_docstring = True
napoleon_numpy_docstring = False
napoleon_use_ivar = True

# Nitpicky (-n): every cross-reference must resolve. There is no network, so no intersphinx: references to
# third-party and standard-library names (in signatures and docstrings) are the only ones let through.
_THIRD_PARTY = (
    r"(numpy|np|torch|pytest|_pytest|hypothesis|st|hnp|pathlib|typing|collections|datetime|os)(\..+)?"
)
_BUILTINS = r"(int|float|str|bool|bytes|tuple|list|dict|set|frozenset|object|type|None|callable)"
nitpick_ignore_regex = [
    (r"py:.*", _THIRD_PARTY),
    (r"py:.*", _BUILTINS),
]
