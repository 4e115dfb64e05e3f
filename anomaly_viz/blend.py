"""Alpha blending with gamma, and the overlay modes built on it.

Every mode is one weighted sum per pixel and channel,

    ``result = clip(rint(w_layer * layer + w_image * image + gamma), 0, 255)``

computed in float64, rounded half to even (``np.rint``, the rounding of
OpenCV's ``saturate_cast``) and clipped: a sum of 300 stays 255 where a
plain uint8 cast would wrap around to 44. The modes differ in the layer and
the weights (``v`` is the normalised score in [0, 1], NaN counted as 0):

=============  ====================  =================  ==================
mode           layer                 ``w_layer``        ``w_image``
=============  ====================  =================  ==================
``blend``      heatmap colours       ``alpha``          ``1 - alpha``
``alpha``      heatmap colours       ``alpha * v``      ``1 - alpha * v``
``gray``       grey ``255 * v``      ``alpha``          ``1 - alpha``
``multiply``   none                  0                  ``1 - alpha +
                                                        alpha * v``
=============  ====================  =================  ==================
"""

from __future__ import annotations

import functools

import numpy as np
from numpy.typing import ArrayLike

from ._blocks import rgb_rows, row_blocks
from ._validate import as_images, check_alpha, check_finite

MODES = ("blend", "alpha", "gray", "multiply")

# Elements blended per step: float64 temporaries stay small (cache-sized)
# whatever the image size.
_CHUNK = 1 << 16

Weight = float | np.ndarray  # a number, or one weight per pixel, shape (H, W)


def _rows(weight: Weight, rows: slice) -> Weight:
    return weight if isinstance(weight, float) else weight[rows, :, np.newaxis]


def weighted_sum_into(
    out: np.ndarray,
    layer: np.ndarray | None,
    layer_weight: Weight,
    image: np.ndarray,
    image_weight: Weight,
    gamma: float,
) -> np.ndarray:
    """``out = clip(rint(layer_weight * layer + image_weight * image + gamma), 0, 255)``.

    `out` is a C-contiguous uint8 ``(H, W, 3)``; `image` a checked image
    ``(H, W, C)`` of any dtype :func:`~anomaly_viz._validate.as_images`
    takes, brought to RGB on the 0-255 scale chunk by chunk; `layer` is
    already on that scale, ``(H, W, 3)`` or ``(H, W, 1)`` (one value for all
    channels), or None (weight 0); the weights are floats or float64
    ``(H, W)`` arrays. Works through blocks of rows.
    """
    table = None
    if (
        isinstance(layer_weight, float)
        and isinstance(image_weight, float)
        and layer is not None
        and layer.dtype == np.uint8
        and image.dtype == np.uint8
        and layer.shape[-1] == 3
    ):
        table = _pair_table(layer_weight, image_weight, gamma)
    height, width = out.shape[:2]
    step = max(1, _CHUNK // (3 * width))
    for top in range(0, height, step):
        rows = slice(top, top + step)
        photo = rgb_rows(image, rows)
        if table is not None:
            _lookup_into(out[rows], layer[rows], photo, table)
            continue
        total = photo * _rows(image_weight, rows)
        if layer is not None:
            total += layer[rows] * _rows(layer_weight, rows)
        total += gamma
        np.rint(total, out=total)
        np.clip(total, 0, 255, out=total)
        out[rows] = total
    return out


@functools.lru_cache(maxsize=32)
def _pair_table(layer_weight: float, image_weight: float, gamma: float) -> np.ndarray:
    """The weighted sum for every pair of uint8 values, ``table[layer * 256 + image]``.

    Computed with the very operations of :func:`weighted_sum_into`, in the
    same order, so that looking a pair up gives the same byte.
    """
    layer = np.arange(256, dtype=np.uint8)[:, np.newaxis]
    image = np.arange(256, dtype=np.uint8)[np.newaxis, :]
    total = image * image_weight
    total = total + layer * layer_weight
    total += gamma
    np.rint(total, out=total)
    np.clip(total, 0, 255, out=total)
    table = total.astype(np.uint8).ravel()
    table.setflags(write=False)
    return table


def _lookup_into(
    out: np.ndarray, layer: np.ndarray, image: np.ndarray, table: np.ndarray
) -> np.ndarray:
    """``out = table[layer * 256 + image]`` for uint8 arrays, `out` C-contiguous."""
    pair = layer.astype(np.uint16, order="C")
    pair <<= 8
    pair |= image
    np.take(table, pair.reshape(-1), out=out.reshape(-1))
    return out


def mode_into(
    out: np.ndarray,
    mode: str,
    image: np.ndarray,
    values: np.ndarray | None,
    heatmap: np.ndarray | None,
    alpha: float,
    gamma: float,
) -> np.ndarray:
    """Lay normalised `values` ``(H, W)`` over `image` in one of ``MODES``.

    `image` is a checked image ``(H, W, C)`` as :func:`weighted_sum_into`
    takes it; `heatmap` is the colours of `values`, needed by ``blend`` and
    ``alpha``; ``blend`` needs no `values` (None). All arrays checked and of
    one height and width.
    """
    if mode == "blend":
        return weighted_sum_into(out, heatmap, alpha, image, 1.0 - alpha, gamma)
    scores = np.nan_to_num(values.astype(np.float64), nan=0.0)
    if mode == "gray":
        grey = (scores * 255.0)[..., np.newaxis]  # (H, W, 1): one grey for all channels
        return weighted_sum_into(out, grey, alpha, image, 1.0 - alpha, gamma)
    weights = scores * alpha
    if mode == "alpha":
        return weighted_sum_into(out, heatmap, weights, image, 1.0 - weights, gamma)
    weights += 1.0 - alpha  # multiply
    return weighted_sum_into(out, None, 0.0, image, weights, gamma)


def blend(heatmap: ArrayLike, image: ArrayLike, alpha: float = 0.4, gamma: float = 0) -> np.ndarray:
    """Alpha-blend two images with an added constant.

    ``result = clip(rint(alpha * heatmap + (1 - alpha) * image + gamma), 0, 255)``,
    computed in float64 and rounded half to even, one block of rows at a
    time (no full-size float copy of a float or uint16 image is made).

    Parameters
    ----------
    heatmap, image : array_like
        Images of the same height and width (or batches of the same size):
        uint8 in 0-255, uint16 in 0-65535 (scaled by 255 / 65535) or float
        in [0, 1] (scaled by 255); grey, RGB or RGBA (alpha dropped); see
        :func:`anomaly_viz.superimpose_anomaly_map`.
    alpha : float, default 0.4
        Weight of `heatmap`, in [0, 1]; `image` gets ``1 - alpha``.
    gamma : float, default 0
        Added to every channel after weighting; finite.

    Returns
    -------
    ndarray, uint8, shape (H, W, 3) or (N, H, W, 3)
        A new RGB image.

    Raises
    ------
    TypeError
        If an argument has the wrong type or dtype.
    ValueError
        If `alpha` is outside [0, 1] or not finite, `gamma` is not finite,
        or the two images differ in shape.

    Examples
    --------
    One pixel worked by hand: 0.4 * 200 + 0.6 * 50 + 10 = 120.

    >>> heat = np.array([[[200, 0, 255]]], np.uint8)
    >>> photo = np.array([[[50, 100, 255]]], np.uint8)
    >>> blend(heat, photo, alpha=0.4, gamma=10)
    array([[[120,  70, 255]]], dtype=uint8)

    The last channel would be 265: it saturates at 255 instead of wrapping
    around to 9.
    """
    alpha = check_alpha(alpha)
    gamma = check_finite(gamma, "gamma")
    heat, heat_batch = as_images(heatmap, "heatmap")
    photo, photo_batch = as_images(image, "image")
    if heat.shape[:3] != photo.shape[:3]:
        raise ValueError(
            f"heatmap and image must have the same shape, got {np.shape(heatmap)} "
            f"and {np.shape(image)}"
        )
    out = np.empty((*heat.shape[:3], 3), np.uint8)
    for index in range(len(out)):
        for rows in row_blocks(*out.shape[1:3]):
            layer, below = rgb_rows(heat[index], rows), photo[index, rows]
            weighted_sum_into(out[index, rows], layer, alpha, below, 1.0 - alpha, gamma)
    return out if heat_batch or photo_batch else out[0]
