"""Region measurements fed a block of rows at a time: the engine's measure_regions.

The reference (:func:`anomaly_viz.regions.measure_regions`) reduces the
label image with ``scipy.ndimage`` per label; :class:`Tally` gets the same
numbers (every sum in raster order, as ``bincount`` adds) from the mask
pixels of one block of rows at a time, so that beyond the label image the
memory goes with the number of regions, never with the background.
"""

from __future__ import annotations

import numpy as np

from .blocks import row_blocks

__all__ = ["NO_PIXEL", "SCALE", "Tally", "tally_regions"]

NO_PIXEL = np.iinfo(np.intp).max  # a flat index past any image
SCALE = 2.0**-64  # exact; a sum of 2**63 scaled float64 scores cannot overflow


class Tally:
    """Per-region sums, extremes and peaks, fed a mask's pixels in raster order.

    Every array holds one entry per label (entry 0, the background, unused),
    so that memory goes with the number of regions, never with the map.
    """

    def __init__(self, count: int, width: int) -> None:
        bins = count + 1
        self.width = width
        self.areas = np.zeros(bins, np.intp)
        self.row_sums = np.zeros(bins)
        self.col_sums = np.zeros(bins)
        self.first = np.full(bins, NO_PIXEL)  # flat index of the first pixel: the top row
        self.last = np.full(bins, -1)  # and of the last: the bottom row
        self.left = np.full(bins, width)
        self.right = np.full(bins, -1)
        self.finite_counts = np.zeros(bins, np.intp)
        self.finite_sums = np.zeros(bins)
        self.scaled_sums = np.zeros(bins)  # sums of score * SCALE, for when those overflow
        self.scored_counts = np.zeros(bins, np.intp)  # scores that are not NaN
        self.maxima = np.full(bins, -np.inf)
        self.peaks = np.full(bins, NO_PIXEL)

    def add(self, pixels: np.ndarray, regions: np.ndarray, scores: np.ndarray) -> None:
        """Count flat `pixels` (raster order, after all earlier ones) of label `regions`."""
        rows, cols = np.divmod(pixels, self.width)
        np.add.at(self.areas, regions, 1)
        np.add.at(self.row_sums, regions, rows.astype(np.float64))  # ufunc.at is slow when casting
        np.add.at(self.col_sums, regions, cols.astype(np.float64))
        np.minimum.at(self.first, regions, pixels)
        np.maximum.at(self.last, regions, pixels)
        np.minimum.at(self.left, regions, cols)
        np.maximum.at(self.right, regions, cols)
        finite = np.isfinite(scores)
        np.add.at(self.finite_counts, regions[finite], 1)
        # ufunc.at adds in the order given: each sum runs through the pixels in raster order.
        with np.errstate(over="ignore", invalid="ignore"):  # huge scores: see scaled_sums
            np.add.at(self.finite_sums, regions[finite], scores[finite])
        np.add.at(self.scaled_sums, regions[finite], scores[finite] * SCALE)
        scored = ~np.isnan(scores)
        np.add.at(self.scored_counts, regions[scored], 1)
        self._add_peaks(pixels, regions, np.where(scored, scores, -np.inf))

    def _add_peaks(self, pixels: np.ndarray, regions: np.ndarray, ranked: np.ndarray) -> None:
        """Keep, per region, the first pixel holding its largest `ranked` value so far."""
        before = self.maxima[regions]
        np.maximum.at(self.maxima, regions, ranked)
        after = self.maxima[regions]
        self.peaks[regions[after > before]] = NO_PIXEL  # a new maximum: earlier peaks are void
        hits = ranked == after
        np.minimum.at(self.peaks, regions[hits], pixels[hits])


def tally_regions(
    labels: np.ndarray, count: int, binary: np.ndarray, scores: np.ndarray | None
) -> Tally:
    """The :class:`Tally` of a labelled mask, every score 1 if `scores` is None."""
    height, width = binary.shape
    tally = Tally(count, width)
    for rows in row_blocks(height, width):
        local = np.flatnonzero(binary[rows])
        if local.size == 0:
            continue
        regions = labels[rows].reshape(-1)[local].astype(np.intp)
        if scores is None:
            values = np.ones(local.size)
        else:
            values = scores[rows].reshape(-1)[local].astype(np.float64, copy=False)
        tally.add(local + rows.start * width, regions, values)
    return tally
