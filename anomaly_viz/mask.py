"""From scores to a clean binary mask: thresholds, then cleaning.

Thresholds: a fixed one (:func:`threshold_mask`), Otsu's from the map's
histogram (:func:`otsu_threshold`), and hysteresis (:func:`hysteresis_mask`).
Cleaning, both with a ``kernel_size`` square:

- :func:`open_close` (anomalib's): an opening removes specks smaller than
  the square, a closing fills holes and gaps smaller than it; the shapes
  of what remains are rounded off to the square.
- :func:`open_by_reconstruction`: erode, then let the eroded seeds grow
  back (``binary_propagation``) inside the original mask. Specks vanish as
  with an opening, but every region that survives keeps its exact shape,
  holes and thin parts included. Choose it when the outline of a defect
  matters (measuring its area, drawing its contour); choose
  ``open_close`` for anomalib's masks or to fill small holes.

Both treat the image border as if the edge pixels went on (the mask is
padded in NumPy's ``"edge"`` mode), so a defect on the border is treated
like one inside.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ._validate import (
    _as_array,
    as_masks,
    as_score_maps,
    check_connectivity,
    check_kernel_size,
    check_positive_int,
    check_real,
)


def structure(connectivity: int) -> np.ndarray:
    """The 3x3 neighbourhood of a pixel: 4 (a cross) or 8 (a square)."""
    if connectivity == 4:
        return np.array([[0, 1, 0], [1, 1, 1], [0, 1, 0]], bool)
    return np.ones((3, 3), bool)


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
    return np.greater(_as_array(scores, "scores"), threshold)


def _one_mask(mask: ArrayLike) -> np.ndarray:
    masks, is_batch = as_masks(mask, "mask")
    if is_batch:
        raise ValueError(f"mask must be one 2-D mask, got shape {np.shape(mask)}")
    return masks[0]


def otsu_threshold(scores: ArrayLike, bins: int = 256) -> float:
    """Otsu's threshold from the histogram of the finite scores.

    The scores are binned into `bins` equal bins between their minimum and
    maximum; the split between bins ``i`` and ``i + 1`` that maximises the
    between-class variance ``w0 * w1 * (m0 - m1) ** 2`` wins (the first
    one if several tie). The threshold is the largest score in bins
    ``0 .. i``, so that ``scores > threshold`` is exactly the upper class.
    (scikit-image returns the centre of bin ``i`` instead, which puts the
    scores in the upper half of that bin above the threshold.) For maps
    without a calibrated threshold.

    Parameters
    ----------
    scores : array_like
        Scores of any real dtype and shape; NaN and infinities are left out.
    bins : int, default 256
        Number of histogram bins; positive.

    Returns
    -------
    float
        The threshold; the map's value itself if all finite scores are
        equal (then nothing lies above it).

    Raises
    ------
    TypeError
        If `scores` is not real-valued or `bins` not an integer.
    ValueError
        If `scores` has no finite value or `bins` is less than 1.

    Examples
    --------
    Two groups of scores, around 0.1 and around 0.8: the threshold is the
    top of the lower group.

    >>> scores = np.array([[0.1, 0.12, 0.08, 0.1], [0.8, 0.82, 0.1, 0.79]])
    >>> t = otsu_threshold(scores)
    >>> t
    0.12
    >>> (scores > t).astype(int)
    array([[0, 0, 0, 0],
           [1, 1, 0, 1]])
    """
    bins = check_positive_int(bins, "bins")
    array = _as_array(scores, "scores")
    finite = array[np.isfinite(array)].astype(np.float64)
    if finite.size == 0:
        raise ValueError("scores must hold at least one finite value for Otsu's threshold")
    low, high = finite.min(), finite.max()
    if low == high:
        return float(low)
    counts, edges = np.histogram(finite, bins=bins, range=(low, high))
    centres = (edges[:-1] + edges[1:]) / 2
    weight_low = np.cumsum(counts)[:-1]  # pixels in bins 0..i, for each split i
    weight_high = finite.size - weight_low
    sum_low = np.cumsum(counts * centres)[:-1]
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_low = sum_low / weight_low
        mean_high = (np.dot(counts, centres) - sum_low) / weight_high
        between = weight_low * weight_high * (mean_low - mean_high) ** 2
    split = int(np.nanargmax(between))
    return float(finite[finite < edges[split + 1]].max())  # bins 0..split, half-open


def hysteresis_mask(
    scores: ArrayLike, low: float, high: float, connectivity: int = 8
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
    >>> hysteresis_mask(scores, low=0.4, high=0.8).astype(int)
    array([[1, 1, 0, 0, 0],
           [1, 1, 0, 0, 0]])
    """
    low, high = check_real(low, "low"), check_real(high, "high")
    if low > high:
        raise ValueError(f"low must not exceed high, got low={low}, high={high}")
    connectivity = check_connectivity(connectivity)
    maps, is_batch = as_score_maps(scores, "scores")
    if is_batch:
        raise ValueError(f"scores must be one 2-D map, got shape {np.shape(scores)}")
    from scipy import ndimage

    candidates = maps[0] > low
    return ndimage.binary_propagation(
        maps[0] > high, structure=structure(connectivity), mask=candidates
    )


def open_by_reconstruction(mask: ArrayLike, kernel_size: int, connectivity: int = 8) -> np.ndarray:
    """Erode with a square, then grow back inside the mask.

    ``binary_propagation(binary_erosion(mask, square), mask=mask)``: a region
    survives if a ``kernel_size`` square fits inside it somewhere, and then
    comes back whole, with its exact outline (an opening would round it off
    to the square). The border is handled as in :func:`open_close`.

    Parameters
    ----------
    mask : array_like, shape (H, W)
        Truth values (non-zero is True).
    kernel_size : int
        Side of the square; 0 or 1 leave the mask as it is.
    connectivity : {8, 4}, default 8
        Which neighbours the regions grow back through.

    Returns
    -------
    ndarray of bool, shape (H, W)

    Raises
    ------
    TypeError
        If `kernel_size` is not an integer or `mask` is not real-valued.
    ValueError
        If `kernel_size` is negative, `connectivity` not 4 or 8, or `mask`
        not 2-D or empty.

    Examples
    --------
    An L-shaped region and a speck: the L keeps its thin arm, which an
    opening with the same square would cut off.

    >>> mask = np.zeros((6, 7), bool)
    >>> mask[1:3, 1:3] = True   # a 2x2 block
    >>> mask[3:5, 1] = True     # its thin arm
    >>> mask[2, 5] = True       # a speck
    >>> open_by_reconstruction(mask, 2).astype(int)
    array([[0, 0, 0, 0, 0, 0, 0],
           [0, 1, 1, 0, 0, 0, 0],
           [0, 1, 1, 0, 0, 0, 0],
           [0, 1, 0, 0, 0, 0, 0],
           [0, 1, 0, 0, 0, 0, 0],
           [0, 0, 0, 0, 0, 0, 0]])
    >>> open_close(mask, 2).astype(int)
    array([[0, 0, 0, 0, 0, 0, 0],
           [0, 1, 1, 0, 0, 0, 0],
           [0, 1, 1, 0, 0, 0, 0],
           [0, 0, 0, 0, 0, 0, 0],
           [0, 0, 0, 0, 0, 0, 0],
           [0, 0, 0, 0, 0, 0, 0]])
    """
    kernel_size = check_kernel_size(kernel_size)
    connectivity = check_connectivity(connectivity)
    binary = _one_mask(mask)
    if kernel_size <= 1:
        return binary
    from scipy import ndimage

    pad = 2 * kernel_size
    padded = np.pad(binary, pad, mode="edge")
    seeds = _erode(padded, kernel_size)
    grown = ndimage.binary_propagation(seeds, structure=structure(connectivity), mask=padded)
    return np.ascontiguousarray(grown[pad:-pad, pad:-pad])


def open_close(mask: ArrayLike, kernel_size: int) -> np.ndarray:
    """Binary opening, then closing, with a ``kernel_size`` square.

    Opening (erosion, then dilation) removes specks smaller than the
    square; closing (dilation, then erosion) fills holes and gaps smaller
    than it. Both are computed as if the image went on beyond its border by
    repeating its edge pixels, so a defect touching the border is treated
    like one inside: the mask is padded by ``2 * kernel_size`` pixels in
    NumPy's ``"edge"`` mode, opened and closed with a
    ``kernel_size`` x ``kernel_size`` square and cropped back. The result is
    exactly that of ``scipy.ndimage.binary_opening`` then
    ``binary_closing`` with ``np.ones((kernel_size, kernel_size), bool)``
    on the padded mask (the tests compare pixel for pixel); it is computed
    as separable row and column passes of shifted ANDs and ORs, many times
    faster. Even sizes give a true opening and closing (idempotent, no
    shift).

    Parameters
    ----------
    mask : array_like, shape (H, W)
        Truth values (any real dtype; non-zero is True).
    kernel_size : int
        Side of the square; 0 or 1 leave the mask as it is.

    Returns
    -------
    ndarray of bool, shape (H, W)
        A new array.

    Raises
    ------
    TypeError
        If `kernel_size` is not an integer or `mask` is not real-valued.
    ValueError
        If `kernel_size` is negative or `mask` is not 2-D or empty.

    Examples
    --------
    A 2x2 square and a lone pixel: opening with a 2x2 square keeps the
    first and removes the second (repeated beyond the right border, the
    pixel is a line one pixel tall, still too thin for the square).

    >>> mask = np.zeros((5, 5), bool)
    >>> mask[1:3, 1:3] = True
    >>> mask[3, 4] = True
    >>> open_close(mask, 2).astype(int)
    array([[0, 0, 0, 0, 0],
           [0, 1, 1, 0, 0],
           [0, 1, 1, 0, 0],
           [0, 0, 0, 0, 0],
           [0, 0, 0, 0, 0]])
    """
    kernel_size = check_kernel_size(kernel_size)
    binary = _one_mask(mask)
    if kernel_size <= 1:
        return binary
    pad = 2 * kernel_size
    padded = np.pad(binary, pad, mode="edge")
    opened = _dilate(_erode(padded, kernel_size), kernel_size)
    cleaned = _erode(_dilate(opened, kernel_size), kernel_size)
    return np.ascontiguousarray(cleaned[pad:-pad, pad:-pad])


# scipy.ndimage's binary erosion and dilation with np.ones((k, k)) and
# border_value=0, computed as two 1-D passes (a square is a row times a
# column) of k shifted ANDs or ORs: a few fast passes over bool arrays
# instead of a k*k neighbourhood per pixel. The square's centre is
# k // 2, as in scipy: erosion looks at offsets -c .. k-1-c, and dilation
# at the reflected offsets c-(k-1) .. c, so that an opening with an even
# square does not shift (tests compare with scipy pixel for pixel).


def _along(array: np.ndarray, axis: int, begin: int, end: int) -> np.ndarray:
    """``array[begin:end]`` along `axis` (a view)."""
    index = [slice(None)] * array.ndim
    index[axis] = slice(begin, end)
    return array[tuple(index)]


def _all_in_window(mask: np.ndarray, size: int, start: int, axis: int) -> np.ndarray:
    """``out[i] = all(mask[i + start : i + start + size])``; outside the array is False."""
    length = mask.shape[axis]
    out = np.zeros_like(mask)
    first, last = max(0, -start), min(length, length - (start + size - 1))
    if first < last:  # the i whose whole window lies inside
        result = _along(mask, axis, first + start, last + start).copy()
        for shift in range(1, size):
            result &= _along(mask, axis, first + start + shift, last + start + shift)
        _along(out, axis, first, last)[...] = result
    return out


def _any_in_window(mask: np.ndarray, size: int, start: int, axis: int) -> np.ndarray:
    """``out[i] = any(mask[i + start : i + start + size])``; outside the array is False."""
    length = mask.shape[axis]
    out = np.zeros_like(mask)
    for offset in range(start, start + size):
        begin, end = max(0, -offset), min(length, length - offset)
        if begin < end:
            target = _along(out, axis, begin, end)
            target |= _along(mask, axis, begin + offset, end + offset)
    return out


def _erode(mask: np.ndarray, size: int) -> np.ndarray:
    start = -(size // 2)
    return _all_in_window(_all_in_window(mask, size, start, 0), size, start, 1)


def _dilate(mask: np.ndarray, size: int) -> np.ndarray:
    start = size // 2 - (size - 1)
    return _any_in_window(_any_in_window(mask, size, start, 0), size, start, 1)
