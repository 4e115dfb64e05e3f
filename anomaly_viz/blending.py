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

:data:`~anomaly_viz.blending.MODES` holds this table, and
:func:`~anomaly_viz.blending.mode_weights` executes it;
:func:`~anomaly_viz.blending.weighted_sum` is the sum itself. (The engine,
``anomaly_viz._engine.blend``, computes the same bytes in blocks of rows
and with a table of byte pairs.)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from . import _engine
from ._engine.blend import weighted_sum_into
from ._engine.blocks import rgb_rows, row_blocks
from ._validate import as_images, check_alpha, check_finite

__all__ = ["MODES", "OverlayMode", "blend", "mode_weights", "weighted_sum"]

#: Every row of an image.
ALL = slice(None)


@dataclass(frozen=True)
class OverlayMode:
    """One way to lay normalised scores ``v`` over an image: a row of the table above.

    Attributes
    ----------
    name : str
    formula : str
        The result before rounding, with ``H`` the heatmap colour and ``I``
        the image.
    default_alpha : float
        The weight used when none is given.
    uses_colours : bool
        Whether the heatmap colours are needed (else only ``v``).
    """

    name: str
    formula: str
    default_alpha: float
    uses_colours: bool


#: The overlay modes, by name.
MODES: dict[str, OverlayMode] = {
    mode.name: mode
    for mode in (
        OverlayMode("blend", "alpha * H + (1 - alpha) * I + gamma", 0.4, True),
        OverlayMode("alpha", "alpha*v * H + (1 - alpha*v) * I + gamma", 1.0, True),
        OverlayMode("gray", "alpha * 255*v + (1 - alpha) * I + gamma", 0.5, False),
        OverlayMode("multiply", "(1 - alpha + alpha*v) * I + gamma", 1.0, False),
    )
}


def weighted_sum(
    layer: np.ndarray | float,
    layer_weight: np.ndarray | float,
    image: np.ndarray,
    image_weight: np.ndarray | float,
    gamma: float,
) -> np.ndarray:
    """``clip(rint(layer_weight * layer + image_weight * image + gamma), 0, 255)`` as uint8.

    Computed in float64 and rounded half to even, the rounding of OpenCV's
    ``saturate_cast``; saturating, so 300 stays 255 where a uint8 cast
    would wrap around to 44.

    Parameters
    ----------
    layer : ndarray or float
        The layer on the 0-255 scale: ``(H, W, 3)``, ``(H, W, 1)`` (one value
        for the three channels) or a number.
    layer_weight, image_weight : ndarray or float
        One weight, or one per pixel ``(H, W, 1)``.
    image : ndarray, shape (H, W, 3)
        The image on the 0-255 scale.
    gamma : float
        Added to every channel.

    Returns
    -------
    ndarray, uint8, shape (H, W, 3)

    Examples
    --------
    >>> weighted_sum(np.array([[[200, 0, 255]]]), 0.4, np.array([[[50, 100, 255]]]), 0.6, 10)
    array([[[120,  70, 255]]], dtype=uint8)
    """
    total = np.multiply(layer_weight, layer, dtype=np.float64) + np.multiply(
        image_weight, image, dtype=np.float64
    )
    return np.clip(np.rint(total + gamma), 0, 255).astype(np.uint8)


def mode_weights(
    mode: str, values: np.ndarray, colours: np.ndarray | None, alpha: float
) -> tuple[np.ndarray | float, np.ndarray | float, np.ndarray | float]:
    """The layer and the two weights of a mode, for ``weighted_sum``.

    Parameters
    ----------
    mode : str
        One of ``MODES``.
    values : ndarray, shape (H, W)
        Normalised scores ``v`` in [0, 1]; NaN counts as 0.
    colours : ndarray, shape (H, W, 3), or None
        The heatmap colours of `values` (needed by the modes that use them).
    alpha : float
        The mode's weight.

    Returns
    -------
    layer, layer_weight, image_weight
        Numbers, or arrays of shape ``(H, W, 1)`` (one per pixel) and, for
        the layer, ``(H, W, 3)``.

    Examples
    --------
    >>> colours = np.zeros((1, 2, 3))
    >>> layer, w_layer, w_image = mode_weights("alpha", np.array([[0.0, 0.5]]), colours, 0.8)
    >>> w_layer[..., 0], w_image[..., 0]
    (array([[0. , 0.4]]), array([[1. , 0.6]]))
    """
    v = np.nan_to_num(values.astype(np.float64), nan=0.0)[..., np.newaxis]
    if mode in ("blend", "alpha"):
        if colours is None:
            raise ValueError(f"mode {mode!r} lays the heatmap colours over the image: give them")
        if mode == "blend":
            return colours, alpha, 1.0 - alpha
        return colours, alpha * v, 1.0 - alpha * v
    if mode == "gray":
        return 255.0 * v, alpha, 1.0 - alpha
    return 0.0, 0.0, 1.0 - alpha + alpha * v  # multiply


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
        :func:`~anomaly_viz.post_process.superimpose_anomaly_map`.
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
        if _engine.ENABLED:
            for rows in row_blocks(*out.shape[1:3]):
                layer, below = rgb_rows(heat[index], rows), photo[index, rows]
                weighted_sum_into(out[index, rows], layer, alpha, below, 1.0 - alpha, gamma)
        else:
            layer, below = rgb_rows(heat[index], ALL), rgb_rows(photo[index], ALL)
            out[index] = weighted_sum(layer, alpha, below, 1.0 - alpha, gamma)
    return out if heat_batch or photo_batch else out[0]
