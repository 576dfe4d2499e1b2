"""Strategies for convolution and pooling hyper-parameters, valid by PyTorch's rules, and small images."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import strategies as st

__all__ = ["conv_configs", "invalid_conv_configs", "pool_configs", "image_batches", "conv_stacks"]


def _conv_fits(c: dict[str, int]) -> bool:
    return c["dilation"] * (c["f"] - 1) + 1 <= c["n"] + 2 * c["padding"]


def _raw_conv_configs(max_n: int) -> st.SearchStrategy[dict[str, int]]:
    return st.fixed_dictionaries(
        {
            "n": st.integers(1, max_n),
            "f": st.integers(1, 5),
            "padding": st.integers(0, 3),
            "stride": st.integers(1, 6),  # up to larger than the kernel
            "dilation": st.integers(1, 3),
        }
    )


def conv_configs(max_n: int = 16, dilation: bool = True) -> st.SearchStrategy[dict[str, int]]:
    """``{"n", "f", "padding", "stride", "dilation"}`` that ``torch.nn.Conv2d`` accepts (size 1 included)."""
    configs = _raw_conv_configs(max_n)
    if not dilation:
        configs = configs.map(lambda c: {**c, "dilation": 1})
    return configs.filter(_conv_fits)


def invalid_conv_configs() -> st.SearchStrategy[dict[str, int]]:
    """Configurations torch refuses: a filter larger than the padded input, or a size, stride or padding
    out of range."""
    too_large = _raw_conv_configs(6).filter(lambda c: not _conv_fits(c))
    out_of_range = st.fixed_dictionaries(
        {
            "n": st.integers(1, 8),
            "f": st.integers(1, 3),
            "padding": st.integers(0, 1),
            "stride": st.integers(1, 2),
        }
    ).flatmap(
        lambda c: st.sampled_from(
            [{**c, "stride": 0}, {**c, "padding": -1}, {**c, "f": 0}, {**c, "n": 0}, {**c, "dilation": 0}]
        )
    )
    return st.one_of(too_large, out_of_range).map(lambda c: {"dilation": 1, **c})


def pool_configs(max_n: int = 16) -> st.SearchStrategy[dict[str, Any]]:
    """``{"n", "f", "stride", "ceil_mode", "padding"}`` that ``torch.nn.MaxPool2d`` accepts."""

    def valid(c: dict[str, Any]) -> bool:
        s = c["stride"] or c["f"]
        span = c["n"] + 2 * c["padding"] - c["f"]
        out = (-(-span // s) if c["ceil_mode"] else span // s) + 1
        if c["ceil_mode"] and (out - 1) * s >= c["n"] + c["padding"]:
            out -= 1
        return c["padding"] <= c["f"] // 2 and out >= 1

    return st.fixed_dictionaries(
        {
            "n": st.integers(1, max_n),
            "f": st.integers(1, 5),
            "stride": st.one_of(st.none(), st.integers(1, 6)),
            "ceil_mode": st.booleans(),
            "padding": st.integers(0, 2),
        }
    ).filter(valid)


@st.composite
def image_batches(
    draw: st.DrawFn, *, max_batch: int = 2, max_channels: int = 3, min_size: int = 1, max_size: int = 9
) -> np.ndarray:
    """``(N, C, H, W)`` float64 images, non-square included, values in [-1, 1] from a drawn seed."""
    shape = (
        draw(st.integers(1, max_batch)),
        draw(st.integers(1, max_channels)),
        draw(st.integers(min_size, max_size)),
        draw(st.integers(min_size, max_size)),
    )
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    return rng.uniform(-1.0, 1.0, shape)


def conv_stacks(max_layers: int = 4) -> st.SearchStrategy[list[dict[str, int]]]:
    """Stacks of ``{"f", "stride", "dilation"}`` layers for receptive fields."""
    layer = st.fixed_dictionaries(
        {"f": st.integers(1, 7), "stride": st.integers(1, 3), "dilation": st.integers(1, 3)}
    )
    return st.lists(layer, min_size=1, max_size=max_layers)
