"""The attack submissions are data, not tests: never collect them (one of them is a hostile conftest.py)."""

collect_ignore = ["folders", "nbgrader", "reports", "submissions"]
