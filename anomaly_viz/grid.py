"""Many samples in one picture: a row per sample, one colour scale for all.

Each row holds the image, its heatmap, the overlay, the mask (when a
threshold is given) and the ground truth (when given), each panel scaled
by nearest neighbour into a cell of the same size (every pixel of the grid
is a pixel of a panel, no colour is invented), and is labelled with the
sample's name and score. The heatmap and overlay of every row share one
colour scale: an unfitted normalisation is fitted once over all the maps
(:meth:`~anomaly_viz.normalization.Normalization.fit_stream`), so that the
same colour means the same score in every row.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from ._validate import as_images, as_one_map, as_one_mask, check_positive_int
from .colormap import ColormapLike
from .draw import draw_isoline
from .normalization import Normalization, as_normalization
from .overlays import default_colormap, overlay
from .post_process import compute_mask
from .resize import resize_bilinear, resize_nearest
from .text import draw_text, rgb_uint8, verdict

__all__ = ["COLUMNS", "sample_grid"]

#: The column titles, in order; "mask" only with a threshold, "ground truth" only when given.
COLUMNS = ("image", "heatmap", "overlay", "mask", "ground truth")

_GAP = 4  # white pixels between cells
_BACKGROUND = 255


def _into_cell(picture: np.ndarray, cell: tuple[int, int]) -> np.ndarray:
    """`picture` (H, W, 3) scaled by nearest neighbour to fit `cell`, centred on white."""
    height, width = picture.shape[:2]
    scale = min(cell[0] / height, cell[1] / width)
    size = (max(1, round(height * scale)), max(1, round(width * scale)))
    scaled = np.stack([resize_nearest(picture[..., c], size) for c in range(3)], axis=-1)
    out = np.full((*cell, 3), _BACKGROUND, np.uint8)
    top, left = (cell[0] - size[0]) // 2, (cell[1] - size[1]) // 2
    out[top : top + size[0], left : left + size[1]] = scaled
    return out


def _grey(mask: np.ndarray) -> np.ndarray:
    """A bool mask as a black and white RGB picture."""
    return np.repeat(np.where(mask, 255, 0).astype(np.uint8)[..., np.newaxis], 3, axis=-1)


def _score(scores: np.ndarray) -> float:
    """A sample's score: its map's largest finite score (NaN when none is finite)."""
    finite = scores[np.isfinite(scores)]
    return float(finite.max()) if finite.size else math.nan


def _row(
    image: np.ndarray,
    scores: np.ndarray,
    truth: np.ndarray | None,
    fit: Normalization,
    look: tuple[ColormapLike, str, float | None],
    mask_options: tuple[float, int] | None,
) -> list[np.ndarray]:
    """The panels of one sample, at its image's size."""
    colormap, mode, level = look
    heatmap = overlay(image, scores, alpha=1.0, colormap=colormap, normalization=fit)
    shown = overlay(image, scores, mode, colormap=colormap, normalization=fit)
    if level is not None:
        heatmap, shown = (draw_isoline(panel, scores, level) for panel in (heatmap, shown))
    panels = [rgb_uint8(image), heatmap, shown]
    size = image.shape[:2]
    if mask_options is not None:
        at_image = scores if scores.shape == size else resize_bilinear(scores, size)
        panels.append(_grey(compute_mask(at_image, *mask_options) > 0))
    if truth is not None:
        panels.append(_grey(truth if truth.shape == size else resize_nearest(truth, size)))
    return panels


def sample_grid(
    images: Sequence[ArrayLike],
    anomaly_maps: Sequence[ArrayLike],
    ground_truths: Sequence[ArrayLike] | None = None,
    *,
    names: Sequence[str] | None = None,
    normalization: str | Normalization = "minmax",
    colormap: ColormapLike | None = None,
    mode: str = "blend",
    threshold: float | None = None,
    kernel_size: int = 4,
    cell_height: int = 160,
    isoline: float | None = None,
) -> np.ndarray:
    """A grid of samples: one row each (image, heatmap, overlay, mask, ground truth).

    Parameters
    ----------
    images : sequence of array_like
        One image per sample, (H, W) or (H, W, C), of any sizes.
    anomaly_maps : sequence of array_like
        One map per sample, (h, w), resized as scores to its image.
    ground_truths : sequence of array_like, optional
        One true mask per sample, at its image's (or map's) size; adds a
        column.
    names : sequence of str, optional
        Row labels (file names); default ``"sample 1"``, ``"sample 2"``...
    normalization : str or Normalization, default "minmax"
        The colour scale, shared by every row: an unfitted one is fitted
        once over all the maps (the minimum and maximum of the data set,
        for ``"minmax"``); a fitted one (e.g. from
        :func:`~anomaly_viz.scale.fit_scale`) is used as it is.
    colormap : str or Colormap, optional
        As in :func:`~anomaly_viz.overlays.overlay` (default jet).
    mode : str, default "blend"
        The overlay's mode (:func:`~anomaly_viz.overlays.overlay`).
    threshold : float, optional
        Adds the mask column (:func:`~anomaly_viz.post_process.compute_mask` of the map
        resized to the image, with `kernel_size`) and the verdict to each
        label: ``"name: anomalous 0.93"``.
    kernel_size : int, default 4
        The mask's cleaning (as in :func:`~anomaly_viz.post_process.compute_mask`).
    cell_height : int, default 160
        Height of every cell in pixels; the cells' width follows the first
        image's aspect ratio, and other images are fitted inside.
    isoline : float, optional
        A score whose iso-line (:func:`~anomaly_viz.draw.draw_isoline`, in
        white) is drawn on the heatmaps and overlays, e.g. the threshold.

    Returns
    -------
    ndarray of uint8, shape (height, width, 3)
        The grid on white: a strip of column titles, then each row's label
        strip and cells, 4 pixels between rows and columns. With
        ``T = max(10, cell_height // 8)``, ``height = T + rows * (T +
        cell_height + 4) - 4`` and ``width = columns * (cell_width + 4) - 4``.

    Raises
    ------
    TypeError, ValueError
        For inputs :func:`~anomaly_viz.overlays.overlay` refuses, lists of different
        lengths or none, a bad name, or a bad `cell_height`.

    Examples
    --------
    >>> images = [np.zeros((20, 30), np.uint8)] * 2
    >>> maps = [np.full((5, 5), 0.25), np.eye(5)]
    >>> grid = sample_grid(images, maps, threshold=0.5, cell_height=40)
    >>> grid.shape  # titles, then per row a label and 4 cells of 40 x 60, gaps of 4
    (114, 252, 3)

    One scale for all rows: the first map's 0.25 is a quarter of the way
    up the data set's range [0, 1] (jet's quarter colour), where the map
    alone would take one colour:

    >>> heatmap = grid[20:60, 64:124]  # the first row's heatmap cell
    >>> np.unique(heatmap.reshape(-1, 3), axis=0).tolist()
    [[0, 128, 255]]
    """
    images, anomaly_maps = list(images), list(anomaly_maps)
    truths = None if ground_truths is None else list(ground_truths)
    count = len(images)
    if count == 0:
        raise ValueError("images must hold at least one image, got none")
    for name, items in (("anomaly_maps", anomaly_maps), ("ground_truths", truths)):
        if items is not None and len(items) != count:
            raise ValueError(
                f"images and {name} must hold as many items, got {count} and {len(items)}"
            )
    labels = [f"sample {index + 1}" for index in range(count)] if names is None else list(names)
    if len(labels) != count or not all(isinstance(label, str) for label in labels):
        raise ValueError(f"names must be {count} strings, one per image, got {names!r}")
    cell_height = check_positive_int(cell_height, "cell_height")
    pictures = []
    for index, image in enumerate(images):
        checked, is_batch = as_images(image, f"images[{index}]")
        if is_batch:
            raise ValueError(f"images[{index}] must be one image, got shape {np.shape(image)}")
        pictures.append(checked[0])
    maps = [as_one_map(item, f"anomaly_maps[{index}]") for index, item in enumerate(anomaly_maps)]
    masks = None
    if truths is not None:
        masks = [as_one_mask(item, f"ground_truths[{index}]") for index, item in enumerate(truths)]
    spec = as_normalization(normalization)
    fit = spec.fit_stream(maps)
    look = (default_colormap(colormap, spec), mode, isoline)
    mask_options = None if threshold is None else (threshold, kernel_size)
    first_height, first_width = pictures[0].shape[:2]
    cell = (cell_height, max(1, round(cell_height * first_width / first_height)))
    rows = []
    for index in range(count):
        truth = None if masks is None else masks[index]
        panels = _row(pictures[index], maps[index], truth, fit, look, mask_options)
        score = _score(maps[index])
        shown = f"score {score:.3g}" if threshold is None else verdict(score, threshold)
        rows.append((f"{labels[index]}: {shown}", [_into_cell(panel, cell) for panel in panels]))
    return _assemble(rows, cell, truths is not None, threshold is not None)


def _strip(width: int, height: int, texts: Sequence[tuple[int, str]]) -> np.ndarray:
    """A white strip with black texts, each starting at its column (pixels from the left)."""
    strip = np.full((height, width, 3), _BACKGROUND, np.uint8)
    for left, text in texts:
        strip[:, left:] = draw_text(
            strip[:, left:], text, size=0.7, color="black", background_alpha=0.0,
            position=(0.0, 0.15 * height),
        )  # fmt: skip
    return strip


def _assemble(
    rows: list[tuple[str, list[np.ndarray]]],
    cell: tuple[int, int],
    has_truth: bool,
    has_mask: bool,
) -> np.ndarray:
    """Column titles, then each row's label above its cells, on white with gaps."""
    titles = [title for title in COLUMNS if (title != "mask" or has_mask)]
    titles = [title for title in titles if (title != "ground truth" or has_truth)]
    width = len(titles) * (cell[1] + _GAP) - _GAP
    text_height = max(10, cell[0] // 8)
    parts = [_strip(width, text_height, [(c * (cell[1] + _GAP), t) for c, t in enumerate(titles)])]
    for label, cells in rows:
        parts.append(_strip(width, text_height, [(0, label)]))
        line = np.full((cell[0], width, 3), _BACKGROUND, np.uint8)
        for column, picture in enumerate(cells):
            left = column * (cell[1] + _GAP)
            line[:, left : left + cell[1]] = picture
        parts += [line, np.full((_GAP, width, 3), _BACKGROUND, np.uint8)]
    return np.concatenate(parts[:-1])
