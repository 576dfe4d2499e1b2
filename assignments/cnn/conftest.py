"""Gives the public tests the `submission` fixture: your functions, from notebook or module."""

from seqlab.student import submission  # noqa: F401
