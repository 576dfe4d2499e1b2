"""seqlab: autograded exercises on sequence models."""

__version__ = "0.1.0"
