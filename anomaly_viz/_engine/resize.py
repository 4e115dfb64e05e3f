"""Resizing row block by row block: the engine's bilinear resize.

:func:`resized_rows` gives the rows of the reference
:func:`anomaly_viz.resize.resize_bilinear` a block at a time, each block
reading only the source pixels it is interpolated from, so a resized map is
never built whole; the arithmetic is the reference's own, pixel for pixel.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..resize import _Axis, _axis, _lerp_for, _resize
from .blocks import row_blocks

__all__ = ["resize", "resized_rows"]


def _sources(
    near: np.ndarray, far: np.ndarray
) -> tuple[slice | np.ndarray, np.ndarray, np.ndarray]:
    """What to take from the map for these source indices, and the indices within it.

    A slice from the smallest index to the largest when that range is not
    much longer than the indices (a view of the map: enlarging, or shrinking
    a little); otherwise the used indices alone, so that a map much larger
    than the output is never read whole.
    """
    first = int(min(near.min(), far.min()))
    last = int(max(near.max(), far.max()))
    if last - first < 2 * len(near) + 2:
        return slice(first, last + 1), near - first, far - first
    used = np.union1d(near, far)
    return used, np.searchsorted(used, near), np.searchsorted(used, far)


def resized_rows(scores: np.ndarray, shape: tuple[int, int]) -> Callable[[slice], np.ndarray]:
    """Rows of the bilinearly resized map, computed block by block on demand.

    For a checked float map: ``resized_rows(scores, shape)(rows)`` equals
    ``resize_bilinear(scores, shape)[rows]`` (which is made of such calls).
    Each call reads only the source pixels its rows are interpolated from,
    so its memory is a few times the block's, whatever the sizes and
    whether the map holds NaN or infinities; the whole resized map is never
    built. When the shape is the map's, the rows are views of the map.
    """
    if scores.shape == tuple(shape):
        return lambda rows: scores[rows]
    height, width = shape
    row_axis = _axis(scores.shape[0], height, scores.dtype)
    col_axis = _axis(scores.shape[1], width, scores.dtype)
    select_cols, near_col, far_col = _sources(col_axis.near, col_axis.far)
    cols = _Axis(near_col, far_col, col_axis.weight)
    lerp = _lerp_for(scores)

    def block(rows: slice) -> np.ndarray:
        select_rows, near_row, far_row = _sources(row_axis.near[rows], row_axis.far[rows])
        if isinstance(select_rows, slice) or isinstance(select_cols, slice):
            sources = scores[select_rows, select_cols]
        else:
            sources = scores[np.ix_(select_rows, select_cols)]
        return _resize(sources, _Axis(near_row, far_row, row_axis.weight[rows]), cols, lerp)

    return block


def resize(scores: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """The whole resized map, filled block by block from :func:`resized_rows`."""
    rows_of = resized_rows(scores, shape)
    out = np.empty(shape, scores.dtype)
    for rows in row_blocks(*shape):
        out[rows] = rows_of(rows)
    return out
