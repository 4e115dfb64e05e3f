"""Colours stored four bytes at a time: the engine's table look-up.

:func:`colors_at` gives ``table[index]`` (the reference,
:func:`anomaly_viz.colormap.apply_colormap`) about twice as fast, by
storing each RGB colour as one 4-byte word.
"""

from __future__ import annotations

import functools

import numpy as np

__all__ = ["colors_at"]


def _packed(table: np.ndarray) -> np.ndarray:
    """The table's rows as one uint32 each, bytes R, G, B, 0 in memory order."""
    return _packed_bytes(table.tobytes())


@functools.lru_cache(maxsize=64)
def _packed_bytes(table_bytes: bytes) -> np.ndarray:
    """:func:`_packed`, cached: made once per table, not once per block of rows."""
    packed = np.zeros(len(table_bytes) // 3, np.uint32)
    packed.view(np.uint8).reshape(-1, 4)[:, :3] = np.frombuffer(table_bytes, np.uint8).reshape(
        -1, 3
    )
    packed.setflags(write=False)
    return packed


def _store_rgb(out: np.ndarray, words: np.ndarray) -> None:
    """Write the R, G, B bytes of each uint32 in `words` into the bytes of `out`.

    Pixel p takes bytes 3p .. 3p+2 of the C-contiguous `out`. Each word is
    stored whole at byte 3p, so its fourth (zero) byte lands on 3p+3 and is
    overwritten by the next pixel's store: one 4-byte store per pixel,
    about twice as fast as copying 3-byte rows with ``np.take(axis=0)``. The
    last pixel is copied byte-wise so that nothing is written past `out`.
    """
    flat, words = out.reshape(-1), words.reshape(-1)
    count = words.size
    if count > 1:
        overlapping = np.ndarray((count - 1,), np.uint32, buffer=flat, strides=(3,))
        overlapping[...] = words[:-1]
    flat[-3:] = words[-1:].view(np.uint8)[:3]


@functools.lru_cache(maxsize=1)
def _overlapping_stores_work() -> bool:
    """Check once that NumPy stores the words in order (it always has)."""
    table = np.arange(30, dtype=np.uint8).reshape(10, 3)
    index = np.array([3, 1, 4, 1, 5, 9, 2, 6])
    out = np.empty((8, 3), np.uint8)
    _store_rgb(out, np.take(_packed(table), index))
    return bool(np.array_equal(out, table[index]))


def colors_at(index: np.ndarray, table: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Rows ``table[index]`` of a ``(N + 1, 3)`` uint8 table, into `out` (made if None)."""
    if out is None:
        out = np.empty((*index.shape, 3), np.uint8)
    if out.flags.c_contiguous and _overlapping_stores_work():
        _store_rgb(out, np.take(_packed(table), index))
    else:
        np.take(table, index, axis=0, out=out)
    return out
