""":func:`~anomaly_viz.regions.measure_regions` of a Dask map and mask."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..normalization import _work_scores
from ._base import one_map
from .labels import label_across_chunks


def measure_regions(anomaly_map: Any, mask: Any, connectivity: int, min_area: int) -> list[Any]:
    """:func:`~anomaly_viz.regions.measure_regions` of one map, labels merged across chunks.

    The mask is labelled across chunks
    (:func:`~anomaly_viz._dask.labels.label_across_chunks`); then, one band of
    chunk rows at a time from the top, the labels are renumbered in order
    of first appearance (scipy's raster order) and fed with their scores to
    the engine's per-region :class:`~anomaly_viz._engine.regions.Tally` in
    raster order, so that
    every sum runs as the NumPy path's does. One computation, the bands a
    chain of tasks: memory is a band of rows and a few numbers per region.
    """
    import dask

    from .._engine.regions import Tally
    from ..regions import _collect

    scores = one_map(anomaly_map)
    binary = one_map(mask, "mask")
    if binary.shape != scores.shape:
        raise ValueError(
            f"mask and anomaly_map must have the same height and width, got {binary.shape} "
            f"and {scores.shape}"
        )
    binary = (binary != 0).rechunk(scores.chunks)
    labels, count = label_across_chunks(binary, connectivity)
    width = scores.shape[1]

    def begin() -> tuple[Tally, np.ndarray, int]:
        return Tally(count, width), np.zeros(count + 1, np.intp), 0

    def band(state: Any, start: int, found: Any, marked: Any, values: Any) -> Any:
        tally, renumber, assigned = state  # assigned: the labels renumbered so far
        local = np.flatnonzero(marked)
        if local.size:
            raw = found.reshape(-1)[local].astype(np.intp)
            seen, first = np.unique(raw, return_index=True)
            fresh = seen[np.argsort(first, kind="stable")]
            fresh = fresh[renumber[fresh] == 0]
            renumber[fresh] = np.arange(assigned + 1, assigned + 1 + fresh.size)
            assigned += fresh.size
            work = _work_scores(values, "anomaly_map").reshape(-1)[local].astype(np.float64)
            tally.add(local + start * width, renumber[raw], work)
        return tally, renumber, assigned

    state = dask.delayed(begin)()
    start = 0
    for height in scores.chunks[0]:
        rows = slice(start, start + height)
        state = dask.delayed(band)(state, start, labels[rows], binary[rows], scores[rows])
        start += height
    tally, _, _ = state.compute()
    return _collect(tally, min_area, True)
