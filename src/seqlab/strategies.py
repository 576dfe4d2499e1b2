"""Shared hypothesis strategies for hidden suites and oracle tests.

This module only re-exports; the strategies live in ``seqlab._strategies``.
"""

from seqlab._strategies import arrays as _arrays
from seqlab._strategies import convolution as _convolution
from seqlab._strategies import recurrent as _recurrent
from seqlab._strategies import series as _series
from seqlab._strategies import text as _text
from seqlab._strategies.arrays import *  # noqa: F403
from seqlab._strategies.convolution import *  # noqa: F403
from seqlab._strategies.recurrent import *  # noqa: F403
from seqlab._strategies.series import *  # noqa: F403
from seqlab._strategies.text import *  # noqa: F403

__all__ = [*_arrays.__all__, *_text.__all__, *_series.__all__, *_recurrent.__all__, *_convolution.__all__]
