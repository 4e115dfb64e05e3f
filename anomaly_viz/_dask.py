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
        return overlay_at_size(images[0], plane, fit, table, mode, alpha, gamma, threshold)

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


def compute_mask(anomaly_map: Any, threshold: float | str, kernel_size: int, cleaning: str) -> Any:
    """:func:`~anomaly_viz.compute_mask` of one map with a local cleaning, by ``map_overlap``."""
    from dask.array.overlap import ensure_minimum_chunksize

    from .post_process import compute_mask as numpy_compute_mask

    array = _one_map(anomaly_map)
    level = _otsu(array, 256) if isinstance(threshold, str) else threshold
    reach = 2 * kernel_size + 1  # of an opening and a closing, with room
    # An axis no longer than the reach is one chunk (nothing to overlap); the
    # others have chunks at least as long as the overlap.
    depth = tuple(0 if size <= reach else reach for size in array.shape)
    chunks = tuple(
        (size,) if margin == 0 else ensure_minimum_chunksize(margin, axis)
        for size, margin, axis in zip(array.shape, depth, array.chunks, strict=True)
    )
    array = array.rechunk(chunks)

    def block(scores: np.ndarray) -> np.ndarray:
        return numpy_compute_mask(scores, level, kernel_size, cleaning=cleaning)

    return array.map_overlap(
        block, depth=depth, boundary="none", dtype=np.uint8, meta=np.empty((0, 0), np.uint8)
    )
