"""Every way to lay an anomaly map over an image, from one entry point.

The steps, each a function of its own module: fit a normalisation on the
map as the model produced it (:meth:`~anomaly_viz.normalization.Normalization.fit`),
resize the *scores* to the image (:func:`~anomaly_viz.resize.resize_bilinear`),
normalise them to [0, 1], look up their colours
(:mod:`~anomaly_viz.colormap`), and combine them with the image in one of
the modes of :mod:`~anomaly_viz.blending`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from . import _dask, _engine, _validate
from ._engine import pipeline
from ._engine.blocks import plain_rows, rgb_rows
from .blending import MODES, mode_weights, weighted_sum
from .colormap import ColormapLike, lookup_table
from .normalization import Normalization, as_normalization, quantize
from .resize import resize_bilinear

__all__ = [
    "default_colormap",
    "heatmap_rgba",
    "overlay",
    "overlay_at_size",
    "overlay_checked",
    "reference_colours",
    "reference_overlay",
]

ALL = slice(None)


def default_colormap(colormap: ColormapLike | None, normalization: Normalization) -> ColormapLike:
    """``"jet"``, or the diverging ``"coolwarm"`` for signed maps centred on zero."""
    if colormap is not None:
        return colormap
    signed = normalization.kind == "signed" and normalization.sign == "all"
    return "coolwarm" if signed else "jet"


def overlay(
    image: ArrayLike,
    anomaly_map: ArrayLike,
    mode: str = "blend",
    *,
    alpha: float | None = None,
    gamma: float = 0,
    colormap: ColormapLike | None = None,
    normalization: str | Normalization = "minmax",
    threshold: float | None = None,
) -> np.ndarray:
    """Lay an anomaly map over an image, in one of four modes.

    With ``v`` the normalised score of a pixel in [0, 1], ``H`` its heatmap
    colour and ``I`` the image, every mode computes
    ``clip(rint(...), 0, 255)`` of:

    ============  =================================================  =======
    mode          formula                                            alpha
    ============  =================================================  =======
    ``blend``     ``alpha * H + (1 - alpha) * I + gamma``: anomalib  0.4
    ``alpha``     ``alpha*v * H + (1 - alpha*v) * I + gamma``: cold  1.0
                  pixels leave the image as it is (captum's
                  "alpha_scaling")
    ``gray``      ``alpha * 255*v + (1 - alpha) * I + gamma``: hot   0.5
                  areas lighter, cold ones darker (the seed's
                  variant 2)
    ``multiply``  ``(1 - alpha + alpha*v) * I + gamma``: only hot    1.0
                  regions stay visible (the seed's variant 1,
                  captum's "masked_image")
    ============  =================================================  =======

    A NaN score shows the colormap's "bad" colour in ``blend`` and counts
    as ``v = 0`` in the other modes. A map of another size than the image is
    resized as scores, then normalised with the statistics of the map as
    given, then coloured.

    On Dask arrays (the image, the map or both; one of each) the result is
    a lazy Dask array of the same bytes, for any chunking (see
    :doc:`/large`).

    Parameters
    ----------
    image : array_like, shape (H, W), (H, W, C) or (N, H, W, C)
        uint8 in 0-255, uint16 in 0-65535 (scaled by 255 / 65535) or float
        in [0, 1] (scaled by 255); grey, RGB or RGBA (alpha dropped); see
        :func:`~anomaly_viz.post_process.superimpose_anomaly_map`. The uint16 value
        ``257 * v`` gives the same result as the uint8 value ``v``.
    anomaly_map : array_like, shape (h, w) or (N, h, w)
        Scores of any real dtype; a batch of maps may share one image.
    mode : {"blend", "alpha", "gray", "multiply"}, default "blend"
    alpha : float, optional
        In [0, 1]; the default depends on the mode (table above).
    gamma : float, default 0
        Added to every channel; finite.
    colormap : str or matplotlib.colors.Colormap, optional
        Default ``"jet"``, or ``"coolwarm"`` for a ``"signed"``
        normalisation with ``sign="all"``.
    normalization : str or Normalization, default "minmax"
        How scores become ``v``: a kind's name, or a
        :class:`~anomaly_viz.normalization.Normalization`. An unfitted one
        is fitted to each map as the model produced it (before resizing);
        a fitted one is a scale shared by every map, e.g.
        ``Normalization("range", low=0, high=1)``.
    threshold : float, optional
        Pixels whose score is at or below it (or NaN) show the plain image.

    Returns
    -------
    ndarray, uint8, shape (H, W, 3) or (N, H, W, 3)
        A new RGB image.

    Raises
    ------
    TypeError, ValueError
        For an unknown mode or normalisation, a bad `alpha`, `gamma` or
        `threshold`, or any input :func:`~anomaly_viz.post_process.superimpose_anomaly_map`
        refuses; the message names the argument.

    Examples
    --------
    Scores 0, 0.5 and 1 over a grey image of 100, through ``"gray"``
    colours (heatmap colour ``H`` = 0, 128, 255):

    >>> image = np.full((1, 3), 100, np.uint8)
    >>> scores = [[0.0, 0.5, 1.0]]
    >>> overlay(image, scores, "blend", alpha=0.5, colormap="gray")[..., 0]
    array([[ 50, 114, 178]], dtype=uint8)
    >>> overlay(image, scores, "alpha", colormap="gray")[..., 0]
    array([[100, 114, 255]], dtype=uint8)
    >>> overlay(image, scores, "gray")[..., 0]
    array([[ 50, 114, 178]], dtype=uint8)
    >>> overlay(image, scores, "multiply")[..., 0]
    array([[  0,  50, 100]], dtype=uint8)
    >>> overlay(image, scores, "blend", alpha=0.5, colormap="gray", threshold=0.5)[..., 0]
    array([[100, 100, 178]], dtype=uint8)
    """
    mode = _validate.check_choice(mode, tuple(MODES), "mode")
    alpha = MODES[mode].default_alpha if alpha is None else _validate.check_alpha(alpha)
    gamma = _validate.check_finite(gamma, "gamma")
    if threshold is not None:
        threshold = _validate.check_real(threshold, "threshold")
    spec = as_normalization(normalization)
    table = lookup_table(default_colormap(colormap, spec))
    return overlay_checked(image, anomaly_map, mode, alpha, gamma, table, spec, threshold)


def overlay_checked(
    image: ArrayLike,
    anomaly_map: ArrayLike,
    mode: str,
    alpha: float,
    gamma: float,
    table: np.ndarray,
    normalization: Normalization,
    threshold: float | None,
) -> np.ndarray:
    """:func:`overlay` once its options are checked (the arrays are checked here).

    For the functions that check the options their own way
    (:func:`~anomaly_viz.post_process.superimpose_anomaly_map`), so that
    nothing is checked twice on one call. A Dask array (image or map) gives a
    lazy Dask array of the same bytes (``anomaly_viz._dask``).
    """
    if _dask.is_dask(image, anomaly_map):
        return _dask.overlay(
            image, anomaly_map, mode, alpha, gamma, table, normalization, threshold
        )
    maps, map_batch = _validate.as_score_maps(anomaly_map)
    images, image_batch = _validate.as_images(image)
    count = _validate.check_batch(len(maps), len(images))
    size = images.shape[1:3]
    out = np.empty((count, *size, 3), np.uint8)
    options = (table, mode, alpha, gamma, threshold)
    for index in range(count):
        scores, photo = maps[index % len(maps)], images[index % len(images)]
        if _engine.ENABLED:  # fits the normalisation itself
            pipeline.overlay_into(out[index], photo, scores, normalization, *options)
        else:
            fit = normalization.fit(scores)
            out[index] = reference_overlay(photo, scores, fit, *options)
    return out if map_batch or image_batch else out[0]


def heatmap_rgba(
    anomaly_map: ArrayLike,
    *,
    size: tuple[int, int] | None = None,
    colormap: ColormapLike | None = None,
    normalization: str | Normalization = "minmax",
) -> np.ndarray:
    """A heatmap whose alpha channel is the normalised score.

    RGB is the heatmap colour, alpha is ``rint(255 * v)`` (0 for NaN): cold
    pixels are transparent. For layering in other tools, or saving as a
    transparent PNG (``imageio.v3.imwrite("heat.png", rgba)``).

    Parameters
    ----------
    anomaly_map : array_like, shape (h, w) or (N, h, w)
        Scores of any real dtype.
    size : tuple of int, optional
        ``(height, width)`` to resize the scores to (an image's size).
    colormap, normalization
        As in :func:`overlay`.

    Returns
    -------
    ndarray, uint8, shape (H, W, 4) or (N, H, W, 4)

    Raises
    ------
    TypeError, ValueError
        As :func:`overlay`, and for a bad `size`.

    Examples
    --------
    >>> heatmap_rgba([[0.0, 0.5, 1.0, np.nan]], colormap="gray")
    array([[[  0,   0,   0,   0],
            [128, 128, 128, 128],
            [255, 255, 255, 255],
            [  0,   0,   0,   0]]], dtype=uint8)
    """
    spec = as_normalization(normalization)
    maps, is_batch = _validate.as_score_maps(anomaly_map)
    size = maps.shape[1:3] if size is None else _validate.check_shape(size, "size")
    table = lookup_table(default_colormap(colormap, spec))
    out = np.empty((len(maps), *size, 4), np.uint8)
    for index, scores in enumerate(maps):
        fit = spec.fit(scores)
        if _engine.ENABLED:
            pipeline.rgba_into(out[index], scores, fit, table)
        else:
            values = fit(resize_bilinear(scores, size))
            out[index, ..., :3] = table[quantize(values, len(table) - 1)]
            out[index, ..., 3] = np.rint(np.nan_to_num(values * 255.0, nan=0.0))
    return out if is_batch else out[0]


def reference_colours(
    scores: np.ndarray, size: tuple[int, int], fit: Any, table: np.ndarray
) -> np.ndarray:
    """The heatmap colours of a checked map at `size`, as the docs write them.

    ``table[quantize(fit(resize_bilinear(scores, size)), N)]``: resize the
    scores, normalise them, pick entry ``min(floor(v * N), N - 1)`` (NaN:
    the "bad" row ``N``). The engine gives the same bytes a block of rows
    at a time.
    """
    values = fit(resize_bilinear(scores, size))
    return table[quantize(values, len(table) - 1)]


def reference_overlay(
    image: np.ndarray, scores: np.ndarray, fit: Any, table: np.ndarray, *options: Any
) -> np.ndarray:
    """One checked map over one checked image, as the docs write it.

    Resize the scores to the image, normalise them to ``v``, colour them,
    and combine colours and image with the mode's weights
    (:func:`~anomaly_viz.blending.mode_weights`,
    :func:`~anomaly_viz.blending.weighted_sum`); where a `threshold` is given,
    pixels whose resized score is not above it show the image as it is.
    The engine (:mod:`anomaly_viz._engine.pipeline`) gives the same bytes a
    block of rows at a time. `options` are ``mode, alpha, gamma, threshold``.
    """
    return overlay_at_size(image, resize_bilinear(scores, image.shape[:2]), fit, table, *options)


def overlay_at_size(
    image: np.ndarray,
    resized: np.ndarray,
    fit: Any,
    table: np.ndarray,
    mode: str,
    alpha: float,
    gamma: float,
    threshold: float | None,
) -> np.ndarray:
    """:func:`reference_overlay` of scores already at the image's size (resized, or a block).

    Every pixel depends on its own score and image pixel only, so a block of
    the image and the same block of the resized scores give that block of
    the whole overlay (what the Dask path computes, block by block).
    """
    values = fit(resized)
    colours = table[quantize(values, len(table) - 1)]
    layer, layer_weight, image_weight = mode_weights(mode, values, colours, alpha)
    out = weighted_sum(layer, layer_weight, rgb_rows(image, ALL), image_weight, gamma)
    if threshold is not None:
        cold = ~(resized > threshold)
        out[cold] = plain_rows(image, ALL)[cold]
    return out
