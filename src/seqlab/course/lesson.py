"""An assignment's lesson source, ``lesson.py``: percent-format cells (see :mod:`seqlab.course.notebook`
for the markers), parsed into :class:`LessonCell` s, and checked against the reference module: every
top-level definition is shown by one solution cell, and every import it needs is in an [imports] cell."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from seqlab.course.reference_source import (
    bound_names,
    import_names,
    is_type_checking_block,
    parse_source,
    trim_blank_lines,
)
from seqlab.errors import CourseError

__all__ = ["CELL_KINDS", "LessonCell", "check_coverage", "check_imports", "parse_lesson"]

CELL_KINDS = ("markdown", "imports", "solution", "check", "demo")

_MARKER = re.compile(r"^# %%(?P<rest>.*)$")
_KIND = re.compile(r"^\s+\[(?P<kind>[a-z]+)\](?P<args>.*)$")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class LessonCell:
    """One cell of a lesson source, as written in ``lesson.py``.

    ``names`` lists the definitions a solution cell shows or the function a check cell checks; ``line`` is
    the 1-based line of the cell's marker (for error messages).
    """

    kind: str
    source: str
    line: int
    names: tuple[str, ...] = ()


def _parse_marker(rest: str, where: str) -> tuple[str, tuple[str, ...]]:
    if not rest.strip():
        return "demo", ()
    match = _KIND.match(rest)
    if match is None:
        raise CourseError(f"{where}: expected '# %%' or '# %% [kind] ...', got '# %%{rest}'")
    kind, args = match["kind"], match["args"].split()
    if kind not in CELL_KINDS or kind == "demo":
        raise CourseError(f"{where}: unknown cell kind [{kind}]; use markdown, imports, solution or check")
    if kind in ("markdown", "imports"):
        if args:
            raise CourseError(f"{where}: a [{kind}] marker takes no arguments, got {' '.join(args)!r}")
        return kind, ()
    if kind == "solution":
        if not args:
            raise CourseError(f"{where}: [solution] needs the name(s) of the definitions it shows")
        for name in args:
            if not _NAME.match(name):
                raise CourseError(f"{where}: {name!r} is not a Python name")
        if len(set(args)) != len(args):
            raise CourseError(f"{where}: a name is repeated in {' '.join(args)!r}")
        return kind, tuple(args)
    # check
    if len(args) != 1 or not _NAME.match(args[0]):
        raise CourseError(
            f"{where}: write a check marker as '# %% [check] FUNCTION' (a function's points come from the "
            "@graded markers of its hidden tests)"
        )
    return kind, (args[0],)


def parse_lesson(text: str, filename: str = "lesson.py") -> list[LessonCell]:
    """Split a percent-format lesson into cells.

    Markdown lines lose their ``"# "`` prefix (a bare ``"#"`` is an empty line); leading and trailing blank
    lines of every cell are dropped; a solution cell's body is ignored. Raises :class:`CourseError` naming
    the file and line for content before the first marker, an unknown marker or a markdown line without
    the comment prefix.
    """
    cells: list[LessonCell] = []
    current: tuple[str, tuple[str, ...], int] | None = None
    body: list[str] = []

    def flush() -> None:
        if current is None:
            return
        kind, names, line = current
        lines = trim_blank_lines(body)
        if kind == "markdown":
            stripped = []
            for offset, text_line in enumerate(lines):
                if text_line.startswith("# "):
                    stripped.append(text_line[2:])
                elif text_line.rstrip() in ("#", ""):
                    stripped.append("")
                else:
                    where = f"{filename}:{line + 1 + offset + _leading_blank(body)}"
                    raise CourseError(
                        f"{where}: a markdown line must start with '# ' (or be '#'): {text_line!r}"
                    )
            lines = stripped
        source = "" if kind == "solution" else "\n".join(lines)
        cells.append(LessonCell(kind=kind, source=source, line=line, names=names))

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        match = _MARKER.match(line)
        if match is not None:
            flush()
            kind, names = _parse_marker(match["rest"], f"{filename}:{number}")
            current, body = (kind, names, number), []
        elif current is None:
            if line.strip():
                raise CourseError(f"{filename}:{number}: content before the first '# %%' cell marker")
        else:
            body.append(line)
    flush()
    if not cells:
        raise CourseError(f"{filename}: no cells (no '# %%' markers)")
    return cells


def _leading_blank(lines: list[str]) -> int:
    count = 0
    for line in lines:
        if line.strip():
            break
        count += 1
    return count


def check_coverage(
    cells: list[LessonCell], tree: ast.Module, definitions: dict[str, str], lesson: str, reference: str
) -> None:
    shown: dict[str, int] = {}
    for cell in cells:
        if cell.kind != "solution":
            continue
        for name in cell.names:
            if name not in definitions:
                raise CourseError(
                    f"{lesson}:{cell.line}: {reference} has no top-level definition named {name!r}"
                )
            if name in shown:
                raise CourseError(f"{lesson}:{cell.line}: {name!r} is already shown at line {shown[name]}")
            shown[name] = cell.line
    for cell in cells:
        if cell.kind == "check" and cell.names[0] not in shown:
            raise CourseError(
                f"{lesson}:{cell.line}: no [solution] cell shows {cell.names[0]!r}, which this check checks"
            )
    for node in tree.body:
        if isinstance(node, ast.Import | ast.ImportFrom) or is_type_checking_block(node):
            continue
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue  # docstring
        names = bound_names(node)
        if names and all(name.startswith("__") and name.endswith("__") for name in names):
            continue  # __all__ and friends
        missing = [name for name in names if name not in shown]
        if not names or missing:
            what = f"{', '.join(missing)!s}" if missing else ast.unparse(node).splitlines()[0]
            raise CourseError(
                f"{reference}:{node.lineno}: {what} is not in any [solution] cell of {lesson}; the notebook "
                "would lack it (list it in a solution cell, or move it inside a function)"
            )


def check_imports(cells: list[LessonCell], tree: ast.Module, lesson: str, reference: str) -> None:
    provided: set[str] = set()
    for cell in cells:
        if cell.kind == "imports":
            provided.update(import_names(parse_source(cell.source, f"{lesson}:{cell.line}")))
    # Names imported under `if TYPE_CHECKING:` are needed too: notebooks have no `from __future__ import
    # annotations`, so the annotations that name them are evaluated when the cell defines the function.
    checked = [node for node in tree.body if is_type_checking_block(node)]
    needed = import_names(ast.Module(body=[stmt for node in checked for stmt in node.body], type_ignores=[]))
    needed.update(import_names(tree))
    for name, statement in needed.items():
        if name not in provided:
            raise CourseError(
                f"{reference} binds {name!r} with `{statement}`, but no [imports] cell of {lesson} does; "
                "the notebook would fail with a NameError"
            )
