"""Thresholds: which scores are anomalous.

A fixed threshold keeps the scores strictly above it
(:func:`threshold_mask`, simply ``scores > threshold``: NaN never is).
Without a calibrated threshold, Otsu's method reads one off the map's
histogram (:func:`threshold_otsu`). Hysteresis keeps faint pixels only
where they touch strong ones (:func:`apply_hysteresis_threshold`). The
names and arguments follow scikit-image's functions of the same names.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from . import _dask
from ._validate import _as_array, as_one_map, check_connectivity, check_positive_int, check_real
from .morphology import structure

__all__ = [
    "MAX_BINS",
    "apply_hysteresis_threshold",
    "otsu_split",
    "threshold_mask",
    "threshold_otsu",
]

#: The most histogram bins Otsu's threshold takes (more is a mistake, not a finer histogram).
MAX_BINS = 2**20


def threshold_mask(scores: ArrayLike, threshold: float) -> np.ndarray:
    """Pixels whose score is strictly greater than `threshold`.

    NaN is never anomalous (every comparison with NaN is false).

    Parameters
    ----------
    scores : array_like
        Scores of any real dtype and shape.
    threshold : float
        A number (not NaN); ``inf`` gives an empty mask.

    Returns
    -------
    ndarray of bool, the shape of `scores`

    Raises
    ------
    TypeError
        If `scores` is not real-valued or `threshold` not a number.
    ValueError
        If `threshold` is NaN.

    Examples
    --------
    >>> threshold_mask([[0.1, 0.5, 0.9], [0.5, np.nan, 1.0]], 0.5)
    array([[False, False,  True],
           [False, False,  True]])
    """
    threshold = check_real(threshold, "threshold")
    if _dask.is_dask(scores):
        return _dask.threshold_mask(scores, threshold)
    return np.greater(_as_array(scores, "scores"), threshold)


def threshold_otsu(scores: ArrayLike, nbins: int = 256) -> float:
    """Otsu's threshold from the histogram of the finite scores.

    The finite scores are binned into `nbins` equal bins between their
    minimum and maximum; the split between bins ``i`` and ``i + 1`` that
    maximises the between-class variance ``w0 * w1 * (m0 - m1) ** 2`` wins
    (the first one if several tie). The threshold is the largest score in
    bins ``0 .. i``, so that ``scores > threshold`` is exactly the upper
    class. (scikit-image returns the centre of bin ``i`` instead, which puts
    the scores in the upper half of that bin above the threshold.) For maps
    without a calibrated threshold.

    The histogram is taken of ``u = (x - min) / (max - min)`` in [0, 1]
    (``x / 2 - min / 2`` over ``max / 2 - min / 2`` when the span overflows
    float64), with bin centres ``(i + 0.5) / bins``: Otsu's split does not
    change under such a rescaling, and maps whose scores are nearly equal,
    subnormal, near the float limits or huge integers are handled like any
    other.

    Parameters
    ----------
    scores : array_like
        Scores of any real dtype and shape; NaN and infinities are left out.
    nbins : int, default 256
        Number of histogram bins; from 2 to ``MAX_BINS`` (2**20).

    Returns
    -------
    float
        The threshold; the map's value itself if all finite scores are
        equal (then nothing lies above it).

    Raises
    ------
    TypeError
        If `scores` is not real-valued or `nbins` not an integer.
    ValueError
        If `scores` has no finite value or `nbins` is less than 2.

    Examples
    --------
    Two groups of scores, around 0.1 and around 0.8: the threshold is the
    top of the lower group.

    >>> scores = np.array([[0.1, 0.12, 0.08, 0.1], [0.8, 0.82, 0.1, 0.79]])
    >>> t = threshold_otsu(scores)
    >>> t
    0.12
    >>> (scores > t).astype(int)
    array([[0, 0, 0, 0],
           [1, 1, 0, 1]])
    """
    bins = check_positive_int(nbins, "nbins")
    if bins < 2:
        raise ValueError(f"nbins must be at least 2 (two classes need two bins), got {bins}")
    if bins > MAX_BINS:
        raise ValueError(f"nbins must be at most {MAX_BINS}, got {bins}")
    if _dask.is_dask(scores):
        return _dask.threshold_otsu(scores, bins)
    array = _as_array(scores, "scores")
    finite = array[np.isfinite(array)].astype(np.float64)  # int64 beyond 2**53 rounds here
    if finite.size == 0:
        raise ValueError("scores must hold at least one finite value for Otsu's threshold")
    low, high = float(finite.min()), float(finite.max())
    if low == high:
        return low
    unit = _unit_interval(finite, low, high)
    counts, edges = np.histogram(unit, bins=bins, range=(0.0, 1.0))
    split = otsu_split(counts)
    return float(finite[unit < edges[split + 1]].max())  # bins 0..split, half-open


def otsu_split(counts: np.ndarray) -> int:
    """The bin ``i`` after which Otsu's split of a histogram lies (bins of equal width).

    The split maximising ``w0 * w1 * (m0 - m1) ** 2`` over the bin centres
    ``(i + 0.5) / bins``; the first one if several tie. The histogram must
    have at least two non-empty bins.

    >>> otsu_split(np.array([3, 1, 0, 0, 4]))
    1
    """
    bins = len(counts)
    centres = (np.arange(bins) + 0.5) / bins
    weight_low = np.cumsum(counts)[:-1]  # pixels in bins 0..i, for each split i
    weight_high = np.sum(counts) - weight_low
    sum_low = np.cumsum(counts * centres)[:-1]
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_low = sum_low / weight_low
        mean_high = (np.dot(counts, centres) - sum_low) / weight_high
    between = weight_low * weight_high * (mean_low - mean_high) ** 2
    return int(np.nanargmax(between))  # a split with both classes non-empty exists


def _unit_interval(values: np.ndarray, low: float, high: float) -> np.ndarray:
    """``(values - low) / (high - low)`` in float64, without overflow, for ``low < high``."""
    if np.isfinite(high - low):
        return (values - low) / (high - low)
    return (values / 2 - low / 2) / (high / 2 - low / 2)


def apply_hysteresis_threshold(
    scores: ArrayLike, low: float, high: float, *, connectivity: int = 8
) -> np.ndarray:
    """Regions seeded above `high` that grow through pixels above `low`.

    ``binary_propagation(scores > high, mask=scores > low)``: a pixel above
    `low` is kept only if it is connected (through pixels above `low`) to a
    pixel above `high`. Faint halos of strong defects stay, faint noise
    alone goes. With ``low == high`` it is the plain threshold.

    Parameters
    ----------
    scores : array_like, shape (H, W)
        Scores of any real dtype; NaN is never anomalous.
    low, high : float
        Thresholds, ``low <= high``, not NaN.
    connectivity : {8, 4}, default 8
        Whether diagonal neighbours connect.

    Returns
    -------
    ndarray of bool, shape (H, W)

    Raises
    ------
    TypeError
        If `scores` is not real-valued or a threshold not a number.
    ValueError
        If a threshold is NaN, ``low > high``, `connectivity` is not 4 or 8,
        or `scores` is not 2-D.

    Examples
    --------
    The left blob reaches 0.9, the right one only 0.5:

    >>> scores = np.array([[0.6, 0.9, 0.0, 0.5, 0.5],
    ...                    [0.6, 0.6, 0.0, 0.5, 0.0]])
    >>> apply_hysteresis_threshold(scores, low=0.4, high=0.8).astype(int)
    array([[1, 1, 0, 0, 0],
           [1, 1, 0, 0, 0]])
    """
    low, high = check_real(low, "low"), check_real(high, "high")
    if low > high:
        raise ValueError(f"low must not exceed high, got low={low}, high={high}")
    connectivity = check_connectivity(connectivity)
    if _dask.is_dask(scores):
        return _dask.hysteresis(scores, low, high, connectivity)
    array = as_one_map(scores, "scores")
    from scipy import ndimage

    candidates = array > low
    return ndimage.binary_propagation(
        array > high, structure=structure(connectivity), mask=candidates
    )
