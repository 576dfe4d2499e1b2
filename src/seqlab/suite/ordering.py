"""Which student function a collected test grades, and the order the tests run in: each function's tests
together (they share one process) and after the tests of its prerequisites."""

from __future__ import annotations

import ast
import inspect
import textwrap

import pytest

from seqlab.testing import MARKER

__all__ = ["each_function_together", "first_function_named", "function_of", "prerequisites_first"]


def prerequisites_first(
    items: list[pytest.Item], prerequisites: dict[str, tuple[str, ...]]
) -> list[pytest.Item]:
    """The tests in an order where every function's tests come after all of its prerequisites' tests
    (otherwise in collection order): once the grader answers a prerequisite for a dependant, the
    prerequisite's own tests are over, so answers the student's code kept cannot be replayed in them."""

    def depth(function: str, seen: frozenset[str] = frozenset()) -> int:
        below = [p for p in prerequisites.get(function, ()) if p not in seen]
        return 1 + max((depth(p, seen | {function}) for p in below), default=-1)

    return sorted(items, key=lambda item: depth(function_of(item)))  # sorted() is stable


def each_function_together(items: list[pytest.Item]) -> list[pytest.Item]:
    """The tests with each function's tests next to each other, functions in the order they first appear
    (so an order where prerequisites come first stays so): a function's tests share one process, so a
    function whose tests were spread out would load the submission once per run of them."""
    first: dict[str, int] = {}
    for index, item in enumerate(items):
        first.setdefault(function_of(item), index)
    return sorted(items, key=lambda item: first[function_of(item)])  # sorted() is stable


def function_of(item: pytest.Item) -> str:
    """The student function an item grades (its ``@graded`` marker), or ""."""
    marker = item.get_closest_marker(MARKER)
    return str(marker.kwargs.get("function", "")) if marker is not None else ""


def first_function_named(item: pytest.Item) -> str:
    """The first ``submission.<name>`` the test's own code names, in reading order, or "" (an unmarked
    public test counts for the first student function it calls, which is this one when it calls it
    directly)."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(item.obj)))  # type: ignore[attr-defined]
    except (AttributeError, OSError, TypeError, SyntaxError):
        return ""
    named = [
        (node.lineno, node.col_offset, node.attr)
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "submission"
    ]
    return min(named)[2] if named else ""
