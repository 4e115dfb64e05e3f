"""Text drawn into image arrays: scores, verdicts and region labels, without OpenCV.

The text is rendered by matplotlib's own engine (Agg, with the DejaVu
fonts matplotlib ships) onto a transparent canvas of the image's exact
pixel size, and composited onto the image in NumPy:
``out = a * text + (1 - a) * image`` with the canvas's opacity ``a``
(matplotlib's Agg buffer holds straight, not premultiplied, colours).
Pixels the text and its box do not cover keep the image's values exactly.
Sizes are fractions of the image's shorter side, so a label is as legible
on a thumbnail as on a 4K photo, and a translucent box behind the text
keeps it readable on any background. ``matplotlib.pyplot`` is never
imported.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ._engine.blocks import rgb_rows
from ._validate import (
    as_images,
    check_alpha,
    check_choice,
    check_color,
    check_finite,
    not_a_batch,
)
from .draw import draw_boxes
from .regions import Region

__all__ = ["CORNERS", "draw_region_labels", "draw_text", "verdict"]

#: Where :func:`draw_text` may put its text: (horizontal, vertical) alignment of each corner.
CORNERS = {
    "top-left": ("left", "top"),
    "top-right": ("right", "top"),
    "bottom-left": ("left", "bottom"),
    "bottom-right": ("right", "bottom"),
}

_DPI = 100.0


@dataclass(frozen=True)
class _Label:
    """One piece of text: where (pixels from the top left), how aligned, how big, what colours."""

    x: float
    y: float
    text: str
    horizontal: str
    vertical: str
    pixels: float
    color: np.ndarray
    background: np.ndarray
    background_alpha: float


def rgb_uint8(image: ArrayLike) -> np.ndarray:
    """One image as a new uint8 RGB array (uint16 and float images rounded half to even)."""
    images, is_batch = as_images(image)
    if is_batch:
        raise not_a_batch("image", np.shape(image))
    pixels = rgb_rows(images[0], slice(None))
    return np.ascontiguousarray(pixels if pixels.dtype == np.uint8 else np.rint(pixels), np.uint8)


def _check_size(size: object) -> float:
    size = check_finite(size, "size")
    if not 0 < size <= 1:
        raise ValueError(
            f"size must be a fraction of the image's shorter side in (0, 1], got {size}"
        )
    return size


def _render(shape: tuple[int, int], labels: Sequence[_Label]) -> np.ndarray:
    """The labels on a transparent canvas of `shape` pixels: straight RGBA, uint8."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    height, width = shape
    figure = Figure(figsize=(width / _DPI, height / _DPI), dpi=_DPI)
    figure.patch.set_alpha(0.0)
    for label in labels:
        box = {
            "boxstyle": "square,pad=0.25",
            "facecolor": (*(label.background / 255.0), label.background_alpha),
            "edgecolor": "none",
        }
        figure.text(
            label.x / width, 1.0 - label.y / height, label.text,
            fontsize=label.pixels * 72.0 / _DPI, color=tuple(label.color / 255.0),
            ha=label.horizontal, va=label.vertical, bbox=box, family="DejaVu Sans",
        )  # fmt: skip
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())[:height, :width]


def _composite(picture: np.ndarray, rgba: np.ndarray) -> np.ndarray:
    """``a * text + (1 - a) * picture`` where the canvas is not transparent, rounded."""
    out = picture.copy()
    covered = rgba[..., 3] > 0
    opacity = rgba[..., 3][covered, np.newaxis] / 255.0
    mixed = opacity * rgba[..., :3][covered] + (1.0 - opacity) * picture[covered]
    out[covered] = np.clip(np.rint(mixed), 0, 255)
    return out


def draw_text(
    image: ArrayLike,
    text: str,
    *,
    position: str | tuple[float, float] = "top-left",
    size: float = 0.06,
    color: ArrayLike | str = "white",
    background: ArrayLike | str = "black",
    background_alpha: float = 0.6,
) -> np.ndarray:
    """Write `text` into an image, on a translucent box, through matplotlib's text engine.

    Parameters
    ----------
    image : array_like, shape (H, W) or (H, W, C)
        One image: uint8, uint16 or float in [0, 1]; grey, RGB or RGBA.
    text : str
        One or more lines.
    position : str or (x, y), default "top-left"
        A corner (``CORNERS``), a margin of half the text's height from
        the edges; or the pixel ``(x, y)`` (column, row) of the text's top
        left corner.
    size : float, default 0.06
        The text's height as a fraction of the image's shorter side, in
        (0, 1].
    color, background : str or three numbers in 0-255
        The text's colour and its box's (any matplotlib colour).
    background_alpha : float, default 0.6
        The box's opacity in [0, 1] (0: no box).

    Returns
    -------
    ndarray of uint8, shape (H, W, 3)
        A new RGB image; every pixel outside the text and its box is the
        image's own (a uint16 or float image rounded to uint8).

    Raises
    ------
    TypeError
        If `text` is not a string, or an option has the wrong type.
    ValueError
        For a bad image (or a batch), an unknown corner, a size outside
        (0, 1], a bad colour or opacity.

    Examples
    --------
    >>> image = np.zeros((60, 200, 3), np.uint8)
    >>> labelled = draw_text(image, "anomalous 0.93", size=0.3)
    >>> changed = np.argwhere(labelled.any(axis=-1))
    >>> bool(changed[:, 0].max() < 30), bool(changed[:, 1].max() < 170)  # at the top left
    (True, True)
    >>> labelled[50:, 160:].max()  # far from the text: the image's own pixels
    np.uint8(0)
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a string, got {type(text).__name__}")
    picture = rgb_uint8(image)
    height, width = picture.shape[:2]
    pixels = _check_size(size) * min(height, width)
    if isinstance(position, str):
        horizontal, vertical = CORNERS[check_choice(position, tuple(CORNERS), "position")]
        margin = 0.5 * pixels
        x = margin if horizontal == "left" else width - margin
        y = margin if vertical == "top" else height - margin
    else:
        try:
            x, y = (check_finite(value, "position") for value in position)
        except (TypeError, ValueError):
            raise TypeError(
                f"position must be a corner name or two numbers (x, y), got {position!r}"
            ) from None
        horizontal, vertical = "left", "top"
    label = _Label(
        x, y, text, horizontal, vertical, pixels, check_color(color, "color"),
        check_color(background, "background"), check_alpha(background_alpha, "background_alpha"),
    )  # fmt: skip
    return _composite(picture, _render((height, width), [label]))


def verdict(score: float, threshold: float) -> str:
    """``"anomalous 0.93"`` or ``"normal 0.12"``: an image's score and what it means.

    A score strictly above the threshold is anomalous (the package's rule;
    NaN never is). The score is written with three significant digits.

    Parameters
    ----------
    score : float
        The image's score (e.g. its map's maximum).
    threshold : float

    Returns
    -------
    str

    Raises
    ------
    TypeError
        If `score` or `threshold` is not a number.
    ValueError
        If `threshold` is NaN or infinite (a NaN score is "normal nan").

    Examples
    --------
    >>> verdict(0.934, 0.5), verdict(0.1234, 0.5), verdict(0.5, 0.5)
    ('anomalous 0.934', 'normal 0.123', 'normal 0.5')
    """
    if isinstance(score, (bool, np.bool_)) or not isinstance(score, numbers.Real):
        raise TypeError(f"score must be a number, got {score!r}")
    score = float(score)  # NaN allowed: a map without a finite score is normal
    threshold = check_finite(threshold, "threshold")
    return f"{'anomalous' if score > threshold else 'normal'} {score:.3g}"


def draw_region_labels(
    image: ArrayLike,
    regions: Sequence[Region],
    *,
    color: ArrayLike | str = "yellow",
    size: float = 0.04,
    thickness: int = 1,
) -> np.ndarray:
    """Each region's box, with its number and maximum score beside it.

    The box is :func:`~anomaly_viz.draw.draw_boxes`'s; the label
    ``"#<label> <max_score>"`` (three significant digits) sits just above
    the box, or inside its top when the box touches the image's top.

    Parameters
    ----------
    image : array_like, shape (H, W) or (H, W, C)
        One image, e.g. an overlay.
    regions : sequence of Region
        From :func:`~anomaly_viz.regions.measure_regions`, in the image's
        pixel coordinates.
    color : str or three numbers in 0-255, default "yellow"
        The boxes' colour and the labels' text colour (on a black box).
    size : float, default 0.04
        The labels' height as a fraction of the image's shorter side.
    thickness : int, default 1
        The boxes' line width.

    Returns
    -------
    ndarray of uint8, shape (H, W, 3)
        A new RGB image.

    Raises
    ------
    TypeError
        If an item of `regions` is not a :class:`~anomaly_viz.regions.Region`.
    ValueError
        For a bad image, colour, size or thickness, or a box outside the
        image (as :func:`~anomaly_viz.draw.draw_boxes`).

    Examples
    --------
    >>> from anomaly_viz.regions import measure_regions
    >>> scores = np.zeros((80, 120))
    >>> scores[40:60, 30:50] = 0.93
    >>> (region,) = measure_regions(scores, scores > 0.5)
    >>> picture = draw_region_labels(np.zeros((80, 120), np.uint8), [region], size=0.1)
    >>> picture[40, 30].tolist()  # the box's corner, in yellow
    [255, 255, 0]
    >>> bool(picture[30:40, 30:60].any())  # the label "#1 0.93" just above the box
    True
    """
    regions = list(regions)
    for index, region in enumerate(regions):
        if not isinstance(region, Region):
            raise TypeError(f"regions[{index}] must be a Region, got {region!r}")
    picture = draw_boxes(
        image, [region.box for region in regions], color=color, thickness=thickness
    )
    height, width = picture.shape[:2]
    pixels = _check_size(size) * min(height, width)
    rgb = check_color(color, "color")
    black = np.zeros(3)
    labels = []
    for region in regions:
        x1, y1, _x2, _y2 = region.box
        above = y1 - thickness - 0.3 * pixels >= pixels
        labels.append(
            _Label(
                float(x1), float(y1) - 0.3 * pixels if above else float(y1 + thickness),
                f"#{region.label} {region.max_score:.3g}", "left", "bottom" if above else "top",
                pixels, rgb, black, 0.6,
            )
        )  # fmt: skip
    return _composite(picture, _render((height, width), labels)) if labels else picture
