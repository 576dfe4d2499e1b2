"""What a lesson or a notebook needs to know of a reference module's source: the exact text of each
top-level definition (:func:`extract_definitions`), the names each statement binds, and its imports."""

from __future__ import annotations

import ast

from seqlab.errors import CourseError

__all__ = ["bound_names", "extract_definitions", "import_names", "is_type_checking_block", "parse_source"]


def trim_blank_lines(lines: list[str]) -> list[str]:
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return lines[start:end]


def bound_names(node: ast.stmt) -> list[str]:
    """Names a top-level statement defines that a lesson may show by name."""
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return [node.name]
    if isinstance(node, ast.Assign):
        return [target.id for target in node.targets if isinstance(target, ast.Name)]
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return [node.target.id]
    return []


def import_names(tree: ast.Module) -> dict[str, str]:
    """Map each name bound by a top-level import (except ``__future__``) to the statement's text."""
    names: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.Import):
            for alias in node.names:
                names[alias.asname or alias.name.split(".")[0]] = ast.unparse(node)
        elif isinstance(node, ast.ImportFrom) and node.module != "__future__":
            for alias in node.names:
                names[alias.asname or alias.name] = ast.unparse(node)
    return names


def parse_source(source: str, filename: str) -> ast.Module:
    try:
        return ast.parse(source, filename=filename)
    except SyntaxError as error:
        raise CourseError(f"{filename}:{error.lineno}: syntax error: {error.msg}") from error


def extract_definitions(source: str, filename: str = "<reference>") -> dict[str, str]:
    """Return the exact source text of every top-level definition of a module, by name.

    A definition runs from its first decorator to its last line, extended over the indented comment lines
    that follow it (so a closing ``### END SOLUTION`` is kept), without trailing blank lines. Functions,
    classes and simple assignments (``NAME = ...``) are definitions. Text is copied verbatim, comments and
    markers included.
    """
    tree = parse_source(source, filename)
    lines = source.splitlines()
    definitions: dict[str, str] = {}
    for node in tree.body:
        names = bound_names(node)
        if not names:
            continue
        decorators = getattr(node, "decorator_list", [])
        start = min([node.lineno, *(d.lineno for d in decorators)])
        end = node.end_lineno or node.lineno
        # Keep indented comments (and blank lines between them) after the last statement: END SOLUTION.
        probe = end
        while probe < len(lines):
            text = lines[probe]
            if not text.strip():
                probe += 1
                continue
            if text[: len(text) - len(text.lstrip())] and text.lstrip().startswith("#"):
                probe += 1
                end = probe
                continue
            break
        segment = "\n".join(trim_blank_lines(lines[start - 1 : end]))
        for name in names:
            definitions[name] = segment
    return definitions


def is_type_checking_block(node: ast.stmt) -> bool:
    """``if TYPE_CHECKING:`` (or ``typing.TYPE_CHECKING``) holding only imports, without ``else``: it never
    runs, so the notebook does not need it (its [imports] cell imports what the annotations name)."""
    if not isinstance(node, ast.If) or node.orelse:
        return False
    test = node.test
    named = (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )
    return named and all(isinstance(stmt, ast.Import | ast.ImportFrom) for stmt in node.body)
