"""Alpha blending with gamma: ``alpha * I1 + (1 - alpha) * I2 + gamma``.

The sum is rounded half to even (``np.rint``, the rounding of OpenCV's
``saturate_cast``) and clipped to [0, 255]: a sum of 300 stays 255 where a
plain uint8 cast would wrap around to 44.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ._validate import as_images, check_alpha, check_finite

# Elements blended per step: float64 temporaries stay small (cache-sized)
# whatever the image size.
_CHUNK = 1 << 16


def blend_into(
    out: np.ndarray, heatmap: np.ndarray, image: np.ndarray, alpha: float, gamma: float
) -> np.ndarray:
    """Blend checked, C-contiguous arrays of one shape into `out` (uint8)."""
    flat_heat, flat_image, flat_out = heatmap.reshape(-1), image.reshape(-1), out.reshape(-1)
    for start in range(0, flat_out.size, _CHUNK):
        part = slice(start, start + _CHUNK)
        total = flat_heat[part] * alpha
        total += flat_image[part] * (1.0 - alpha)
        total += gamma
        np.rint(total, out=total)
        np.clip(total, 0, 255, out=total)
        flat_out[part] = total
    return out


def blend(heatmap: ArrayLike, image: ArrayLike, alpha: float = 0.4, gamma: float = 0) -> np.ndarray:
    """Alpha-blend two images with an added constant.

    ``result = clip(rint(alpha * heatmap + (1 - alpha) * image + gamma), 0, 255)``,
    computed in float64 and rounded half to even.

    Parameters
    ----------
    heatmap, image : array_like
        Images of the same height and width (or batches of the same size):
        uint8 in 0-255 or float in [0, 1] (scaled by 255), grey, RGB or
        RGBA (alpha dropped); see :func:`anomaly_viz.superimpose_anomaly_map`.
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
    if heat.shape != photo.shape:
        raise ValueError(
            f"heatmap and image must have the same shape, got {np.shape(heatmap)} "
            f"and {np.shape(image)}"
        )
    out = blend_into(np.empty(heat.shape, np.uint8), heat, photo, alpha, gamma)
    return out if heat_batch or photo_batch else out[0]
