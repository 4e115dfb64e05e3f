"""The three names of ``anomalib.utils.post_process``, without OpenCV.

Swap ``from anomalib.utils.post_process import ...`` for
``from anomaly_viz.post_process import ...``: the calls keep their names
and arguments. What changes (docs/anomalib.rst lists it with examples):

- the default colormap is matplotlib's ``"jet"``; ``colormap="opencv_jet"``
  gives anomalib's OpenCV colours (indexed by matplotlib's
  ``floor(v * 256)`` where anomalib takes ``floor(v * 255)``);
- images are RGB (anomalib blends its RGB heatmap with the image as given,
  so an image read with ``cv2.imread``, which is BGR, mixes the orders);
- scores above 1 clip to the top colour instead of wrapping around
  (anomalib casts ``map * 255`` to uint8, so 1.2 becomes a cold 50);
- a constant map gives the lowest colour, not NaN and a warning;
- blending saturates at 255 instead of wrapping;
- NaN and infinite scores have defined colours;
- an overlay has the image's size (a smaller map is resized, as scores,
  to the image), where anomalib resizes the image to the map;
- ``compute_mask`` cleans the mask with this package's opening and closing
  with a square by default; ``cleaning="anomalib"`` gives anomalib's
  opening with a disk.

Each function takes a single map or a batch: ``(N, H, W)``, or
anomalib's ``(N, 1, H, W)``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from . import _dask, _engine, _validate
from ._engine import morphology as _morphology
from ._engine import pipeline
from .colormap import ColormapLike, lookup_table
from .morphology import open_by_reconstruction, open_close, open_disk
from .normalization import from_anomalib
from .overlays import overlay_checked, reference_colours
from .regions import remove_small_objects
from .thresholds import apply_hysteresis_threshold, threshold_mask, threshold_otsu

__all__ = ["CLEANINGS", "anomaly_map_to_color_map", "compute_mask", "superimpose_anomaly_map"]


def anomaly_map_to_color_map(
    anomaly_map: ArrayLike,
    normalize: bool = True,
    *,
    colormap: ColormapLike | None = "jet",
    vmin: float | None = None,
    vmax: float | None = None,
) -> np.ndarray:
    """Colour an anomaly map as an RGB heatmap.

    The scores are normalised to [0, 1], then each takes entry
    ``min(floor(v * N), N - 1)`` of the colormap's N-entry lookup table, the
    rule of matplotlib's ``Colormap.__call__``: the result equals
    ``cmap(v, bytes=True)[..., :3]``.

    On a Dask array (one map) the result is a lazy Dask array of the same
    bytes, for any chunking; the scale is fitted over the whole map when
    the call is made (see :doc:`/large`).

    Parameters
    ----------
    anomaly_map : array_like, shape (H, W) or (N, H, W)
        Scores of any real dtype; leading axes of length 1 are dropped, so a
        ``(1, 1, H, W)`` model output works as it is. A 3-D array is a batch
        and each map is normalised on its own.
    normalize : bool, default True
        True: min-max over the map's finite scores (a constant map takes the
        lowest colour). False: the scores are taken as already in [0, 1] and
        values outside clip to the end colours.
    colormap : str or matplotlib.colors.Colormap, default "jet"
        A matplotlib colormap or its name; ``"opencv_jet"`` gives anomalib's
        OpenCV colours (see :func:`anomaly_viz.colormap.opencv_jet`).
    vmin, vmax : float, optional
        A fixed score range shared by every map (of a batch or a data set),
        given together; it takes precedence over `normalize`.

    Returns
    -------
    ndarray, uint8, shape (H, W, 3) or (N, H, W, 3)
        A new RGB heatmap. NaN scores take the colormap's "bad" colour,
        ``+inf`` the top colour and ``-inf`` the bottom one.

    Raises
    ------
    TypeError
        If `anomaly_map` is not real-valued, `normalize` not a bool, or
        `colormap` neither a name nor a Colormap.
    ValueError
        If `anomaly_map` is empty or has the wrong number of dimensions,
        the colormap name is unknown, or `vmin`/`vmax` are not a finite
        range given together.

    Examples
    --------
    A 2x3 map coloured through ``"gray"``, where entry i is grey level i:

    >>> scores = np.array([[0.0, 0.2, 0.4], [0.6, 0.8, 1.0]])
    >>> anomaly_map_to_color_map(scores, colormap="gray")[..., 0]
    array([[  0,  51, 102],
           [153, 204, 255]], dtype=uint8)

    and through the default ``"jet"``, cold blue to hot red:

    >>> anomaly_map_to_color_map(scores)
    array([[[  0,   0, 127],
            [  0,  76, 255],
            [ 41, 255, 205]],
    <BLANKLINE>
           [[205, 255,  41],
            [255, 103,   0],
            [127,   0,   0]]], dtype=uint8)

    Without normalisation a score of 1.2 is as hot as 1.0 (anomalib would
    wrap it around to a cold colour):

    >>> anomaly_map_to_color_map([[1.0, 1.2]], normalize=False)[0]
    array([[127,   0,   0],
           [127,   0,   0]], dtype=uint8)
    """
    normalization = from_anomalib(normalize, vmin, vmax)
    table = lookup_table(colormap)
    if _dask.is_dask(anomaly_map):  # one map, lazily, block by block
        return _dask.colours(anomaly_map, normalization, table)
    maps, is_batch = _validate.as_score_maps(anomaly_map)
    out = np.empty((*maps.shape, 3), np.uint8)
    for index, scores in enumerate(maps):
        if _engine.ENABLED:  # fits the normalisation itself
            pipeline.colours_into(out[index], scores, normalization, table)
        else:
            out[index] = reference_colours(scores, scores.shape, normalization.fit(scores), table)
    return out if is_batch else out[0]


def superimpose_anomaly_map(
    anomaly_map: ArrayLike,
    image: ArrayLike,
    alpha: float = 0.4,
    gamma: float = 0,
    normalize: bool = False,
    *,
    colormap: ColormapLike | None = "jet",
    vmin: float | None = None,
    vmax: float | None = None,
) -> np.ndarray:
    """Lay an anomaly heatmap over an image.

    ``result = clip(rint(alpha * heatmap + (1 - alpha) * image + gamma), 0, 255)``,
    anomalib's formula, computed in float64, rounded half to even and
    saturating at 0 and 255 instead of wrapping around. anomalib computes it
    with ``cv2.addWeighted``, which sums in float32: the two agree within 1
    on every byte, and byte for byte at anomalib's default ``alpha=0.4``
    with an integer `gamma` (``benchmarks/parity.py`` checks both). The
    heatmap is :func:`anomaly_map_to_color_map` of the map.

    When the map and the image differ in size (a 32x96 feature map over a
    128x64 photo), the map's *scores* are resized to the image's height and
    width by bilinear interpolation with half-pixel centres (see
    :func:`anomaly_viz.resize.resize_bilinear`) and coloured afterwards:
    interpolating colours instead would invent hues that no score has. The
    normalisation range is taken from the map as the model produced it,
    before resizing, so that the colours mean the same scores at any size.

    On Dask arrays (one map, one image) the result is a lazy Dask array of
    the same bytes, for any chunking (see :doc:`/large`).

    Parameters
    ----------
    anomaly_map : array_like, shape (h, w) or (N, h, w)
        Scores of any real dtype, as for :func:`anomaly_map_to_color_map`.
    image : array_like, shape (H, W), (H, W, C) or (N, H, W, C)
        uint8 in 0-255, uint16 in 0-65535 (scaled by 255 / 65535, so that
        ``257 * v`` shows as the uint8 ``v``) or float in [0, 1] (scaled by
        255); C is 1 (grey, shown as grey RGB), 3 (RGB) or 4 (RGBA, alpha
        dropped). A 3-D array
        is one image; a batch of grey images is ``(N, H, W, 1)``. A batch of
        maps may share one image, and one map may go over a batch.
    alpha : float, default 0.4
        Weight of the heatmap, in [0, 1]; the image gets ``1 - alpha``.
    gamma : float, default 0
        Added to every channel after weighting; finite.
    normalize : bool, default False
        As in :func:`anomaly_map_to_color_map`; anomalib's default here is
        False: the scores are taken as already in [0, 1].
    colormap : str or matplotlib.colors.Colormap, default "jet"
        As in :func:`anomaly_map_to_color_map`.
    vmin, vmax : float, optional
        As in :func:`anomaly_map_to_color_map`.

    Returns
    -------
    ndarray, uint8, shape (H, W, 3) or (N, H, W, 3)
        A new RGB image of the image's height and width.

    Raises
    ------
    TypeError
        If an argument has the wrong type or dtype (an image neither uint8,
        uint16 nor float, a complex map, ...).
    ValueError
        If `alpha` is outside [0, 1] or not finite, `gamma` not finite, a
        shape or channel count is wrong, a float image leaves [0, 1], the
        batch sizes differ, or as :func:`anomaly_map_to_color_map`.

    Examples
    --------
    A 1x2 map over a grey 1x2 image, through ``"gray"``: 0.5 * 255 +
    0.5 * 100 = 177.5, rounded half to even to 178.

    >>> image = np.array([[100, 100]], np.uint8)
    >>> superimpose_anomaly_map([[0.0, 1.0]], image, alpha=0.5, colormap="gray")
    array([[[ 50,  50,  50],
            [178, 178, 178]]], dtype=uint8)

    A 1x2 map over a 2x4 image is resized as scores first, to 0, 0.25,
    0.75 and 1, then coloured (entries floor(v * 256) of the grey table):

    >>> superimpose_anomaly_map([[0.0, 1.0]], np.zeros((2, 4), np.uint8),
    ...                         alpha=1.0, colormap="gray")[0, :, 0]
    array([  0,  64, 192, 255], dtype=uint8)
    """
    normalization = from_anomalib(normalize, vmin, vmax)
    alpha = _validate.check_alpha(alpha)
    gamma = _validate.check_finite(gamma, "gamma")
    table = lookup_table(colormap)
    return overlay_checked(image, anomaly_map, "blend", alpha, gamma, table, normalization, None)


CLEANINGS = ("open_close", "anomalib", "reconstruction")


def compute_mask(
    anomaly_map: ArrayLike,
    threshold: float | str,
    kernel_size: int = 4,
    *,
    low_threshold: float | None = None,
    cleaning: str = "open_close",
    connectivity: int = 8,
    min_area: int = 0,
) -> np.ndarray:
    """Threshold an anomaly map and clean the mask.

    Pixels whose score is strictly greater than `threshold` are anomalous
    (NaN never is); the mask is then cleaned. By default (this package's
    choice) it is opened, then closed, with a ``kernel_size`` x
    ``kernel_size`` square, outside the image neutral for each step (see
    :func:`anomaly_viz.morphology.open_close`): specks go, small holes and gaps
    are filled. ``cleaning="anomalib"`` computes anomalib's mask instead:
    an opening only, with a disk of radius `kernel_size`, the image
    mirrored beyond its border (see :func:`anomaly_viz.morphology.open_disk`).
    The keyword-only options go beyond anomalib.

    On a Dask array (one map) the result is a lazy Dask array of the same
    bytes, for any chunking and every option; Otsu's threshold and the
    regions that hysteresis, reconstruction or `min_area` keep are computed
    when the call is made (see :doc:`/large`).

    Parameters
    ----------
    anomaly_map : array_like, shape (H, W) or (N, H, W)
        Scores of any real dtype; ``(H, W, 1)`` and ``(1, 1, H, W)`` are
        one map, ``(N, 1, H, W)`` a batch.
    threshold : float or "otsu"
        The score above which a pixel is anomalous; not NaN. ``"otsu"``:
        Otsu's threshold from each map's histogram
        (:func:`anomaly_viz.thresholds.threshold_otsu`).
    kernel_size : int, default 4
        The square's side (0 or 1: no cleaning); with
        ``cleaning="anomalib"``, the disk's radius (0: no cleaning).
    low_threshold : float, optional
        Hysteresis: pixels above `threshold` seed regions that grow through
        pixels above `low_threshold` (:func:`anomaly_viz.thresholds.apply_hysteresis_threshold`).
    cleaning : {"open_close", "anomalib", "reconstruction"}, default "open_close"
        ``"open_close"``: opening then closing with the square.
        ``"anomalib"``: anomalib's opening with a disk.
        ``"reconstruction"``: opening by reconstruction, which removes the
        same specks as the square's opening but keeps the exact shape of
        every region that survives
        (:func:`anomaly_viz.morphology.open_by_reconstruction`).
    connectivity : {8, 4}, default 8
        Neighbours for hysteresis, reconstruction and `min_area`.
    min_area : int, default 0
        Regions with fewer pixels are removed after cleaning.

    Returns
    -------
    ndarray, uint8, shape (H, W) or (N, H, W)
        A new mask holding exactly 0 and 255.

    Raises
    ------
    TypeError
        If `anomaly_map` is not real-valued, `threshold` not a number (or
        "otsu"), or `kernel_size`/`min_area` not an integer.
    ValueError
        If `anomaly_map` is empty or has the wrong number of dimensions,
        a threshold is NaN, ``low_threshold > threshold``, `kernel_size` or
        `min_area` is negative, or `cleaning`/`connectivity` is unknown.

    Examples
    --------
    >>> scores = np.array([[0.9, 0.9, 0.1, 0.1, 0.1],
    ...                    [0.9, 0.9, 0.1, 0.8, 0.1],
    ...                    [0.1, 0.1, 0.1, 0.1, 0.1],
    ...                    [0.1, 0.1, 0.1, 0.1, 0.1]])
    >>> compute_mask(scores, threshold=0.5, kernel_size=1)
    array([[255, 255,   0,   0,   0],
           [255, 255,   0, 255,   0],
           [  0,   0,   0,   0,   0],
           [  0,   0,   0,   0,   0]], dtype=uint8)

    With a 2x2 square the lone pixel at (1, 3) is opened away, and the
    block in the corner keeps its pixels up to the border:

    >>> compute_mask(scores, threshold=0.5, kernel_size=2)
    array([[255, 255,   0,   0,   0],
           [255, 255,   0,   0,   0],
           [  0,   0,   0,   0,   0],
           [  0,   0,   0,   0,   0]], dtype=uint8)

    anomalib's disk of radius 1 is a cross of five pixels. It fits in the
    block, with the image mirrored beyond the border, only when centred on
    the corner pixel, so the opening rounds the block off to that cross:

    >>> compute_mask(scores, threshold=0.5, kernel_size=1, cleaning="anomalib")
    array([[255, 255,   0,   0,   0],
           [255,   0,   0,   0,   0],
           [  0,   0,   0,   0,   0],
           [  0,   0,   0,   0,   0]], dtype=uint8)

    Hysteresis keeps the 0.3 pixel next to the 0.9 and drops the lone 0.4:

    >>> scores = np.array([[0.0, 0.3, 0.9, 0.0, 0.4]])
    >>> compute_mask(scores, 0.5, kernel_size=0, low_threshold=0.2)
    array([[  0, 255, 255,   0,   0]], dtype=uint8)
    """
    if not (isinstance(threshold, str) and threshold == "otsu"):
        if isinstance(threshold, str):
            raise ValueError(f"threshold must be a number or 'otsu', got {threshold!r}")
        threshold = _validate.check_real(threshold, "threshold")
    if low_threshold is not None:
        low_threshold = _validate.check_real(low_threshold, "low_threshold")
        if not isinstance(threshold, str) and low_threshold > threshold:
            raise ValueError(
                f"low_threshold must not exceed threshold, got {low_threshold} > {threshold}"
            )
    kernel_size = _validate.check_kernel_size(kernel_size)
    cleaning = _validate.check_choice(cleaning, CLEANINGS, "cleaning")
    connectivity = _validate.check_connectivity(connectivity)
    min_area = _validate.check_non_negative_int(min_area, "min_area")
    if _dask.is_dask(anomaly_map):
        return _dask.compute_mask(
            anomaly_map, threshold, kernel_size, low_threshold=low_threshold,
            cleaning=cleaning, connectivity=connectivity, min_area=min_area,
        )  # fmt: skip
    maps, is_batch = _validate.as_score_maps(anomaly_map)
    out = np.empty(maps.shape, np.uint8)
    for index, scores in enumerate(maps):
        high = threshold_otsu(scores) if isinstance(threshold, str) else threshold
        if low_threshold is None:
            mask = threshold_mask(scores, high)
        else:
            low = min(low_threshold, high)
            mask = apply_hysteresis_threshold(scores, low, high, connectivity=connectivity)
        if _engine.ENABLED and cleaning != "reconstruction" and min_area <= 1:
            _morphology.clean_into(out[index], mask, cleaning, kernel_size)
            continue
        if cleaning == "open_close":
            mask = open_close(mask, kernel_size)
        elif cleaning == "anomalib":
            mask = open_disk(mask, kernel_size)
        else:
            mask = open_by_reconstruction(mask, kernel_size, connectivity=connectivity)
        if min_area > 1:
            mask = remove_small_objects(mask, min_area, connectivity=connectivity)
        if _engine.ENABLED:
            _morphology.scale_into(out[index], mask)
        else:
            np.multiply(mask, 255, out=out[index], casting="unsafe")
    return out if is_batch else out[0]
