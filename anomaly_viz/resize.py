"""Bilinear resizing of score maps with half-pixel centres.

Output pixel ``o`` of an axis resized from ``n_in`` to ``n_out`` samples the
input at ``s = (o + 0.5) * n_in / n_out - 0.5``, clamped to ``[0, n_in - 1]``
(the edge pixels repeat beyond the border), and mixes the two input pixels
around ``s`` linearly; the two axes are done one after the other. This is
the rule of ``scipy.ndimage.zoom(order=1, grid_mode=True, mode="nearest")``
(up to float rounding, as are the two below); of PIL's bilinear
``Image.resize`` when enlarging only (PIL averages when shrinking); of
OpenCV's ``cv2.resize(..., interpolation=cv2.INTER_LINEAR)`` on float32
maps; and of torch's ``interpolate(mode="bilinear", align_corners=False,
antialias=False)`` (within 1e-4 of the range for float32 maps, whose
sampling positions torch computes in float32). ``benchmarks/parity.py``
checks each of these. Shrinking does not average (no anti-aliasing), as
in scipy.

Two promises beyond those libraries:

- no resized value leaves the range of the values it was interpolated
  from, so a constant map stays exactly constant (the plain
  ``a * (1 - w) + b * w`` can round one step above ``max(a, b)``);
- the weights come from exact integer arithmetic, so an output pixel that
  falls on an input pixel takes it whole, and a NaN next to it does not
  spread through a weight of 1e-16 left by rounding.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from . import _engine
from ._engine.blocks import row_blocks
from ._validate import _as_array, _stack_of_2d, as_one_map, check_shape


class _Axis(NamedTuple):
    """How one axis is resampled: per output position, two source indices."""

    near: np.ndarray  # the source index nearer to the sampled position
    far: np.ndarray  # the other one (equal to `near` at the edges)
    weight: np.ndarray  # of `far`, in [0, 0.5], in the map's float dtype


def _axis(n_in: int, n_out: int, dtype: np.dtype) -> _Axis:
    """Source indices and weights along one axis, from integers.

    ``s = num / den`` with ``num = (2o + 1) * n_in - n_out`` and
    ``den = 2 * n_out``: the floor of ``s`` and its fraction ``rest / den``
    are exact, and only the final division rounds.
    """
    den = 2 * n_out
    num = (2 * np.arange(n_out, dtype=np.int64) + 1) * n_in - n_out
    np.clip(num, 0, (n_in - 1) * den, out=num)  # the edge pixels repeat
    left, rest = np.divmod(num, den)
    right = np.minimum(left + 1, n_in - 1)
    left_is_near = 2 * rest <= den
    near = np.where(left_is_near, left, right).astype(np.intp)
    far = np.where(left_is_near, right, left).astype(np.intp)
    weight = np.where(left_is_near, rest, den - rest) / den
    return _Axis(near, far, weight.astype(dtype))


def _lerp(near: np.ndarray, far: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """``near + (far - near) * weight`` for weights in [0, 0.5], into `far`.

    Never outside ``[min(near, far), max(near, far)]``, provided ``far - near``
    does not overflow: for ``near <= far`` (the other case is symmetric),
    ``d = fl(far - near)`` is at most ``(far - near)(1 + u)`` and
    ``t = fl(d * weight)`` at most ``(far - near)(1 + u)^2 / 2``, less than
    ``far - near``; so ``near <= near + t < far``, and rounding, monotone,
    cannot pass the representable ends.
    """
    far -= near
    far *= weight
    far += near
    return far


def _lerp_clamped(near: np.ndarray, far: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """``near * (1 - weight) + far * weight`` clipped to the range of the two.

    For maps whose differences overflow (finite scores beyond half the
    largest float), where :func:`_lerp` cannot be used.
    """
    low, high = np.minimum(near, far), np.maximum(near, far)
    with np.errstate(over="ignore"):
        out = near * (1 - weight)
        out += far * weight
    np.clip(out, low, high, out=out)
    # NumPy's clip may keep -0.0 or 0.0 for a zero between bounds of the two
    # signs, depending on the array's length: + 0.0 makes every zero 0.0.
    out += 0.0
    return out


Lerp = Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]


def _lerp_for(scores: np.ndarray) -> Lerp:
    """:func:`_lerp` when no two finite scores of the map differ by more than the largest float."""
    limit = np.finfo(scores.dtype).max / 2
    for rows in row_blocks(*scores.shape):
        magnitude = np.abs(scores[rows])
        if np.max(magnitude, where=np.isfinite(magnitude), initial=0) > limit:
            return _lerp_clamped
    return _lerp


def _interpolate(scores: np.ndarray, rows: _Axis, cols: _Axis, lerp: Lerp) -> np.ndarray:
    """Linear interpolation along the columns, then along the rows, of finite scores."""
    # take keeps C order, scores[:, index] would not
    half = lerp(np.take(scores, cols.near, axis=1), np.take(scores, cols.far, axis=1), cols.weight)
    return lerp(half[rows.near], half[rows.far], rows.weight[:, np.newaxis])


def _spread(flags: np.ndarray, rows: _Axis, cols: _Axis) -> np.ndarray:
    """The output pixels on which a flagged source pixel has a weight above zero."""
    half = np.take(flags, cols.near, axis=1)
    half |= np.take(flags, cols.far, axis=1) & (cols.weight > 0)
    out = half[rows.near]
    out |= half[rows.far] & (rows.weight > 0)[:, np.newaxis]
    return out


def _resize(scores: np.ndarray, rows: _Axis, cols: _Axis, lerp: Lerp) -> np.ndarray:
    """Resize float `scores` (as `rows` and `cols` index it); NaN and infinities spread."""
    finite = np.isfinite(scores)
    if finite.all():
        return _interpolate(scores, rows, cols, lerp)
    out = _interpolate(np.where(finite, scores, 0), rows, cols, lerp)
    positive = _spread(scores == np.inf, rows, cols)
    negative = _spread(scores == -np.inf, rows, cols)
    nan = _spread(np.isnan(scores), rows, cols)
    nan |= positive & negative
    out[positive] = np.inf
    out[negative] = -np.inf
    out[nan] = np.nan
    return out


def resize_bilinear(scores: ArrayLike, shape: tuple[int, int]) -> np.ndarray:
    """Resize a 2-D score map by bilinear interpolation.

    Scores are resized before they are coloured: interpolating between two
    colours of a colormap invents hues that no score has (between jet's blue
    and red lies purple, which jet never shows), while interpolating scores
    and colouring afterwards keeps every pixel on the colormap.

    Each output value lies between the smallest and the largest of the
    (up to four) input values it is interpolated from: a constant map stays
    exactly constant. Non-finite scores spread to the output pixels they
    weigh on (weight above zero): NaN gives NaN, ``+inf`` gives ``+inf``,
    ``-inf`` gives ``-inf``, and both infinities together give NaN.

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

    A NaN spreads to the pixels it weighs on:

    >>> resize_bilinear([[0.0, np.nan, 4.0]], (1, 6))
    array([[ 0., nan, nan, nan, nan,  4.]])
    """
    array = as_one_map(scores, "scores")
    height, width = check_shape(shape)
    if array.shape == (height, width):
        return array.copy()
    if _engine.ENABLED:
        return _resize_engine.resize(array, (height, width))
    rows = _axis(array.shape[0], height, array.dtype)
    cols = _axis(array.shape[1], width, array.dtype)
    return _resize(array, rows, cols, _lerp_for(array))


def resize_nearest(mask: ArrayLike, shape: tuple[int, int]) -> np.ndarray:
    """Resize a 2-D mask (or labels) by nearest neighbour, half-pixel centres.

    Output pixel ``o`` takes input pixel ``floor((o + 0.5) * n_in / n_out)``:
    values are copied, never mixed, so a mask stays a mask.

    Parameters
    ----------
    mask : array_like, shape (h, w)
        Real values of any dtype (bool, integer, float); the dtype is kept.
    shape : tuple of int
        The output's ``(height, width)``.

    Returns
    -------
    ndarray, shape `shape`
        A new array of the input's dtype.

    Raises
    ------
    TypeError
        If `mask` is not real-valued or `shape` does not hold integers.
    ValueError
        If `mask` is not 2-D or is empty, or `shape` is not two positive
        integers.

    Examples
    --------
    >>> resize_nearest([[True, False], [False, True]], (4, 4)).astype(int)
    array([[1, 1, 0, 0],
           [1, 1, 0, 0],
           [0, 0, 1, 1],
           [0, 0, 1, 1]])
    """
    array = _stack_of_2d(_as_array(mask, "mask"), "mask", one=True)
    height, width = check_shape(shape)
    rows = (2 * np.arange(height, dtype=np.int64) + 1) * array.shape[0] // (2 * height)
    cols = (2 * np.arange(width, dtype=np.int64) + 1) * array.shape[1] // (2 * width)
    return array[rows[:, np.newaxis], cols]


from ._engine import resize as _resize_engine  # noqa: E402 (it builds on the functions above)

__all__ = ["resize_bilinear", "resize_nearest"]
