"""Grade a class on a Dask distributed cluster: the same gradings as on this machine, somewhere else.

``seqlab grade-class --scheduler tcp://HOST:PORT`` hands the gradings to a running ``dask.distributed``
scheduler instead of the local pool. Every Dask worker needs seqlab installed (``pip install seqlab``
with the same version and the same sandbox tools as the grading machine); nothing else of the course is
needed there:

* **the course travels with the run**: a :class:`CourseBundle` per assignment (the reference module, the
  hidden suite and the example cache of the run's options) is scattered to every worker once and
  unpacked there into a folder named by its digest;
* **each submission travels with its task**: its files (:class:`SubmissionFiles`, the same bytes
  :func:`seqlab.classroom.fingerprint.content_hash` hashed), written on the worker under the same name, so the
  report is the one ``seqlab grade`` writes on the grading machine;
* **the grader is checked**: before anything is submitted every worker reports its seqlab version and
  engine digest (:func:`worker_fingerprint`); a worker whose seqlab differs stops the run with a clear
  error, and every task checks again that the grader version it computes equals the job's;
* **results stream back** as they finish and are recorded in the gradebook at once, so a stopped run
  resumes as a local one does; at most :data:`IN_FLIGHT_PER_THREAD` tasks per worker thread are
  outstanding, so a class of 30,000 is not held in memory at once.

One grading at a time per worker process (pytest runs one session per process: a lock serialises tasks
when a worker has several threads); the student code of each worker process runs as a user of its own,
as every grading's (:func:`seqlab.isolate.sandbox.claim_worker_uid`). Start workers as::

    dask worker tcp://HOST:PORT --nthreads 1 --nworkers N --preload seqlab.cluster

(one process per core; ``--preload seqlab.cluster`` imports numpy, torch and the grading code when the
worker starts, see :func:`dask_setup`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import posixpath
import shutil
import stat
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from seqlab import __version__
from seqlab.classroom.fingerprint import engine_digest, grader_version
from seqlab.classroom.run import GradeJob, JobOutcome, grade_job
from seqlab.course.layout import get_assignment, walk_tree
from seqlab.errors import ClusterError
from seqlab.options import GradeOptions
from seqlab.suite.replay import suite_fingerprint

__all__ = [
    "CourseBundle",
    "DaskRunner",
    "SubmissionFiles",
    "grade_on_worker",
    "worker_fingerprint",
]

#: Tasks kept outstanding per worker thread: enough to keep workers busy while results come back.
IN_FLIGHT_PER_THREAD = 4
#: Where workers unpack course bundles (one folder per bundle digest, shared by a host's workers).
BUNDLES_FOLDER = "seqlab-course-bundles"

_GRADING = threading.Lock()  # one pytest session at a time in a process


# -- what travels -------------------------------------------------------------------------------------------


def _safe_relative(name: str) -> bool:
    """Whether ``name`` is a plain relative POSIX path that stays inside the folder it is written to."""
    normal = posixpath.normpath(name)
    return bool(name) and not name.startswith("/") and normal == name and not normal.startswith("..")


def _check_names(names: Iterable[str]) -> None:
    for name in names:
        if not _safe_relative(name):
            raise ClusterError(f"refusing to write {name!r}: not a plain relative path")


def _write_files(files: dict[str, bytes], links: dict[str, str], folder: Path) -> None:
    """Write ``files`` (and those ``links`` that stay inside) under ``folder``; refuse unsafe names."""
    _check_names([*files, *links])
    for name, data in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    for name, target in links.items():
        path = folder / name
        inside = _safe_relative(posixpath.normpath(posixpath.join(posixpath.dirname(name), target)))
        if inside and not target.startswith("/"):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.symlink_to(target)


@dataclass(frozen=True)
class SubmissionFiles:
    """A submission's files as data: a single file (``name`` is the file) or a folder (``name`` holds them).

    ``files`` maps a path relative to the submission (``""`` for a single file) to its bytes; ``links``
    maps a symlink's path to its target (written back only when it points inside the folder).
    """

    name: str
    is_folder: bool
    files: dict[str, bytes]
    links: dict[str, str]

    @classmethod
    def read(cls, path: str | os.PathLike[str]) -> SubmissionFiles:
        """Read the submission at ``path`` (the files :func:`~seqlab.classroom.fingerprint.content_hash`
        covers)."""
        root = Path(path)
        if not root.is_dir():
            return cls(root.name, False, {"": root.read_bytes()}, {})
        files, links = {}, {}
        for relative, entry in walk_tree(root):
            if entry.is_symlink():
                links[relative] = os.readlink(entry.path)
            else:
                files[relative] = Path(entry.path).read_bytes()
        return cls(root.name, True, files, links)

    def write(self, folder: Path) -> Path:
        """Write the submission into ``folder`` under its own name; return its path there."""
        if not _safe_relative(self.name) or "/" in self.name:
            raise ClusterError(f"refusing a submission named {self.name!r}")
        target = folder / self.name
        if self.is_folder:
            _check_names([*self.files, *self.links])
            target.mkdir()
            _write_files(self.files, self.links, target)
        else:
            target.write_bytes(self.files[""])
        return target


@dataclass(frozen=True)
class CourseBundle:
    """What grading one assignment needs from the course, as data: the reference module, the hidden
    suite and the recorded examples for the run's seed and budget (``.seqlab-cache/<fingerprint>/``)."""

    assignment: str
    files: dict[str, bytes]

    @property
    def digest(self) -> str:
        digest = hashlib.sha256(self.assignment.encode() + b"\0")
        for name in sorted(self.files):
            digest.update(name.encode() + b"\0" + hashlib.sha256(self.files[name]).digest())
        return digest.hexdigest()

    @classmethod
    def pack(cls, assignment_id: str, options: GradeOptions) -> CourseBundle:
        assignment = get_assignment(assignment_id, options.course_root)
        files = {name: path.read_bytes() for name, path in assignment.grading_files().items()}
        if options.example_cache:
            cache_root = Path(options.cache_dir) if options.cache_dir else assignment.root / ".seqlab-cache"
            fingerprint = suite_fingerprint(assignment.suite_dir, options.seed, options.max_examples)[:32]
            recorded = cache_root / fingerprint
            if recorded.is_dir():
                for path in sorted(recorded.glob("*.examples")):
                    files[f".seqlab-cache/{fingerprint}/{path.name}"] = path.read_bytes()
        return cls(assignment_id, files)

    def unpack(self) -> Path:
        """The course root holding this bundle on this host (written once, atomically, then reused)."""
        parent = Path(tempfile.gettempdir()) / BUNDLES_FOLDER
        parent.mkdir(mode=0o700, exist_ok=True)
        found = parent.lstat()
        if not stat.S_ISDIR(found.st_mode) or found.st_uid != os.geteuid() or found.st_mode & 0o077:
            raise ClusterError(
                f"{parent} is not this user's private folder: refusing to take a course from it"
            )
        root = parent / self.digest
        if not root.is_dir():
            scratch = Path(tempfile.mkdtemp(dir=parent, prefix=".unpacking-"))
            _write_files(self.files, {}, scratch)
            try:
                scratch.rename(root)
            except OSError:  # another worker of this host unpacked it first
                shutil.rmtree(scratch, ignore_errors=True)
        return root


# -- on the worker ------------------------------------------------------------------------------------------


def worker_fingerprint() -> dict[str, str]:
    """What a worker's grading depends on besides the course: seqlab's version and engine digest."""
    return {"seqlab": __version__, "engine": engine_digest().hex()}


def grade_on_worker(
    job: GradeJob, submission: SubmissionFiles, bundle: CourseBundle, options: GradeOptions
) -> JobOutcome:
    """Grade one job on a Dask worker: unpack the course, write the submission, grade it as at home.

    The outcome names the original job (its path on the grading machine); a grader version that differs
    from the job's (another seqlab on this worker) is an error, never a grade.
    """
    with _GRADING:
        began = time.monotonic()
        root = bundle.unpack()
        local = dataclasses.replace(options, course_root=root, cache_dir=root / ".seqlab-cache")
        version = grader_version(job.assignment, job.options(local))
        if version != job.grader_version:
            return JobOutcome(
                job,
                None,
                time.monotonic() - began,
                f"the Dask worker's grader differs from the grading machine's (seqlab {__version__}, grader "
                f"version {version[:12]} instead of {job.grader_version[:12]}): install the same seqlab on "
                "every worker",
            )
        with tempfile.TemporaryDirectory(prefix="seqlab-submission-") as folder:
            path = submission.write(Path(folder))
            outcome = grade_job(dataclasses.replace(job, path=str(path)), local)
        return dataclasses.replace(outcome, job=job)


def dask_setup(worker: Any = None) -> None:
    """``dask worker --preload seqlab.cluster``: a warm worker. Imports what grading needs (numpy, pytest,
    hypothesis, torch where installed, seqlab's grading) when the worker starts rather than in its first
    task."""
    import importlib

    from seqlab.classroom.run import warm_modules

    for module in warm_modules():
        importlib.import_module(module)


# -- on the grading machine ---------------------------------------------------------------------------------


class DaskRunner:
    """Runs grading jobs on the Dask scheduler at ``address`` (``tcp://HOST:PORT``).

    Args:
        address: the scheduler's address.
        connect_timeout: seconds to wait for the scheduler, and for its first worker.
    """

    def __init__(self, address: str, *, connect_timeout: float = 30.0) -> None:
        self.address = address
        self.connect_timeout = connect_timeout

    def _connect(self) -> Any:
        try:
            from distributed import Client
        except ImportError as exc:
            raise ClusterError(
                "grading on a Dask cluster needs dask.distributed: pip install 'seqlab[cluster]'"
            ) from exc
        try:
            client = Client(self.address, timeout=self.connect_timeout, set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise ClusterError(f"cannot reach the Dask scheduler at {self.address}: {exc}") from exc
        try:
            client.wait_for_workers(1, timeout=self.connect_timeout)
            self._check_workers(client)
        except (TimeoutError, OSError) as exc:
            client.close()
            raise ClusterError(
                f"the Dask scheduler at {self.address} has no workers (waited {self.connect_timeout:g} s)"
            ) from exc
        except BaseException:
            client.close()
            raise
        return client

    @staticmethod
    def _check_workers(client: Any) -> None:
        here = worker_fingerprint()
        differing = {
            address: found for address, found in client.run(worker_fingerprint).items() if found != here
        }
        if differing:
            listed = "; ".join(
                f"{address}: seqlab {found['seqlab']}, engine {found['engine'][:12]}"
                for address, found in sorted(differing.items())
            )
            raise ClusterError(
                f"{len(differing)} Dask worker(s) run another seqlab than this machine (seqlab "
                f"{__version__}, engine {here['engine'][:12]}): {listed}. Install the same seqlab on every "
                "worker."
            )

    def run(self, jobs: Sequence[GradeJob], options: GradeOptions) -> Iterator[JobOutcome]:
        if not jobs:
            return
        from distributed import as_completed

        client = self._connect()
        submitted: dict[Any, GradeJob] = {}  # the tasks outstanding
        unreadable: list[JobOutcome] = []
        try:
            bundles = {
                assignment: client.scatter(CourseBundle.pack(assignment, options), broadcast=True, hash=False)
                for assignment in sorted({job.assignment for job in jobs})
            }
            pending = iter(jobs)

            def submit_next() -> Any | None:
                """Submit the next job whose files can be read (those that cannot are reported)."""
                for job in pending:
                    try:
                        files = SubmissionFiles.read(job.path)
                    except OSError as exc:
                        unreadable.append(JobOutcome(job, None, 0.0, f"the submission cannot be read: {exc}"))
                        continue
                    future = client.submit(
                        grade_on_worker, job, files, bundles[job.assignment], options, pure=False, retries=0
                    )
                    submitted[future] = job
                    return future
                return None

            threads = sum(client.nthreads().values()) or 1
            first = [f for f in (submit_next() for _ in range(threads * IN_FLIGHT_PER_THREAD)) if f]
            stream = as_completed(first, loop=client.loop)
            yield from _drain(unreadable)
            for future in stream:
                job = submitted.pop(future)
                try:
                    yield future.result()
                except Exception as exc:  # noqa: BLE001 - a worker died, or the task could not run there
                    yield JobOutcome(job, None, 0.0, f"the Dask task failed: {type(exc).__name__}: {exc}")
                future.release()
                following = submit_next()
                if following is not None:
                    stream.add(following)
                yield from _drain(unreadable)
            yield from _drain(unreadable)
        finally:
            for future in submitted:
                future.cancel()
            client.close()


def _drain(outcomes: list[JobOutcome]) -> Iterator[JobOutcome]:
    while outcomes:
        yield outcomes.pop(0)
