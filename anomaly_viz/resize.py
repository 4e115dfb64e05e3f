"""Bilinear resizing of score maps with half-pixel centres.

Output pixel ``o`` of an axis resized from ``n_in`` to ``n_out`` samples the
input at ``s = (o + 0.5) * n_in / n_out - 0.5``, clamped to ``[0, n_in - 1]``
(the edge pixels repeat beyond the border). This is the convention of
``scipy.ndimage.zoom(order=1, grid_mode=True, mode="nearest")``, PIL and
torch's ``interpolate(..., align_corners=False)``. Shrinking does not
average (no anti-aliasing), as in scipy and torch.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike

from ._validate import as_score_maps, check_shape


def _axis_weights(n_in: int, n_out: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each output position: left source index, right source index, right weight."""
    source = (np.arange(n_out) + 0.5) * (n_in / n_out) - 0.5
    np.clip(source, 0, n_in - 1, out=source)
    left = np.floor(source).astype(np.intp)
    right = np.minimum(left + 1, n_in - 1)
    return left, right, source - left


def _columns(scores: np.ndarray, cols: tuple[np.ndarray, ...]) -> np.ndarray:
    """Linear interpolation along the columns (the map is still small here)."""
    left, right, weight = cols
    weight = weight.astype(scores.dtype)
    half = np.take(scores, left, axis=1)  # take keeps C order, scores[:, left] would not
    half *= 1 - weight
    half += np.take(scores, right, axis=1) * weight
    return half


def _rows(half: np.ndarray, rows: tuple[np.ndarray, ...]) -> np.ndarray:
    """Linear interpolation along the rows: whole contiguous rows are mixed."""
    top, bottom, weight = rows
    out = half[top]
    out *= 1 - weight
    out += half[bottom] * weight
    return out


def _interpolate(
    scores: np.ndarray, rows: tuple[np.ndarray, ...], cols: tuple[np.ndarray, ...]
) -> np.ndarray:
    """Separable linear interpolation: along columns, then along rows."""
    top, bottom, weight = rows
    return _rows(_columns(scores, cols), (top, bottom, weight.astype(scores.dtype)[:, np.newaxis]))


def resized_rows(scores: np.ndarray, shape: tuple[int, int]) -> Callable[[slice], np.ndarray]:
    """Rows of the bilinearly resized map, computed block by block on demand.

    For a checked float map: ``resized_rows(scores, shape)(rows)`` equals
    ``resize_bilinear(scores, shape)[rows]`` without ever building the whole
    resized map (the column pass runs once, on the small map; each call does
    the row pass for its rows). A map with NaN or infinities is resized whole
    by :func:`resize_bilinear`, whose rules for them need every row.
    """
    if scores.shape == tuple(shape):
        return lambda rows: scores[rows]
    if not np.isfinite(scores).all():
        whole = resize_bilinear(scores, shape)
        return lambda rows: whole[rows]
    height, width = shape
    half = _columns(scores, _axis_weights(scores.shape[1], width))
    top, bottom, weight = _axis_weights(scores.shape[0], height)
    weight = weight.astype(scores.dtype)[:, np.newaxis]
    return lambda rows: _rows(half, (top[rows], bottom[rows], weight[rows]))


def resize_bilinear(scores: ArrayLike, shape: tuple[int, int]) -> np.ndarray:
    """Resize a 2-D score map by bilinear interpolation.

    Scores are resized before they are coloured: interpolating between two
    colours of a colormap invents hues that no score has (between jet's blue
    and red lies purple, which jet never shows), while interpolating scores
    and colouring afterwards keeps every pixel on the colormap.

    Non-finite scores spread to the output pixels they weigh on (weight
    above zero): NaN gives NaN, ``+inf`` gives ``+inf``, ``-inf`` gives
    ``-inf``, and both infinities together give NaN.

    Parameters
    ----------
    scores : array_like, shape (H, W)
        A score map of any real dtype (leading axes of length 1 dropped).
    shape : tuple of int
        The output's ``(height, width)``, both positive.

    Returns
    -------
    ndarray, shape `shape`
        float32 for maps float32 holds exactly, float64 otherwise; a new
        array even when the shape is unchanged.

    Raises
    ------
    TypeError
        If `scores` is not real-valued or `shape` does not hold integers.
    ValueError
        If `scores` is not 2-D or is empty, or `shape` is not two positive
        integers.

    Examples
    --------
    Doubling a 2x2 map: the corners keep their values, the pixels between
    them are a quarter and three quarters of the way across.

    >>> resize_bilinear([[0.0, 4.0], [8.0, 12.0]], (4, 4))
    array([[ 0.,  1.,  3.,  4.],
           [ 2.,  3.,  5.,  6.],
           [ 6.,  7.,  9., 10.],
           [ 8.,  9., 11., 12.]])
    """
    maps, is_batch = as_score_maps(scores, "scores")
    if is_batch:
        raise ValueError(f"scores must be one 2-D map, got shape {np.shape(scores)}")
    array = maps[0]
    height, width = check_shape(shape)
    rows = _axis_weights(array.shape[0], height)
    cols = _axis_weights(array.shape[1], width)
    finite = np.isfinite(array)
    if finite.all():
        return _interpolate(array, rows, cols)
    out = _interpolate(np.where(finite, array, 0), rows, cols)
    touches = {
        value: _interpolate((array == value).astype(array.dtype), rows, cols) > 0
        for value in (np.inf, -np.inf)
    }
    nan_touches = _interpolate(np.isnan(array).astype(array.dtype), rows, cols) > 0
    out[touches[np.inf]] = np.inf
    out[touches[-np.inf]] = -np.inf
    out[nan_touches | (touches[np.inf] & touches[-np.inf])] = np.nan
    return out


def resize_nearest(mask: ArrayLike, shape: tuple[int, int]) -> np.ndarray:
    """Resize a 2-D mask (or labels) by nearest neighbour, half-pixel centres.

    Output pixel ``o`` takes input pixel ``floor((o + 0.5) * n_in / n_out)``:
    values are copied, never mixed, so a mask stays a mask.

    Parameters
    ----------
    mask : array_like, shape (h, w)
        Any array; its dtype is kept.
    shape : tuple of int
        The output's ``(height, width)``.

    Returns
    -------
    ndarray, shape `shape`
        A new array of the input's dtype.

    Raises
    ------
    TypeError, ValueError
        If `mask` is not 2-D or `shape` is not two positive integers.

    Examples
    --------
    >>> resize_nearest([[True, False], [False, True]], (4, 4)).astype(int)
    array([[1, 1, 0, 0],
           [1, 1, 0, 0],
           [0, 0, 1, 1],
           [0, 0, 1, 1]])
    """
    array = np.asarray(mask)
    if array.ndim != 2:
        raise ValueError(f"mask must be 2-D, got shape {array.shape}")
    height, width = check_shape(shape)
    rows = ((np.arange(height) + 0.5) * (array.shape[0] / height)).astype(np.intp)
    cols = ((np.arange(width) + 0.5) * (array.shape[1] / width)).astype(np.intp)
    return array[rows[:, np.newaxis], cols]
