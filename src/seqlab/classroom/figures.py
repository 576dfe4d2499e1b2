"""The class report's figures: PNGs drawn with matplotlib's Agg renderer, as ``data:`` URIs.

matplotlib (in the ``student`` extra) is imported only when a figure is drawn, and only
:class:`matplotlib.figure.Figure` is used, never pyplot, so no global backend or figure state changes.
Sizes and resolution are fixed and no version string is written, so the bytes depend only on the plot.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence
from typing import Any

from seqlab.classroom.statistics import FunctionRate
from seqlab.text_safety import clean

#: Every figure is drawn at this resolution; widths are fixed, heights depend only on the input.
DPI = 100
FIGURE_WIDTH = 6.4


def _label(text: str) -> str:
    """Text for a matplotlib label: ``$`` escaped so that no name is read as mathtext."""
    return clean(text).replace("$", r"\$")


def _png(figure: Any) -> str:
    """The figure as a ``data:`` URI; no version string is written, so the bytes depend only on the plot."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def histogram_png(edges: Sequence[float], counts: Sequence[int], assignment: str) -> str:
    """A bar histogram of ``counts`` over ``edges`` as a PNG data URI."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=(FIGURE_WIDTH, 3.2), dpi=DPI, layout="constrained")
    axes = figure.subplots()
    widths = [right - left for left, right in zip(edges, edges[1:], strict=False)]
    axes.bar(edges[:-1], counts, width=widths, align="edge", color="#2b6cb0", edgecolor="white")
    axes.set_xlim(edges[0], edges[-1])
    axes.set_xlabel("score")
    axes.set_ylabel("submissions")
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_title(_label(f"{assignment}: score distribution"))
    return _png(figure)


def pass_rate_png(rates: Sequence[FunctionRate], assignment: str) -> str:
    """Horizontal bars: the share of submissions with full points per function, first function on top."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import PercentFormatter

    height = 1.2 + 0.35 * max(1, len(rates))
    figure = Figure(figsize=(FIGURE_WIDTH, height), dpi=DPI, layout="constrained")
    axes = figure.subplots()
    positions = list(range(len(rates)))
    axes.barh(positions, [100 * rate.rate for rate in rates], color="#38a169")
    axes.set_yticks(positions, [_label(rate.name) for rate in rates])
    axes.invert_yaxis()
    axes.set_xlim(0, 100)
    axes.xaxis.set_major_formatter(PercentFormatter())
    axes.set_xlabel("submissions with full points")
    axes.set_title(_label(f"{assignment}: per-exercise pass rates"))
    return _png(figure)
