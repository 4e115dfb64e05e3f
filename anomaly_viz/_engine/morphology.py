"""Binary morphology on bit-packed rows: the engine's openings and closings.

The reference (:mod:`anomaly_viz.morphology`) erodes and dilates bool
arrays with ``scipy.ndimage``. Here a mask is packed 64 pixels to a word
(:func:`pack`): pixel ``j`` of a row is bit ``j % 64`` of word ``j // 64``,
so one bitwise operation on a row of words does the work of 64 bool
operations. An erosion is an AND of shifted copies of the mask, a dilation
an OR; shifting a row by whole pixels is a word shift with the bits that
cross a word boundary carried over (:func:`shift_columns`), and shifting
by whole rows is slicing (:func:`shift_rows`).

Runs of pixels are combined by doubling (:func:`run_along_rows`): the AND
of a run of 2 is the mask and its copy shifted by 1, that of a run of 4 is
the run of 2 and its copy shifted by 2, and so on, so a run of k costs
about ``log2(k)`` shifts instead of k.

The square (:func:`open_close`, :func:`erode`): scipy's centre of a
k x k square is ``k // 2``; erosion looks at offsets ``-c .. k-1-c`` and
dilation at the reflected offsets ``c-(k-1) .. c``. Outside the mask each
step sees its neutral value (all-ones words for an AND, zeros for an OR):
the mask sits in margins of rows and words (:class:`_Frame`) filled with it
before each pass, wide enough that no pixel of the mask reads past them.
Offsets of n or more along an axis of length n touch nothing and are
dropped, and the two dilations in the middle of an opening and closing are
done as one.

The disk (:func:`open_disk`): a disk of radius r is a stack of horizontal
runs, ``x in -a(dy) .. a(dy)`` on row ``dy`` with ``a(dy)`` the integer
square root of ``r**2 - dy**2``; the erosion by it is the AND over ``dy`` of
the row-shifted erosions by those runs (each grown from the narrower one),
the dilation likewise with OR. The mask is mirrored as the reference does,
and only the pixels that read inside the mirrored mask are kept.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

__all__ = [
    "clean_into",
    "dilate",
    "erode",
    "open_close",
    "open_disk",
    "pack",
    "run_along_columns",
    "run_along_rows",
    "scale_into",
    "shift_columns",
    "unpack",
]

#: Pixels per packed word.
BITS = 64
#: Packed words: little-endian, so that their bytes are np.packbits' bytes in order.
WORD = np.dtype("<u8")
_ONES = np.uint64(2**64 - 1)

Combine = Callable[..., np.ndarray]  # np.bitwise_and or np.bitwise_or


def _neutral(combine: Combine) -> np.uint64:
    """The word that `combine` leaves unchanged: all ones for AND, zero for OR."""
    return _ONES if combine is np.bitwise_and else np.uint64(0)


# ---- packing ----


def pack(mask: np.ndarray, rows: int = 0, words: int = 0) -> np.ndarray:
    """A bool (H, W) mask as words, with `rows` rows and `words` words of 0 on every side.

    The result is ``(H + 2 * rows, ceil(W / 64) + 2 * words)``; the bits
    beyond W in the mask's last word are 0.
    """
    height, width = mask.shape
    packed = np.packbits(mask, axis=1, bitorder="little")
    count = -(-width // BITS) + 2 * words
    if rows == words == 0 and packed.shape[1] == count * 8:
        return packed.view(WORD)
    framed = np.zeros((height + 2 * rows, count * 8), np.uint8)
    framed[rows : rows + height, words * 8 : words * 8 + packed.shape[1]] = packed
    return framed.view(WORD)


def unpack(words: np.ndarray, width: int) -> np.ndarray:
    """The first `width` pixels of each row of packed words, as uint8 0 and 1."""
    return np.unpackbits(words.view(np.uint8), axis=1, count=width, bitorder="little")


def set_padding(words: np.ndarray, width: int, value: np.uint64) -> None:
    """Set the bits beyond `width` in each row's last word to `value`'s bits, in place."""
    used = width - (words.shape[1] - 1) * BITS
    if used == BITS:
        return
    keep = np.uint64((1 << used) - 1)
    last = words[:, -1]
    last &= keep
    last |= value & ~keep


# ---- shifts ----


def shift_columns(words: np.ndarray, offset: int, fill: np.uint64) -> np.ndarray:
    """Pixel ``j`` of the result is pixel ``j + offset`` of `words`, the rows taken as one.

    `words` is a C-contiguous (H, n) array, read as one long row of
    ``64 * H * n`` pixels (each row followed by the next): a pixel of a row
    whose ``j + offset`` lies beyond that row takes a pixel of the
    neighbouring row, and beyond the whole array `fill`'s bits. The callers
    keep margins wide enough that no pixel they use reads beyond its row.
    A positive offset moves the bits towards bit 0 (the left edge of the
    row). Returns a new array.
    """
    flat = words.reshape(-1)
    size = flat.size
    whole, bits = divmod(abs(offset), BITS)
    out = np.empty_like(flat)
    if whole >= size:
        out[...] = fill
        return out.reshape(words.shape)
    keep = size - whole  # words of the result that come from `words`
    if offset >= 0:
        source, target = flat[whole:], out[:keep]
        out[keep:] = fill
    else:
        source, target = flat[:keep], out[whole:]
        out[:whole] = fill
    if bits:
        # Each word takes `bits` bits from its neighbour on the far side:
        # the next word for a positive offset, the previous one for a
        # negative one, and the fill word beyond the last (first) one.
        low, high = np.uint64(bits), np.uint64(BITS - bits)
        if offset >= 0:
            np.right_shift(source, low, out=target)
            target[:-1] |= source[1:] << high
            target[-1] |= fill << high
        else:
            np.left_shift(source, low, out=target)
            target[1:] |= source[:-1] >> high
            target[0] |= fill >> high
    else:
        target[...] = source
    return out.reshape(words.shape)


def _combine_columns(words: np.ndarray, offset: int, combine: Combine) -> np.ndarray:
    """``combine(pixel j, pixel j + offset)`` along the rows (see :func:`shift_columns`)."""
    shifted = shift_columns(words, offset, _neutral(combine))
    return combine(words, shifted, out=shifted)


def _combine_rows(words: np.ndarray, offset: int, combine: Combine) -> np.ndarray:
    """``combine(row i, row i + offset)`` for each row; rows with no partner are copied."""
    height = words.shape[0]
    step = abs(offset)
    if step >= height:
        return words.copy()
    out = np.empty_like(words)
    if offset >= 0:
        combine(words[: height - step], words[step:], out=out[: height - step])
        out[height - step :] = words[height - step :]
    else:
        combine(words[step:], words[: height - step], out=out[step:])
        out[:step] = words[:step]
    return out


# ---- runs by doubling ----


def _doubling_steps(start: int, stop: int) -> list[int]:
    """Signed shifts whose successive combinations cover offsets ``start .. stop``.

    ``start <= 0 <= stop``. Combining a run covering ``lo .. hi`` with its
    copy shifted by ``s`` (``|s| <= hi - lo + 1``) covers
    ``min(lo, lo + s) .. max(hi, hi + s)``. The sizes 1, 2, 4, ...,
    2**(m-1) and a remainder ``rest < 2**m`` take a single pixel to a run
    of ``stop - start + 1``; the sizes given a negative sign must add up to
    ``-start``, which a choice of powers of two (and the remainder) always
    does.
    """
    length = stop - start + 1
    powers: list[int] = []
    reached = 1
    while 2 * reached <= length:
        powers.append(reached)
        reached *= 2
    rest = length - reached
    below = -start
    negative: set[int] = set()
    if below >= reached:  # then rest <= below: let the remainder take part of it
        negative.add(len(powers))
        below -= rest
    negative.update(i for i, power in enumerate(powers) if below & power)
    sizes = [*powers, rest] if rest else powers
    return [-size if i in negative else size for i, size in enumerate(sizes)]


def run_along_rows(words: np.ndarray, start: int, stop: int, combine: Combine) -> np.ndarray:
    """``combine`` over pixels ``j + start .. j + stop`` of each row, for each pixel j.

    ``start <= 0 <= stop``. Exact for every pixel with at least ``-start``
    pixels before it and ``stop`` after it in its row: every shift of the
    doubling moves by a part of ``start .. stop``, so what such a pixel
    reads stays in its row. The others hold whatever their reads beyond
    the row found (:func:`shift_columns`).
    """
    for step in _doubling_steps(start, stop):
        words = _combine_columns(words, step, combine)
    return words


def run_along_columns(words: np.ndarray, start: int, stop: int, combine: Combine) -> np.ndarray:
    """``combine`` over rows ``i + start .. i + stop`` for each row i.

    Exact for the rows with at least ``-start`` rows before them and
    ``stop`` after them, as in :func:`run_along_rows`.
    """
    for step in _doubling_steps(start, stop):
        words = _combine_rows(words, step, combine)
    return words


# ---- the square ----


class _Frame:
    """Where the mask lies in its packed words: margins of rows and words around it.

    A square pass treats the pixels around the mask as its neutral value,
    so it fills the margins with that value (:meth:`set_margins`); margins
    of ``L - 1`` pixels on every side, for the longest run L along each
    axis, keep every pixel of the mask exact (see :func:`run_along_rows`).
    """

    def __init__(self, shape: tuple[int, int], longest: int) -> None:
        self.height, self.width = shape
        self.rows = min(longest, 2 * self.height - 1) - 1
        self.words = -(-(min(longest, 2 * self.width - 1) - 1) // BITS)
        self.mask_words = -(-self.width // BITS)

    def pack(self, mask: np.ndarray) -> np.ndarray:
        return pack(mask, self.rows, self.words)

    def inside(self, words: np.ndarray) -> np.ndarray:
        """The mask's own words (a view)."""
        rows, left = self.rows, self.words
        return words[rows : rows + self.height, left : left + self.mask_words]

    def set_margins(self, words: np.ndarray, value: np.uint64) -> None:
        """Fill everything around the mask with `value`, in place."""
        rows, left = self.rows, self.words
        words[:rows] = value
        words[rows + self.height :] = value
        words[:, :left] = value
        words[:, left + self.mask_words :] = value
        set_padding(self.inside(words), self.width, value)

    def unpack(self, words: np.ndarray) -> np.ndarray:
        return unpack(self.inside(words), self.width)


def _square_pass(
    words: np.ndarray, frame: _Frame, start: int, stop: int, combine: Combine
) -> np.ndarray:
    """Erode (AND) or dilate (OR) framed words with offsets ``start .. stop`` on both axes."""
    frame.set_margins(words, _neutral(combine))
    height, width = frame.height, frame.width
    across = run_along_rows(words, max(start, 1 - width), min(stop, width - 1), combine)
    return run_along_columns(across, max(start, 1 - height), min(stop, height - 1), combine)


def _erosion_offsets(size: int) -> tuple[int, int]:
    centre = size // 2
    return -centre, size - 1 - centre


def _dilation_offsets(size: int) -> tuple[int, int]:
    centre = size // 2
    return centre - (size - 1), centre


def erode(mask: np.ndarray, size: int) -> np.ndarray:
    """``binary_erosion(mask, np.ones((size, size)), border_value=1)`` of a bool mask."""
    frame = _Frame(mask.shape, size)
    words = _square_pass(frame.pack(mask), frame, *_erosion_offsets(size), np.bitwise_and)
    return frame.unpack(words).view(bool)


def dilate(mask: np.ndarray, size: int) -> np.ndarray:
    """``binary_dilation(mask, np.ones((size, size)), border_value=0)`` of a bool mask."""
    frame = _Frame(mask.shape, size)
    words = _square_pass(frame.pack(mask), frame, *_dilation_offsets(size), np.bitwise_or)
    return frame.unpack(words).view(bool)


def _open_close_words(mask: np.ndarray, size: int) -> tuple[np.ndarray, _Frame]:
    """Erode, dilate twice, erode: the framed words and their frame.

    The two dilations in the middle are one, with offsets twice as far:
    dilating twice, the border cleared each time, equals dilating once by
    the sum of the two windows, because each window holds offset 0 (a pixel
    outside that the first dilation would set has its neighbour on the
    border set too, and that neighbour reaches everything it would).
    """
    frame = _Frame(mask.shape, 2 * size - 1)
    low, high = _dilation_offsets(size)
    words = _square_pass(frame.pack(mask), frame, *_erosion_offsets(size), np.bitwise_and)
    words = _square_pass(words, frame, 2 * low, 2 * high, np.bitwise_or)
    return _square_pass(words, frame, *_erosion_offsets(size), np.bitwise_and), frame


def open_close(mask: np.ndarray, size: int) -> np.ndarray:
    """Opening, then closing, of a bool mask with a ``size`` square; a new bool array."""
    if size <= 1:
        return mask.copy()
    words, frame = _open_close_words(mask, size)
    return frame.unpack(words).view(bool)


# ---- the disk ----


def _half_widths(radius: int) -> list[int]:
    """``a(dy)`` for ``dy = -radius .. radius``: the disk's row dy is ``-a .. a``."""
    return [math.isqrt(radius * radius - dy * dy) for dy in range(-radius, radius + 1)]


def _grow_centred_run(run: np.ndarray, reach: int, half: int, combine: Combine) -> np.ndarray:
    """From ``combine`` over pixels ``j - reach .. j + reach`` to ``j - half .. j + half``.

    Shifted copies on both sides, each step at most the run's length, so
    that the run stays unbroken. Exact for the pixels at least `half` from
    both ends of their row; the caller keeps only those.
    """
    while reach < half:
        step = min(half - reach, 2 * reach + 1)
        run = _combine_columns(_combine_columns(run, step, combine), -step, combine)
        reach += step
    return run


def _disk_pass(words: np.ndarray, radius: int, combine: Combine) -> np.ndarray:
    """Erode (AND) or dilate (OR) with the disk; the result has ``2 * radius`` rows fewer.

    Row i of the result is row ``i + radius`` of `words`, combined over the
    disk centred there; the columns keep their places. The disk's rows are
    taken by width, narrowest first, so that one run along the rows grows
    from each width to the next and only it is kept.
    """
    halves = _half_widths(radius)
    rows_of: dict[int, list[int]] = {}
    for row, half in enumerate(halves):
        rows_of.setdefault(half, []).append(row)
    height = words.shape[0] - 2 * radius
    out = np.full_like(words[:height], _neutral(combine))
    run, reach = words, 0
    for half in sorted(rows_of):
        run, reach = _grow_centred_run(run, reach, half, combine), half
        for row in rows_of[half]:
            combine(out, run[row : row + height], out=out)
    return out


def open_disk(mask: np.ndarray, radius: int) -> np.ndarray:
    """``anomaly_viz.morphology.open_disk`` of a bool mask: a new bool array."""
    return unpack(_open_disk_words(mask, radius), mask.shape[1]).view(bool)


def _open_disk_words(mask: np.ndarray, radius: int) -> np.ndarray:
    """The opening of :func:`open_disk` as packed words, the mask's own rows and columns."""
    height, width = mask.shape
    if radius == 0:
        return pack(mask)
    if radius * radius >= (height - 1) ** 2 + (width - 1) ** 2:
        return pack(np.full(mask.shape, mask.all()))
    # Mirrored by 2 r on every side: the erosion is exact on the pixels at
    # least r inside that (whose disks read only mirrored pixels), and the
    # dilation of those is exact on the mask's own pixels.
    mirrored = pack(np.pad(mask, 2 * radius, mode="symmetric"))
    eroded = _disk_pass(mirrored, radius, np.bitwise_and)
    opened = _disk_pass(eroded, radius, np.bitwise_or)
    return shift_columns(opened, 2 * radius, np.uint64(0))


# ---- compute_mask ----


def scale_into(out: np.ndarray, mask: np.ndarray) -> None:
    """``out[...] = 255 * mask`` for a bool `mask`, in one uint8 pass (no int64 in between)."""
    np.multiply(mask.view(np.uint8), np.uint8(255), out=out)


def clean_into(out: np.ndarray, mask: np.ndarray, cleaning: str, kernel_size: int) -> None:
    """Write ``255 * open_close(mask)`` or ``255 * open_disk(mask)`` into the uint8 `out`.

    `cleaning` is ``"open_close"`` or ``"anomalib"``, `mask` a bool (H, W)
    array; the 0/1 bytes of the unpacked mask are scaled straight into
    `out`, with no bool array in between.
    """
    if cleaning == "anomalib":
        opened = unpack(_open_disk_words(mask, kernel_size), mask.shape[1])
    elif kernel_size <= 1:
        opened = mask.view(np.uint8)
    else:
        words, frame = _open_close_words(mask, kernel_size)
        opened = frame.unpack(words)
    np.multiply(opened, np.uint8(255), out=out)
