"""End to end: a whole class graded in parallel (two local workers, or a loopback Dask cluster of two
worker processes) equals each submission graded alone, and a killed run resumes where it stopped.

The class is generated from the course's own files, for ``encoding``: students in a flat folder
(``<student>.py``), each holding one of eleven contents: the reference, correct variants, classic
mistakes (the mutants), a module that cannot be loaded, a function that never returns, and malicious
submissions from the attack catalogue (a fork bomb and a SIGKILL of every process among them where the
worker runs as its own user). Grading is deterministic, so each distinct content is graded alone once with
:func:`seqlab.grading.pipeline.grade` and every student holding it must get exactly that report from the class
run.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import json
import multiprocessing
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest

from seqlab.classroom.dask_cluster import CourseBundle, DaskRunner, SubmissionFiles, grade_on_worker
from seqlab.classroom.fingerprint import content_hash, grader_version
from seqlab.classroom.gradebook import Gradebook, default_url
from seqlab.classroom.loopback import loopback_cluster
from seqlab.classroom.run import GradeJob, LocalRunner, grade_class
from seqlab.classroom.statistics import frequent_hints
from seqlab.classroom.submissions import find_submissions
from seqlab.grading.pipeline import grade
from seqlab.isolate.limits import GIB, MIB, Limits
from seqlab.isolate.sandbox import plan_sandbox
from seqlab.options import GradeOptions

from .conftest import (
    EXAMPLE_CACHE,
    PLUMBING_EXAMPLES,
    ROOT,
    catalogued_mutants,
    header_names,
    reference_source,
    variant_files,
)

pytestmark = pytest.mark.e2e

ASSIGNMENT = "encoding"
STUDENTS = 16  # every content at least once, the fast ones twice or more (the slow ones once)
LIMITS = Limits(
    call_timeout=4.0,  # the 500,000-word index call takes ~0.5 s alone, seconds beside other gradings
    submission_timeout=120.0,  # generous: under load, a tight budget would end calls that pass alone
    startup_timeout=10.0,
    memory_bytes=2 * GIB,
    file_size_bytes=16 * MIB,
    processes=64,
)
OPTIONS = GradeOptions(
    limits=LIMITS, cache_dir=EXAMPLE_CACHE, course_root=ROOT, max_examples=PLUMBING_EXAMPLES
)
ATTACKS = Path(__file__).resolve().parents[1] / "attacks" / "submissions"


def contents() -> dict[str, str]:
    """The distinct submissions of the class, by a short name."""
    reference = reference_source(ASSIGNMENT)
    found = {"reference": reference}
    for path in variant_files(ASSIGNMENT)[:2]:
        found[f"variant-{path.stem}"] = reference + "\n\n" + path.read_text()
    for path in catalogued_mutants(ASSIGNMENT)[:2]:
        found[f"mutant-{path.stem}"] = reference + "\n\n" + path.read_text()
    found["cannot-load"] = reference + "\n\nimport keras  # not installed here\n"
    found["hangs"] = reference + "\n\ndef ngrams(tokens, n):\n    while True:\n        pass\n"
    attacks = ["patch_numpy_testing", "lying_eq_object", "os_exit_in_call"]
    if plan_sandbox("auto").layers.get("unprivileged_user"):
        attacks += ["fork_bomb", "kill_parent_group"]
    for name in attacks:
        found[f"attack-{name}"] = (ATTACKS / f"{name}.py").read_text()
    return found


def slow(name: str) -> bool:
    """Contents that run into timeouts: one student each (they cost seconds; the rest cost little)."""
    return name == "hangs" or name.startswith("attack-")


def make_class(folder: Path, count: int = STUDENTS, with_slow: bool = True) -> dict[str, str]:
    """Write ``count`` students: one for each slow content (``with_slow``), the others cycling through the
    fast ones; return student -> content name."""
    folder.mkdir(parents=True, exist_ok=True)
    kinds = contents()
    slow_names = sorted(name for name in kinds if slow(name) and with_slow)
    fast_names = sorted(name for name in kinds if not slow(name))
    order = slow_names + [fast_names[i % len(fast_names)] for i in range(count - len(slow_names))]
    holding = {}
    for number, name in enumerate(order):
        student = f"student{number:03d}"
        holding[student] = name
        (folder / f"{student}.py").write_text(kinds[name])
    return holding


def comparable(report: dict, filename: str) -> dict:
    """The report without its timing, with the submission's file name (which tracebacks quote) neutral."""
    kept = {key: value for key, value in report.items() if key not in ("execution_time", "submission")}
    return json.loads(json.dumps(kept).replace(filename, "SUBMISSION.py"))


def verdicts(report: dict) -> tuple:
    """Score and every test's outcome: what must not depend on where or beside what a submission ran."""
    tests = tuple((t["id"], t["outcome"]) for f in report["functions"] for t in f["tests"])
    return report["score"], report["max_score"], tests


def differences(one: dict, other: dict) -> list:
    """What two reports disagree on, test by test (for a failure message)."""
    tests = [
        {t["id"]: (t["outcome"], t["message"][:300]) for f in r["functions"] for t in f["tests"]}
        for r in (one, other)
    ]
    found = [(key, tests[0].get(key), tests[1].get(key)) for key in tests[0].keys() | tests[1].keys()]
    return [item for item in found if item[1] != item[2]] + [(one["messages"], other["messages"])]


def same_report(name: str, in_class: dict, alone: dict) -> bool:
    """Whole reports for deterministic submissions; for those that run into timeouts, how many calls hit
    one depends on the machine's load, so their verdicts are compared."""
    return verdicts(in_class) == verdicts(alone) if slow(name) else in_class == alone


def grade_alone(path: str, options: GradeOptions) -> dict:
    """One submission graded by itself, as `seqlab grade` does (runs in a fresh process of its own)."""
    return comparable(grade(path, ASSIGNMENT, options).to_dict(), Path(path).name)


@pytest.fixture(scope="module")
def alone(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    """Each distinct content graded alone: its own `grade()` call, in fresh processes (two at a time)."""
    folder = tmp_path_factory.mktemp("alone")
    paths = {}
    for name, source in contents().items():
        (folder / name).mkdir()
        paths[name] = folder / name / f"{ASSIGNMENT}.py"
        paths[name].write_text(source)
    spawn = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(2, mp_context=spawn) as pool:
        graded = pool.map(grade_alone, [str(p) for p in paths.values()], [OPTIONS] * len(paths))
        return dict(zip(paths, graded, strict=True))


def check_class_gradebook(gradebook: Gradebook, holding: dict[str, str], alone: dict[str, dict]) -> None:
    """Every student's grade is the report of the same content graded alone; scores are as expected."""
    latest = gradebook.latest(ASSIGNMENT)
    assert len(latest) == len(holding)
    for (student, _), result in latest.items():
        name = holding[student]
        in_class = comparable(result.to_dict(), f"{student}.py")
        assert same_report(name, in_class, alone[name]), (student, name, differences(in_class, alone[name]))
    scores = {holding[s]: r.score for (s, _), r in latest.items()}
    assert scores["reference"] == 100 and scores["cannot-load"] == 0
    unloadable = next(r for (s, _), r in latest.items() if holding[s] == "cannot-load")
    assert "ModuleNotFoundError: No module named 'keras'" in " ".join(unloadable.messages)
    assert all(score == 100 for name, score in scores.items() if name.startswith("variant"))
    assert all(0 < score < 100 for name, score in scores.items() if name.startswith("mutant"))
    assert all(score == 0 for name, score in scores.items() if name.startswith("attack"))
    # Each mistake's students got its hint; the class report counts them per exercise and misconception.
    mutants = catalogued_mutants(ASSIGNMENT)[:2]
    keys = {f"mutant-{path.stem}": header_names(path, "misconception") for path in mutants}
    expected = Counter(key for student in holding for key in keys.get(holding[student], ()))
    given = Counter(key for result in latest.values() for key in {t.hint for t in result.tests if t.hint})
    assert given == expected and len(expected) == 2
    assert {key: count for _, key, count, _ in frequent_hints(list(latest.values()))} == expected


def test_a_class_graded_by_two_local_workers_equals_each_submission_graded_alone(tmp_path: Path, alone):
    holding = make_class(tmp_path / "class")
    assert min(Counter(name for name in holding.values() if not slow(name)).values()) >= 2
    submissions, notes = find_submissions(tmp_path / "class", [ASSIGNMENT])
    assert notes == [] and len(submissions) == STUDENTS
    with Gradebook(default_url(tmp_path / "out")) as gradebook:
        run = grade_class(submissions, OPTIONS, gradebook, runner=LocalRunner(2))
        assert (run.graded, run.already_graded, run.failed, run.interrupted) == (STUDENTS, 0, [], False)
        check_class_gradebook(gradebook, holding, alone)
        # Rerun: everything is already graded and unchanged.
        again = grade_class(submissions, OPTIONS, gradebook, runner=LocalRunner(2))
        assert (again.graded, again.already_graded) == (0, STUDENTS)
        # One student changes the submission: only that one is graded again.
        last = f"student{STUDENTS - 1:03d}"
        (tmp_path / "class" / f"{last}.py").write_text(reference_source(ASSIGNMENT) + "\n# edited\n")
        changed = grade_class(submissions, OPTIONS, gradebook, runner=LocalRunner(2))
        assert (changed.graded, changed.already_graded) == (1, STUDENTS - 1)
        assert gradebook.latest(ASSIGNMENT)[(last, ASSIGNMENT)].score == 100


@pytest.fixture
def dask_cluster(tmp_path: Path) -> Iterator[str]:
    """A real dask.distributed scheduler and two worker processes (``dask worker`` with one thread each,
    preloaded with seqlab.cluster) on loopback; yields the scheduler's address."""
    pytest.importorskip(
        "distributed", reason="the Dask cluster test needs dask.distributed (seqlab[cluster])"
    )
    with loopback_cluster(2, tmp_path / "dask") as address:
        yield address


def test_a_class_graded_on_a_loopback_dask_cluster_equals_each_submission_graded_alone(
    tmp_path: Path, alone, dask_cluster: str
):
    """Each content once (the local run above shows that students with the same content get one report)."""
    holding = make_class(tmp_path / "class", len(contents()))
    assert set(holding.values()) == set(contents())
    submissions, _ = find_submissions(tmp_path / "class", [ASSIGNMENT])
    runner = DaskRunner(dask_cluster, connect_timeout=120)
    with Gradebook(default_url(tmp_path / "out")) as gradebook:
        run = grade_class(submissions, OPTIONS, gradebook, runner=runner)
        assert (run.graded, run.already_graded, run.failed, run.interrupted) == (len(holding), 0, [], False)
        check_class_gradebook(gradebook, holding, alone)
        again = grade_class(submissions, OPTIONS, gradebook, runner=runner)
        assert (again.graded, again.already_graded) == (0, len(holding))


def test_seqlab_grade_class_with_a_scheduler_grades_on_the_cluster(tmp_path: Path, dask_cluster: str):
    folder = tmp_path / "class"
    folder.mkdir()
    for student, name in (("ada", "reference"), ("bo", "mutant"), ("cy", "cannot-load")):
        source = reference_source(ASSIGNMENT)
        if name == "mutant":
            source += "\n\n" + catalogued_mutants(ASSIGNMENT)[0].read_text()
        (folder / f"{student}.py").write_text(source + ("\nimport keras\n" if name == "cannot-load" else ""))
    command = [sys.executable, "-m", "seqlab", "grade-class", str(folder), "-a", ASSIGNMENT, "--scheduler"]
    command += [dask_cluster, "--out", str(tmp_path / "out"), "--course-root", str(ROOT), "--no-progress"]
    command += ["--max-examples", str(PLUMBING_EXAMPLES)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "3 graded, 0 already in the gradebook, 0 could not be graded" in done.stderr
    rows = {
        line.split(",")[0]: line.split(",")[1]
        for line in (tmp_path / "out" / "grades.csv").read_text().splitlines()[1:]
    }
    assert rows["ada"] == "100" and rows["cy"] == "0" and 0 < float(rows["bo"]) < 100
    both = subprocess.run([*command, "--workers", "2"], capture_output=True, text=True, timeout=60)
    assert both.returncode == 2 and "not allowed with argument" in both.stderr


def test_a_dask_worker_refuses_a_job_graded_by_another_grader_version(tmp_path: Path):
    """The course bundle and the worker's seqlab must give the job's grader version, or nothing is graded."""
    path = tmp_path / f"{ASSIGNMENT}.py"
    path.write_text(reference_source(ASSIGNMENT))
    version = grader_version(ASSIGNMENT, OPTIONS)
    bundle = CourseBundle.pack(ASSIGNMENT, OPTIONS)
    job = GradeJob("ada", ASSIGNMENT, str(path), content_hash(path), version)
    stale = grade_on_worker(
        dataclasses.replace(job, grader_version="0" * 64), SubmissionFiles.read(path), bundle, OPTIONS
    )
    assert stale.report is None and "install the same seqlab on every worker" in stale.error
    graded = grade_on_worker(job, SubmissionFiles.read(path), bundle, OPTIONS)
    assert graded.job == job and graded.error == "" and graded.report["score"] == 100


def _rows(database: Path) -> int:
    if not database.exists():
        return 0
    with sqlite3.connect(database) as connection:
        try:
            return connection.execute("SELECT COUNT(*) FROM seqlab_grades").fetchone()[0]
        except sqlite3.OperationalError:
            return 0


def _command(folder: Path, out: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "seqlab",
        "grade-class",
        str(folder),
        "-a",
        ASSIGNMENT,
        "--workers",
        "2",
        "--out",
        str(out),
        "--course-root",
        str(ROOT),
        "--cache-dir",
        str(EXAMPLE_CACHE),
        "--max-examples",
        str(PLUMBING_EXAMPLES),
        "--call-timeout",
        "4",
        "--timeout",
        "120",
        "--no-progress",
    ]


def test_a_class_run_killed_halfway_grades_only_the_rest_when_restarted(tmp_path: Path):
    count = 8
    make_class(tmp_path / "class", count, with_slow=False)
    out = tmp_path / "out"
    database = out / "seqlab-gradebook.db"
    first = subprocess.Popen(
        _command(tmp_path / "class", out),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    deadline = time.monotonic() + 300
    while _rows(database) < 3:
        assert first.poll() is None, first.communicate()[1].decode()[-3000:]
        assert time.monotonic() < deadline, "the class run recorded nothing in time"
        time.sleep(0.2)
    os.killpg(first.pid, signal.SIGKILL)  # the run and its grader processes, without any clean-up
    first.wait()
    kept = _rows(database)
    assert 3 <= kept < count
    second = subprocess.run(_command(tmp_path / "class", out), capture_output=True, text=True, timeout=600)
    assert second.returncode == 0, second.stderr[-3000:]
    assert f"{count - kept} graded, {kept} already in the gradebook, 0 could not be graded" in second.stderr
    assert _rows(database) == count
    sheet = (out / "grades.csv").read_text().splitlines()
    assert sheet[0].startswith("student,encoding,") and len(sheet) == 1 + count
    assert len(list((out / "feedback").glob("*/encoding.md"))) == count
    page = (out / "class-report.html").read_text()
    assert "data:image/png;base64," in page and f"<td>{count}</td>" in page.replace(' class="num"', "")


class _Table(HTMLParser):
    """The rows of the ``<table class="students">`` and the items of ``<ul class="problems">`` of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.links: list[str] = []
        self.problems: list[str] = []
        self._in: str = ""
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = dict(attrs).get("class") or ""
        if tag == "table" and classes == "students":
            self._in = "students"
        elif tag == "ul" and classes == "problems":
            self._in = "problems"
        elif self._in == "students" and tag == "tr":
            self.rows.append([])
        elif self._in == "students" and tag in ("td", "th"):
            self._cell = []
        elif self._in == "problems" and tag == "li":
            self._cell = []
        elif self._in == "students" and tag == "a":
            self.links.append(dict(attrs).get("href") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("table", "ul"):
            self._in = ""
        elif tag in ("td", "th") and self._cell is not None and self.rows:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "li" and self._cell is not None:
            self.problems.append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def test_the_class_report_names_each_kind_of_problem_per_student_and_counts_it(tmp_path: Path):
    """A stub, a syntax error, an infinite loop and a catalogued mistake: the report's students table
    names each (with the hint), the problems list counts and names them as the console does, and each
    student's row links to the feedback file that exists."""
    reference = reference_source(ASSIGNMENT)
    mutant = catalogued_mutants(ASSIGNMENT)[0]
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "ann.py").write_text((ROOT / "assignments" / ASSIGNMENT / f"{ASSIGNMENT}.py").read_text())
    (folder / "bob.py").write_text(reference + "\n\ndef tokenize(text, level='word':\n    return []\n")
    (folder / "cat.py").write_text(reference + "\n\ndef ngrams(tokens, n):\n    while True:\n        pass\n")
    (folder / "dan.py").write_text(reference + "\n\n" + mutant.read_text())
    out = tmp_path / "out"
    command = [*_command(folder, out), "--call-timeout", "2", "--no-progress"]
    finished = subprocess.run(command, capture_output=True, text=True, timeout=900)
    assert finished.returncode == 0, finished.stderr[-3000:]
    assert "seqlab: 1 submission could not be loaded: bob / encoding" in finished.stderr
    assert "seqlab: 1 submission timed out: cat / encoding" in finished.stderr
    assert "seqlab: 1 submission nothing implemented: ann / encoding" in finished.stderr
    page = _Table()
    page.feed((out / "class-report.html").read_text(encoding="utf-8"))
    rows = {row[0]: row for row in page.rows[1:]}
    assert page.rows[0][:3] == ["student", "score", "problems and hints"] and set(rows) == {
        "ann",
        "bob",
        "cat",
        "dan",
    }
    assert rows["ann"][2] == "nothing implemented" and rows["ann"][1].startswith("0 / ")
    assert rows["bob"][2] == "could not be loaded"
    assert rows["cat"][2] == "timed out"
    (key,) = header_names(mutant, "misconception")
    assert rows["dan"][2] == f"hint: {key}"
    assert page.problems == [
        "1 submission could not be loaded: bob",
        "1 submission timed out: cat",
        "1 submission nothing implemented: ann",
    ]
    assert sorted(page.links) == [f"feedback/{s}/encoding.md" for s in ("ann", "bob", "cat", "dan")]
    assert all((out / link).is_file() for link in page.links)
