"""The package's own PNG writer (anomaly_viz._png) and write_image's use of it.

Every file is checked three ways: read back by Pillow and by imageio, and
decoded by the small independent decoder below, written from the PNG
specification (chunks and CRCs, zlib stream, the five row filters undone).
"""

import errno
import io
import os
import subprocess
import sys
import tracemalloc
import zlib
from unittest import mock

import imageio.v3 as iio
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from PIL import Image

from anomaly_viz import _png
from anomaly_viz.io import TEMPORARY_PREFIX, FileProblem, read_image, write_image

# PNG colour type -> (channels, Pillow mode)
COLOUR_TYPES = {0: (1, "L"), 4: (2, "LA"), 2: (3, "RGB"), 6: (4, "RGBA")}
LAYOUTS = {"grey": (), "grey+alpha": (2,), "RGB": (3,), "RGBA": (4,)}
ODD_SIZES = [(1, 1), (1, 7), (9, 1), (5, 13), (3, 1000), (17, 33)]


# --------------------------------------------------- an independent decoder


def chunks_of(data):
    """[(type, data)] of a PNG file, each CRC checked against zlib.crc32."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, position = [], 8
    while position < len(data):
        length = int.from_bytes(data[position : position + 4], "big")
        kind = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        crc = int.from_bytes(data[position + 8 + length : position + 12 + length], "big")
        assert len(body) == length
        assert crc == zlib.crc32(kind + body), f"bad CRC in {kind!r}"
        chunks.append((kind, body))
        position += 12 + length
    assert position == len(data)
    return chunks


def paeth(left, up, up_left):
    estimate = left + up - up_left
    distances = abs(estimate - left), abs(estimate - up), abs(estimate - up_left)
    if distances[0] <= distances[1] and distances[0] <= distances[2]:
        return left
    return up if distances[1] <= distances[2] else up_left


def unfilter(kind, row, previous, step):
    """One row of bytes with its filter undone (PNG specification, section 9)."""
    out = bytearray(len(row))
    for i, byte in enumerate(row):
        left = out[i - step] if i >= step else 0
        up = previous[i]
        up_left = previous[i - step] if i >= step else 0
        predictor = [0, left, up, (left + up) // 2, paeth(left, up, up_left)][kind]
        out[i] = (byte + predictor) % 256
    return out


def decode(data):
    """(pixels as (H, W, C) uint8, filter types of the rows, text) of an 8-bit PNG."""
    chunks = chunks_of(data)
    kinds = [kind for kind, _ in chunks]
    assert kinds[0] == b"IHDR" and kinds[-1] == b"IEND" and chunks[-1][1] == b""
    first, last = kinds.index(b"IDAT"), len(kinds) - 1 - kinds[::-1].index(b"IDAT")
    assert set(kinds[first : last + 1]) == {b"IDAT"}, "IDAT chunks must be consecutive"
    header = chunks[0][1]
    assert len(header) == 13
    width, height = int.from_bytes(header[:4], "big"), int.from_bytes(header[4:8], "big")
    depth, colour, compression, filtering, interlace = header[8:]
    assert (depth, compression, filtering, interlace) == (8, 0, 0, 0)
    channels = COLOUR_TYPES[colour][0]
    stream = zlib.decompress(b"".join(body for kind, body in chunks if kind == b"IDAT"))
    stride = 1 + width * channels
    assert len(stream) == height * stride
    rows, filters, previous = [], [], bytearray(width * channels)
    for y in range(height):
        line = stream[y * stride : (y + 1) * stride]
        filters.append(line[0])
        previous = unfilter(line[0], line[1:], previous, channels)
        rows.append(bytes(previous))
    pixels = np.frombuffer(b"".join(rows), np.uint8).reshape(height, width, channels)
    text = {}
    for kind, body in chunks:
        if kind == b"tEXt":
            key, value = body.split(b"\0", 1)
            text[key.decode("latin-1")] = value.decode("latin-1")
        elif kind == b"iTXt":
            key, rest = body.split(b"\0", 1)
            assert rest[:2] == b"\0\0"  # not compressed
            _language, _translated, value = rest[2:].split(b"\0", 2)
            text[key.decode("latin-1")] = value.decode("utf-8")
    return pixels, filters, text


def encoded(image, **options):
    buffer = io.BytesIO()
    _png.write_png(buffer, image, **options)
    return buffer.getvalue()


def as_channels(image):
    return image[:, :, np.newaxis] if image.ndim == 2 else image


def test_decoder_reads_every_filter_type():
    # Pillow's encoder chooses a filter per row; its files test the test's decoder
    rng = np.random.default_rng(3)
    image = np.cumsum(rng.integers(0, 4, (40, 30, 3)), axis=1).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, format="PNG")
    pixels, filters, _ = decode(buffer.getvalue())
    np.testing.assert_array_equal(pixels, image)
    assert len(set(filters)) > 1


# ----------------------------------------------------------- the writer


def test_exact_bytes_of_a_tiny_image():
    data = encoded(np.array([[10, 20, 5]], np.uint8))
    chunks = chunks_of(data)
    assert [kind for kind, _ in chunks] == [b"IHDR", b"IDAT", b"IEND"]
    assert chunks[0][1] == bytes([0, 0, 0, 3, 0, 0, 0, 1, 8, 0, 0, 0, 0])
    # Sub filter: the first byte as it is, then each minus its left neighbour, modulo 256
    assert zlib.decompress(chunks[1][1]) == bytes([1, 10, 10, 241])


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("size", ODD_SIZES)
@pytest.mark.parametrize("content", ["random", "constant"])
def test_round_trip_through_pillow_imageio_and_the_decoder(layout, size, content, tmp_path):
    shape = size + LAYOUTS[layout]
    rng = np.random.default_rng(sum(shape))
    if content == "random":
        image = rng.integers(0, 256, shape, dtype=np.uint8)
    else:
        image = np.full(shape, 201, np.uint8)
    data = encoded(image)
    pixels, filters, _ = decode(data)
    np.testing.assert_array_equal(pixels, as_channels(image))
    assert filters == [1] * size[0]
    picture = Image.open(io.BytesIO(data))
    assert picture.mode == COLOUR_TYPES[{1: 0, 2: 4, 3: 2, 4: 6}[pixels.shape[2]]][1]
    np.testing.assert_array_equal(np.asarray(picture), image)
    (tmp_path / "out.png").write_bytes(data)
    np.testing.assert_array_equal(iio.imread(tmp_path / "out.png"), image)


def test_colour_types_in_the_header():
    for channels, (colour, mode) in {
        1: (0, "L"),
        2: (4, "LA"),
        3: (2, "RGB"),
        4: (6, "RGBA"),
    }.items():
        image = np.zeros((2, 3, channels), np.uint8).squeeze(axis=2 if channels == 1 else ())
        header = chunks_of(encoded(image))[0][1]
        assert header[9] == colour
        assert COLOUR_TYPES[colour][1] == mode


def test_any_strides_write_the_same_file():
    rng = np.random.default_rng(5)
    rgba = rng.integers(0, 256, (20, 30, 4), dtype=np.uint8)
    views = [rgba[..., :3], rgba[::-1, ::-2, :3], rgba[::3, :, 3], np.asfortranarray(rgba)]
    for view in views:
        assert encoded(view) == encoded(np.ascontiguousarray(view))
        np.testing.assert_array_equal(decode(encoded(view))[0], as_channels(view))


def test_input_is_not_modified():
    image = np.arange(60, dtype=np.uint8).reshape(4, 5, 3)
    before = image.copy()
    encoded(image)
    np.testing.assert_array_equal(image, before)


def test_same_image_same_bytes():
    image = np.random.default_rng(8).integers(0, 256, (31, 17, 3), dtype=np.uint8)
    assert encoded(image) == encoded(image.copy())


@given(
    image=hnp.arrays(
        np.uint8,
        st.tuples(st.integers(1, 12), st.integers(1, 12)).flatmap(
            lambda size: st.sampled_from([size, (*size, 2), (*size, 3), (*size, 4)])
        ),
    ),
    block=st.integers(1, 200),
    idat=st.integers(1, 300),
)
def test_any_image_any_block_sizes_decode_to_the_pixels(image, block, idat):
    with (
        mock.patch.object(_png, "_BLOCK_BYTES", block),
        mock.patch.object(_png, "_IDAT_BYTES", idat),
    ):
        data = encoded(image)
    pixels, filters, _ = decode(data)
    np.testing.assert_array_equal(pixels, as_channels(image))
    assert filters == [1] * image.shape[0]
    np.testing.assert_array_equal(np.asarray(Image.open(io.BytesIO(data))), image)


def test_small_blocks_give_several_data_chunks_and_the_same_pixels():
    image = np.random.default_rng(9).integers(0, 256, (300, 300, 3), dtype=np.uint8)
    with (
        mock.patch.object(_png, "_BLOCK_BYTES", 100),
        mock.patch.object(_png, "_IDAT_BYTES", 500),
    ):
        data = encoded(image)
    kinds = [kind for kind, _ in chunks_of(data)]
    assert kinds.count(b"IDAT") > 3
    np.testing.assert_array_equal(decode(data)[0], image)


def test_memory_stays_below_the_image(tmp_path):
    # the rows are filtered and compressed a block at a time: no full copy of the image
    image = np.random.default_rng(10).integers(0, 256, (2048, 1024, 3), dtype=np.uint8)
    with open(tmp_path / "big.png", "wb") as handle:
        tracemalloc.start()
        try:
            _png.write_png(handle, image)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert peak < image.nbytes / 3
    np.testing.assert_array_equal(read_image(tmp_path / "big.png"), image)


# ---------------------------------------------------------------- text


def test_text_chunks_latin1_and_utf8():
    text = {"Software": "anomaly_viz", "Comment": "score ≥ 0.5, naïve ✓", "Title": "café"}
    data = encoded(np.zeros((2, 2), np.uint8), text=text)
    kinds = [kind for kind, _ in chunks_of(data)]
    assert kinds == [b"IHDR", b"tEXt", b"iTXt", b"tEXt", b"IDAT", b"IEND"]
    assert decode(data)[2] == text
    assert Image.open(io.BytesIO(data)).text == text


def test_empty_text_writes_no_text_chunk():
    assert encoded(np.zeros((2, 2), np.uint8), text={}) == encoded(np.zeros((2, 2), np.uint8))


@given(
    st.dictionaries(
        st.text(
            st.characters(codec="latin-1", exclude_characters=" "), min_size=1, max_size=79
        ).filter(lambda key: _png._KEYWORD_CHARACTERS.issuperset(key)),
        st.text(st.characters(exclude_characters="\0", exclude_categories=["Cs"])),
        max_size=3,
    )
)
def test_any_text_reads_back(text):
    data = encoded(np.zeros((1, 1), np.uint8), text=text)
    assert decode(data)[2] == text
    assert Image.open(io.BytesIO(data)).text == text


def test_a_value_with_a_lone_surrogate():
    with pytest.raises(ValueError, match=r"text value of 'k' is not valid Unicode"):
        encoded(np.zeros((1, 1), np.uint8), text={"k": "\ud800"})


@pytest.mark.parametrize(
    "key",
    ["", "x" * 80, " lead", "trail ", "two  spaces", "tab\tkey", "new\nline", "Ω"],
)
def test_a_key_that_is_not_a_png_keyword(key):
    with pytest.raises(ValueError, match=r"text key .* is not a PNG keyword: 1 to 79 printable"):
        encoded(np.zeros((1, 1), np.uint8), text={key: "x"})


def test_a_key_that_is_not_str():
    with pytest.raises(TypeError, match=r"text keys must be str, got bytes"):
        encoded(np.zeros((1, 1), np.uint8), text={b"Title": "x"})


def test_a_value_that_is_not_str():
    with pytest.raises(TypeError, match=r"text values must be str, got int for 'Title'"):
        encoded(np.zeros((1, 1), np.uint8), text={"Title": 3})


def test_a_value_with_a_null_character():
    with pytest.raises(ValueError, match=r"text value of 'Title' holds a null character"):
        encoded(np.zeros((1, 1), np.uint8), text={"Title": "a\0b"})


def test_bad_text_writes_nothing():
    buffer = io.BytesIO()
    with pytest.raises(ValueError, match=r"not a PNG keyword"):
        _png.write_png(buffer, np.zeros((1, 1), np.uint8), text={"ok": "x", "": "y"})
    assert buffer.getvalue() == b""


# ---------------------------------------------------------- bad images


@pytest.mark.parametrize(
    ("image", "supported"),
    [
        (np.zeros((2, 3), np.uint8), True),
        (np.zeros((2, 3, 2), np.uint8), True),
        (np.zeros((2, 3, 3), np.uint8), True),
        (np.zeros((2, 3, 4), np.uint8), True),
        (np.zeros((2, 3, 1), np.uint8), False),
        (np.zeros((2, 3, 5), np.uint8), False),
        (np.zeros((2, 3), np.uint16), False),
        (np.zeros((2, 3), bool), False),
        (np.zeros((2, 3), np.float32), False),
        (np.zeros((0, 3), np.uint8), False),
        (np.zeros((3, 0, 3), np.uint8), False),
        (np.zeros(3, np.uint8), False),
        (np.zeros((1, 2, 3, 3), np.uint8), False),
        ([[0, 1]], False),
    ],
)
def test_supports(image, supported):
    assert _png.supports(image) is supported


def test_a_dtype_other_than_uint8():
    with pytest.raises(TypeError, match=r"image must be a uint8 array, got uint16"):
        encoded(np.zeros((2, 2), np.uint16))


def test_not_an_array():
    with pytest.raises(TypeError, match=r"image must be a uint8 array, got list"):
        encoded([[0, 1]])


@pytest.mark.parametrize("shape", [(2, 2, 1), (2, 2, 5), (0, 2), (4,), (1, 2, 2, 3)])
def test_a_layout_the_writer_does_not_take(shape):
    with pytest.raises(ValueError, match=r"image must be \(H, W\) or \(H, W, 2 to 4\) with at"):
        encoded(np.zeros(shape, np.uint8))


# ------------------------------------------------ write_image uses the writer


@pytest.mark.parametrize("layout", LAYOUTS)
def test_write_image_writes_pngs_with_the_fast_writer(layout, tmp_path):
    image = np.random.default_rng(11).integers(0, 256, (33, 47, *LAYOUTS[layout]), np.uint8)
    write_image(tmp_path / "out.PNG", image)
    assert (tmp_path / "out.PNG").read_bytes() == encoded(image)
    np.testing.assert_array_equal(np.asarray(Image.open(tmp_path / "out.PNG")), image)


def test_write_image_gives_other_pngs_to_imageio(tmp_path):
    deep = np.array([[0, 300, 65535]], np.uint16)
    write_image(tmp_path / "deep.png", deep)
    np.testing.assert_array_equal(read_image(tmp_path / "deep.png"), deep)
    with pytest.raises(FileProblem, match=r"one\.png: cannot be written \(ValueError: Can't"):
        write_image(tmp_path / "one.png", np.zeros((2, 2, 1), np.uint8))
    with pytest.raises(FileProblem, match=r"empty\.png: cannot be written \(ValueError: cannot"):
        write_image(tmp_path / "empty.png", np.zeros((0, 2), np.uint8))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["deep.png"]


def test_write_image_other_formats_unchanged(tmp_path):
    image = np.random.default_rng(12).integers(0, 256, (6, 7, 3), np.uint8)
    write_image(tmp_path / "out.bmp", image)
    np.testing.assert_array_equal(iio.imread(tmp_path / "out.bmp"), image)


def test_full_disk_in_the_writer_keeps_the_old_file(tmp_path, monkeypatch):
    (tmp_path / "out.png").write_bytes(b"old, complete")
    rows = _png._compressed_rows

    def disk_fills(pixels):
        pieces = rows(pixels)
        yield next(pieces)
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(_png, "_compressed_rows", disk_fills)
    with pytest.raises(FileProblem) as caught:
        write_image(tmp_path / "out.png", np.zeros((300, 300, 3), np.uint8))
    assert (
        str(caught.value) == f"{tmp_path / 'out.png'}: cannot be written (No space left on device)"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.png"]
    assert (tmp_path / "out.png").read_bytes() == b"old, complete"


def test_interrupt_in_the_writer_removes_the_temporary_file(tmp_path, monkeypatch):
    seen = []
    rows = _png._compressed_rows

    def interrupted(pixels):
        pieces = rows(pixels)
        yield next(pieces)
        seen.extend(os.listdir(tmp_path))
        raise KeyboardInterrupt

    monkeypatch.setattr(_png, "_compressed_rows", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_image(tmp_path / "out.png", np.zeros((300, 300, 3), np.uint8))
    assert len(seen) == 1 and seen[0].startswith(TEMPORARY_PREFIX)
    assert list(tmp_path.iterdir()) == []


def test_array_subclasses_write_their_pixels(tmp_path):
    image = np.arange(12, dtype=np.uint8).reshape(3, 4)
    np.save(tmp_path / "image.npy", image)
    mapped = np.load(tmp_path / "image.npy", mmap_mode="r")
    for subclass in (np.ma.masked_equal(image, 5), mapped):
        assert encoded(subclass) == encoded(image)


# ------------------------------------------------- the folder benchmark


def test_quick_folder_benchmark_prints_its_figures():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    result = subprocess.run(
        [sys.executable, os.path.join("benchmarks", "folder.py"), "--quick"],
        cwd=root, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert any(line.startswith("- anomaly-viz: ") for line in lines)
    assert any(line.startswith("- anomaly-viz / OpenCV script: ") for line in lines)
    assert any(line.startswith("- anomaly-viz --jobs 2 / 1 job") for line in lines)
    assert any(
        line.startswith("- outputs read by Pillow, imageio") and line.endswith("3 of 3 (met)")
        for line in lines
    )
    for case in ("RGB overlay", "grey 0/255 mask", "RGBA heatmap"):
        assert any(line.startswith(f"- {case}, 64x48:") for line in lines), case
    assert sum(line.startswith("  anomaly_viz._png: ") for line in lines) == 3
