"""nbgrader configuration of the seqlab course (stock nbgrader, run from this folder).

The instructor's source notebooks live in ``solutions/<id>/<id>.ipynb`` and the student release in
``assignments/<id>/``. Release with ``seqlab release <id>``: it rebuilds the source notebook, runs
``nbgrader generate_assignment <id> --force`` with this file, then adds the student module stub, the public
tests and their conftest.py beside the notebook (``nbgrader generate_assignment --force`` alone replaces the
whole ``assignments/<id>/`` folder with the notebook only, and the release-sync test then fails).
"""

c = get_config()  # noqa: F821  (nbgrader provides get_config when it loads this file)

c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "assignments"

# solutions/<id>/ also holds the lesson source, the reference module (the answers!) and the public tests'
# source; nbgrader copies every file of the source folder that it does not ignore, so ignore them. The
# student module and the public tests are written by `seqlab release` instead.
c.CourseDirectory.ignore = [
    ".ipynb_checkpoints",
    "*.pyc",
    "__pycache__",
    "feedback",
    "*.py",
    "public_tests",
    ".pytest_cache",
    ".hypothesis",
]

# Each graded function has an autograder test cell that calls seqlab (see src/seqlab/integrations/nbgrader.py): the
# first one grades the whole notebook with `seqlab grade`, which bounds the student's code itself (10 s a
# call, 300 s a submission by default). nbgrader's 30-second limit per cell would cut that grading short.
c.Execute.timeout = 900

# Feedback shows each test cell's result and seqlab's explanation, not its hidden-test region. (nbgrader keeps
# hidden tests in the feedback by default; the region here is only the call into seqlab, the hidden suite
# itself never leaves grader/, but students need not see even that.)
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "nbgrader.preprocessors.ClearHiddenTests",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]

# A stub says what it is: the notebook's tracebacks and seqlab's checks read "not implemented yet" (nbgrader's
# default stub raises NotImplementedError with no message at all).
c.ClearSolutions.code_stub = {
    "python": '# YOUR CODE HERE\nraise NotImplementedError("not implemented yet: replace this line with your code")'
}
