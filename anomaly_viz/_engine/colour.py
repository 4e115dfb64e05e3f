"""Colours stored several bytes at a time: the engine's table look-up.

:func:`colors_at` gives ``table[index]`` (the reference,
:func:`anomaly_viz.colormap.apply_colormap`) about twice as fast, by
storing each RGB colour as one 4-byte word; :func:`extended` and
:func:`packed_words` prepare the tables the per-map pipeline indexes.
"""

from __future__ import annotations

import functools

import numpy as np

__all__ = ["colors_at", "extended", "packed_words", "store_words"]


def _packed(table: np.ndarray) -> np.ndarray:
    """The table's rows as one uint32 each, bytes R, G, B, 0 in memory order."""
    return _packed_bytes(table.tobytes())


@functools.lru_cache(maxsize=64)
def _packed_bytes(table_bytes: bytes) -> np.ndarray:
    """:func:`_packed`, cached: made once per table, not once per block of rows."""
    packed = packed_words(np.frombuffer(table_bytes, np.uint8).reshape(-1, 3))
    packed.setflags(write=False)
    return packed


def extended(table: np.ndarray) -> np.ndarray:
    """A ``(N + 1, 3)`` table (N colours, then the colour for NaN) as ``(N + 2, 3)``.

    Entry N repeats the top colour, entry N + 1 is the NaN colour: the
    indices of :func:`anomaly_viz._engine.normalization.indices_into`.

    >>> extended(np.array([[1, 1, 1], [2, 2, 2], [9, 9, 9]], np.uint8))[:, 0]
    array([1, 2, 2, 9], dtype=uint8)
    """
    return np.concatenate([table[:-1], table[-2:-1], table[-1:]])


def packed_words(rows: np.ndarray) -> np.ndarray:
    """Each row of a ``(N, 3)`` table of uint8 or uint16 as one word, zero-padded.

    uint8 rows become uint32 words, uint16 rows uint64 words; channel c is
    at bytes ``c * itemsize`` onwards in memory, so storing a word at a
    pixel's first byte writes its three values (:func:`store_words`).

    >>> packed_words(np.array([[1, 2, 3]], np.uint8)).view(np.uint8)
    array([1, 2, 3, 0], dtype=uint8)
    """
    word = {np.dtype(np.uint8): np.uint32, np.dtype(np.uint16): np.uint64}[rows.dtype]
    packed = np.zeros(len(rows), word)
    packed.view(rows.dtype).reshape(-1, 4)[:, :3] = rows
    return packed


def store_words(out: np.ndarray, words: np.ndarray) -> None:
    """Write the three leading values of each word in `words` into `out`.

    `out` is C-contiguous, its items the word's lanes (uint8 for uint32
    words, uint16 for uint64 words), three per word. Pixel p takes items
    3p .. 3p+2: each word is stored whole at item 3p, so its fourth (zero)
    lane lands on item 3p+3 and is overwritten by the next pixel's store:
    one store per pixel, about twice as fast as copying 3-item rows with
    ``np.take(axis=0)``. The last pixel is copied lane by lane so that
    nothing is written past `out`.
    """
    flat, words = out.reshape(-1), words.reshape(-1)
    count = words.size
    if count > 1:
        stride = 3 * flat.itemsize
        overlapping = np.ndarray((count - 1,), words.dtype, buffer=flat, strides=(stride,))
        overlapping[...] = words[:-1]
    flat[-3:] = words[-1:].view(flat.dtype)[:3]


@functools.lru_cache(maxsize=1)
def _overlapping_stores_work() -> bool:
    """Check once that NumPy stores the words in order (it always has)."""
    table = np.arange(30, dtype=np.uint8).reshape(10, 3)
    index = np.array([3, 1, 4, 1, 5, 9, 2, 6])
    out = np.empty((8, 3), np.uint8)
    store_words(out, np.take(_packed(table), index))
    wide = table.astype(np.uint16) * 257
    out16 = np.empty((8, 3), np.uint16)
    store_words(out16, np.take(packed_words(wide), index))
    return bool(np.array_equal(out, table[index]) and np.array_equal(out16, wide[index]))


def overlapping_stores_work() -> bool:
    """Whether :func:`store_words` may be used (checked once per process)."""
    return _overlapping_stores_work()


def colors_at(index: np.ndarray, table: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Rows ``table[index]`` of a ``(N + 1, 3)`` uint8 table, into `out` (made if None)."""
    if out is None:
        out = np.empty((*index.shape, 3), np.uint8)
    if out.flags.c_contiguous and _overlapping_stores_work():
        store_words(out, np.take(_packed(table), index, mode="wrap"))
    else:
        np.take(table, index, axis=0, out=out)
    return out
