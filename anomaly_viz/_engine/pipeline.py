"""The per-map pipeline: resize rows, normalise, colour, blend, one block of rows at a time.

Every public function that turns a map into pixels (the heatmap, the
overlay in each mode, the RGBA heatmap, the figure's panels) goes through
these three functions, one map at a time. Each gives the bytes of the
reference composition written in :mod:`anomaly_viz.overlays`
(``resize_bilinear``, then the normalisation, ``quantize`` and the table,
then ``mode_weights`` and ``weighted_sum``), without ever making a
full-size float array.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from ..normalization import quantize
from .blend import weighted_sum_into
from .blocks import plain_rows, row_blocks
from .colour import colors_at
from .resize import resized_rows

__all__ = ["colours_into", "overlay_into", "rgba_into"]


def _score_blocks(scores: np.ndarray, size: tuple[int, int]) -> Iterator[tuple[slice, np.ndarray]]:
    """Blocks of rows of the map resized (as scores) to `size`."""
    rows_of = resized_rows(scores, size)
    for rows in row_blocks(*size):
        yield rows, rows_of(rows)


def colours_into(out: np.ndarray, scores: np.ndarray, fit: Any, table: np.ndarray) -> np.ndarray:
    """The heatmap colours of `scores`, resized to `out`'s height and width, into `out`."""
    for rows, block in _score_blocks(scores, out.shape[:2]):
        colors_at(fit.quantized(block, len(table) - 1), table, out=out[rows])
    return out


def rgba_into(out: np.ndarray, scores: np.ndarray, fit: Any, table: np.ndarray) -> np.ndarray:
    """Heatmap colours with the opacity ``rint(255 * v)`` (0 for NaN), into `out` (H, W, 4)."""
    for rows, block in _score_blocks(scores, out.shape[:2]):
        values = fit(block)  # normalised once, for the colours and the opacity
        out[rows, :, :3] = colors_at(quantize(values, len(table) - 1), table)
        opacity = np.nan_to_num(values * 255.0, nan=0.0)
        out[rows, :, 3] = np.rint(opacity, out=opacity)
    return out


def overlay_into(
    out: np.ndarray,
    image: np.ndarray,
    scores: np.ndarray,
    fit: Any,
    table: np.ndarray,
    mode: str,
    alpha: float,
    gamma: float,
    threshold: float | None,
) -> np.ndarray:
    """`scores` laid over `image` in `mode` (see :mod:`anomaly_viz.blending`), into `out`."""
    for rows, block in _score_blocks(scores, out.shape[:2]):
        target, photo = out[rows], image[rows]
        if mode == "blend":  # the colours alone: the fused quantized path
            colours = colors_at(fit.quantized(block, len(table) - 1), table)
            weighted_sum_into(target, colours, alpha, photo, 1.0 - alpha, gamma)
        else:
            _weighted_mode_into(target, mode, photo, fit(block), table, alpha, gamma)
        if threshold is not None:
            cold = ~(block > threshold)
            target[cold] = plain_rows(image, rows)[cold]
    return out


def _weighted_mode_into(
    target: np.ndarray,
    mode: str,
    photo: np.ndarray,
    values: np.ndarray,
    table: np.ndarray,
    alpha: float,
    gamma: float,
) -> None:
    """The modes whose weights vary per pixel (and ``gray``), for one block of rows."""
    v = np.nan_to_num(values.astype(np.float64), nan=0.0)
    if mode == "gray":
        grey = (v * 255.0)[..., np.newaxis]  # (h, W, 1): one grey for all channels
        weighted_sum_into(target, grey, alpha, photo, 1.0 - alpha, gamma)
        return
    weights = v * alpha
    if mode == "alpha":
        colours = colors_at(quantize(values, len(table) - 1), table)
        weighted_sum_into(target, colours, weights, photo, 1.0 - weights, gamma)
        return
    weights += 1.0 - alpha  # multiply
    weighted_sum_into(target, None, 0.0, photo, weights, gamma)
