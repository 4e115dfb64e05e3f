"""The engine works through an image in blocks of rows.

Per-pixel steps (normalise, look up, blend) are done block by block, so
that their temporaries stay small and cache-sized whatever the image size,
and no full-size float array is ever made. Images are kept as the user
gave them (see :func:`anomaly_viz._validate.as_images`) and brought to RGB
on the 0-255 scale one block of rows at a time.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

__all__ = ["BLOCK_PIXELS", "UINT16_STEP", "plain_rows", "rgb_rows", "row_blocks"]

#: Pixels per block: 128 rows of a 1024-pixel-wide image (measured: smaller blocks spend
#: more in per-call overhead than they save in cache misses; larger ones the reverse).
BLOCK_PIXELS = 1 << 17

#: uint16 images are scaled to 0-255 by ``255 / 65535``, that is ``1 / 257``.
UINT16_STEP = 257.0


def row_blocks(height: int, width: int) -> Iterator[slice]:
    """Slices of consecutive rows covering ``range(height)``, about BLOCK_PIXELS each."""
    step = max(1, BLOCK_PIXELS // max(1, width))
    for top in range(0, height, step):
        yield slice(top, min(top + step, height))


def rgb_rows(image: np.ndarray, rows: slice) -> np.ndarray:
    """Rows of a checked image ``(H, W, C)`` as RGB ``(h, W, 3)`` on the 0-255 scale.

    uint8 stays uint8 (a view for an RGB image); uint16 becomes
    ``value / 257`` and float ``value * 255``, both float64, so that the
    uint16 value ``257 * v`` gives exactly the uint8 value ``v``.
    """
    block = image[rows]
    if block.shape[-1] == 4:  # RGBA: the alpha channel is dropped
        block = block[..., :3]
    if block.dtype == np.uint8:
        scaled = block
    elif block.dtype == np.uint16:
        scaled = np.divide(block, UINT16_STEP)
    else:
        scaled = block.astype(np.float64)
        scaled *= 255.0
    if scaled.shape[-1] == 1:  # grey: one value for the three channels
        return np.repeat(scaled, 3, axis=-1)
    return scaled


def plain_rows(image: np.ndarray, rows: slice) -> np.ndarray:
    """:func:`rgb_rows` as uint8, rounded half to even (``np.rint``)."""
    scaled = rgb_rows(image, rows)
    if scaled.dtype == np.uint8:
        return scaled
    return np.rint(scaled, out=scaled).astype(np.uint8)
