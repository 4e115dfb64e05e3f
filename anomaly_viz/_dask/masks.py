"""compute_mask and the mask functions block by block: thresholds, map_overlap, labels."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from ._base import as_dask, check_real, dask_array, one_map
from .labels import grow, remove_small

if TYPE_CHECKING:
    import dask.array

# ------------------------------------------------------------------- masks


def _otsu(array: dask.array.Array, nbins: int) -> float:
    """:func:`~anomaly_viz.thresholds.threshold_otsu` of the whole map, from block histograms."""
    import dask

    from ..thresholds import _unit_interval, otsu_split

    da = dask_array()
    values = array.astype(np.float64)
    finite = da.isfinite(values)
    low = float(da.where(finite, values, np.inf).min().compute())
    high = float(da.where(finite, values, -np.inf).max().compute())
    if not math.isfinite(low):
        raise ValueError("scores must hold at least one finite value for Otsu's threshold")
    if low == high:
        return low

    def histogram(block: np.ndarray) -> np.ndarray:
        kept = block[np.isfinite(block)]
        return np.histogram(_unit_interval(kept, low, high), bins=nbins, range=(0.0, 1.0))[0]

    tasks = [dask.delayed(histogram)(block) for block in values.to_delayed().ravel()]
    counts = np.sum(dask.compute(*tasks), axis=0)
    edge = np.histogram_bin_edges([], bins=nbins, range=(0.0, 1.0))[otsu_split(counts) + 1]

    def below(block: np.ndarray) -> np.ndarray:
        unit = _unit_interval(block, low, high)
        return np.array([np.max(block, where=np.isfinite(block) & (unit < edge), initial=-np.inf)])

    tops = [dask.delayed(below)(block) for block in values.to_delayed().ravel()]
    return float(np.max(dask.compute(*tops)))


def _with_overlap(array: dask.array.Array, reach: int) -> tuple[dask.array.Array, tuple[int, ...]]:
    """`array` rechunked for ``map_overlap`` of depth `reach`, and that depth per axis.

    An axis no longer than the reach is one chunk (nothing to overlap); the
    others have chunks at least as long as the overlap.
    """
    from dask.array.overlap import ensure_minimum_chunksize

    depth = tuple(0 if size <= reach else reach for size in array.shape)
    chunks = tuple(
        (size,) if margin == 0 else ensure_minimum_chunksize(margin, axis)
        for size, margin, axis in zip(array.shape, depth, array.chunks, strict=True)
    )
    return array.rechunk(chunks), depth


def _local(mask: dask.array.Array, kernel_size: int, cleaning: str) -> dask.array.Array:
    """A local step on a boolean mask, block by block with the halo it needs.

    ``"open_close"`` and ``"anomalib"`` clean the mask; ``"erode"`` is the
    erosion that seeds an opening by reconstruction. Every block is cleaned
    by the NumPy functions themselves; ``boundary="none"``: at the image's
    border a block ends where the image ends, so the border rule is the
    NumPy path's.
    """
    from ..morphology import erode_square, open_close, open_disk

    # an opening and a closing reach 2 * kernel_size pixels; one more for room
    array, depth = _with_overlap(mask, 2 * kernel_size + 1)

    def block(binary: np.ndarray) -> np.ndarray:
        if cleaning == "open_close":
            return open_close(binary, kernel_size)
        if cleaning == "anomalib":
            return open_disk(binary, kernel_size)
        return erode_square(binary, kernel_size)

    return array.map_overlap(
        block, depth=depth, boundary="none", dtype=bool, meta=np.empty((0, 0), bool)
    )


def _above(array: dask.array.Array, level: float) -> dask.array.Array:
    """:func:`~anomaly_viz.thresholds.threshold_mask` block by block."""
    from ..thresholds import threshold_mask

    meta = np.empty((0,) * array.ndim, bool)
    return dask_array().map_blocks(threshold_mask, array, level, dtype=bool, meta=meta)


def compute_mask(
    anomaly_map: Any,
    threshold: float | str,
    kernel_size: int,
    *,
    low_threshold: float | None,
    cleaning: str,
    connectivity: int,
    min_area: int,
) -> Any:
    """:func:`~anomaly_viz.post_process.compute_mask` of one map, step for step as the NumPy path.

    The threshold and the openings and closings are local (``map_blocks``,
    ``map_overlap``); hysteresis, the reconstruction and `min_area` go
    through the regions labelled across chunks. Each global quantity (Otsu's
    threshold, the regions kept) is computed once, when the call is made,
    one block at a time; the result's pixels when it is computed.
    """
    array = one_map(anomaly_map)
    high = _otsu(array, 256) if isinstance(threshold, str) else threshold
    if low_threshold is None:
        mask = _above(array, high)
    else:
        mask = grow(_above(array, high), _above(array, min(low_threshold, high)), connectivity)
    if cleaning == "reconstruction":
        if kernel_size > 1:
            mask = grow(_local(mask, kernel_size, "erode"), mask, connectivity)
    elif kernel_size > 1 or (cleaning == "anomalib" and kernel_size > 0):
        mask = _local(mask, kernel_size, cleaning)
    if min_area > 1:
        mask = remove_small(mask, min_area, connectivity)
    return dask_array().map_blocks(
        lambda block: block.astype(np.uint8) * np.uint8(255),
        mask,
        dtype=np.uint8,
        meta=np.empty((0, 0), np.uint8),
    )


# ------------------------------------------ the mask functions, one by one


def threshold_mask(scores: Any, threshold: float) -> Any:
    """:func:`~anomaly_viz.thresholds.threshold_mask` of Dask scores of any shape."""
    array = as_dask(scores)
    check_real(array, "scores")
    return _above(array, threshold)


def threshold_otsu(scores: Any, nbins: int) -> float:
    """:func:`~anomaly_viz.thresholds.threshold_otsu` of Dask scores, from block histograms."""
    array = as_dask(scores)
    check_real(array, "scores")
    return _otsu(array, nbins)


def hysteresis(scores: Any, low: float, high: float, connectivity: int) -> Any:
    """:func:`~anomaly_viz.thresholds.apply_hysteresis_threshold` of one Dask map."""
    array = one_map(scores, "scores")
    return grow(_above(array, high), _above(array, low), connectivity)


def _binary(mask: Any) -> dask.array.Array:
    """One 2-D Dask mask as truth values (non-zero is True)."""
    return one_map(mask, "mask") != 0


def clean(mask: Any, kernel_size: int, cleaning: str) -> Any:
    """:func:`~anomaly_viz.morphology.open_close` (``"open_close"``) or
    :func:`~anomaly_viz.morphology.open_disk` (``"anomalib"``) of one Dask mask."""
    binary = _binary(mask)
    if kernel_size <= (0 if cleaning == "anomalib" else 1):
        return binary
    return _local(binary, kernel_size, cleaning)


def reconstruct(mask: Any, kernel_size: int, connectivity: int) -> Any:
    """:func:`~anomaly_viz.morphology.open_by_reconstruction` of one Dask mask."""
    binary = _binary(mask)
    if kernel_size <= 1:
        return binary
    return grow(_local(binary, kernel_size, "erode"), binary, connectivity)


def small_removed(mask: Any, min_area: int, connectivity: int) -> Any:
    """:func:`~anomaly_viz.regions.remove_small_objects` of one Dask mask."""
    return remove_small(_binary(mask), min_area, connectivity)
