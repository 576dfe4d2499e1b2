"""``seqlab export gradescope``: the autograder zip of one assignment for Gradescope.

Gradescope unpacks the zip into ``/autograder/source``, runs its ``setup.sh`` once when it builds the
autograder image, and runs ``run_autograder`` (copied to ``/autograder/run_autograder``) for every
submission, which must leave ``/autograder/results/results.json``. The zip is a self-contained course root
for ONE assignment::

    setup.sh                  installs bubblewrap (best effort), Python >= 3.11 and this project
    run_autograder            grades /autograder/submission into /autograder/results/results.json
    pyproject.toml, README.md, constraints.txt, src/seqlab/    the seqlab project, installed by setup.sh
    solutions/<id>/<id>.py    the reference
    grader/<id>/              the hidden suite

and nothing of the other assignments, the project's tests or its history. Both scripts come from the
templates in ``seqlab/data/gradescope/``, with the assignment, the grading options and what to install
filled in; the archive is byte-for-byte reproducible (fixed timestamps and order).
"""

from __future__ import annotations

import io
import os
import re
import shlex
import zipfile
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from seqlab import __version__
from seqlab.course.layout import Assignment, course_files, get_assignment
from seqlab.declare import check_values, option, positive_int, to_arguments
from seqlab.errors import ConfigError, CourseError
from seqlab.isolate.sandbox import CLASS_SANDBOX_MODES
from seqlab.options import GradeOptions

__all__ = ["EXPORT_TARGETS", "GradescopeOptions", "autograder_files", "export_gradescope"]

EXPORT_TARGETS = ("gradescope",)
#: Files of the project itself the zip carries (README.md because pyproject.toml names it as the readme).
PROJECT_FILES = ("pyproject.toml", "README.md", "constraints.txt")
#: Where the CPU builds of torch are (PyPI's default Linux wheel is the multi-GB CUDA build).
TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"
_EXECUTABLE = 0o755
_REGULAR = 0o644
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_TORCH_IMPORT = re.compile(r"^\s*(import\s+torch\b|from\s+torch[\s.])|importorskip\(\s*['\"]torch['\"]", re.M)


def _unattended_grading() -> GradeOptions:
    """The grading options of an unattended run (the sandbox required), before any flag."""
    return GradeOptions(sandbox="require")


@dataclass(frozen=True)
class GradescopeOptions:
    """What ``seqlab export gradescope`` builds the autograder with.

    Attributes:
        grading: the ``seqlab grade`` options ``run_autograder`` (and ``setup.sh``'s check of the
            reference) grades with: the exported ones of :class:`seqlab.options.GradeOptions`, where the
            sandbox is ``require`` by default (a submission is graded only with every isolation layer, else
            run_autograder reports a grader fault and no score) or ``off`` (every results.json then says
            it was graded without isolation). Gradescope's machines have no CUDA device, so GPU checks
            never run there. Hints follow the assignment's ``feedback.toml`` (shipped with the suite) at
            each submission's time (``created_at`` of Gradescope's metadata) unless turned off.
        deadline: see its declaration.
    """

    grading: GradeOptions = field(default_factory=_unattended_grading)
    deadline: int = option(
        540,
        flag="--deadline",
        parse=positive_int,
        commands=frozenset({"export"}),
        help="seconds a whole grading may take before run_autograder stops it and writes a score-0 "
        "results.json; keep it under the autograder timeout set in Gradescope (10 minutes by default), "
        "after which Gradescope keeps no result at all (default %(default)s)",
    )

    def __post_init__(self) -> None:
        check_values(self)
        if self.grading.sandbox not in CLASS_SANDBOX_MODES:
            choices = ", ".join(CLASS_SANDBOX_MODES)
            raise ConfigError(
                f"the autograder's sandbox must be one of {choices}, got {self.grading.sandbox!r}"
            )

    def grade_arguments(self) -> list[str]:
        """The options as ``seqlab grade`` arguments (every exported one, see
        :func:`seqlab.declare.to_arguments`)."""
        return to_arguments(self.grading)


def needs_torch(assignment_id: str, root: Path) -> bool:
    """Whether grading or the students' notebooks of the assignment import torch.

    Looks at the reference, the lesson (a notebook's top-level imports run in the worker) and the hidden
    suite, whose torch tests would otherwise be skipped (``pytest.importorskip``).
    """
    assignment = Assignment(assignment_id, root)
    suite = [path for name, path in course_files(assignment.suite_dir).items() if name.endswith(".py")]
    sources = [assignment.reference_path, assignment.lesson_path, *suite]
    return any(path.is_file() and _TORCH_IMPORT.search(path.read_text(encoding="utf-8")) for path in sources)


def _script(name: str, values: dict[str, str]) -> bytes:
    text = (resources.files("seqlab") / "data" / "gradescope" / name).read_text(encoding="utf-8")
    for key, value in values.items():
        text = text.replace(f"@@{key}@@", value)
    leftover = re.search(r"@@[A-Z_]+@@", text)
    if leftover:  # a template and this module disagree: refuse rather than ship a broken script
        raise CourseError(f"the template {name} has a placeholder {leftover.group()} that nothing fills")
    return text.encode("utf-8")


def autograder_files(
    assignment_id: str,
    course_root: str | os.PathLike[str] | None = None,
    options: GradescopeOptions | None = None,
) -> dict[str, tuple[bytes, int]]:
    """The zip's contents: archive path -> (bytes, Unix mode), scripts first, then in sorted order."""
    options = options or GradescopeOptions()
    assignment = get_assignment(assignment_id, course_root)
    root = assignment.root
    missing = [name for name in (*PROJECT_FILES, "src/seqlab") if not (root / name).exists()]
    if missing:
        raise CourseError(
            f"{root} lacks {', '.join(missing)}: the autograder zip carries the seqlab project, so export "
            "from the course repository (the folder with pyproject.toml, src/seqlab, solutions/ and grader/)"
        )
    if not assignment.suite_dir.is_dir():
        raise CourseError(f"the hidden suite {assignment.suite_dir} is missing")
    torch = needs_torch(assignment_id, root)
    values = {
        "ASSIGNMENT": shlex.quote(assignment_id),
        "VERSION": __version__,
        "GRADE_OPTIONS": shlex.join(options.grade_arguments()),
        "DEADLINE": str(options.deadline),
        # matplotlib: the lessons plot, so a notebook's top-level `import matplotlib` is common.
        "PIP_TARGETS": shlex.join([".[torch]" if torch else ".", "matplotlib>=3.7"]),
        "PIP_OPTIONS": shlex.join(["--extra-index-url", TORCH_CPU_INDEX] if torch else []),
    }
    files: dict[str, tuple[bytes, int]] = {
        "setup.sh": (_script("setup.sh", values), _EXECUTABLE),
        "run_autograder": (_script("run_autograder", values), _EXECUTABLE),
    }
    sources: dict[str, Path] = {name: root / name for name in PROJECT_FILES}
    sources |= course_files(root / "src" / "seqlab", "src/seqlab")
    sources |= assignment.grading_files()
    for name in sorted(sources):
        files[name] = (sources[name].read_bytes(), _REGULAR)
    return files


def _zip_bytes(files: dict[str, tuple[bytes, int]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, (data, mode) in files.items():
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.create_system = 3  # Unix, so unzip restores the modes (run_autograder is executable)
            info.external_attr = (0o100000 | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()


def default_zip_name(assignment_id: str) -> str:
    return f"seqlab-{assignment_id}-gradescope.zip"


def export_gradescope(
    assignment_id: str,
    out: str | os.PathLike[str] | None = None,
    course_root: str | os.PathLike[str] | None = None,
    options: GradescopeOptions | None = None,
) -> Path:
    """Write the Gradescope autograder zip of one assignment and return its path.

    ``out`` is the zip file when it ends in ``.zip``, otherwise a folder (created if needed) that receives
    ``seqlab-<id>-gradescope.zip``; the default is that name in the current folder.
    """
    data = _zip_bytes(autograder_files(assignment_id, course_root, options))
    target = Path(out) if out is not None else Path.cwd()
    if target.suffix.lower() != ".zip":
        target = target / default_zip_name(assignment_id)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    partial.write_bytes(data)
    partial.replace(target)
    return target
