"""build_notebook: lesson.py + <id>.py -> the nbgrader source notebook."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from seqlab.course.lesson import parse_lesson
from seqlab.course.notebook import CHECKS_IMPORT, build_notebook, notebook_text, write_notebook
from seqlab.course.reference_source import extract_definitions
from seqlab.errors import CourseError

from .tiny import TINY_REFERENCE


def _nbgrader(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def test_cells_follow_the_lesson_with_nbgrader_metadata(tiny_course: Path):
    nb = build_notebook(tiny_course / "solutions" / "tiny")
    kinds = [(cell.cell_type, _nbgrader(cell).get("grade_id")) for cell in nb.cells]
    assert kinds == [
        ("markdown", "markdown_1"),
        ("code", "imports_1"),
        ("code", "SCALE__double"),
        ("code", "tests_double"),  # the check cell of a graded function is its autograder test cell
        ("code", None),
        ("markdown", "markdown_2"),
        ("code", "checksum___increment"),
        ("code", "tests_checksum"),
    ]
    markdown, imports, solution, tests, demo = nb.cells[:5]
    assert _nbgrader(markdown) == {
        "grade": False,
        "grade_id": "markdown_1",
        "locked": True,
        "schema_version": 3,
        "solution": False,
    }
    assert _nbgrader(imports) == {**_nbgrader(markdown), "grade_id": "imports_1"}
    assert _nbgrader(solution) == {
        "grade": False,
        "grade_id": "SCALE__double",
        "locked": False,
        "schema_version": 3,
        "solution": True,
    }
    assert _nbgrader(tests) == {
        "grade": True,
        "grade_id": "tests_double",
        "locked": True,
        "points": 2,  # the hidden suite's @graded points for double
        "schema_version": 3,
        "solution": False,
    }
    assert demo.metadata == {}
    assert _nbgrader(nb.cells[7])["points"] == 1.5  # checksum: 1 + 0.5
    ids = [cell.id for cell in nb.cells]
    assert ids[:5] == ["markdown_1", "imports_1", "SCALE__double", "tests_double", "demo_1"]
    assert nb.metadata.kernelspec.language == "python"
    nbformat.validate(nb)


def test_markdown_prefix_is_stripped_and_code_cells_are_verbatim(tiny_course: Path):
    nb = build_notebook(tiny_course / "solutions" / "tiny")
    assert nb.cells[0].source == "# Tiny assignment\n\nDoubling and hashing, in *two* steps."
    assert nb.cells[1].source == f"import zlib\n\nimport numpy as np\n\n{CHECKS_IMPORT}"
    assert nb.cells[4].source == "print(double(np.arange(3)))"


def test_a_check_cell_is_one_call_and_the_hidden_tests_follow_it(tiny_course: Path):
    nb = build_notebook(tiny_course / "solutions" / "tiny")
    cell = nb.cells[3]
    visible, region = cell.source.split("### BEGIN HIDDEN TESTS\n")
    assert visible.strip().splitlines()[-1] == 'check("double")'
    assert "worth 2 points" in visible
    assert region.strip().splitlines()[-2:] == ['hidden_tests("tiny", "double")', "### END HIDDEN TESTS"]


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (("# %% [check] double\n", "# %% [check] double\nassert double([1]) == [2]\n"), "leave it empty"),
        (
            ("# %% [check] checksum\n", "# %% [check] checksum\n\n# %% [check] checksum\n"),
            "a check cell already",
        ),
    ],
)
def test_a_written_or_second_check_cell_is_refused(tiny_course: Path, edit, message):
    folder = tiny_course / "solutions" / "tiny"
    lesson = (folder / "lesson.py").read_text(encoding="utf-8")
    assert edit[0] in lesson
    _write(folder, "lesson.py", lesson.replace(*edit, 1))
    with pytest.raises(CourseError, match=message):
        build_notebook(folder)


def test_solution_cells_hold_the_reference_source_verbatim(tiny_course: Path):
    nb = build_notebook(tiny_course / "solutions" / "tiny")
    double = TINY_REFERENCE[TINY_REFERENCE.index("def double") : TINY_REFERENCE.index("\n\n\ndef checksum")]
    assert nb.cells[2].source == "SCALE = 2\n\n\n" + double
    assert nb.cells[2].source.endswith("    ### END SOLUTION")
    checksum = TINY_REFERENCE[TINY_REFERENCE.index("def checksum") :].rstrip("\n")
    assert nb.cells[6].source == checksum  # both functions, joined by two blank lines as in the module
    assert "(this body is ignored" not in notebook_text(nb)


def test_the_built_notebook_runs_top_to_bottom(tiny_course: Path):
    nb = build_notebook(tiny_course / "solutions" / "tiny")
    namespace: dict = {}
    for cell in nb.cells:
        if cell.cell_type == "code":
            exec(compile(cell.source, cell.id, "exec"), namespace)
    assert namespace["double"]([3]).tolist() == [6]


def test_output_is_deterministic_and_written_only_when_changed(tiny_course: Path, tmp_path: Path):
    folder = tiny_course / "solutions" / "tiny"
    first, second = notebook_text(build_notebook(folder)), notebook_text(build_notebook(folder))
    assert first == second
    target = tmp_path / "out.ipynb"
    assert write_notebook(build_notebook(folder), target) is True
    assert target.read_text(encoding="utf-8") == first
    assert write_notebook(build_notebook(folder), target) is False


def test_decorators_and_trailing_comments_belong_to_the_definition():
    source = (
        "import functools\n\n\n@functools.cache\ndef f(n):\n    ### BEGIN SOLUTION\n    return n\n"
        "    # trailing comment\n    ### END SOLUTION\n\n# a module comment\nX: int = 3\n"
    )
    definitions = extract_definitions(source)
    assert definitions["f"] == (
        "@functools.cache\ndef f(n):\n    ### BEGIN SOLUTION\n    return n\n    # trailing comment\n"
        "    ### END SOLUTION"
    )
    assert definitions["X"] == "X: int = 3"


def _write(folder: Path, name: str, text: str) -> None:
    (folder / name).write_text(text, encoding="utf-8")


@pytest.mark.parametrize(
    ("lesson_edit", "message"),
    [
        (("# %% [solution] checksum _increment", "# %% [solution] checksum"), r"_increment is not in any"),
        (("[solution] SCALE double", "[solution] SCALE double nothing"), r"no top-level .* 'nothing'"),
        (("# %% [check] double", "# %% [check] double points=2"), r"'# %% \[check\] FUNCTION' \(a function"),
        (("# %% [imports]", "# %% [setup]"), r"lesson.py:6: unknown cell kind \[setup\]"),
        (("import zlib\n", ""), r"binds 'zlib' with `import zlib`"),
        (("# Now hashing.", "Now hashing."), r"lesson.py:\d+: a markdown line must start with '# '"),
        (
            ("# %% [solution] checksum _increment", "# %% [solution] _increment"),
            r"lesson.py:24: no \[solution\] cell shows 'checksum'",
        ),
        (("[solution] checksum _increment", "[solution] checksum _increment SCALE"), "already shown"),
    ],
    ids=[
        "helper-missing",
        "unknown-name",
        "check-with-points",
        "unknown-kind",
        "import-missing",
        "markdown-without-prefix",
        "checked-function-not-shown",
        "shown-twice",
    ],
)
def test_inconsistent_sources_raise_a_course_error(tiny_course: Path, lesson_edit, message):
    folder = tiny_course / "solutions" / "tiny"
    lesson = (folder / "lesson.py").read_text(encoding="utf-8")
    old, new = lesson_edit
    assert old in lesson
    _write(folder, "lesson.py", lesson.replace(old, new, 1))
    with pytest.raises(CourseError, match=message):
        build_notebook(folder)


def test_a_solution_cell_without_a_region_is_refused(tiny_course: Path):
    folder = tiny_course / "solutions" / "tiny"
    reference = (folder / "tiny.py").read_text(encoding="utf-8")
    _write(folder, "tiny.py", reference + "\n\ndef given():\n    return 1\n")
    lesson = (folder / "lesson.py").read_text(encoding="utf-8")
    _write(folder, "lesson.py", lesson + "\n# %% [solution] given\n")
    with pytest.raises(CourseError, match="has no ### BEGIN SOLUTION region"):
        build_notebook(folder)


def test_content_before_the_first_marker_and_missing_files_are_refused(tiny_course: Path):
    with pytest.raises(CourseError, match=r"lesson.py:1: content before the first"):
        parse_lesson("import numpy\n# %%\n")
    folder = tiny_course / "solutions" / "tiny"
    (folder / "lesson.py").unlink()
    with pytest.raises(CourseError, match="lesson.py is missing"):
        build_notebook(folder)


def test_each_graded_function_gets_one_hidden_test_cell_worth_its_suite_points(tiny_course: Path):
    nb = build_notebook(tiny_course / "solutions" / "tiny")
    tests = {_nbgrader(c)["grade_id"]: c for c in nb.cells if _nbgrader(c).get("grade")}
    assert sorted(tests) == ["tests_checksum", "tests_double"]  # _increment is not graded: no cell
    region = tests["tests_double"].source.split("### BEGIN HIDDEN TESTS\n")[1]
    region = region.split("### END HIDDEN TESTS")[0]
    assert region.strip().splitlines()[-1] == 'hidden_tests("tiny", "double")'
    assert sum(_nbgrader(c)["points"] for c in tests.values()) == 3.5  # the hidden suite's total
    # Explicit points replace the suite's.
    explicit = build_notebook(tiny_course / "solutions" / "tiny", points={"double": 4})
    assert [_nbgrader(c).get("points") for c in explicit.cells if _nbgrader(c).get("grade")] == [4]


def test_a_graded_function_the_notebook_does_not_show_is_refused(tiny_course: Path):
    suite = tiny_course / "grader" / "tiny" / "test_tiny.py"
    suite.write_text(
        suite.read_text(encoding="utf-8")
        + '\n\n@graded("triple", points=1)\ndef test_triple(submission):\n    assert submission.triple(1)\n',
        encoding="utf-8",
    )
    with pytest.raises(CourseError, match="the hidden suite grades triple, which no"):
        build_notebook(tiny_course / "solutions" / "tiny")


def test_a_missing_or_broken_hidden_suite_is_a_course_error(tiny_course: Path):
    suite = tiny_course / "grader" / "tiny" / "test_tiny.py"
    suite.write_text("def test_unmarked(submission):\n    pass\n", encoding="utf-8")
    with pytest.raises(CourseError, match="has no @graded marker"):
        build_notebook(tiny_course / "solutions" / "tiny")
    suite.unlink()
    (tiny_course / "grader" / "tiny").rmdir()
    with pytest.raises(CourseError, match="hidden suite folder .* does not exist"):
        build_notebook(tiny_course / "solutions" / "tiny")


def test_a_hidden_tests_region_in_a_lesson_cell_is_refused(tiny_course: Path):
    folder = tiny_course / "solutions" / "tiny"
    lesson = (folder / "lesson.py").read_text(encoding="utf-8")
    demo = "print(double(np.arange(3)))\n"
    hidden = "### BEGIN HIDDEN TESTS\nassert checksum('b')\n### END HIDDEN TESTS\n"
    _write(folder, "lesson.py", lesson.replace(demo, demo + hidden, 1))
    with pytest.raises(CourseError, match="hidden-tests region outside an autograder test cell"):
        build_notebook(folder)
