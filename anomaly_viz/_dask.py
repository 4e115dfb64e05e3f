"""The block-wise versions of the pipeline on Dask arrays, imported only when one is passed.

Every result is a lazy Dask array holding, for any chunking, the same bytes
as the NumPy path (``tests/test_dask.py`` holds the two together), by the
ecosystem's standard means:

- statistics that decide the colours (a normalisation's minimum, maximum or
  percentiles, Otsu's histogram, whether the resize must guard against
  overflow) are computed once over the whole array, never per chunk, since
  per-chunk scales draw seams;
- per-pixel stages (normalise, colour, blend) run with ``map_blocks`` on
  the image's chunks, the colour axis in one chunk;
- a map of another size than the image is resized output block by output
  block, each from the window of source pixels its pixels are interpolated
  from (the interpolation's halo included), with the reference's own
  formulas;
- the opening and closing run with ``map_overlap``, deep enough for the
  whole cleaning (twice the kernel's width), ``boundary="none"``: at the
  image's border a chunk ends where the image ends, so the border is
  handled exactly as the NumPy path handles it.

Dask is an optional dependency (``pip install "anomaly_viz[dask]"``); the
package never imports it for NumPy input.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np

from ._validate import work_dtype
from .normalization import Normalization, _work_scores
from .resize import _Axis, _axis, _lerp, _lerp_clamped, _resize

if TYPE_CHECKING:
    import dask.array

__all__ = ["colours", "compute_mask", "fitted", "is_dask", "overlay", "resize"]

INSTALL = 'pip install "anomaly_viz[dask]"'


def is_dask(*values: object) -> bool:
    """True if any value is a Dask array (checked without importing Dask)."""
    return any(type(value).__module__.startswith("dask.array") for value in values)


def _da() -> Any:
    try:
        import dask.array as da
    except ImportError:  # pragma: no cover - the test extra installs Dask
        raise ImportError(
            f"a Dask array was passed, but Dask is not installed: {INSTALL}"
        ) from None
    return da


def _as_dask(value: Any, chunks: Any = "auto") -> dask.array.Array:
    da = _da()
    return value if is_dask(value) else da.from_array(np.asarray(value), chunks=chunks)


def _check_real(array: dask.array.Array, name: str) -> None:
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold real numbers, got {array.dtype}")


def _one_map(anomaly_map: Any, name: str = "anomaly_map") -> dask.array.Array:
    """One 2-D map as a Dask array (a batch is not taken on Dask, yet)."""
    array = _as_dask(anomaly_map)
    _check_real(array, name)
    shape = tuple(size for size in array.shape if size != 1) if array.ndim > 2 else array.shape
    if len(shape) != 2 or 0 in shape:
        raise ValueError(
            f"{name} must be one 2-D map (H, W) on a Dask array, got shape {array.shape}"
        )
    return array.reshape(shape)


# ------------------------------------------------------------- statistics


def _samples(spec: Normalization, array: dask.array.Array) -> list[np.ndarray]:
    """:meth:`Normalization._sample` of every block, computed."""
    import dask

    def sample(block: np.ndarray) -> np.ndarray:
        return spec._sample(_work_scores(block, "anomaly_map"))

    tasks = [dask.delayed(sample)(block) for block in array.to_delayed().ravel()]
    return list(dask.compute(*tasks))


def fitted(spec: Normalization, anomaly_map: Any) -> Normalization:
    """`spec` fitted to the whole map, as :meth:`Normalization.fit` fits the NumPy map.

    The fit of every block's sample together is the fit of the whole map
    (the property :meth:`Normalization.fit_stream` is tested for). The
    percentile kind is fitted by :func:`anomaly_viz.scale.fit_scale`'s three
    passes over the blocks, so that it never holds the map.
    """
    if spec.is_fitted:
        return spec
    array = _one_map(anomaly_map)
    if spec.kind == "percentile":
        from .scale import fit_scale

        assert spec.percentiles is not None  # set for the percentile kind

        def blocks() -> Any:
            return (block.compute() for block in array.to_delayed().ravel())

        scale = fit_scale(blocks, percentiles=spec.percentiles)
        return replace(spec, low=scale.low, high=scale.high)
    return spec._fitted_to_samples(_samples(spec, array), array.dtype)


def _needs_clamped_lerp(array: dask.array.Array) -> bool:
    """The reference's choice of lerp for the whole map: finite magnitudes above max / 2."""
    da = _da()
    kind = work_dtype(array.dtype)
    work = array.astype(kind)
    magnitude = da.where(da.isfinite(work), da.abs(work), 0)
    return bool(magnitude.max().compute() > np.finfo(kind).max / 2)


# ----------------------------------------------------------------- resize


def _window(axis: _Axis, start: int, stop: int) -> tuple[slice, _Axis]:
    """The source window of output positions start..stop, and their indices within it."""
    near, far = axis.near[start:stop], axis.far[start:stop]
    low = int(min(near.min(), far.min()))
    high = int(max(near.max(), far.max())) + 1
    return slice(low, high), _Axis(near - low, far - low, axis.weight[start:stop])


def resize(
    anomaly_map: Any, shape: tuple[int, int], chunks: tuple[tuple[int, ...], tuple[int, ...]]
) -> dask.array.Array:
    """:func:`~anomaly_viz.resize.resize_bilinear` of a map, as a Dask array of `chunks`.

    Each output block is computed from the source window its pixels are
    interpolated from, with the reference's indices, weights and lerp (the
    lerp chosen once for the whole map, as the reference chooses it).
    """
    da = _da()
    array = _one_map(anomaly_map)
    kind = work_dtype(array.dtype)
    if tuple(array.shape) == tuple(shape):
        return array.astype(kind).rechunk(chunks)
    lerp = _lerp_clamped if _needs_clamped_lerp(array) else _lerp
    rows, cols = (_axis(n_in, n_out, kind) for n_in, n_out in zip(array.shape, shape, strict=True))

    def block(window: np.ndarray, block_rows: _Axis, block_cols: _Axis) -> np.ndarray:
        return _resize(window.astype(kind), block_rows, block_cols, lerp)

    grid = []
    row_start = 0
    for height in chunks[0]:
        row_window, block_rows = _window(rows, row_start, row_start + height)
        line, col_start = [], 0
        for width in chunks[1]:
            col_window, block_cols = _window(cols, col_start, col_start + width)
            source = array[row_window, col_window].rechunk(-1)
            line.append(
                source.map_blocks(
                    block, block_rows, block_cols, chunks=((height,), (width,)), dtype=kind
                )
            )
            col_start += width
        grid.append(line)
        row_start += height
    return da.block(grid)


# ------------------------------------------------------------- per pixel


def _image_chunks(image: dask.array.Array) -> dask.array.Array:
    """The image with its colour axis (if any) in one chunk, checked by its metadata."""
    if image.dtype not in (np.uint8, np.uint16) and image.dtype.kind != "f":
        raise TypeError(f"image must be uint8, uint16 or float, got {image.dtype}")
    if image.ndim not in (2, 3) or (image.ndim == 3 and image.shape[2] not in (1, 3, 4)):
        raise ValueError(
            f"image must be one image (H, W) or (H, W, C) with C 1, 3 or 4 on a Dask array, "
            f"got shape {image.shape}"
        )
    return image if image.ndim == 2 else image.rechunk({2: -1})


def colours(anomaly_map: Any, spec: Normalization, table: np.ndarray) -> Any:
    """The heatmap colours of one map at its own size (``anomaly_map_to_color_map``)."""
    from .overlays import reference_colours

    array = _one_map(anomaly_map)
    fit = fitted(spec, array)

    def block(scores: np.ndarray) -> np.ndarray:
        return reference_colours(_work_scores(scores, "anomaly_map"), scores.shape, fit, table)

    return _da().map_blocks(
        block,
        array,
        new_axis=2,
        chunks=(*array.chunks, (3,)),
        dtype=np.uint8,
        meta=np.empty((0, 0, 0), np.uint8),
    )


def overlay(
    image: Any,
    anomaly_map: Any,
    mode: str,
    alpha: float,
    gamma: float,
    table: np.ndarray,
    spec: Normalization,
    threshold: float | None,
) -> Any:
    """:func:`~anomaly_viz.overlay` of one map over one image, block by block."""
    from . import _engine
    from ._engine import pipeline
    from ._validate import as_images
    from .overlays import overlay_at_size

    da = _da()
    picture = _image_chunks(_as_dask(image))
    array = _one_map(anomaly_map)
    fit = fitted(spec, array)
    resized = resize(array, picture.shape[:2], picture.chunks[:2])

    def block(pixels: np.ndarray, scores: np.ndarray) -> np.ndarray:
        images, _ = as_images(pixels)
        plane = scores[..., 0] if scores.ndim == 3 else scores  # beside a colour axis
        options = (table, mode, alpha, gamma, threshold)
        if not _engine.ENABLED:
            return overlay_at_size(images[0], plane, fit, *options)
        # the engine's bytes are the reference's for any map, so for this
        # block's scores at its own size too (tests/test_engine.py)
        out = np.empty((*plane.shape, 3), np.uint8)
        return pipeline.overlay_into(out, images[0], plane, fit, *options)

    if picture.ndim == 2:
        return da.map_blocks(
            block, picture, resized, new_axis=2, chunks=(*picture.chunks, (3,)), dtype=np.uint8,
            meta=np.empty((0, 0, 0), np.uint8),
        )  # fmt: skip
    return da.map_blocks(
        block, picture, resized[:, :, np.newaxis], chunks=(*picture.chunks[:2], (3,)),
        dtype=np.uint8, meta=np.empty((0, 0, 0), np.uint8),
    )  # fmt: skip


# ------------------------------------------------------------------- masks


def _otsu(array: dask.array.Array, nbins: int) -> float:
    """:func:`~anomaly_viz.thresholds.threshold_otsu` of the whole map, from block histograms."""
    import dask

    from .thresholds import _unit_interval, otsu_split

    da = _da()
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
    from . import _engine
    from ._engine import morphology as _morphology
    from .morphology import _square, open_close, open_disk

    # an opening and a closing reach 2 * kernel_size pixels; one more for room
    array, depth = _with_overlap(mask, 2 * kernel_size + 1)

    def block(binary: np.ndarray) -> np.ndarray:
        if cleaning == "open_close":
            return open_close(binary, kernel_size)
        if cleaning == "anomalib":
            return open_disk(binary, kernel_size)
        if _engine.ENABLED:
            return _morphology.erode(binary, kernel_size)
        from scipy import ndimage

        square = _square(kernel_size, binary.shape)
        return ndimage.binary_erosion(binary, square, border_value=1)

    return array.map_overlap(
        block, depth=depth, boundary="none", dtype=bool, meta=np.empty((0, 0), bool)
    )


def _block_labels(block: np.ndarray, connectivity: int, offset: int = 0) -> np.ndarray:
    """``scipy.ndimage.label`` of one block, as int64, its labels moved up by `offset`."""
    from scipy import ndimage

    from .morphology import structure

    labels = np.empty(block.shape, np.int64)
    ndimage.label(block, structure(connectivity), output=labels)
    labels[labels != 0] += offset
    return labels


def _label(mask: dask.array.Array, connectivity: int) -> tuple[dask.array.Array, int]:
    """The mask's regions labelled across chunks: labels 1..count, in no particular order.

    One pass labels every block on its own (``scipy.ndimage.label``) and
    keeps only its count and its four edges; the blocks' labels are made
    unique by offsets (the counts of the blocks before), the labels that
    touch across a chunk face (through a side, or a corner for
    connectivity 8) are joined as the edges of a graph, and the graph's
    connected components (``scipy.sparse.csgraph``) are the regions. The
    returned array labels each block again and maps it through them.

    This is ``dask_image.ndmeasure.label``'s method; that function itself
    builds a task graph that grows with the square of the number of chunks
    (``benchmarks/labels.py`` measures both), which makes a mask of a few
    hundred chunks wait minutes before the first task runs.
    """
    import dask
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    def summary(block: np.ndarray) -> tuple[int, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        labels = _block_labels(block, connectivity)
        return int(labels.max(initial=0)), labels[0], labels[-1], labels[:, 0], labels[:, -1]

    grid = mask.to_delayed()
    found = dask.compute(*(dask.delayed(summary)(block) for block in grid.ravel()))
    summaries = np.empty(grid.shape, object)
    summaries.ravel()[:] = [tuple(item) for item in found]
    counts = np.array([[item[0] for item in row] for row in summaries], np.int64)
    offsets = (np.cumsum(counts.ravel()) - counts.ravel()).reshape(counts.shape)
    total = int(counts.sum())

    def moved(edge: np.ndarray, offset: int) -> np.ndarray:
        return np.where(edge != 0, edge + offset, 0)

    pairs = []
    reach = (-1, 0, 1) if connectivity == 8 else (0,)
    rows, cols = counts.shape
    for i in range(rows - 1):  # faces between chunk rows, across the whole width
        upper = np.concatenate([moved(summaries[i, j][2], offsets[i, j]) for j in range(cols)])
        lower = np.concatenate(
            [moved(summaries[i + 1, j][1], offsets[i + 1, j]) for j in range(cols)]
        )
        pairs += [_touching(upper, lower, shift) for shift in reach]
    for j in range(cols - 1):  # faces between chunk columns, down the whole height
        left = np.concatenate([moved(summaries[i, j][4], offsets[i, j]) for i in range(rows)])
        right = np.concatenate(
            [moved(summaries[i, j + 1][3], offsets[i, j + 1]) for i in range(rows)]
        )
        pairs += [_touching(left, right, shift) for shift in reach]
    joined = np.concatenate([np.empty((0, 2), np.int64), *pairs])
    graph = coo_matrix(
        (np.ones(len(joined), bool), (joined[:, 0], joined[:, 1])), shape=(total + 1, total + 1)
    )
    _, component = connected_components(graph, directed=False)
    # node 0 (the background) is joined to nothing: its component becomes
    # label 0, the others 1..count
    background = component[0]
    mapping = np.where(component < background, component + 1, component).astype(np.int64)
    mapping[0] = 0
    count = int(mapping.max(initial=0))

    def block(binary: np.ndarray, block_id: tuple[int, int] = (0, 0)) -> np.ndarray:
        return mapping[_block_labels(binary, connectivity, int(offsets[block_id]))]

    labels = _da().map_blocks(block, mask, dtype=np.int64, meta=np.empty((0, 0), np.int64))
    return labels, count


def _touching(first: np.ndarray, second: np.ndarray, shift: int) -> np.ndarray:
    """Pairs of labels ``(first[k], second[k + shift])`` both non-zero: neighbours across a face."""
    if shift > 0:
        first, second = first[:-shift], second[shift:]
    elif shift < 0:
        first, second = first[-shift:], second[:shift]
    both = (first != 0) & (second != 0)
    return np.stack([first[both], second[both]], axis=1)


def _keep(labels: dask.array.Array, kept: np.ndarray) -> dask.array.Array:
    """The pixels whose label is True in `kept` (one truth value per label, 0 first)."""
    meta = np.empty((0, 0), bool)
    return _da().map_blocks(lambda block: kept[block], labels, dtype=bool, meta=meta)


def _blocks(array: dask.array.Array, function: Any) -> list[Any]:
    """`function` of every block of `array`, computed."""
    import dask

    return list(dask.compute(*(dask.delayed(function)(b) for b in array.to_delayed().ravel())))


def _grow(seeds: dask.array.Array, mask: dask.array.Array, connectivity: int) -> dask.array.Array:
    """``binary_propagation(seeds, mask=mask)``: the regions of `mask` that hold a seed.

    The regions are labelled across chunks; a region is kept if any of its
    pixels is a seed. The same pixels as a propagation, which stops exactly
    at a region's edge.
    """
    da = _da()
    labels, count = _label(mask, connectivity)
    pairs = da.stack([labels, seeds.rechunk(labels.chunks).astype(labels.dtype)])
    seeded = _blocks(pairs.rechunk({0: 2}), lambda pair: np.unique(pair[0][pair[1] != 0]))
    kept = np.zeros(count + 1, bool)
    kept[np.concatenate(seeded).astype(np.intp)] = True
    kept[0] = False
    return _keep(labels, kept)


def _remove_small(mask: dask.array.Array, min_area: int, connectivity: int) -> dask.array.Array:
    """:func:`~anomaly_viz.regions.remove_small_objects`: areas summed over the blocks."""
    labels, count = _label(mask, connectivity)
    areas = np.sum(
        _blocks(labels, lambda block: np.bincount(block.ravel(), minlength=count + 1)), axis=0
    )
    kept = areas >= min_area
    kept[0] = False
    return _keep(labels, kept)


def _above(array: dask.array.Array, level: float) -> dask.array.Array:
    """:func:`~anomaly_viz.thresholds.threshold_mask` block by block."""
    from .thresholds import threshold_mask

    return _da().map_blocks(threshold_mask, array, level, dtype=bool, meta=np.empty((0, 0), bool))


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
    """:func:`~anomaly_viz.compute_mask` of one map, step for step as the NumPy path.

    The threshold and the openings and closings are local (``map_blocks``,
    ``map_overlap``); hysteresis, the reconstruction and `min_area` go
    through the regions labelled across chunks. Each global quantity (Otsu's
    threshold, the regions kept) is computed once, when the call is made,
    one block at a time; the result's pixels when it is computed.
    """
    array = _one_map(anomaly_map)
    high = _otsu(array, 256) if isinstance(threshold, str) else threshold
    if low_threshold is None:
        mask = _above(array, high)
    else:
        mask = _grow(_above(array, high), _above(array, min(low_threshold, high)), connectivity)
    if cleaning == "reconstruction":
        if kernel_size > 1:
            mask = _grow(_local(mask, kernel_size, "erode"), mask, connectivity)
    elif kernel_size > 1 or (cleaning == "anomalib" and kernel_size > 0):
        mask = _local(mask, kernel_size, cleaning)
    if min_area > 1:
        mask = _remove_small(mask, min_area, connectivity)
    return _da().map_blocks(
        lambda block: block.astype(np.uint8) * np.uint8(255),
        mask,
        dtype=np.uint8,
        meta=np.empty((0, 0), np.uint8),
    )


# ----------------------------------------------------------------- regions


def measure_regions(anomaly_map: Any, mask: Any, connectivity: int, min_area: int) -> list[Any]:
    """:func:`~anomaly_viz.regions.measure_regions` of one map, labels merged across chunks.

    The mask is labelled across chunks (:func:`_label`); then, one band of
    chunk rows at a time from the top, the labels are renumbered in order
    of first appearance (scipy's raster order) and fed with their scores to the engine's per-region
    :class:`~anomaly_viz._engine.regions.Tally` in raster order, so that
    every sum runs as the NumPy path's does. One computation, the bands a
    chain of tasks: memory is a band of rows and a few numbers per region.
    """
    import dask

    from ._engine.regions import Tally
    from .regions import _collect

    scores = _one_map(anomaly_map)
    binary = _one_map(mask, "mask")
    if binary.shape != scores.shape:
        raise ValueError(
            f"mask and anomaly_map must have the same height and width, got {binary.shape} "
            f"and {scores.shape}"
        )
    binary = (binary != 0).rechunk(scores.chunks)
    labels, count = _label(binary, connectivity)
    width = scores.shape[1]

    def begin() -> tuple[Tally, np.ndarray]:
        return Tally(count, width), np.zeros(count + 1, np.intp)

    def band(state: Any, start: int, found: Any, marked: Any, values: Any) -> Any:
        tally, renumber = state
        local = np.flatnonzero(marked)
        if local.size:
            raw = found.reshape(-1)[local].astype(np.intp)
            seen, first = np.unique(raw, return_index=True)
            fresh = seen[np.argsort(first, kind="stable")]
            fresh = fresh[renumber[fresh] == 0]
            assigned = int(renumber.max())
            renumber[fresh] = np.arange(assigned + 1, assigned + 1 + fresh.size)
            work = _work_scores(values, "anomaly_map").reshape(-1)[local].astype(np.float64)
            tally.add(local + start * width, renumber[raw], work)
        return tally, renumber

    state = dask.delayed(begin)()
    start = 0
    for height in scores.chunks[0]:
        rows = slice(start, start + height)
        state = dask.delayed(band)(state, start, labels[rows], binary[rows], scores[rows])
        start += height
    tally, _ = state.compute()
    return _collect(tally, min_area, True)
