"""Working through an image in blocks of rows.

Per-pixel steps (normalise, look up, blend) are done block by block, so
that their temporaries stay small and cache-sized whatever the image size,
and no full-size float array is ever made.
"""

from __future__ import annotations

from collections.abc import Iterator

#: Pixels per block: 64 rows of a 1024-pixel-wide image.
BLOCK_PIXELS = 1 << 16


def row_blocks(height: int, width: int) -> Iterator[slice]:
    """Slices of consecutive rows covering ``range(height)``, about BLOCK_PIXELS each."""
    step = max(1, BLOCK_PIXELS // max(1, width))
    for top in range(0, height, step):
        yield slice(top, min(top + step, height))
