"""Every exception seqlab defines, in two families.

:class:`SeqlabError` and its subclasses are raised only when grading itself cannot happen (an unknown
assignment, a bad option, a broken course, a grader fault): a student's failure is never one of these, it is
a *result* in the report.

:class:`SubmissionFailed` and :class:`SubmissionUnavailable` are what a hidden test sees when a call into the
student's code fails: they become failed tests with the student-facing message they carry (suite authors
import them from :mod:`seqlab.testing`).
"""

from __future__ import annotations

from collections.abc import Sequence


class SeqlabError(Exception):
    """Root of every error seqlab raises on purpose."""


class CourseError(SeqlabError):
    """The course (solutions/, grader/, assignments/) is missing or inconsistent."""


class SubmissionNotFound(SeqlabError):
    """The submission path holds no gradeable file for the assignment."""


class ConfigError(SeqlabError, ValueError):
    """A setting has a bad value (an option, a course file); the message says which and where it came
    from. It is a ``ValueError`` too, as Python's own checks of a bad value are."""


#: The exit status of ``seqlab grade`` (and of an nbgrader kernel grading a notebook) for a GraderFault.
EXIT_GRADER_FAULT = 3


class GraderFault(SeqlabError):
    """Grading could not happen because of the grader, its installation or its sandbox (the worker could
    not start, could not import what it needs, ...), never because of the submission.

    It is reported to the operator and never scored: ``seqlab grade`` exits non-zero, a class gradebook
    stores nothing and grades the submission again on the next run.
    """


class SandboxUnavailable(GraderFault):
    """The sandbox is required (``--sandbox require``, the default of class grading and the Gradescope
    autograder), but a layer cannot be applied on this machine: the installation's fault, never scored."""


class CodecError(SeqlabError, ValueError):
    """A value cannot be encoded as plain data, or a message between grader and worker is malformed."""


class ClusterError(SeqlabError):
    """The cluster cannot grade: the scheduler is unreachable, it has no workers, or a worker differs."""


class ReconcileError(SeqlabError):
    """The gradebook cannot be opened or read (no gradebook, an unknown assignment or student)."""


class GradingUnavailable(SeqlabError):
    """seqlab could not grade the notebook (a broken course, a missing notebook): the cell earns nothing."""


class ChecksUnavailable(SeqlabError):
    """The public checks could not run (not the student's doing)."""


# -- a student's call failed (inside a hidden test) -------------------------------------------------------


class CallFailure:
    """What the student-facing failures carry.

    Attributes:
        function: the student's function that was called.
        status: the worker's status (``error``, ``timeout``, ``crash``, ``missing``, ``bad_return``, ...).
        error_type: the class name of the student's exception, when it raised one.
        error_mro: the class names of that exception's MRO (to check ``ValueError`` subclasses).
        student_message: the sentence shown in the feedback.
        traceback: the student's own frames of the traceback.
    """

    def __init__(
        self,
        function: str,
        status: str,
        student_message: str,
        *,
        error_type: str = "",
        error_mro: Sequence[str] = (),
        traceback: str = "",
    ) -> None:
        super().__init__(student_message)  # Exception or BaseException, by the subclass's bases
        self.function = function
        self.status = status
        self.student_message = student_message
        self.error_type = error_type
        self.error_mro = tuple(error_mro)
        self.traceback = traceback


class SubmissionFailed(CallFailure, Exception):
    """A call into the student's code raised an exception, which may depend on the input: hypothesis
    shrinks the input to the smallest one that fails."""


class SubmissionUnavailable(CallFailure, BaseException):
    """The student's function cannot be graded at all (not implemented, missing, hung, crashed, returned
    something that is not plain data, time budget spent). It derives from BaseException so hypothesis stops
    at once instead of shrinking an input that does not matter; pytest still records the test as failed."""
