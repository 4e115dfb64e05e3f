"""Blends in blocks of rows, and by a table of byte pairs: the engine's blend.

:func:`weighted_sum_into` computes the reference
:func:`anomaly_viz.blending.weighted_sum` into an output array a block of rows
at a time (float64 temporaries stay cache-sized, a float or uint16 image is
scaled to 0-255 one block at a time), and for two uint8 layers with one
weight each it looks the result up in a 256 x 256 table computed with the
very operations of the reference, so every byte is the same.
"""

from __future__ import annotations

import functools

import numpy as np

from .blocks import rgb_rows

__all__ = ["Weight", "weighted_sum_into"]

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
    np.take(table, pair.reshape(-1), out=out.reshape(-1))
    return out
