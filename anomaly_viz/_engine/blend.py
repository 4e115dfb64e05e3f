"""Blends in blocks of rows, and by a table of byte pairs: the engine's blend.

:func:`weighted_sum_into` computes the reference
:func:`anomaly_viz.blending.weighted_sum` into an output array a block of rows
at a time (float64 temporaries stay cache-sized, a float or uint16 image is
scaled to 0-255 one block at a time), and for two uint8 layers with one
weight each it looks the result up in a 256 x 256 table computed with the
very operations of the reference, so every byte is the same.

For most weights the table is not even needed: :func:`integer_weights`
finds small integers with ``floor((A * layer + B * image + C) / D)`` equal
to that table for all 65,536 byte pairs (checked pair by pair, once per
weights), which NumPy computes in uint16 a block at a time
(:func:`integer_sum_into`). anomalib's ``alpha = 0.4`` is ``(2 * layer + 3
* image + 2) // 5``. Weights whose results fall on a tie (``alpha = 0.5``
rounds half to even) or need clipping keep the table.
"""

from __future__ import annotations

import functools
from fractions import Fraction
from typing import NamedTuple

import numpy as np

from .blocks import rgb_rows

__all__ = ["IntegerWeights", "Weight", "integer_sum_into", "integer_weights", "weighted_sum_into"]

# Elements blended per step: float64 temporaries stay small (cache-sized)
# whatever the image size.
_CHUNK = 1 << 16

Weight = float | np.ndarray  # a number, or one weight per pixel, shape (H, W)


def _rows(weight: Weight, rows: slice) -> Weight:
    return weight if isinstance(weight, float) else weight[rows, :, np.newaxis]


def weighted_sum_into(
    out: np.ndarray,
    layer: np.ndarray | None,
    layer_weight: Weight,
    image: np.ndarray,
    image_weight: Weight,
    gamma: float,
) -> np.ndarray:
    """``out = clip(rint(layer_weight * layer + image_weight * image + gamma), 0, 255)``.

    `out` is a C-contiguous uint8 ``(H, W, 3)``; `image` a checked image
    ``(H, W, C)`` of any dtype :func:`~anomaly_viz._validate.as_images`
    takes, brought to RGB on the 0-255 scale chunk by chunk
    (:func:`~anomaly_viz._engine.blocks.rgb_rows`); `layer` is
    already on that scale, ``(H, W, 3)`` or ``(H, W, 1)`` (one value for all
    channels), or None (weight 0); the weights are floats or float64
    ``(H, W)`` arrays. Works through blocks of rows.
    """
    table = None
    if (
        isinstance(layer_weight, float)
        and isinstance(image_weight, float)
        and layer is not None
        and layer.dtype == np.uint8
        and image.dtype == np.uint8
        and layer.shape[-1] == 3
    ):
        table = _pair_table(layer_weight, image_weight, gamma)
    height, width = out.shape[:2]
    step = max(1, _CHUNK // (3 * width))
    for top in range(0, height, step):
        rows = slice(top, top + step)
        photo = rgb_rows(image, rows)
        if table is not None and layer is not None:
            _lookup_into(out[rows], layer[rows], photo, table)
            continue
        total = photo * _rows(image_weight, rows)
        if layer is not None:
            total += layer[rows] * _rows(layer_weight, rows)
        total += gamma
        np.rint(total, out=total)
        np.clip(total, 0, 255, out=total)
        out[rows] = total
    return out


@functools.lru_cache(maxsize=32)
def _pair_table(layer_weight: float, image_weight: float, gamma: float) -> np.ndarray:
    """The weighted sum for every pair of uint8 values, ``table[layer * 256 + image]``.

    Computed with the very operations of :func:`weighted_sum_into`, in the
    same order, so that looking a pair up gives the same byte.
    """
    layer = np.arange(256, dtype=np.uint8)[:, np.newaxis]
    image = np.arange(256, dtype=np.uint8)[np.newaxis, :]
    total = image * image_weight
    total = total + layer * layer_weight
    total += gamma
    np.rint(total, out=total)
    np.clip(total, 0, 255, out=total)
    table = total.astype(np.uint8).ravel()
    table.setflags(write=False)
    return table


def _lookup_into(
    out: np.ndarray, layer: np.ndarray, image: np.ndarray, table: np.ndarray
) -> np.ndarray:
    """``out = table[layer * 256 + image]`` for uint8 arrays, `out` C-contiguous."""
    pair = layer.astype(np.uint16, order="C")
    pair <<= 8
    pair |= image
    np.take(table, pair.reshape(-1), out=out.reshape(-1), mode="wrap")  # wrap: no buffering
    return out


class IntegerWeights(NamedTuple):
    """``floor((layer * layer_weight + image * image_weight + offset) / divisor)``."""

    layer_weight: int
    image_weight: int
    offset: int
    divisor: int


def _denominators(weight: float) -> list[int]:
    """Divisors worth trying for `weight`: its best fractions, then powers of two."""
    tried = {Fraction(weight).limit_denominator(limit).denominator for limit in range(1, 257)}
    return sorted(tried) + [1 << shift for shift in range(1, 9) if (1 << shift) not in tried]


@functools.lru_cache(maxsize=32)
def integer_weights(
    layer_weight: float, image_weight: float, gamma: float
) -> IntegerWeights | None:
    """Integers giving :func:`_pair_table`'s byte for every pair, or None.

    For each divisor D tried (the denominators of the best fractions of
    `layer_weight` up to 256, then the powers of two) and integer weights
    A, B next to ``layer_weight * D`` and ``image_weight * D``, the offsets
    C that work for a pair ``(h, i)`` with table value ``t`` are those with
    ``t * D <= A h + B i + C < (t + 1) * D``; the first (A, B, C, D) that
    works for all 65,536 pairs, with every sum below 65,536 (uint16), is
    returned. None when there is none (a tie rounded to even, a clipped
    sum): the caller keeps the table.

    >>> integer_weights(0.4, 0.6, 0.0)
    IntegerWeights(layer_weight=2, image_weight=3, offset=2, divisor=5)
    >>> integer_weights(0.5, 0.5, 0.0) is None  # 0.5 * (1 + 2) rounds half to even
    True
    """
    target = _pair_table(layer_weight, image_weight, gamma).astype(np.int64).reshape(256, 256)
    byte = np.arange(256, dtype=np.int64)
    for divisor in _denominators(layer_weight):
        for a in {int(np.floor(layer_weight * divisor)), int(np.ceil(layer_weight * divisor))}:
            for b in {int(np.floor(image_weight * divisor)), int(np.ceil(image_weight * divisor))}:
                if a < 0 or b < 0:
                    continue
                sums = (a * byte)[:, np.newaxis] + b * byte  # [layer, image]
                lowest = int(np.max(target * divisor - sums))
                highest = int(np.min((target + 1) * divisor - 1 - sums))
                if 0 <= lowest <= highest and 255 * (a + b) + lowest < 1 << 16:
                    return IntegerWeights(a, b, lowest, divisor)
    return None


def integer_sum_into(
    out: np.ndarray,
    heat: np.ndarray,
    image: np.ndarray,
    weights: IntegerWeights,
    work: np.ndarray,
) -> None:
    """``out = (heat + image * B) // D`` in uint16, `heat` already ``A * layer + C``.

    `out` is uint8 ``(h, W, 3)``, `heat` the uint16 ``(h, W, 3)`` of the
    weighted layer plus the offset, `image` uint8 ``(h, W, 3)`` (a view is
    fine) and `work` a uint16 buffer of the same size; `heat` is
    overwritten.
    """
    work[...] = image  # widened, then multiplied: faster than one multiply that casts
    work *= weights.image_weight
    heat += work
    heat //= weights.divisor
    out[...] = heat
