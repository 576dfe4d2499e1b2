"""seqlab.grading.loader: finding the student's file and turning notebooks into the code that is graded."""

from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_raw_cell

from seqlab.errors import SubmissionNotFound
from seqlab.grading.loader import load_submission, notebook_chunks
from seqlab.isolate.limits import Limits
from seqlab.isolate.worker import Worker

NBGRADER_SOLUTION = {
    "grade": False,
    "grade_id": "answer",
    "locked": False,
    "schema_version": 3,
    "solution": True,
}
NBGRADER_TEST = {
    "grade": True,
    "grade_id": "check",
    "locked": True,
    "points": 2,
    "schema_version": 3,
    "solution": False,
}
NBGRADER_READONLY = {
    "grade": False,
    "grade_id": "given",
    "locked": True,
    "schema_version": 3,
    "solution": False,
}


def solution(source: str):
    return new_code_cell(textwrap.dedent(source), metadata={"nbgrader": dict(NBGRADER_SOLUTION)})


def test_cell(source: str):
    return new_code_cell(textwrap.dedent(source), metadata={"nbgrader": dict(NBGRADER_TEST)})


test_cell.__test__ = False  # a cell factory, not a test


def demo(source: str, **nbgrader):
    metadata = {"nbgrader": {**NBGRADER_READONLY, **nbgrader}} if nbgrader else {}
    return new_code_cell(textwrap.dedent(source), metadata=metadata)


def write_notebook(folder: Path, cells: list, name: str = "toy.ipynb") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(nbformat.writes(new_notebook(cells=cells)), encoding="utf-8")
    return path


def chunks_of(*cells) -> tuple[list[tuple[str, str]], list[str]]:
    return notebook_chunks(nbformat.writes(new_notebook(cells=list(cells))), "toy.ipynb")


def run_chunks(chunks: list[tuple[str, str]]) -> dict:
    """Execute extracted chunks (our own test code, trusted) the way the worker does."""
    namespace: dict = {}
    for label, source in chunks:
        exec(compile(source, label, "exec"), namespace)  # noqa: S102
    return namespace


# -- finding the file --------------------------------------------------------------------------------------


def test_folder_with_a_module(tmp_path):
    (tmp_path / "toy.py").write_text("def f():\n    return 1\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("ignored")
    source = load_submission(tmp_path, "toy")
    assert source.kind == "module" and source.path == tmp_path / "toy.py"
    assert source.chunks == (("toy.py", "def f():\n    return 1\n"),)
    assert source.module_name == "toy" and source.notes == ()


def test_folder_with_a_notebook(tmp_path):
    write_notebook(tmp_path, [solution("def f():\n    return 1\n")])
    source = load_submission(tmp_path, "toy")
    assert source.kind == "notebook" and source.path == tmp_path / "toy.ipynb"
    assert source.chunks == (("toy.ipynb, cell 1", "def f():\n    return 1\n"),)


def test_folder_with_both_grades_the_module_and_says_so(tmp_path):
    write_notebook(tmp_path, [solution("A = 2\n")])
    (tmp_path / "toy.py").write_text("A = 1\n", encoding="utf-8")  # saved last, still the module wins
    source = load_submission(tmp_path, "toy")
    assert source.kind == "module" and source.chunks == (("toy.py", "A = 1\n"),)
    [note] = source.notes
    assert "toy.py" in note and "toy.ipynb" in note


def test_folder_with_both_can_prefer_the_file_saved_last(tmp_path):
    (tmp_path / "toy.py").write_text("A = 1\n", encoding="utf-8")
    notebook = write_notebook(tmp_path, [solution("A = 2\n")])
    os.utime(tmp_path / "toy.py", (1_000_000, 1_000_000))
    assert load_submission(tmp_path, "toy", prefer="newest").path == notebook
    os.utime(notebook, (500_000, 500_000))
    assert load_submission(tmp_path, "toy", prefer="newest").path == tmp_path / "toy.py"
    assert load_submission(tmp_path, "toy").path == tmp_path / "toy.py"
    with pytest.raises(ValueError):
        load_submission(tmp_path, "toy", prefer="largest")


def test_folder_with_neither_lists_what_was_found(tmp_path):
    for name in ("Toy.py", "homework.ipynb", "data.csv"):
        (tmp_path / name).write_text("x")
    with pytest.raises(SubmissionNotFound) as error:
        load_submission(tmp_path, "toy")
    message = str(error.value)
    assert "toy.py" in message and "toy.ipynb" in message
    assert "found: Toy.py, homework.ipynb" in message
    assert "data.csv" not in message and "rename" in message


def test_empty_folder_and_missing_path(tmp_path):
    with pytest.raises(SubmissionNotFound) as error:
        load_submission(tmp_path, "toy")
    assert "found" not in str(error.value)
    with pytest.raises(SubmissionNotFound, match="does not exist"):
        load_submission(tmp_path / "nope", "toy")


def test_a_file_path_is_taken_whatever_its_name(tmp_path):
    path = tmp_path / "my_attempt.py"
    path.write_text("B = 2\n", encoding="utf-8")
    source = load_submission(path, "toy")
    assert (
        source.path == path
        and source.module_name == "toy"
        and source.chunks == (("my_attempt.py", "B = 2\n"),)
    )
    other = tmp_path / "toy.txt"
    other.write_text("B = 2\n")
    with pytest.raises(SubmissionNotFound, match="neither a Python module"):
        load_submission(other, "toy")


@pytest.mark.parametrize("name", ["toy.py", "toy.ipynb"])
def test_non_utf8_file(tmp_path, name):
    (tmp_path / name).write_bytes(b"# caf\xe9\nA = 1\n")
    with pytest.raises(SubmissionNotFound) as error:
        load_submission(tmp_path, "toy")
    assert str(error.value) == f"{name} is not UTF-8 text"


@pytest.mark.parametrize(
    "raw",
    ["this is not json", "", "[]", "null", '{"cells": 3}', '{"metadata": {}}', '{"cells": {"0": {}}}'],
    ids=["text", "empty", "list", "null", "cells-int", "no-cells", "cells-dict"],
)
def test_unreadable_notebook_is_a_student_readable_error(tmp_path, raw):
    (tmp_path / "toy.ipynb").write_text(raw, encoding="utf-8")
    with pytest.raises(SubmissionNotFound) as error:
        load_submission(tmp_path, "toy")
    message = str(error.value)
    assert message.startswith("toy.ipynb is not a readable Jupyter notebook")
    assert "save it again" in message
    assert "Traceback" not in message


@pytest.mark.parametrize(
    "raw",
    ['{"cells": [{"cell_type": "code", "source": ["x = 1\\n", 2], "metadata": {}}]}', "[" * 100_000],
    ids=["source-with-int", "deeply-nested"],
)
def test_malformed_notebook_json_is_submission_not_found(tmp_path, raw):
    (tmp_path / "toy.ipynb").write_text(raw, encoding="utf-8")
    with pytest.raises(SubmissionNotFound):
        load_submission(tmp_path, "toy")


# -- what is kept from a notebook --------------------------------------------------------------------------


def test_solution_cells_are_kept_whole_and_labelled_by_cell_number():
    chunks, notes = chunks_of(
        new_markdown_cell("# Toy"),
        solution("def f(x):\n    return x + 1\n\nprint(f(1))\nRESULT = f(2)\n"),
        new_markdown_cell("More text"),
        solution("def g():\n    return RESULT\n"),
    )
    assert chunks == [
        ("toy.ipynb, cell 2", "def f(x):\n    return x + 1\n\nprint(f(1))\nRESULT = f(2)\n"),
        ("toy.ipynb, cell 4", "def g():\n    return RESULT\n"),
    ]
    assert notes == []


def test_demo_cell_keeps_imports_and_definitions_only():
    cell = demo(
        """\
        import numpy as np
        from functools import cache
        print(f(1))
        plt.plot([1, 2])

        @cache
        def helper(x):
            return np.sqrt(x)

        class Box:
            size = 2
        helper(4)
        """
    )
    [(label, kept)], notes = chunks_of(cell)
    assert label == "toy.ipynb, cell 1" and notes == []
    lines = kept.splitlines()
    assert lines[0] == "import numpy as np" and lines[1] == "from functools import cache"
    assert lines[2] == lines[3] == "", "demo lines must be blanked, keeping line numbers"
    assert lines[5:8] == ["@cache", "def helper(x):", "    return np.sqrt(x)"]
    assert lines[9:11] == ["class Box:", "    size = 2"]
    assert "print" not in kept and "plt" not in kept and "helper(4)" not in kept
    namespace = run_chunks([(label, kept)])
    assert namespace["helper"](9) == 3.0 and namespace["Box"].size == 2


@pytest.mark.parametrize(
    "statement, kept",
    [
        ("N = 3", True),
        ("NAME: str = 'x'", True),
        ("SHAPE = (2, -3)", True),
        ("VOCAB = {'a': [1, 2.5], 'b': None}", True),
        ("A, B = 1, 2", True),
        ("X = f(3)", False),
        ("Y = np.zeros(3)", False),
        ("Z = N + 1", False),
        ("W: int", False),
        ("N += 1", False),
        ("result = [i for i in range(3)]", False),
        ("[A, (B, C)] = 1, (2, 3)", True),
        ('q["b"][:3] = 50.0', False),  # changes an object a demo made, which the grader never sees
        ("model.size = 4", False),
        ("A = q[0] = 1", False),
    ],
)
def test_only_literal_constants_are_kept_from_demo_cells(statement, kept):
    chunks, _ = chunks_of(demo(statement))
    assert (chunks == [("toy.ipynb, cell 1", statement)]) is kept
    if not kept:
        assert chunks == []


def test_nbgrader_test_cells_are_dropped_and_readonly_cells_filtered():
    chunks, notes = chunks_of(
        solution("def f():\n    return 1\n"),
        test_cell("def sneaky():\n    return 2\nassert f() == 1\n"),
        demo("import math\nmath.factorial(5)\n", locked=True),
    )
    assert [label for label, _ in chunks] == ["toy.ipynb, cell 1", "toy.ipynb, cell 3"]
    assert "sneaky" not in "".join(source for _, source in chunks)
    assert chunks[1][1] == "import math\n"
    assert notes == []


def test_non_code_cells_are_ignored_even_with_solution_metadata():
    written = new_markdown_cell("My answer: **42**", metadata={"nbgrader": dict(NBGRADER_SOLUTION)})
    raw = new_raw_cell("def f(): pass", metadata={"nbgrader": dict(NBGRADER_SOLUTION)})
    assert chunks_of(written, raw, solution("A = 1")) == ([("toy.ipynb, cell 3", "A = 1")], [])


def test_line_magics_are_blanked_without_breaking_indentation():
    chunks, notes = chunks_of(
        solution(
            """\
            %matplotlib inline
            !pip install nothing
            def f(x):
                %time y = x + 1
                if x:
                    !echo hi
                return x + 1
            """
        ),
        demo("%load_ext autoreload\nimport math\n"),
    )
    assert notes == []
    namespace = run_chunks(chunks)
    assert namespace["f"](2) == 3 and "math" in namespace
    solution_lines = chunks[0][1].splitlines()
    assert len(solution_lines) == 7 and solution_lines[6] == "    return x + 1"
    assert "%" not in chunks[0][1] and "!" not in chunks[0][1]


def test_cell_magic_and_broken_demo_cells_are_skipped_with_notes():
    chunks, notes = chunks_of(
        demo("%%time\ndef slow():\n    return 1\n"),
        demo("def half(:\n"),
        solution("def f():\n    return 1\n"),
    )
    assert [label for label, _ in chunks] == ["toy.ipynb, cell 3"]
    assert notes == [
        "cell 1 is a cell magic and was skipped",
        "cell 2 has a syntax error and is not a solution cell; it was skipped",
    ]


def test_a_solution_cell_with_a_syntax_error_is_kept_for_the_worker_to_report():
    chunks, notes = chunks_of(solution("def f(:\n"))
    assert chunks == [("toy.ipynb, cell 1", "def f(:")] and notes == []


def test_notes_reach_the_submission_source(tmp_path):
    write_notebook(tmp_path, [demo("%%bash\necho hi\n"), solution("A = 1\n")])
    source = load_submission(tmp_path, "toy")
    assert source.notes == ("cell 1 is a cell magic and was skipped",)


def test_notebook_functions_run_in_the_worker_and_demo_code_does_not(tmp_path):
    write_notebook(
        tmp_path,
        [
            new_markdown_cell("# Toy"),
            demo("import numpy as np\nprint('DEMO RAN')\nraise SystemExit('demo')\nSCALE = 2\n"),
            solution("def f(x):\n    return np.asarray(x) * SCALE\n"),
            demo("print(f(3))\nimport sys\nsys.exit(1)\n"),
            test_cell("raise RuntimeError('test cell ran')\n"),
            solution("def g():\n    raise ValueError('from g')\n"),
        ],
    )
    source = load_submission(tmp_path, "toy")
    with Worker(source, Limits(call_timeout=2.0, startup_timeout=10.0)) as worker:
        assert worker.start().ok
        assert worker.call("f", ([1, 2],)).value.tolist() == [2, 4]
        failed = worker.call("g")
        assert 'File "toy.ipynb, cell 6", line 2, in g' in failed.traceback
        worker.close()
        assert "DEMO RAN" not in worker.output_text()[0]


# -- known gaps --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "source, check",
    [
        ("def wrap(i, n):\n    return (i\n            % n)\n", lambda ns: ns["wrap"](7, 3) == 1),
        ("def differ(a, b):\n    return (a\n            != b)\n", lambda ns: ns["differ"](1, 2) is True),
        ('TEMPLATE = """\n%d items\n"""\n', lambda ns: ns["TEMPLATE"] == "\n%d items\n"),
    ],
    ids=["modulo", "not-equal", "string"],
)
def test_lines_that_only_look_like_magics_are_left_alone(source, check):
    chunks, _ = chunks_of(solution(source), demo(source))
    assert len(chunks) == 2
    for chunk in chunks:
        assert check(run_chunks([chunk]))


def test_demo_statement_on_the_same_line_as_an_import_is_dropped():
    [(_, kept)], _ = chunks_of(demo("import math; print('DEMO')\nN = 3; plot()\n"))
    assert "print" not in kept and "plot" not in kept


def test_hand_written_notebook_json_with_line_lists():
    raw = json.dumps(
        {
            "cells": [
                {"cell_type": "code", "source": ["def f():\n", "    return 1\n", "f()"]},
                {"cell_type": "code", "source": "X = 1", "metadata": {"nbgrader": "not a dict"}},
                "not a cell",
            ]
        }
    )
    assert notebook_chunks(raw, "toy.ipynb") == (
        [("toy.ipynb, cell 1", "def f():\n    return 1\n"), ("toy.ipynb, cell 2", "X = 1")],
        [],
    )
