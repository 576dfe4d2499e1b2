"""Other tools' formats: Gradescope's autograder bundle and nbgrader's test cells."""
