"""Statistics, the resize and the per-pixel stages (colours, overlay) block by block."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np

from .._validate import work_dtype
from ..normalization import Normalization, _work_scores
from ..resize import _Axis, _axis, _lerp, _lerp_clamped, _resize
from ._base import as_dask, dask_array, one_map

if TYPE_CHECKING:
    import dask.array

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
    array = one_map(anomaly_map)
    if spec.kind == "percentile":
        from ..scale import fit_scale

        assert spec.percentiles is not None  # set for the percentile kind

        def blocks() -> Any:
            return (block.compute() for block in array.to_delayed().ravel())

        scale = fit_scale(blocks, percentiles=spec.percentiles)
        return replace(spec, low=scale.low, high=scale.high)
    return spec._fitted_to_samples(_samples(spec, array), array.dtype)


def _needs_clamped_lerp(array: dask.array.Array) -> bool:
    """The reference's choice of lerp for the whole map: finite magnitudes above max / 2."""
    da = dask_array()
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
    da = dask_array()
    array = one_map(anomaly_map)
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
    from ..overlays import reference_colours

    array = one_map(anomaly_map)
    fit = fitted(spec, array)

    def block(scores: np.ndarray) -> np.ndarray:
        return reference_colours(_work_scores(scores, "anomaly_map"), scores.shape, fit, table)

    return dask_array().map_blocks(
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
    """:func:`~anomaly_viz.overlays.overlay` of one map over one image, block by block."""
    from .. import _engine
    from .._engine import pipeline
    from .._validate import as_images
    from ..overlays import overlay_at_size

    da = dask_array()
    picture = _image_chunks(as_dask(image))
    array = one_map(anomaly_map)
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
