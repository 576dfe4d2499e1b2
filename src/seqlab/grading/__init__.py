"""The grading pipeline: load a submission, run its hidden suite in an isolated worker, score it."""
