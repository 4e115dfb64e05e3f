"""From scores to a clean binary mask: threshold, then opening and closing."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ._validate import _as_array, as_score_maps, check_kernel_size, check_real


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


def open_close(mask: ArrayLike, kernel_size: int) -> np.ndarray:
    """Binary opening, then closing, with a ``kernel_size`` square.

    Opening (erosion, then dilation) removes specks smaller than the
    square; closing (dilation, then erosion) fills holes and gaps smaller
    than it. Both are computed by :mod:`scipy.ndimage` as if the image went
    on beyond its border by repeating its edge pixels, so a defect touching
    the border is treated like one inside: the mask is padded by
    ``2 * kernel_size`` pixels in NumPy's ``"edge"`` mode, opened and closed
    with ``np.ones((kernel_size, kernel_size), bool)`` and cropped back.
    Even sizes give a true opening and closing (idempotent, no shift).

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
    maps, is_batch = as_score_maps(mask, "mask")
    if is_batch:
        raise ValueError(f"mask must be one 2-D mask, got shape {np.shape(mask)}")
    binary = maps[0] != 0
    if kernel_size <= 1:
        return binary
    from scipy import ndimage  # imported here: scipy.ndimage takes ~0.3 s to import

    pad = 2 * kernel_size
    square = np.ones((kernel_size, kernel_size), bool)
    padded = np.pad(binary, pad, mode="edge")
    cleaned = ndimage.binary_closing(ndimage.binary_opening(padded, square), square)
    return np.ascontiguousarray(cleaned[pad:-pad, pad:-pad])
