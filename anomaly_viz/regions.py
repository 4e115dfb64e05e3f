"""From a mask to a list of defects: labels, measurements, boxes.

A region is a connected set of mask pixels, 8-connected by default
(diagonal neighbours touch) or 4-connected, labelled by
:func:`scipy.ndimage.label` in raster order (label 1 is the region whose
first pixel comes first, row by row).

Coordinates: boxes follow anomalib, ``(x1, y1, x2, y2)`` with x the column
and y the row, and ``x2``/``y2`` *inclusive* (the last column and row the
region touches), so a one-pixel region at row 2, column 5 has the box
``(5, 2, 5, 2)``. Centroids and peaks are NumPy indices ``(row, col)``, so
that ``scores[region.peak]`` is the region's maximum score.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from . import _dask, _engine
from ._engine.regions import NO_PIXEL, SCALE, tally_regions
from ._validate import (
    as_masks,
    as_one_mask,
    as_score_maps,
    check_batch,
    check_connectivity,
    check_non_negative_int,
    check_same_size,
)
from .morphology import structure

__all__ = ["Region", "label_regions", "masks_to_boxes", "measure_regions", "remove_small_objects"]


@dataclass(frozen=True)
class Region:
    """One defect: a connected region of a mask and its scores.

    Attributes
    ----------
    label : int
        Its label in :func:`label_regions` (1, 2, ...).
    area : int
        Number of pixels.
    box : tuple of int
        ``(x1, y1, x2, y2)``, inclusive, anomalib's order.
    centroid : tuple of float
        Mean ``(row, col)`` of its pixels (may lie outside a ring-shaped
        region).
    max_score : float
        Largest score inside it, NaN scores left out: ``+inf`` if it holds
        one, ``-inf`` if it holds nothing else; NaN if every score is NaN.
    mean_score : float
        Mean of its finite scores; NaN if none is finite.
    peak : tuple of int
        ``(row, col)`` of `max_score` (the first in raster order on ties;
        the first pixel when every score is NaN).

    Examples
    --------
    >>> scores = np.array([[0.2, 0.9], [0.0, 0.4]])
    >>> (region,) = measure_regions(scores, scores > 0.1)
    >>> region.area, region.box, region.peak, region.max_score
    (3, (0, 0, 1, 1), (0, 1), 0.9)
    """

    label: int
    area: int
    box: tuple[int, int, int, int]
    centroid: tuple[float, float]
    max_score: float
    mean_score: float
    peak: tuple[int, int]

    def as_row(self) -> dict[str, float | int]:
        """A flat dict for a CSV or JSON table.

        Examples
        --------
        >>> Region(1, 4, (2, 3, 3, 4), (3.5, 2.5), 0.9, 0.7, (3, 2)).as_row()
        ... # doctest: +NORMALIZE_WHITESPACE
        {'label': 1, 'area': 4, 'x1': 2, 'y1': 3, 'x2': 3, 'y2': 4,
         'centroid_row': 3.5, 'centroid_col': 2.5, 'max_score': 0.9,
         'mean_score': 0.7, 'peak_row': 3, 'peak_col': 2}
        """
        x1, y1, x2, y2 = self.box
        return {
            "label": self.label,
            "area": self.area,
            "x1": x1,
            "y1": y1,
            "x2": x2,
            "y2": y2,
            "centroid_row": self.centroid[0],
            "centroid_col": self.centroid[1],
            "max_score": self.max_score,
            "mean_score": self.mean_score,
            "peak_row": self.peak[0],
            "peak_col": self.peak[1],
        }


def _labels(mask: np.ndarray, connectivity: int) -> tuple[np.ndarray, int]:
    from scipy import ndimage  # imported here: scipy.ndimage takes ~0.3 s to import

    labels, count = ndimage.label(mask, structure=structure(connectivity))
    return labels, int(count)


def label_regions(mask: ArrayLike, *, connectivity: int = 8) -> tuple[np.ndarray, int]:
    """Label the connected regions of a mask.

    Parameters
    ----------
    mask : array_like, shape (H, W)
        Truth values of any real dtype (non-zero is True).
    connectivity : {8, 4}, default 8
        8: pixels touching at a corner are connected; 4: only at an edge.

    Returns
    -------
    labels : ndarray of int32, shape (H, W)
        0 for the background, 1 .. count for the regions, in raster order.
    count : int
        Number of regions.

    Raises
    ------
    TypeError
        If `mask` is not real-valued.
    ValueError
        If `mask` is not 2-D, is empty or holds NaN, or `connectivity` is
        not 4 or 8.

    Examples
    --------
    Two squares touching at a corner are one region with 8-connectivity
    and two with 4:

    >>> mask = np.zeros((5, 5), int)
    >>> mask[0:2, 0:2] = 1
    >>> mask[2:4, 2:4] = 1
    >>> label_regions(mask)[1], label_regions(mask, connectivity=4)[1]
    (1, 2)
    >>> label_regions(mask, connectivity=4)[0]
    array([[1, 1, 0, 0, 0],
           [1, 1, 0, 0, 0],
           [0, 0, 2, 2, 0],
           [0, 0, 2, 2, 0],
           [0, 0, 0, 0, 0]], dtype=int32)
    """
    connectivity = check_connectivity(connectivity)
    return _labels(as_one_mask(mask), connectivity)


def remove_small_objects(mask: ArrayLike, min_area: int, *, connectivity: int = 8) -> np.ndarray:
    """Drop the regions with fewer than `min_area` pixels.

    Parameters
    ----------
    mask : array_like, shape (H, W) or (N, H, W)
        Truth values of any real dtype (non-zero is True).
    min_area : int
        Smallest area kept, in pixels; 0 or 1 keep everything.
    connectivity : {8, 4}, default 8

    Returns
    -------
    ndarray of bool, the shape of `mask` (leading axes of length 1 dropped)
        A new mask; never holds a pixel `mask` does not.

    Raises
    ------
    TypeError, ValueError
        As :func:`label_regions`, and for a negative or non-integer
        `min_area`.

    Examples
    --------
    >>> mask = np.array([[1, 1, 0, 0, 1],
    ...                  [1, 1, 0, 0, 0],
    ...                  [0, 0, 0, 1, 1]])
    >>> remove_small_objects(mask, 3).astype(int)
    array([[1, 1, 0, 0, 0],
           [1, 1, 0, 0, 0],
           [0, 0, 0, 0, 0]])
    """
    min_area = check_non_negative_int(min_area, "min_area")
    connectivity = check_connectivity(connectivity)
    if _dask.is_dask(mask):
        return _dask.small_removed(mask, min_area, connectivity)
    masks, is_batch = as_masks(mask)
    out = np.empty(masks.shape, bool)
    for index, binary in enumerate(masks):
        labels, _ = _labels(binary, connectivity)
        areas = np.bincount(labels.ravel())
        keep = areas >= min_area
        keep[0] = False
        out[index] = keep[labels]
    return out if is_batch else out[0]


def _collect(stats: Any, min_area: int, by_score: bool) -> list[Region]:
    """Regions from per-label sums and extremes (one entry per label, entry 0 unused).

    The regions of at least `min_area` pixels, sorted by score or by label.

    By score: highest maximum first (``+inf`` before any number), NaN
    (no score at all) last, ties in label order.
    """
    labels = np.arange(1, len(stats.areas))
    areas = stats.areas[1:]
    with np.errstate(invalid="ignore", divide="ignore"):  # no finite score: 0 / 0 is NaN
        means = stats.finite_sums[1:] / stats.finite_counts[1:]
        overflowed = ~np.isfinite(means) & (stats.finite_counts[1:] > 0)
        means[overflowed] = (stats.scaled_sums[1:] / stats.finite_counts[1:])[overflowed] / SCALE
    # + 0.0: a maximum of zero is 0.0, whichever of 0.0 and -0.0 the reduction kept
    maxima = np.where(stats.scored_counts[1:] > 0, stats.maxima[1:], np.nan) + 0.0
    order = np.flatnonzero(areas >= min_area)
    if by_score:
        unscored = np.isnan(maxima)
        descending = -np.where(unscored, 0.0, maxima)
        order = order[np.lexsort((labels[order], descending[order], unscored[order]))]
    peak_rows, peak_cols = np.divmod(stats.peaks[1:], stats.width)
    columns = [
        labels,
        areas,
        stats.left[1:],
        stats.first[1:] // stats.width,
        stats.right[1:],
        stats.last[1:] // stats.width,
        stats.row_sums[1:] / areas,
        stats.col_sums[1:] / areas,
        maxima,
        means,
        peak_rows,
        peak_cols,
    ]
    return [
        Region(label, area, (x1, y1, x2, y2), (row, col), highest, mean, (peak_row, peak_col))
        for label, area, x1, y1, x2, y2, row, col, highest, mean, peak_row, peak_col in zip(
            *(column[order].tolist() for column in columns), strict=True
        )
    ]


def _reference_stats(
    labels: np.ndarray, count: int, binary: np.ndarray, scores: np.ndarray | None
) -> SimpleNamespace:
    """Per-label reductions of the whole label image, as ``scipy.ndimage`` computes them.

    Every sum is a ``bincount`` over the pixels in raster order; the box is
    ``find_objects``'s; the peak is the first pixel (raster order) holding
    the region's largest score, NaN left out.
    """
    from scipy import ndimage

    width = binary.shape[1]
    flat = labels.ravel()
    bins = count + 1
    values = np.ones(flat.size) if scores is None else scores.astype(np.float64).ravel()
    rows, cols = np.divmod(np.arange(flat.size), width)
    finite, scored = np.isfinite(values), ~np.isnan(values)
    with np.errstate(over="ignore", invalid="ignore"):  # huge scores: see scaled_sums
        finite_sums = np.bincount(flat[finite], weights=values[finite], minlength=bins)
    ranked = np.where(scored, values, -np.inf)
    maxima = np.full(bins, -np.inf)
    maxima[1:] = ndimage.maximum(ranked.reshape(labels.shape), labels, np.arange(1, bins))
    hits = np.flatnonzero((flat > 0) & (ranked == maxima[flat]))
    peaks = np.full(bins, NO_PIXEL)
    np.minimum.at(peaks, flat[hits], hits)
    boxes = ndimage.find_objects(labels, count)
    top = np.array([0] + [box[0].start for box in boxes], np.intp)
    return SimpleNamespace(
        width=width,
        areas=np.bincount(flat, minlength=bins),
        row_sums=np.bincount(flat, weights=rows.astype(np.float64), minlength=bins),
        col_sums=np.bincount(flat, weights=cols.astype(np.float64), minlength=bins),
        first=top * width,
        last=np.array([0] + [box[0].stop - 1 for box in boxes], np.intp) * width,
        left=np.array([0] + [box[1].start for box in boxes], np.intp),
        right=np.array([0] + [box[1].stop - 1 for box in boxes], np.intp),
        finite_counts=np.bincount(flat[finite], minlength=bins),
        finite_sums=finite_sums,
        scaled_sums=np.bincount(flat[finite], weights=values[finite] * SCALE, minlength=bins),
        scored_counts=np.bincount(flat[scored], minlength=bins),
        maxima=maxima,
        peaks=peaks,
    )


def _measure(
    scores: np.ndarray | None,
    binary: np.ndarray,
    connectivity: int,
    min_area: int = 0,
    by_score: bool = True,
) -> list[Region]:
    """The regions of one mask (see :func:`_collect`); every score 1 if `scores` is None."""
    labels, count = _labels(binary, connectivity)
    if _engine.ENABLED:
        stats: Any = tally_regions(labels, count, binary, scores)
    else:
        stats = _reference_stats(labels, count, binary, scores)
    return _collect(stats, min_area, by_score)


def measure_regions(
    anomaly_map: ArrayLike, mask: ArrayLike, *, connectivity: int = 8, min_area: int = 0
) -> list[Region] | list[list[Region]]:
    """Where are the defects, how big, how sure: one record per region.

    On Dask arrays (one map and one mask) the regions are labelled across
    chunks and the same records returned, computed at once (see
    :doc:`/large`).

    Parameters
    ----------
    anomaly_map : array_like, shape (H, W) or (N, H, W)
        Scores of any real dtype.
    mask : array_like, the map's shape
        Truth values (non-zero is True), e.g. from
        :func:`~anomaly_viz.post_process.compute_mask`. One mask may serve a batch of
        maps, and one map a batch of masks.
    connectivity : {8, 4}, default 8
    min_area : int, default 0
        Regions with fewer pixels are left out.

    Returns
    -------
    list of Region
        Sorted by maximum score, highest first (ties in label order); for a
        batch, one such list per map.

    Raises
    ------
    TypeError, ValueError
        For a bad map or mask, maps and masks of different height and
        width, batch sizes that do not match, or a bad `connectivity` or
        `min_area`.

    Examples
    --------
    >>> scores = np.zeros((7, 7))
    >>> scores[1:3, 1:4] = [[0.6, 0.7, 0.6], [0.6, 0.9, 0.6]]
    >>> scores[5, 5] = 0.8
    >>> for region in measure_regions(scores, scores > 0.5):
    ...     print(region.label, region.area, region.box, region.peak,
    ...           region.max_score, round(region.mean_score, 3))
    1 6 (1, 1, 3, 2) (2, 2) 0.9 0.667
    2 1 (5, 5, 5, 5) (5, 5) 0.8 0.8
    """
    connectivity = check_connectivity(connectivity)
    min_area = check_non_negative_int(min_area, "min_area")
    if _dask.is_dask(anomaly_map, mask):  # one map, labels merged across chunks
        return _dask.measure_regions(anomaly_map, mask, connectivity, min_area)
    maps, map_batch = as_score_maps(anomaly_map)
    masks, mask_batch = as_masks(mask)
    check_same_size(masks.shape[1:], "mask", maps.shape[1:], "anomaly_map")
    count = check_batch(len(maps), len(masks), "anomaly_map", "mask")
    results = []
    for item in range(count):
        scores, binary = maps[item % len(maps)], masks[item % len(masks)]
        results.append(_measure(scores, binary, connectivity, min_area))
    return results if map_batch or mask_batch else results[0]


def masks_to_boxes(
    masks: ArrayLike, anomaly_maps: ArrayLike | None = None, *, connectivity: int = 8
) -> tuple[np.ndarray, np.ndarray] | tuple[list[np.ndarray], list[np.ndarray]]:
    """Bounding boxes of the regions of masks, anomalib's ``masks_to_boxes``.

    Parameters
    ----------
    masks : array_like, shape (H, W) or (N, H, W)
        Truth values (non-zero is True).
    anomaly_maps : array_like, optional
        Scores of the masks' shape; each box's score is its region's
        ``max_score`` (see :class:`Region`). Without maps every score is 1.
    connectivity : {8, 4}, default 8

    Returns
    -------
    boxes : ndarray of int64, shape (K, 4)
        ``(x1, y1, x2, y2)``, inclusive, in label (raster) order; for a
        batch, a list of one such array per mask.
    scores : ndarray of float64, shape (K,)
        One score per box; for a batch, a list.

    Raises
    ------
    TypeError, ValueError
        As :func:`measure_regions`.

    Examples
    --------
    >>> mask = np.zeros((7, 7), bool)
    >>> mask[1:3, 2:5] = True
    >>> mask[6, 0] = True
    >>> boxes, scores = masks_to_boxes(mask)
    >>> boxes
    array([[2, 1, 4, 2],
           [0, 6, 0, 6]])
    >>> scores
    array([1., 1.])
    """
    connectivity = check_connectivity(connectivity)
    binaries, is_batch = as_masks(masks, "masks")
    maps: list[None] | np.ndarray = [None]  # without maps: 1 in every region
    if anomaly_maps is not None:
        maps, map_batch = as_score_maps(anomaly_maps, "anomaly_maps")
        check_same_size(maps.shape[1:], "anomaly_maps", binaries.shape[1:], "masks")
        check_batch(len(maps), len(binaries), "anomaly_maps", "masks")
        is_batch = is_batch or map_batch
    count = max(len(maps), len(binaries))
    all_boxes, all_scores = [], []
    for item in range(count):
        scores, binary = maps[item % len(maps)], binaries[item % len(binaries)]
        regions = _measure(scores, binary, connectivity, by_score=False)
        all_boxes.append(np.array([r.box for r in regions], np.int64).reshape(-1, 4))
        all_scores.append(np.array([r.max_score for r in regions], np.float64))
    if is_batch:
        return all_boxes, all_scores
    return all_boxes[0], all_scores[0]
