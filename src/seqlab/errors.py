"""The one exception family of seqlab.

A student's failure is never one of these: it is a *result* in the report. These are raised only when
grading itself cannot happen (unknown assignment, unreadable configuration, a broken course).
"""


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
