"""seqlab: autograded exercises on sequence models."""

__version__ = "0.2.0"
