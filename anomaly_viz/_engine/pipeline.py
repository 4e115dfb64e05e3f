"""The per-map pipeline: resize rows, normalise, colour, blend, one block of rows at a time.

Every public function that turns a map into pixels (the heatmap, the
overlay in each mode, the RGBA heatmap, the figure's panels) goes through
these three functions, one map at a time. Each gives the bytes of the
reference composition written in :mod:`anomaly_viz.overlays`
(``resize_bilinear``, then the normalisation, ``quantize`` and the table,
then ``mode_weights`` and ``weighted_sum``), without ever making a
full-size float array.

Two shortcuts, each taken only where it gives those bytes (see the
functions they call): the colour-table indices of a linear scale come from
an :class:`~anomaly_viz._engine.normalization.IndexPlan` (no clip, no NaN
pass when the map's extremes rule them out), and the blend of a uint8 RGB
image with fixed weights is the integer formula of
:func:`~anomaly_viz._engine.blend.integer_weights`, its heatmap term
``A * colour + C`` read from a table of uint16 triples.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

import numpy as np

from ..normalization import quantize
from .blend import IntegerWeights, integer_sum_into, integer_weights, weighted_sum_into
from .blocks import plain_rows, row_blocks
from .colour import colors_at, extended, overlapping_stores_work, packed_words, store_words
from .normalization import IndexPlan, index_plan, indices_into
from .resize import resized_rows

__all__ = ["colours_into", "overlay_into", "rgba_into"]


def _score_blocks(scores: np.ndarray, size: tuple[int, int]) -> Iterator[tuple[slice, np.ndarray]]:
    """Blocks of rows of the map resized (as scores) to `size`."""
    rows_of = resized_rows(scores, size)
    for rows in row_blocks(*size):
        yield rows, rows_of(rows)


class _Indexer:
    """Extended-table indices of blocks of one map, in reused buffers."""

    def __init__(self, plan: IndexPlan, dtype: np.dtype, size: tuple[int, int]) -> None:
        pixels = next(row_blocks(*size)).stop * size[1]  # the first block is the largest
        self.plan = plan
        self.work = np.empty(pixels, dtype)
        self.index = np.empty(pixels, np.int32)
        self._words: np.ndarray | None = None

    def __call__(self, block: np.ndarray) -> np.ndarray:
        count = block.size
        index = self.index[:count]
        indices_into(index, block.reshape(-1), self.plan, self.work[:count])
        return index

    def words(self, block: np.ndarray, table: np.ndarray) -> np.ndarray:
        """``table[indices of block]`` for a table of words, in a reused buffer."""
        if self._words is None or self._words.dtype != table.dtype:
            self._words = np.empty(self.index.size, table.dtype)
        return np.take(table, self(block), out=self._words[: block.size], mode="wrap")


def _fitted(spec: Any, scores: np.ndarray) -> tuple[Any, tuple[Any, Any]]:
    """``spec.fit(scores)`` and the map's extremes (NaN if it holds one), each computed once.

    For an unfitted ``minmax`` scale of a map whose minimum and maximum are
    finite, those are the reference's sample (``_finite_extremes``), so the
    fit is made from them instead of being computed again.
    """
    extremes = np.min(scores), np.max(scores)
    if spec.is_fitted or spec.kind != "minmax" or not np.isfinite(extremes).all():
        return spec.fit(scores), extremes
    return spec._fitted_from(np.array(extremes, scores.dtype)), extremes


def _indexer(
    scores: np.ndarray, spec: Any, table: np.ndarray, size: tuple[int, int]
) -> tuple[Any, _Indexer | None]:
    """`spec` fitted to `scores`, and an :class:`_Indexer` for them (None: no shortcut)."""
    fit, extremes = _fitted(spec, scores)
    if not overlapping_stores_work():
        return fit, None
    plan = index_plan(fit, scores, len(table) - 1, extremes)
    return fit, None if plan is None else _Indexer(plan, scores.dtype, size)


@functools.lru_cache(maxsize=16)
def _colour_words(table_bytes: bytes) -> np.ndarray:
    """The extended table of a ``(N + 1, 3)`` table (given as bytes) as uint32 words."""
    return packed_words(extended(np.frombuffer(table_bytes, np.uint8).reshape(-1, 3)))


@functools.lru_cache(maxsize=16)
def _heat_words(table_bytes: bytes, weights: IntegerWeights) -> np.ndarray:
    """``A * colour + C`` of the extended table as uint64 words of three uint16."""
    colours = extended(np.frombuffer(table_bytes, np.uint8).reshape(-1, 3)).astype(np.uint16)
    return packed_words(colours * weights.layer_weight + weights.offset)


def colours_into(out: np.ndarray, scores: np.ndarray, spec: Any, table: np.ndarray) -> np.ndarray:
    """The heatmap colours of `scores`, resized to `out`'s height and width, into `out`.

    `spec` is the normalisation, fitted to `scores` here if it is not yet.
    """
    fit, indexer = _indexer(scores, spec, table, out.shape[:2])
    if indexer is None:
        for rows, block in _score_blocks(scores, out.shape[:2]):
            colors_at(fit.quantized(block, len(table) - 1), table, out=out[rows])
        return out
    words = _colour_words(table.tobytes())
    for rows, block in _score_blocks(scores, out.shape[:2]):
        store_words(out[rows], indexer.words(block, words))
    return out


def rgba_into(out: np.ndarray, scores: np.ndarray, fit: Any, table: np.ndarray) -> np.ndarray:
    """Heatmap colours with the opacity ``rint(255 * v)`` (0 for NaN), into `out` (H, W, 4)."""
    for rows, block in _score_blocks(scores, out.shape[:2]):
        values = fit(block)  # normalised once, for the colours and the opacity
        out[rows, :, :3] = colors_at(quantize(values, len(table) - 1), table)
        opacity = np.nan_to_num(values * 255.0, nan=0.0)
        out[rows, :, 3] = np.rint(opacity, out=opacity)
    return out


def overlay_into(
    out: np.ndarray,
    image: np.ndarray,
    scores: np.ndarray,
    spec: Any,
    table: np.ndarray,
    mode: str,
    alpha: float,
    gamma: float,
    threshold: float | None,
) -> np.ndarray:
    """`scores` laid over `image` in `mode` (see :mod:`anomaly_viz.blending`), into `out`.

    `spec` is the normalisation, fitted to `scores` here if it is not yet.
    """
    if mode == "blend" and image.dtype == np.uint8 and image.shape[-1] in (3, 4):
        weights = integer_weights(alpha, 1.0 - alpha, gamma)
        fit, indexer = _indexer(scores, spec, table, out.shape[:2])
        if weights is not None and indexer is not None:
            return _integer_blend_into(out, image, scores, indexer, table, weights, threshold)
    else:
        fit = spec.fit(scores)
    for rows, block in _score_blocks(scores, out.shape[:2]):
        target, photo = out[rows], image[rows]
        if mode == "blend":  # the colours alone: the fused quantized path
            colours = colors_at(fit.quantized(block, len(table) - 1), table)
            weighted_sum_into(target, colours, alpha, photo, 1.0 - alpha, gamma)
        else:
            _weighted_mode_into(target, mode, photo, fit(block), table, alpha, gamma)
        if threshold is not None:
            cold = ~(block > threshold)
            target[cold] = plain_rows(image, rows)[cold]
    return out


def _integer_blend_into(
    out: np.ndarray,
    image: np.ndarray,
    scores: np.ndarray,
    indexer: _Indexer,
    table: np.ndarray,
    weights: IntegerWeights,
    threshold: float | None,
) -> np.ndarray:
    """The blend mode on a uint8 RGB(A) image by the integer formula, into `out`."""
    heat_words = _heat_words(table.tobytes(), weights)
    pixels = indexer.index.size
    heat, work = np.empty(3 * pixels, np.uint16), np.empty(3 * pixels, np.uint16)
    for rows, block in _score_blocks(scores, out.shape[:2]):
        target, photo = out[rows], image[rows, :, :3]
        size = target.size
        layer = heat[:size].reshape(target.shape)
        store_words(layer, indexer.words(block, heat_words))
        integer_sum_into(target, layer, photo, weights, work[:size].reshape(target.shape))
        if threshold is not None:
            cold = ~(block > threshold)
            target[cold] = plain_rows(image, rows)[cold]
    return out


def _weighted_mode_into(
    target: np.ndarray,
    mode: str,
    photo: np.ndarray,
    values: np.ndarray,
    table: np.ndarray,
    alpha: float,
    gamma: float,
) -> None:
    """The modes whose weights vary per pixel (and ``gray``), for one block of rows."""
    v = np.nan_to_num(values.astype(np.float64), nan=0.0)
    if mode == "gray":
        grey = (v * 255.0)[..., np.newaxis]  # (h, W, 1): one grey for all channels
        weighted_sum_into(target, grey, alpha, photo, 1.0 - alpha, gamma)
        return
    weights = v * alpha
    if mode == "alpha":
        colours = colors_at(quantize(values, len(table) - 1), table)
        weighted_sum_into(target, colours, weights, photo, 1.0 - weights, gamma)
        return
    weights += 1.0 - alpha  # multiply
    weighted_sum_into(target, None, 0.0, photo, weights, gamma)
