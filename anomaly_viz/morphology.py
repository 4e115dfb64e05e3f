"""Cleaning a binary mask: openings and closings.

After a threshold (:mod:`anomaly_viz.thresholds`), a mask is cleaned with a
``kernel_size`` structuring element:

- :func:`open_close` (this package's default): an opening removes specks
  smaller than a ``kernel_size`` square, a closing fills holes and gaps
  smaller than it; the shapes of what remains are rounded off to the
  square.
- :func:`open_disk` (anomalib's ``compute_mask``): an opening only, with a
  disk of radius ``kernel_size`` (side ``2 * kernel_size + 1``), the image
  mirrored beyond its border.
- :func:`open_by_reconstruction`: erode with the square, then let the
  eroded seeds grow back (``binary_propagation``) inside the original mask.
  Specks vanish as with an opening, but every region that survives keeps
  its exact shape, holes and thin parts included. Choose it when the
  outline of a defect matters (measuring its area, drawing its contour).

The square's border rule (:func:`open_close`, :func:`open_by_reconstruction`):
outside the image is neutral for each step, so an erosion sees foreground
there and a dilation background (``scipy.ndimage.binary_erosion(...,
border_value=1)`` and ``binary_dilation(..., border_value=0)``): a speck in
a corner goes like one inside for ``kernel_size >= 3``, and a region along
the border keeps its pixels up to the border. (With a 2x2 square, whose
centre is its lower-right pixel as in scipy, a speck in the top-left corner
stays: the square's other pixels all lie outside the image there.)
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from . import _dask, _engine
from ._engine import morphology as _morphology
from ._validate import as_one_mask, check_connectivity, check_kernel_size, check_non_negative_int

__all__ = ["disk", "open_by_reconstruction", "open_close", "open_disk", "structure"]


def structure(connectivity: int) -> np.ndarray:
    """The 3x3 neighbourhood of a pixel: 4 (a cross) or 8 (a square)."""
    if connectivity == 4:
        return np.array([[0, 1, 0], [1, 1, 1], [0, 1, 0]], bool)
    return np.ones((3, 3), bool)


def open_by_reconstruction(
    mask: ArrayLike, kernel_size: int, *, connectivity: int = 8
) -> np.ndarray:
    """Erode with a square, then grow back inside the mask.

    ``binary_propagation(binary_erosion(mask, square, border_value=1),
    mask=mask)``: a region survives if a ``kernel_size`` square fits inside
    it somewhere (outside the image counting as foreground, as in
    :func:`open_close`), and then comes back whole, with its exact outline
    (an opening would round it off to the square).

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

    >>> mask = np.zeros((7, 8), bool)
    >>> mask[2:4, 2:4] = True   # a 2x2 block
    >>> mask[4:6, 2] = True     # its thin arm
    >>> mask[3, 6] = True       # a speck
    >>> open_by_reconstruction(mask, 2).astype(int)
    array([[0, 0, 0, 0, 0, 0, 0, 0],
           [0, 0, 0, 0, 0, 0, 0, 0],
           [0, 0, 1, 1, 0, 0, 0, 0],
           [0, 0, 1, 1, 0, 0, 0, 0],
           [0, 0, 1, 0, 0, 0, 0, 0],
           [0, 0, 1, 0, 0, 0, 0, 0],
           [0, 0, 0, 0, 0, 0, 0, 0]])
    >>> open_close(mask, 2).astype(int)
    array([[0, 0, 0, 0, 0, 0, 0, 0],
           [0, 0, 0, 0, 0, 0, 0, 0],
           [0, 0, 1, 1, 0, 0, 0, 0],
           [0, 0, 1, 1, 0, 0, 0, 0],
           [0, 0, 0, 0, 0, 0, 0, 0],
           [0, 0, 0, 0, 0, 0, 0, 0],
           [0, 0, 0, 0, 0, 0, 0, 0]])
    """
    kernel_size = check_kernel_size(kernel_size)
    connectivity = check_connectivity(connectivity)
    if _dask.is_dask(mask):
        return _dask.reconstruct(mask, kernel_size, connectivity)
    binary = as_one_mask(mask)
    if kernel_size <= 1:
        return binary.copy()
    from scipy import ndimage

    seeds = erode_square(binary, kernel_size)
    return ndimage.binary_propagation(seeds, structure=structure(connectivity), mask=binary)


def erode_square(binary: np.ndarray, kernel_size: int) -> np.ndarray:
    """Erosion of a bool mask with a ``kernel_size`` square, outside the image foreground.

    The seeds of :func:`open_by_reconstruction`: the engine's erosion, or
    ``scipy.ndimage.binary_erosion(..., border_value=1)`` without it (the
    same pixels). Not checked: `binary` is a 2-D bool array.
    """
    if _engine.ENABLED:
        return _morphology.erode(binary, kernel_size)
    from scipy import ndimage

    return ndimage.binary_erosion(binary, _square(kernel_size, binary.shape), border_value=1)


def _square(side: int, shape: tuple[int, ...]) -> np.ndarray:
    """The ``side`` x ``side`` square, cut to ``2n - 1`` along an axis of length n.

    A square at least ``2n - 1`` wide reaches, from every pixel, across the
    whole axis (outside counting as neutral); so does the odd ``2n - 1``
    one, so both give the same result: a kernel wider than the map costs no
    more than one as wide as the map.
    """
    height, width = shape
    return np.ones((min(side, 2 * height - 1), min(side, 2 * width - 1)), bool)


def open_close(mask: ArrayLike, kernel_size: int) -> np.ndarray:
    """Binary opening, then closing, with a ``kernel_size`` square.

    Opening (erosion, then dilation) removes specks smaller than the
    square; closing (dilation, then erosion) fills holes and gaps smaller
    than it. Outside the image is neutral for each step: an erosion sees
    foreground there and a dilation background, so a speck in a corner
    goes like one inside, and a region along the border keeps its pixels
    up to the border. The result is that of
    ``scipy.ndimage.binary_erosion(..., border_value=1)`` and
    ``binary_dilation(..., border_value=0)`` with
    ``np.ones((kernel_size, kernel_size), bool)``, in the order
    erode, dilate, dilate, erode (the tests compare pixel for pixel). For
    odd sizes it is also scikit-image's ``opening`` then ``closing`` with
    ``mode="ignore"`` and OpenCV's ``morphologyEx`` ``MORPH_OPEN`` then
    ``MORPH_CLOSE`` with its default border (``benchmarks/parity.py``
    checks both); for even sizes both centre the square on another of its
    middle pixels, and OpenCV's even opening also shifts the mask. It is
    computed as separable row and column passes of shifted ANDs and
    ORs, and a kernel wider than the map costs no more than one as wide as
    the map. Even sizes give a true opening and closing (idempotent, no
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
    A 2x2 square and two lone pixels, one on the right edge and one in the
    bottom-left corner: opening with a 2x2 square keeps the first and
    removes both specks.

    >>> mask = np.zeros((6, 6), bool)
    >>> mask[2:4, 2:4] = True
    >>> mask[4, 5] = mask[5, 0] = True
    >>> open_close(mask, 2).astype(int)
    array([[0, 0, 0, 0, 0, 0],
           [0, 0, 0, 0, 0, 0],
           [0, 0, 1, 1, 0, 0],
           [0, 0, 1, 1, 0, 0],
           [0, 0, 0, 0, 0, 0],
           [0, 0, 0, 0, 0, 0]])

    A region one pixel from the border: the closing fills the gap to the
    border, as it fills a gap between two regions.

    >>> mask = np.zeros((6, 6), bool)
    >>> mask[1:4, 1:4] = True
    >>> open_close(mask, 3).astype(int)
    array([[1, 1, 1, 1, 0, 0],
           [1, 1, 1, 1, 0, 0],
           [1, 1, 1, 1, 0, 0],
           [1, 1, 1, 1, 0, 0],
           [0, 0, 0, 0, 0, 0],
           [0, 0, 0, 0, 0, 0]])
    """
    kernel_size = check_kernel_size(kernel_size)
    if _dask.is_dask(mask):
        return _dask.clean(mask, kernel_size, "open_close")
    binary = as_one_mask(mask)
    if kernel_size <= 1:
        return binary.copy()
    if _engine.ENABLED:
        return _morphology.open_close(binary, kernel_size)
    from scipy import ndimage

    square = _square(kernel_size, binary.shape)
    opened = ndimage.binary_dilation(
        ndimage.binary_erosion(binary, square, border_value=1), square, border_value=0
    )
    closed = ndimage.binary_erosion(
        ndimage.binary_dilation(opened, square, border_value=0), square, border_value=1
    )
    return closed


def disk(radius: int) -> np.ndarray:
    """The disk ``x**2 + y**2 <= radius**2`` as a bool array of side ``2 * radius + 1``.

    scikit-image's ``morphology.disk(radius)``, which anomalib's
    ``compute_mask`` opens with.

    Parameters
    ----------
    radius : int
        Non-negative; 0 gives the single pixel ``[[True]]``.

    Returns
    -------
    ndarray of bool, shape (2 * radius + 1, 2 * radius + 1)

    Raises
    ------
    TypeError
        If `radius` is not an integer.
    ValueError
        If `radius` is negative.

    Examples
    --------
    >>> disk(2).astype(int)
    array([[0, 0, 1, 0, 0],
           [0, 1, 1, 1, 0],
           [1, 1, 1, 1, 1],
           [0, 1, 1, 1, 0],
           [0, 0, 1, 0, 0]])
    """
    radius = check_non_negative_int(radius, "radius")
    rows, cols = np.ogrid[-radius : radius + 1, -radius : radius + 1]
    return rows * rows + cols * cols <= radius * radius


def open_disk(mask: ArrayLike, radius: int) -> np.ndarray:
    """Binary opening with a disk, the image mirrored beyond its border: anomalib's mask.

    anomalib's ``compute_mask`` is
    ``skimage.morphology.opening(mask, skimage.morphology.disk(kernel_size))``:
    an erosion, then a dilation, with the disk of :func:`disk`, and
    outside the image the image mirrored (``"reflect"``: ``c b a | a b c |
    c b a``). The mask is mirrored by ``2 * radius`` on every side (so
    that each eroded pixel the dilation needs sees everything it needs),
    eroded and dilated with ``scipy.ndimage`` and cropped back. When the
    disk reaches from any pixel to every other (``radius**2 >= (H - 1)**2
    + (W - 1)**2``) the answer is known without computing: the whole mask
    if it has no background pixel, else nothing.

    scikit-image gives the same pixels (the parity script checks it) for
    every radius below 4 times each side of the map longer than one pixel;
    beyond that, scipy.ndimage's mirrored border reads outside the image
    and its result holds values that are neither 0 nor 1, while this
    function gives the opening of the mirrored image.

    Parameters
    ----------
    mask : array_like, shape (H, W)
        Truth values (any real dtype; non-zero is True).
    radius : int
        The disk's radius; 0 leaves the mask as it is.

    Returns
    -------
    ndarray of bool, shape (H, W)
        A new array.

    Raises
    ------
    TypeError
        If `radius` is not an integer or `mask` is not real-valued.
    ValueError
        If `radius` is negative or `mask` is not 2-D or empty.

    Examples
    --------
    A 3x3 square and a lone pixel: a disk of radius 1 (a cross) fits in
    the square, so only the square's corners go; the lone pixel goes.

    >>> mask = np.zeros((5, 6), bool)
    >>> mask[1:4, 1:4] = True
    >>> mask[0, 5] = True
    >>> open_disk(mask, 1).astype(int)
    array([[0, 0, 0, 0, 0, 0],
           [0, 0, 1, 0, 0, 0],
           [0, 1, 1, 1, 0, 0],
           [0, 0, 1, 0, 0, 0],
           [0, 0, 0, 0, 0, 0]])
    """
    radius = check_non_negative_int(radius, "radius")
    if _dask.is_dask(mask):
        return _dask.clean(mask, radius, "anomalib")
    binary = as_one_mask(mask)
    height, width = binary.shape
    if radius == 0:
        return binary.copy()
    if radius * radius >= (height - 1) ** 2 + (width - 1) ** 2:
        return np.full(binary.shape, binary.all())
    if _engine.ENABLED:
        return _morphology.open_disk(binary, radius)
    from scipy import ndimage

    footprint = disk(radius)
    mirrored = np.pad(binary, 2 * radius, mode="symmetric")
    eroded = ndimage.binary_erosion(mirrored, footprint)[radius:-radius, radius:-radius]
    opened = ndimage.binary_dilation(eroded, footprint)
    return np.ascontiguousarray(opened[radius:-radius, radius:-radius])
