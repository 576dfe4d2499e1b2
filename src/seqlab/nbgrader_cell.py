"""Stable path of every released autograder test cell and of the nbgrader gradebooks that store them:
``from seqlab.nbgrader_cell import hidden_tests``. The code lives in :mod:`seqlab.integrations.nbgrader`."""

from seqlab.integrations.nbgrader import hidden_tests

__all__ = ["hidden_tests"]
