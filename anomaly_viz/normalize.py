"""Scores to [0, 1]: the step between a raw anomaly map and a colour.

Every function here returns a new float array with values in [0, 1] and NaN
where the scores were NaN; ``+inf`` maps to 1 and ``-inf`` to 0. The float
type is float32 for maps whose values float32 holds exactly (bool, 8- and
16-bit integers, float16, float32) and float64 otherwise.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ._validate import _as_array, check_range, work_dtype


def _as_scores(scores: ArrayLike) -> np.ndarray:
    array = _as_array(scores, "scores")
    if array.size == 0:
        raise ValueError(f"scores must not be empty, got shape {array.shape}")
    return array.astype(work_dtype(array.dtype), copy=False)


def finite_range(scores: ArrayLike) -> tuple[float, float]:
    """Smallest and largest finite score.

    NaN and infinities are left out, so that one bad pixel cannot spoil the
    scale of all the others.

    Parameters
    ----------
    scores : array_like
        Scores of any real dtype and shape.

    Returns
    -------
    low, high : float
        The finite minimum and maximum; ``(0.0, 0.0)`` when no score is
        finite.

    Raises
    ------
    TypeError
        If `scores` is not real-valued.
    ValueError
        If `scores` is empty.

    Examples
    --------
    >>> finite_range([[0.5, np.nan], [-np.inf, 2.0]])
    (0.5, 2.0)
    >>> finite_range([np.nan, np.inf])
    (0.0, 0.0)
    """
    array = _as_scores(scores)
    low, high = np.min(array), np.max(array)
    if not (np.isfinite(low) and np.isfinite(high)):
        finite = array[np.isfinite(array)]
        if finite.size == 0:
            return 0.0, 0.0
        low, high = np.min(finite), np.max(finite)
    return float(low), float(high)


def rescale(scores: ArrayLike, low: float, high: float) -> np.ndarray:
    """Map ``[low, high]`` linearly onto [0, 1] and clip.

    ``v = clip((x - low) / (high - low), 0, 1)``. When ``low == high`` (a
    constant map) there is no scale to divide by: scores above ``low``
    become 1 and all others 0, so a constant map takes the lowest colour.

    Parameters
    ----------
    scores : array_like
        Scores of any real dtype and shape.
    low, high : float
        The scores that map to 0 and to 1; ``low <= high``.

    Returns
    -------
    ndarray
        float32 or float64 values in [0, 1], NaN where `scores` is NaN.

    Raises
    ------
    TypeError
        If `scores` is not real-valued.
    ValueError
        If `scores` is empty or ``low > high`` or either is NaN.

    Examples
    --------
    >>> rescale([[0, 5, 10], [15, 20, np.nan]], 5, 15)
    array([[0. , 0. , 0.5],
           [1. , 1. , nan]])
    >>> rescale(np.array([0, 5, 10], np.uint8), 0, 10)  # small ints: float32
    array([0. , 0.5, 1. ], dtype=float32)
    >>> rescale([3, 3, np.inf], 3, 3)
    array([0., 0., 1.])
    """
    array = _as_scores(scores)
    if not low <= high:  # also catches NaN
        raise ValueError(f"low must not exceed high, got low={low}, high={high}")
    dtype = array.dtype.type
    low, high = dtype(low), dtype(high)
    if low == high:
        result = (array > low).astype(array.dtype)
        result[np.isnan(array)] = np.nan
        return result
    with np.errstate(over="ignore"):
        span = high - low
    if not np.isfinite(span):  # the range overflows its float type: use halves in float64
        array = array.astype(np.float64) * 0.5
        low, span = np.float64(low) * 0.5, np.float64(high) * 0.5 - np.float64(low) * 0.5
    with np.errstate(invalid="ignore", over="ignore"):
        result = np.subtract(array, low)
        result /= span
    return np.clip(result, 0.0, 1.0, out=result)


def normalize_minmax(scores: ArrayLike) -> np.ndarray:
    """Min-max normalisation over the finite scores.

    Parameters
    ----------
    scores : array_like
        Scores of any real dtype and shape.

    Returns
    -------
    ndarray
        ``(x - min) / (max - min)`` in [0, 1]; all zeros (the lowest colour)
        for a constant map, NaN kept, ``+inf`` -> 1, ``-inf`` -> 0.

    Raises
    ------
    TypeError
        If `scores` is not real-valued.
    ValueError
        If `scores` is empty.

    Examples
    --------
    >>> normalize_minmax([[2, 4, 6], [8, 10, 12]])
    array([[0. , 0.2, 0.4],
           [0.6, 0.8, 1. ]])
    >>> normalize_minmax(np.full((2, 2), 7.0))
    array([[0., 0.],
           [0., 0.]])
    """
    return rescale(scores, *finite_range(scores))


def normalize_range(scores: ArrayLike, vmin: float, vmax: float) -> np.ndarray:
    """Normalisation to a fixed range, shared by every map of a data set.

    Parameters
    ----------
    scores : array_like
        Scores of any real dtype and shape.
    vmin, vmax : float
        Finite scores that map to 0 and to 1; anything outside is clipped.

    Returns
    -------
    ndarray
        ``clip((x - vmin) / (vmax - vmin), 0, 1)``, NaN kept.

    Raises
    ------
    TypeError
        If `scores` is not real-valued or `vmin`/`vmax` is not a number.
    ValueError
        If `scores` is empty or ``vmin >= vmax``.

    Examples
    --------
    >>> normalize_range([[0.0, 0.25, 0.5], [0.75, 1.0, 2.0]], vmin=0.0, vmax=0.5)
    array([[0. , 0.5, 1. ],
           [1. , 1. , 1. ]])
    """
    low, high = check_range(vmin, vmax)
    return rescale(scores, low, high)


def normalize_clip(scores: ArrayLike) -> np.ndarray:
    """Scores already meant to lie in [0, 1], clipped to it.

    This is ``normalize=False`` in the anomalib-compatible functions. A
    score of 1.2 clips to 1, where ``uint8(1.2 * 255)`` would wrap around to
    50, a cold colour.

    Parameters
    ----------
    scores : array_like
        Scores of any real dtype and shape.

    Returns
    -------
    ndarray
        ``clip(x, 0, 1)``, NaN kept.

    Raises
    ------
    TypeError
        If `scores` is not real-valued.
    ValueError
        If `scores` is empty.

    Examples
    --------
    >>> normalize_clip([-0.5, 0.25, 1.2])
    array([0.  , 0.25, 1.  ])
    """
    return rescale(scores, 0.0, 1.0)
