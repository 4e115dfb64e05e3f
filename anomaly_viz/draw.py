"""Masks and boxes drawn on images: region outlines, translucent fills, rectangles.

Every function works on copies: the inputs are never modified, and the
result is a new C-contiguous uint8 RGB image (or batch). Images are taken
as everywhere in the package (uint8 in 0-255, uint16 in 0-65535 or float
in [0, 1]; grey, RGB or RGBA); a float image is scaled by 255 and a uint16
image by 255 / 65535, and rounded half to even (``np.rint``) where
nothing is drawn on it. Masks may have any real dtype, non-zero meaning
True, so the 0/255 masks of :func:`~anomaly_viz.post_process.compute_mask` work as they
are. One mask may go over a batch of images and a batch of masks over one
image.

A region's contour is the region minus its erosion, with everything
outside the image counted as background, so a region touching the image
border is closed along the border. The contour holds OpenCV's
``findContours`` outline and equals it along the image border; it also
holds the pixels that touch the background only diagonally (OpenCV erodes
with a 3x3 cross, this package with a 3x3 square; ``benchmarks/parity.py``
checks both statements).

A box is ``(x1, y1, x2, y2)`` in pixel indices, x the column and y the
row, with ``x2`` and ``y2`` inclusive, as anomalib's boxes (and those of
:mod:`anomaly_viz.regions`) are: the box of one pixel is ``(x, y, x, y)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from ._engine.blocks import plain_rows, rgb_rows, row_blocks
from ._validate import (
    as_images,
    as_masks,
    as_one_map,
    check_alpha,
    check_batch,
    check_box_batch,
    check_boxes,
    check_choice,
    check_color,
    check_positive_int,
    check_real,
    check_same_size,
    not_a_batch,
)
from .resize import resize_bilinear
from .thresholds import threshold_mask

__all__ = [
    "draw_boxes",
    "draw_contours",
    "draw_isoline",
    "draw_masks",
    "fill_mask",
    "isoline",
    "mask_contour",
]

_STYLES = ("contour", "fill")

# What to draw: a mask argument and its name, the contour thickness (None:
# the whole region), and the colour and weight it is painted with.
_Layer = tuple[ArrayLike, str, int | None, np.ndarray, float]


def _outline(masks: np.ndarray, thickness: int) -> np.ndarray:
    """The contours of a bool ``(N, H, W)`` stack, each mask on its own."""
    from scipy import ndimage  # imported here: scipy.ndimage takes ~0.3 s to import

    square = np.ones((1, 3, 3), bool)  # a 3x3 square in each mask, never across the batch
    eroded = ndimage.binary_erosion(masks, structure=square, iterations=thickness, border_value=0)
    return masks & ~eroded


def _draw(image: ArrayLike, layers: Sequence[_Layer]) -> np.ndarray:
    """Paint `layers` in order on copies of the images.

    Each layer's pixels become ``clip(rint(alpha * color + (1 - alpha) *
    below), 0, 255)``, where ``below`` is the image (at full precision for a
    float or uint16 image) for the first layer and the uint8 picture drawn
    so far for the next ones, exactly as if the layers were drawn one call
    at a time. Pixels are independent, so this is done block of rows by
    block of rows.
    """
    images, is_batch = as_images(image)
    count = len(images)
    painted = []
    for mask, name, thickness, color, alpha in layers:
        masks, mask_batch = as_masks(mask, name)
        check_same_size(masks.shape[1:], name, images.shape[1:3], "image")
        count = check_batch(len(masks), count, name, "image")
        is_batch = is_batch or mask_batch
        regions = masks if thickness is None else _outline(masks, thickness)
        painted.append((regions, color, alpha))
    out = np.empty((count, *images.shape[1:3], 3), np.uint8)
    for index, picture in enumerate(out):
        image_index = index % len(images)
        for rows in row_blocks(*picture.shape[:2]):
            below = rgb_rows(images[image_index], rows)  # the image at full precision
            drawn = picture[rows]
            drawn[...] = below if below.dtype == np.uint8 else np.rint(below)
            for regions, color, alpha in painted:
                region = regions[index % len(regions)][rows]
                mixed = alpha * color + (1.0 - alpha) * below[region]  # masked pixels only
                drawn[region] = np.clip(np.rint(mixed), 0, 255)
                below = drawn
    return out if is_batch else out[0]


def mask_contour(mask: ArrayLike, thickness: int = 1) -> np.ndarray:
    """The outline of each region of a mask, `thickness` pixels wide.

    ``contour = mask & ~binary_erosion(mask, np.ones((3, 3)), iterations=thickness,
    border_value=0)``, by :mod:`scipy.ndimage`: the mask pixels within
    Chebyshev distance `thickness` of a background pixel. Outside the image
    counts as background (``border_value=0``), so a region touching the
    image border is outlined along the border too and its contour is
    closed; a full mask's contour is the image border. (It holds the outline
    OpenCV's ``findContours`` draws, and the pixels touching the background
    only diagonally.)

    Parameters
    ----------
    mask : array_like, shape (H, W) or (N, H, W)
        Truth values of any real dtype (non-zero is True, NaN refused);
        leading axes of length 1 are allowed. A 3-D array is a batch, each
        mask outlined on its own.
    thickness : int, default 1
        Width of the outline in pixels; positive. A region no wider than
        ``2 * thickness`` is its own contour.

    Returns
    -------
    ndarray of bool, the shape of `mask`
        A new C-contiguous array, True on the contour.

    Raises
    ------
    TypeError
        If `thickness` is not an integer (or is a bool) or `mask` is not
        real-valued.
    ValueError
        If `thickness` is less than 1, or `mask` is empty, holds NaN or has
        the wrong number of dimensions.

    Examples
    --------
    A 3x3 square in a 5x5 mask: a ring of 8 pixels around its centre.

    >>> mask = np.zeros((5, 5), np.uint8)
    >>> mask[1:4, 1:4] = 255
    >>> mask_contour(mask).astype(int)
    array([[0, 0, 0, 0, 0],
           [0, 1, 1, 1, 0],
           [0, 1, 0, 1, 0],
           [0, 1, 1, 1, 0],
           [0, 0, 0, 0, 0]])

    A region on the border is closed along it:

    >>> mask_contour(np.ones((3, 4), bool)).astype(int)
    array([[1, 1, 1, 1],
           [1, 0, 0, 1],
           [1, 1, 1, 1]])
    """
    thickness = check_positive_int(thickness, "thickness")
    masks, _ = as_masks(mask)
    return _outline(masks, thickness).reshape(np.shape(mask))


def isoline(anomaly_map: ArrayLike, level: float, thickness: int = 1) -> np.ndarray:
    """The pixels where the score crosses `level`: the iso-line of a map.

    ``above = score > level`` (the package's threshold rule; NaN is never
    above), and the line is ``above & ~binary_erosion(above, np.ones((3,
    3)), iterations=thickness, border_value=1)``: the pixels above the level
    within Chebyshev distance `thickness` of a pixel at or below it. Unlike
    :func:`mask_contour`, outside the image counts as *above*: the image
    border is not a crossing, so a line reaching the border ends there, as
    a contour plot's lines do, and a map above the level everywhere has no
    line at all.

    Parameters
    ----------
    anomaly_map : array_like, shape (H, W)
        One map of scores, any real dtype.
    level : float
        The score of the line (e.g. the anomaly threshold); not NaN.
    thickness : int, default 1
        Width of the line in pixels; positive.

    Returns
    -------
    ndarray of bool, shape (H, W)
        True on the line.

    Raises
    ------
    TypeError
        If `anomaly_map` is not real-valued, `level` not a number or
        `thickness` not an integer.
    ValueError
        If `anomaly_map` is not one 2-D map or is empty, `level` is NaN, or
        `thickness` is less than 1.

    Examples
    --------
    >>> scores = np.array([[0.1, 0.2, 0.1, 0.1],
    ...                    [0.2, 0.9, 0.8, 0.1],
    ...                    [0.1, 0.8, 0.9, 0.7],
    ...                    [0.1, 0.1, 0.6, 0.9]])
    >>> isoline(scores, 0.5).astype(int)  # the corner 0.9 is inside: no crossing around it
    array([[0, 0, 0, 0],
           [0, 1, 1, 0],
           [0, 1, 1, 1],
           [0, 0, 1, 0]])
    >>> isoline(scores, 0.0).any()  # everything is above: no crossing
    np.False_
    """
    from scipy import ndimage

    thickness = check_positive_int(thickness, "thickness")
    level = check_real(level, "level")
    above = threshold_mask(as_one_map(anomaly_map, "anomaly_map"), level)
    inner = ndimage.binary_erosion(
        above, structure=np.ones((3, 3), bool), iterations=thickness, border_value=1
    )
    return above & ~inner


def draw_isoline(
    image: ArrayLike,
    anomaly_map: ArrayLike,
    level: float,
    *,
    color: ArrayLike | str = "white",
    thickness: int = 1,
) -> np.ndarray:
    """Draw the iso-line of a map at `level` (e.g. the threshold) on an image.

    The map is first resized, as scores, to the image's size
    (:func:`~anomaly_viz.resize.resize_bilinear`, the rule of
    :func:`~anomaly_viz.overlays.overlay`), so the line lies where an overlay's
    colours pass the level; then :func:`isoline` is painted in `color`.
    White reads on jet and on the perceptually uniform colormaps alike.

    Parameters
    ----------
    image : array_like, shape (H, W) or (H, W, C)
        One image, e.g. a heatmap or an overlay (uint8, uint16 or float in
        [0, 1]; grey, RGB or RGBA).
    anomaly_map : array_like, shape (h, w)
        One map of scores, at any size.
    level : float
        The score of the line; not NaN.
    color : str or sequence of three numbers, default "white"
        A matplotlib colour, or three numbers in 0-255.
    thickness : int, default 1

    Returns
    -------
    ndarray of uint8, shape (H, W, 3)
        A new RGB image.

    Raises
    ------
    TypeError, ValueError
        As :func:`isoline`, and for a bad image or colour, or a batch.

    Examples
    --------
    >>> image = np.zeros((4, 4), np.uint8)
    >>> scores = np.array([[0.0, 0.0], [0.0, 1.0]])  # resized to 4x4 as scores
    >>> draw_isoline(image, scores, 0.5, color=(255, 0, 0))[..., 0]
    array([[  0,   0,   0,   0],
           [  0,   0,   0,   0],
           [  0,   0, 255, 255],
           [  0,   0, 255,   0]], dtype=uint8)
    """
    images, is_batch = as_images(image)
    if is_batch:
        raise not_a_batch("image", np.shape(image))
    rgb = check_color(color)
    level = check_real(level, "level")
    thickness = check_positive_int(thickness, "thickness")
    scores = as_one_map(anomaly_map, "anomaly_map")
    size = images.shape[1:3]
    if scores.shape != size:
        scores = resize_bilinear(scores, size)
    line = isoline(scores, level, thickness)
    return _draw(images[0], [(line, "isoline", None, rgb, 1.0)])


def fill_mask(
    image: ArrayLike,
    mask: ArrayLike,
    color: ArrayLike = (255, 0, 0),
    alpha: float = 0.5,
) -> np.ndarray:
    """Tint the masked pixels of an image with a colour.

    Inside the mask ``result = clip(rint(alpha * color + (1 - alpha) * image), 0, 255)``,
    computed in float64 over the masked pixels only and rounded half to
    even as in :func:`~anomaly_viz.blending.blend`; outside it the image is unchanged.

    Parameters
    ----------
    image : array_like, shape (H, W), (H, W, C) or (N, H, W, C)
        uint8 in 0-255, uint16 in 0-65535 (scaled by 255 / 65535) or float
        in [0, 1] (scaled by 255); C is 1 (grey), 3 (RGB) or 4 (RGBA, alpha
        dropped). A 3-D array is one image.
    mask : array_like, shape (H, W) or (N, H, W)
        Truth values of any real dtype (non-zero is True), of the image's
        height and width. One mask may go over a batch of images, and a
        batch of masks over one image.
    color : str or sequence of 3 numbers, default (255, 0, 0)
        Any matplotlib colour (``"red"``, ``"#ff0000"``, ``"C1"``), or RGB
        numbers in 0-255.
    alpha : float, default 0.5
        Weight of `color`, in [0, 1]; the image gets ``1 - alpha``.

    Returns
    -------
    ndarray, uint8, shape (H, W, 3) or (N, H, W, 3)
        A new RGB image; a batch if `image` or `mask` is one.

    Raises
    ------
    TypeError
        If an argument has the wrong type or dtype.
    ValueError
        If `color` is not three numbers in 0-255, `alpha` is outside [0, 1]
        or not finite, `mask` and `image` differ in height or width, the
        batch sizes differ, or an array is badly shaped, empty, out of range
        or holds NaN.

    Examples
    --------
    A grey 1x2 image of 100, the second pixel masked: 0.5 * 255 + 0.5 * 100
    = 177.5 rounds half to even to 178, and 0.5 * 100 = 50.

    >>> image = np.array([[100, 100]], np.uint8)
    >>> fill_mask(image, [[0, 255]], color="red", alpha=0.5)
    array([[[100, 100, 100],
            [178,  50,  50]]], dtype=uint8)
    """
    color = check_color(color)
    alpha = check_alpha(alpha)
    return _draw(image, [(mask, "mask", None, color, alpha)])


def draw_contours(
    image: ArrayLike,
    mask: ArrayLike,
    color: ArrayLike = (255, 0, 0),
    thickness: int = 1,
) -> np.ndarray:
    """Draw the outline of each masked region on an image.

    The pixels of :func:`mask_contour` ``(mask, thickness)`` become
    ``rint(color)`` (half to even, as uint8); all others are the image.

    Parameters
    ----------
    image : array_like, shape (H, W), (H, W, C) or (N, H, W, C)
        As for :func:`fill_mask`.
    mask : array_like, shape (H, W) or (N, H, W)
        As for :func:`fill_mask`.
    color : str or sequence of 3 numbers, default (255, 0, 0)
        The outline's colour: any matplotlib colour, or RGB numbers in 0-255.
    thickness : int, default 1
        Width of the outline in pixels, as for :func:`mask_contour`.

    Returns
    -------
    ndarray, uint8, shape (H, W, 3) or (N, H, W, 3)
        A new RGB image; a batch if `image` or `mask` is one.

    Raises
    ------
    TypeError
        If an argument has the wrong type or dtype.
    ValueError
        If `color` is not three numbers in 0-255, `thickness` is less than
        1, or as :func:`fill_mask`.

    Examples
    --------
    The red channel after outlining a 3x3 square on a black 5x5 image:

    >>> mask = np.zeros((5, 5), bool)
    >>> mask[1:4, 1:4] = True
    >>> drawn = draw_contours(np.zeros((5, 5), np.uint8), mask, color=(255, 0, 0))
    >>> drawn[..., 0]
    array([[  0,   0,   0,   0,   0],
           [  0, 255, 255, 255,   0],
           [  0, 255,   0, 255,   0],
           [  0, 255, 255, 255,   0],
           [  0,   0,   0,   0,   0]], dtype=uint8)
    >>> drawn[2, 1]
    array([255,   0,   0], dtype=uint8)
    """
    color = check_color(color)
    thickness = check_positive_int(thickness, "thickness")
    return _draw(image, [(mask, "mask", thickness, color, 1.0)])


def draw_masks(
    image: ArrayLike,
    prediction: ArrayLike,
    ground_truth: ArrayLike | None = None,
    *,
    prediction_color: ArrayLike = (255, 0, 0),
    ground_truth_color: ArrayLike = (0, 255, 0),
    thickness: int = 1,
    style: Literal["contour", "fill"] = "contour",
    alpha: float = 0.4,
) -> np.ndarray:
    """Show a predicted mask and its ground truth on an image, in two colours.

    As anomalib's visualizer shows them: the ground truth is drawn first and
    the prediction on top, so where they overlap the prediction's colour
    shows (with ``style="fill"``, the prediction is blended over the
    ground truth's fill). Each layer is drawn as by :func:`draw_contours`
    (``style="contour"``: ``rint(color)``) or :func:`fill_mask`
    (``style="fill"``: ``clip(rint(alpha * color + (1 - alpha) * below), 0, 255)``,
    ``below`` being the uint8 picture drawn so far), so the result equals
    those functions applied one after the other.

    Parameters
    ----------
    image : array_like, shape (H, W), (H, W, C) or (N, H, W, C)
        As for :func:`fill_mask`.
    prediction : array_like, shape (H, W) or (N, H, W)
        The predicted mask, of any real dtype (non-zero is True), such as
        the output of :func:`~anomaly_viz.post_process.compute_mask`.
    ground_truth : array_like, shape (H, W) or (N, H, W), optional
        The true mask; None draws the prediction alone. Batches of
        `image`, `prediction` and `ground_truth` must match in size, or be
        single items.
    prediction_color, ground_truth_color : str or sequence of 3 numbers
        Any matplotlib colours, or RGB numbers in 0-255; red (255, 0, 0) and
        green (0, 255, 0) by default.
    thickness : int, default 1
        Width of the outlines for ``style="contour"``; checked but unused
        for ``"fill"``.
    style : {"contour", "fill"}, default "contour"
        Outline the regions, or fill them with weight `alpha`.
    alpha : float, default 0.4
        Weight of the colours for ``style="fill"``, in [0, 1]; checked but
        unused for ``"contour"``, where outlines are opaque.

    Returns
    -------
    ndarray, uint8, shape (H, W, 3) or (N, H, W, 3)
        A new RGB image; a batch if any input is one.

    Raises
    ------
    TypeError
        If an argument has the wrong type or dtype.
    ValueError
        If `style` is unknown, a colour is not three numbers in 0-255,
        `thickness` is less than 1, `alpha` is outside [0, 1], or as
        :func:`fill_mask` for either mask.

    Examples
    --------
    On a black 1x3 image, every region of one row is its own contour: the
    ground truth shows green where the prediction does not cover it.

    >>> image = np.zeros((1, 3), np.uint8)
    >>> draw_masks(image, prediction=[[0, 1, 1]], ground_truth=[[1, 1, 0]])
    array([[[  0, 255,   0],
            [255,   0,   0],
            [255,   0,   0]]], dtype=uint8)

    Filled at alpha 0.5 over grey 100: the ground truth gives (50, 178, 50)
    (177.5 rounds half to even), and the prediction over it gives
    (152, 89, 25) (152.5 rounds to 152).

    >>> image = np.full((1, 3), 100, np.uint8)
    >>> draw_masks(image, [[0, 1, 1]], [[1, 1, 0]], style="fill", alpha=0.5)
    array([[[ 50, 178,  50],
            [152,  89,  25],
            [178,  50,  50]]], dtype=uint8)
    """
    check_choice(style, _STYLES, "style")
    prediction_color = check_color(prediction_color, "prediction_color")
    ground_truth_color = check_color(ground_truth_color, "ground_truth_color")
    thickness = check_positive_int(thickness, "thickness")
    alpha = check_alpha(alpha)
    width, weight = (thickness, 1.0) if style == "contour" else (None, alpha)
    layers: list[_Layer] = [(prediction, "prediction", width, prediction_color, weight)]
    if ground_truth is not None:
        layers.insert(0, (ground_truth, "ground_truth", width, ground_truth_color, weight))
    return _draw(image, layers)


def _paint(picture: np.ndarray, rows: tuple[int, int], cols: tuple[int, int], rgb: object) -> None:
    """Set the pixels of ``rows`` x ``cols`` (inclusive ranges) clipped to the picture."""
    top, bottom = max(rows[0], 0), min(rows[1], picture.shape[0] - 1)
    left, right = max(cols[0], 0), min(cols[1], picture.shape[1] - 1)
    if top <= bottom and left <= right:
        picture[top : bottom + 1, left : right + 1] = rgb


def draw_boxes(
    image: ArrayLike,
    boxes: ArrayLike | Sequence[ArrayLike],
    color: ArrayLike = (255, 0, 0),
    thickness: int = 1,
) -> np.ndarray:
    """Draw rectangles on an image, in NumPy.

    With ``thickness=1`` the pixels are those of OpenCV's
    ``cv2.rectangle(image, (x1, y1), (x2, y2), color, 1)``
    (``benchmarks/parity.py`` checks it); thicker lines grow inward, where
    OpenCV's straddle the box's edge.

    Box ``(x1, y1, x2, y2)`` covers rows ``y1..y2`` and columns ``x1..x2``,
    both ends included. Its outline is the box minus its inside shrunk by
    `thickness` on every side: the pixels ``(y, x)`` of the box with
    ``min(y - y1, y2 - y, x - x1, x2 - x) < thickness``. Lines thus grow
    inward, the outer edge of the drawn rectangle is exactly the box, and a
    box no more than ``2 * thickness`` wide or high is filled. These pixels
    become ``rint(color)`` (half to even, as uint8); all others are the
    image. Only the part inside the image is drawn: a box reaching past
    the border is cut there (its edges outside the image are not drawn),
    and a box wholly outside draws nothing.

    Parameters
    ----------
    image : array_like, shape (H, W), (H, W, C) or (N, H, W, C)
        As for :func:`fill_mask`.
    boxes : array_like, shape (K, 4), or a sequence of N of them
        For one image, one row ``(x1, y1, x2, y2)`` per box, with
        ``x1 <= x2`` and ``y1 <= y2``; K may be 0. Values are pixel indices
        (whole numbers of any real dtype but bool, e.g. ``3`` or ``3.0``)
        and may lie outside the image. For a batch of N images, a sequence
        of N such arrays, one per image.
    color : str or sequence of 3 numbers, default (255, 0, 0)
        The rectangles' colour: any matplotlib colour, or RGB numbers in
        0-255.
    thickness : int, default 1
        Width of the lines in pixels, inside the box; positive.

    Returns
    -------
    ndarray, uint8, shape (H, W, 3) or (N, H, W, 3)
        A new RGB image; a batch if `image` is one.

    Raises
    ------
    TypeError
        If an argument has the wrong type or dtype (bool `boxes` included).
    ValueError
        If `boxes` is not of shape (K, 4), holds a value that is not a
        whole number or a row with ``x1 > x2`` or ``y1 > y2``; if a batch
        of images does not get one array of boxes per image; if `color`
        is not three numbers in 0-255, `thickness` is less than 1, or
        `image` is badly shaped, empty or out of range.

    Examples
    --------
    The red channel after drawing the box of rows 1-3 and columns 1-4 on a
    black 5x6 image:

    >>> image = np.zeros((5, 6), np.uint8)
    >>> drawn = draw_boxes(image, [(1, 1, 4, 3)], color=(255, 0, 0))
    >>> drawn[..., 0]
    array([[  0,   0,   0,   0,   0,   0],
           [  0, 255, 255, 255, 255,   0],
           [  0, 255,   0,   0, 255,   0],
           [  0, 255, 255, 255, 255,   0],
           [  0,   0,   0,   0,   0,   0]], dtype=uint8)
    >>> drawn[2, 1]
    array([255,   0,   0], dtype=uint8)

    A box reaching past the bottom-right corner is cut at the border, and
    its right and bottom edges, outside the image, are not drawn:

    >>> draw_boxes(image, [(3, 2, 9, 7)])[..., 0]
    array([[  0,   0,   0,   0,   0,   0],
           [  0,   0,   0,   0,   0,   0],
           [  0,   0,   0, 255, 255, 255],
           [  0,   0,   0, 255,   0,   0],
           [  0,   0,   0, 255,   0,   0]], dtype=uint8)
    """
    rgb = np.rint(check_color(color)).astype(np.uint8)
    thickness = check_positive_int(thickness, "thickness")
    images, is_batch = as_images(image)
    per_image = check_box_batch(boxes, len(images)) if is_batch else [check_boxes(boxes)]
    out = np.empty((*images.shape[:3], 3), np.uint8)
    for picture, source in zip(out, images, strict=True):
        for rows in row_blocks(*picture.shape[:2]):
            picture[rows] = plain_rows(source, rows)
    step = thickness - 1
    for picture, image_boxes in zip(out, per_image, strict=True):
        for x1, y1, x2, y2 in image_boxes:
            _paint(picture, (y1, min(y1 + step, y2)), (x1, x2), rgb)  # top
            _paint(picture, (max(y2 - step, y1), y2), (x1, x2), rgb)  # bottom
            _paint(picture, (y1, y2), (x1, min(x1 + step, x2)), rgb)  # left
            _paint(picture, (y1, y2), (max(x2 - step, x1), x2), rgb)  # right
    return out if is_batch else out[0]
