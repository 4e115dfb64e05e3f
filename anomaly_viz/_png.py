"""A small, fast, lossless PNG writer for 8-bit images (NumPy and the standard library's zlib).

Pillow (and so imageio) tries all five PNG row filters on every row and
compresses at zlib level 6, and offers no option to choose the filter. This
writer uses the Sub filter on every row (each byte minus the same channel of
the pixel on its left, modulo 256) and zlib at level 1 with the run-length
strategy (``Z_RLE``), losslessly; benchmarks/folder.py times it, and
measures its file sizes, against Pillow's and OpenCV's writers. The image is
filtered and compressed a block of rows at a time, so that no filtered copy
of the whole image is ever made.

File layout (PNG specification, third edition): the signature, one IHDR
chunk, the text chunks (tEXt, or iTXt for text beyond Latin-1), IDAT chunks
of the compressed rows, one IEND chunk; each chunk is its length, its type,
its data and the CRC-32 of its type and data.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Mapping
from typing import IO

import numpy as np

__all__ = ["SIGNATURE", "supports", "text_chunk", "write_png"]

#: The eight bytes every PNG file starts with.
SIGNATURE = b"\x89PNG\r\n\x1a\n"

# channels per pixel -> PNG colour type: grey, grey + alpha, RGB, RGBA
_COLOUR_TYPES = {1: 0, 2: 4, 3: 2, 4: 6}
_BIT_DEPTH = 8
_SUB_FILTER = 1
_LARGEST_SIDE = 2**31 - 1  # PNG's limit on the width and the height
# Filtered bytes handed to zlib at a time, and the least compressed bytes per IDAT chunk.
_BLOCK_BYTES = 1 << 18
_IDAT_BYTES = 1 << 18
# PNG keywords: 1-79 printable Latin-1 characters, no leading, trailing or double space.
_KEYWORD_CHARACTERS = frozenset(chr(code) for code in [*range(32, 127), *range(161, 256)])
_LONGEST_KEYWORD = 79


def supports(image: object) -> bool:
    """Whether :func:`write_png` writes `image`: a non-empty uint8 (H, W) or (H, W, 2 to 4) array.

    Parameters
    ----------
    image : object

    Returns
    -------
    bool

    Examples
    --------
    >>> supports(np.zeros((2, 3, 3), np.uint8)), supports(np.zeros((2, 3), np.uint16))
    (True, False)
    >>> supports(np.zeros((2, 3, 1), np.uint8)), supports(np.zeros((0, 3), np.uint8))
    (False, False)
    """
    if not isinstance(image, np.ndarray) or image.dtype != np.uint8:
        return False
    if image.ndim == 3:
        if image.shape[2] not in (2, 3, 4):
            return False
    elif image.ndim != 2:
        return False
    height, width = image.shape[:2]
    return 0 < height <= _LARGEST_SIDE and 0 < width <= _LARGEST_SIDE


def _chunk(kind: bytes, pieces: Iterable[bytes]) -> list[bytes]:
    """One chunk as a list of byte strings (its data given in pieces, never joined)."""
    pieces = list(pieces)
    crc = zlib.crc32(kind)
    for piece in pieces:
        crc = zlib.crc32(piece, crc)
    length = sum(len(piece) for piece in pieces)
    return [length.to_bytes(4, "big"), kind, *pieces, crc.to_bytes(4, "big")]


def _header(height: int, width: int, channels: int) -> list[bytes]:
    # compression method 0 (deflate), filter method 0 (adaptive), interlace method 0 (none)
    fields = [width.to_bytes(4, "big"), height.to_bytes(4, "big")]
    fields.append(bytes([_BIT_DEPTH, _COLOUR_TYPES[channels], 0, 0, 0]))
    return _chunk(b"IHDR", fields)


def _keyword(key: object) -> bytes:
    if not isinstance(key, str):
        raise TypeError(f"text keys must be str, got {type(key).__name__}")
    if not (
        0 < len(key) <= _LONGEST_KEYWORD
        and set(key) <= _KEYWORD_CHARACTERS
        and key == key.strip(" ")
        and "  " not in key
    ):
        raise ValueError(
            f"text key {key!r} is not a PNG keyword: 1 to 79 printable Latin-1 characters, "
            "no leading, trailing or double space"
        )
    return key.encode("latin-1")


def text_chunk(key: object, value: object) -> list[bytes]:
    """A tEXt chunk, or an iTXt chunk (UTF-8) when `value` is not Latin-1."""
    keyword = _keyword(key)
    if not isinstance(value, str):
        raise TypeError(f"text values must be str, got {type(value).__name__} for {key!r}")
    if "\0" in value:
        raise ValueError(f"text value of {key!r} holds a null character, which PNG text cannot")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: no UTF-8 form
        raise ValueError(f"text value of {key!r} is not valid Unicode (a lone surrogate)") from None
    try:
        return _chunk(b"tEXt", [keyword, b"\0", value.encode("latin-1")])
    except UnicodeEncodeError:
        # keyword, null, not compressed (flag 0, method 0), no language tag, no translated keyword
        return _chunk(b"iTXt", [keyword, b"\0\0\0\0\0", value.encode("utf-8")])


def _compressed_rows(pixels: np.ndarray) -> Iterable[bytes]:
    """The zlib stream of the Sub-filtered rows of `pixels` (H, W, C), in pieces."""
    height, width, channels = pixels.shape
    row_bytes = 1 + width * channels  # the filter type byte, then the filtered samples
    rows_per_block = max(1, _BLOCK_BYTES // row_bytes)
    filtered = np.empty((min(rows_per_block, height), row_bytes), np.uint8)
    filtered[:, 0] = _SUB_FILTER
    compressor = zlib.compressobj(1, zlib.DEFLATED, 15, 8, zlib.Z_RLE)
    for start in range(0, height, rows_per_block):
        block = pixels[start : start + rows_per_block]
        out = filtered[: len(block)]
        samples = out[:, 1:].reshape(len(block), width, channels)
        samples[:, 0] = block[:, 0]
        np.subtract(block[:, 1:], block[:, :-1], out=samples[:, 1:])  # modulo 256
        yield compressor.compress(out.data)
    yield compressor.flush()


def _data_chunks(pieces: Iterable[bytes]) -> Iterable[list[bytes]]:
    """IDAT chunks of at least ``_IDAT_BYTES`` each (the last one may be smaller)."""
    waiting: list[bytes] = []
    size = 0
    for piece in pieces:
        if piece:
            waiting.append(piece)
            size += len(piece)
        if size >= _IDAT_BYTES:
            yield _chunk(b"IDAT", waiting)
            waiting, size = [], 0
    if waiting:
        yield _chunk(b"IDAT", waiting)


def write_png(
    handle: IO[bytes], image: np.ndarray, *, text: Mapping[str, str] | None = None
) -> None:
    """Write `image` to the open binary file `handle` as a lossless 8-bit PNG.

    Parameters
    ----------
    handle : binary file
        Written from its current position.
    image : ndarray of uint8, shape (H, W), (H, W, 2), (H, W, 3) or (H, W, 4)
        Grey, grey + alpha, RGB or RGBA (see :func:`supports`); any strides.
    text : mapping of str to str, optional
        Text chunks, in the mapping's order: keyword (1-79 printable Latin-1
        characters) to text (tEXt when Latin-1, else iTXt in UTF-8).

    Returns
    -------
    None

    Raises
    ------
    TypeError
        If `image` is not a uint8 array, or a key or value of `text` is not str.
    ValueError
        If `image` has another layout or no pixels, or a key of `text` is not a
        PNG keyword, or a value holds a null character.

    Examples
    --------
    >>> import io
    >>> from PIL import Image
    >>> buffer = io.BytesIO()
    >>> write_png(buffer, np.array([[0, 128, 255]], np.uint8), text={"Software": "anomaly_viz"})
    >>> buffer.getvalue()[:8] == SIGNATURE
    True
    >>> picture = Image.open(buffer)
    >>> picture.mode, np.asarray(picture).tolist(), picture.info
    ('L', [[0, 128, 255]], {'Software': 'anomaly_viz'})
    """
    if not isinstance(image, np.ndarray) or image.dtype != np.uint8:
        kind = image.dtype if isinstance(image, np.ndarray) else type(image).__name__
        raise TypeError(f"image must be a uint8 array, got {kind}")
    if not supports(image):
        raise ValueError(
            f"image must be (H, W) or (H, W, 2 to 4) with at least one pixel, got {image.shape}"
        )
    image = np.asarray(image)  # a subclass (np.matrix, a memory map) as a plain array view
    pixels = image[:, :, np.newaxis] if image.ndim == 2 else image
    height, width, channels = pixels.shape
    chunks = [_header(height, width, channels)]
    chunks += [text_chunk(key, value) for key, value in (text or {}).items()]
    handle.write(SIGNATURE)
    for chunk in chunks:
        handle.writelines(chunk)
    for chunk in _data_chunks(_compressed_rows(pixels)):
        handle.writelines(chunk)
    handle.writelines(_chunk(b"IEND", []))
