"""Square morphology as separable shifted ANDs and ORs: the engine's opening and closing.

The reference (:func:`anomaly_viz.morphology.open_close`) erodes and dilates with
``scipy.ndimage`` and a k x k square; these functions give the same pixels
from two 1-D passes of k shifted logical operations, many times faster.
"""

from __future__ import annotations

import numpy as np

__all__ = ["dilate", "erode", "open_close"]

# scipy.ndimage's binary erosion with np.ones((k, k)) and border_value=1,
# and its dilation with border_value=0, computed as two 1-D passes (a square
# is a row times a column) of shifted ANDs or ORs: a few fast passes over
# bool arrays instead of a k*k neighbourhood per pixel. The square's centre
# is k // 2, as in scipy: erosion looks at offsets -c .. k-1-c, and dilation
# at the reflected offsets c-(k-1) .. c, so that an opening with an even
# square does not shift. Outside the array each pass sees its neutral value
# (True for AND, False for OR), so offsets of n or more along an axis of
# length n touch nothing and are skipped: at most 2n - 1 passes per axis.


def _along(array: np.ndarray, axis: int, begin: int, end: int) -> np.ndarray:
    """``array[begin:end]`` along `axis` (a view)."""
    index = [slice(None)] * array.ndim
    index[axis] = slice(begin, end)
    return array[tuple(index)]


def _window(mask: np.ndarray, size: int, start: int, axis: int, erode: bool) -> np.ndarray:
    """``out[i] = all (erode) or any of mask[i + start : i + start + size]`` along `axis`.

    Positions outside the array are left out (they hold the neutral value).
    """
    length = mask.shape[axis]
    out = np.full_like(mask, erode)
    combine = np.logical_and if erode else np.logical_or
    for offset in range(max(start, 1 - length), min(start + size, length)):
        begin, end = max(0, -offset), min(length, length - offset)
        target = _along(out, axis, begin, end)
        combine(target, _along(mask, axis, begin + offset, end + offset), out=target)
    return out


def erode(mask: np.ndarray, size: int) -> np.ndarray:
    """``binary_erosion(mask, np.ones((size, size)), border_value=1)``."""
    start = -(size // 2)
    return _window(_window(mask, size, start, 0, True), size, start, 1, True)


def dilate(mask: np.ndarray, size: int) -> np.ndarray:
    """``binary_dilation(mask, np.ones((size, size)), border_value=0)``."""
    start = size // 2 - (size - 1)
    return _window(_window(mask, size, start, 0, False), size, start, 1, False)


def open_close(mask: np.ndarray, size: int) -> np.ndarray:
    """Opening, then closing, of a bool mask with a ``size`` square (``size >= 2``)."""
    return erode(dilate(dilate(erode(mask, size), size), size), size)
