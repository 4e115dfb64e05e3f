"""Hostile files: decompression bombs, files that are not files, misnamed archives,
and writes that must not leave traces, change the umask or show temporary names."""

import errno
import io
import os
import struct
import zipfile

import imageio.v3 as iio
import numpy as np
import pytest
from PIL import Image

import anomaly_viz.io
from anomaly_viz.io import (
    MAX_PIXELS,
    TEMPORARY_PREFIX,
    FileProblem,
    read_image,
    read_map,
    write_image,
    write_text,
)


def tiff_header(width, height, bits=8, sample_format=1):
    """A little-endian TIFF that declares a width x height grey image and holds 8 bytes."""
    entries = [
        (256, 4, width),  # ImageWidth, LONG
        (257, 4, height),  # ImageLength
        (258, 3, bits),  # BitsPerSample, SHORT
        (259, 3, 1),  # Compression: none
        (262, 3, 1),  # Photometric: black is zero
        (273, 4, 0),  # StripOffsets, patched below
        (277, 3, 1),  # SamplesPerPixel
        (278, 4, height),  # RowsPerStrip
        (279, 4, 8),  # StripByteCounts
        (339, 3, sample_format),  # SampleFormat: 1 unsigned, 3 float
    ]
    data_offset = 8 + 2 + 12 * len(entries) + 4
    ifd = struct.pack("<H", len(entries))
    for tag, kind, value in entries:
        value = data_offset if tag == 273 else value
        packed = struct.pack("<HH", value, 0) if kind == 3 else struct.pack("<I", value)
        ifd += struct.pack("<HHI", tag, kind, 1) + packed
    return b"II*\x00" + struct.pack("<I", 8) + ifd + struct.pack("<I", 0) + bytes(8)


def npz_with_header_only(path, shape, descr="<f8"):
    """An .npz whose one array declares `shape` but holds no data at all."""
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        header, {"descr": descr, "fortran_order": False, "shape": shape}
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("arr_0.npy", header.getvalue())


# ---------------------------------------------------------------- the limit


def test_default_limit_is_pillows():
    assert Image.MAX_IMAGE_PIXELS == MAX_PIXELS


def test_tiff_bomb_refused_from_its_header(tmp_path):
    (tmp_path / "bomb.tif").write_bytes(tiff_header(30000, 30000))
    assert (tmp_path / "bomb.tif").stat().st_size < 200
    with pytest.raises(FileProblem, match=r"bomb.tif: declares an image \(900,000,000 pixels\)"):
        read_image(tmp_path / "bomb.tif")


def test_float64_tiff_bomb_refused_before_tifffile_decodes(tmp_path):
    # Pillow cannot read float64 TIFFs: this one goes to tifffile, checked first.
    (tmp_path / "bomb.tif").write_bytes(tiff_header(30000, 30000, 64, 3))
    with pytest.raises(
        FileProblem, match=r"bomb.tif: declares 30000 x 30000 pixels \(900,000,000 pixels\)"
    ):
        read_map(tmp_path / "bomb.tif")


@pytest.mark.parametrize("name", ["i.png", "i.tif", "i.jpg", "i.bmp", "i.gif", "i.webp"])
def test_every_image_format_obeys_max_pixels(tmp_path, name):
    iio.imwrite(tmp_path / name, np.zeros((30, 40, 3), np.uint8))
    with pytest.raises(FileProblem, match=r"declares 40 x 30 pixels \(1,200 pixels\), more than"):
        read_image(tmp_path / name, max_pixels=1199)
    assert read_image(tmp_path / name, max_pixels=1200).shape == (30, 40, 3)


def test_npz_bomb_refused_without_inflating(tmp_path):
    npz_with_header_only(tmp_path / "bomb.npz", (30000, 30000))
    with pytest.raises(
        FileProblem,
        match=r"bomb.npz: declares an array of shape \(30000, 30000\) \(900,000,000 values\)",
    ):
        read_map(tmp_path / "bomb.npz")


def test_npz_obeys_max_pixels(tmp_path):
    np.savez_compressed(tmp_path / "m.npz", np.zeros((30, 40)))
    with pytest.raises(FileProblem, match=r"m.npz: declares an array of shape \(30, 40\)"):
        read_map(tmp_path / "m.npz", max_pixels=1199)
    assert read_map(tmp_path / "m.npz", max_pixels=1200).shape == (30, 40)


@pytest.mark.parametrize(
    ("descr", "fragment"),
    [
        ("|O", r"holds pickled Python objects, which are never loaded"),
        ("<U1000000", r"holds <U1000000 values; a map is an array of numbers"),
        ([("a", "<f8", (100000,))], r"holds \[\('a', '<f8', \(100000,\)\)\] values; a map is"),
    ],
)
def test_npz_of_other_things_than_numbers_refused_unread(tmp_path, descr, fragment):
    npz_with_header_only(tmp_path / "odd.npz", (2,), descr)
    with pytest.raises(FileProblem, match=rf"odd.npz: {fragment}"):
        read_map(tmp_path / "odd.npz")


def test_npy_is_read_in_place_whatever_the_limit(tmp_path):
    np.save(tmp_path / "m.npy", np.zeros((30, 40)))
    assert read_map(tmp_path / "m.npy", max_pixels=1).shape == (30, 40)


def test_pillows_limit_is_raised_for_the_read_and_restored(tmp_path, monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100)
    iio.imwrite(tmp_path / "i.png", np.zeros((20, 20), np.uint8))  # 400 pixels
    assert read_image(tmp_path / "i.png").shape == (20, 20)
    assert read_image(tmp_path / "i.png", max_pixels=400).shape == (20, 20)
    with pytest.raises(FileProblem, match=r"declares 20 x 20 pixels"):
        read_image(tmp_path / "i.png", max_pixels=399)
    assert Image.MAX_IMAGE_PIXELS == 100


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        (0, ValueError, "max_pixels must be at least 1, got 0"),
        (1.5, TypeError, "max_pixels must be an integer, got float"),
        (True, TypeError, "max_pixels must be an integer, got bool"),
    ],
)
def test_bad_max_pixels(tmp_path, value, error, message):
    iio.imwrite(tmp_path / "i.png", np.zeros((2, 2), np.uint8))
    with pytest.raises(error, match=message):
        read_image(tmp_path / "i.png", max_pixels=value)


# -------------------------------------------------------- not regular files


def test_broken_symbolic_link(tmp_path):
    (tmp_path / "m.npy").symlink_to(tmp_path / "gone.npy")
    with pytest.raises(FileProblem, match=r"m.npy: is a broken symbolic link \(to .*gone.npy\)"):
        read_map(tmp_path / "m.npy")


def test_device_refused():
    with pytest.raises(FileProblem, match=r"/dev/null: is a character device, not a regular"):
        read_image("/dev/null")


# --------------------------------------------------------- NumPy files


def test_npz_named_npy(tmp_path):
    np.savez(tmp_path / "m.npz", np.zeros((2, 2)))
    os.rename(tmp_path / "m.npz", tmp_path / "m.npy")
    with pytest.raises(FileProblem, match=r"m.npy: is an .npz archive \(a zip file\), not an"):
        read_map(tmp_path / "m.npy")


def test_npy_named_npz(tmp_path):
    np.save(tmp_path / "m.npy", np.zeros((2, 2)))
    os.rename(tmp_path / "m.npy", tmp_path / "m.npz")
    with pytest.raises(FileProblem, match=r"m.npz: is an .npy file, not an .npz archive"):
        read_map(tmp_path / "m.npz")


def test_text_named_npz(tmp_path):
    (tmp_path / "m.npz").write_text("0.5")
    with pytest.raises(FileProblem, match=r"m.npz: cannot be read as a NumPy file \(BadZipFile"):
        read_map(tmp_path / "m.npz")


@pytest.mark.parametrize("suffix", [".raw", ".bin"])
def test_raw_file_without_shape(tmp_path, suffix):
    np.zeros(4, np.float32).tofile(tmp_path / f"m{suffix}")
    with pytest.raises(FileProblem, match=rf"m\{suffix}: a raw map needs both --shape and --dtype"):
        read_map(tmp_path / f"m{suffix}")


def test_raw_shape_whose_size_overflows_int64(tmp_path):
    (tmp_path / "m.raw").write_bytes(b"")
    with pytest.raises(
        FileProblem,
        match=r"holds 0 bytes, but shape \(1099511627776, 1099511627776\) of float64 needs "
        r"9671406556917033397649408",
    ):
        read_map(tmp_path / "m.raw", shape=(2**40, 2**40), dtype="float64")


# ------------------------------------------------------------------ writing


def test_umask_never_changed_and_new_files_get_what_open_gives(tmp_path, monkeypatch):
    real_umask = os.umask
    previous = real_umask(0o027)
    try:

        def forbidden(mask):
            raise AssertionError("os.umask called")

        monkeypatch.setattr(os, "umask", forbidden)
        write_text(tmp_path / "t.csv", "x")
        write_image(tmp_path / "i.png", np.zeros((2, 2), np.uint8))
    finally:
        real_umask(previous)
    assert (tmp_path / "t.csv").stat().st_mode & 0o7777 == 0o640
    assert (tmp_path / "i.png").stat().st_mode & 0o7777 == 0o640


def test_overwritten_file_keeps_its_mode(tmp_path):
    (tmp_path / "i.png").write_bytes(b"old")
    os.chmod(tmp_path / "i.png", 0o604)
    (tmp_path / "t.json").write_text("old")
    os.chmod(tmp_path / "t.json", 0o600)
    write_image(tmp_path / "i.png", np.zeros((2, 2), np.uint8))
    write_text(tmp_path / "t.json", "[]")
    assert (tmp_path / "i.png").stat().st_mode & 0o7777 == 0o604
    assert (tmp_path / "t.json").stat().st_mode & 0o7777 == 0o600
    assert (tmp_path / "t.json").read_text() == "[]"


def test_temporary_file_is_named_with_the_prefix(tmp_path, monkeypatch):
    seen = []
    real = anomaly_viz.io._encode

    def spy(path, image, *args, **kwargs):
        seen.append(os.path.basename(path))
        return real(path, image, *args, **kwargs)

    monkeypatch.setattr(anomaly_viz.io, "_encode", spy)
    write_image(tmp_path / "out.png", np.zeros((2, 2), np.uint8))
    assert len(seen) == 1 and seen[0].startswith(TEMPORARY_PREFIX) and seen[0].endswith(".png")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.png"]


def test_full_disk_names_the_output_never_the_temporary(tmp_path, monkeypatch):
    (tmp_path / "out.png").write_bytes(b"old, complete")

    def full(path, image, *args, **kwargs):
        with open(path, "wb") as handle:
            handle.write(b"half")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), path)

    monkeypatch.setattr(anomaly_viz.io, "_encode", full)
    with pytest.raises(FileProblem) as caught:
        write_image(tmp_path / "out.png", np.zeros((2, 2), np.uint8))
    assert (
        str(caught.value) == f"{tmp_path / 'out.png'}: cannot be written (No space left on device)"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.png"]
    assert (tmp_path / "out.png").read_bytes() == b"old, complete"


def test_writer_message_with_the_temporary_name_shows_the_output(tmp_path, monkeypatch):
    def fails(path, image, *args, **kwargs):
        raise ValueError(f"cannot encode {path}")

    monkeypatch.setattr(anomaly_viz.io, "_encode", fails)
    with pytest.raises(FileProblem) as caught:
        write_image(tmp_path / "out.png", np.zeros((2, 2), np.uint8))
    assert TEMPORARY_PREFIX not in str(caught.value)
    assert str(caught.value).endswith(f"(ValueError: cannot encode {tmp_path / 'out.png'})")


def test_output_that_is_a_folder_or_has_no_extension(tmp_path):
    (tmp_path / "folder").mkdir()
    with pytest.raises(FileProblem, match=r"folder: is a folder; the output must be a file name"):
        write_image(tmp_path / "folder", np.zeros((2, 2), np.uint8))
    with pytest.raises(FileProblem, match=r"out: has no extension to name its format"):
        write_image(tmp_path / "out", np.zeros((2, 2), np.uint8))
    with pytest.raises(FileProblem, match=r"folder: is a folder"):
        write_text(tmp_path / "folder", "x")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder"]


def test_interrupt_removes_the_temporary_file(tmp_path, monkeypatch):
    def interrupted(path, image, *args, **kwargs):
        with open(path, "wb") as handle:
            handle.write(b"half")
        raise KeyboardInterrupt

    monkeypatch.setattr(anomaly_viz.io, "_encode", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_image(tmp_path / "out.png", np.zeros((2, 2), np.uint8))
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------ PNG text


def test_write_image_text_is_read_back(tmp_path):
    path = write_image(tmp_path / "a.png", np.zeros((2, 3), np.uint8), text={"Key": "välue"})
    with Image.open(path) as picture:
        assert picture.info == {"Key": "välue"}


@pytest.mark.parametrize(
    ("name", "image", "text", "message"),
    [
        ("a.jpg", np.zeros((2, 2, 3), np.uint8), {"Key": "v"}, r"8-bit PNG files only, not \.jpg"),
        ("a.png", np.zeros((2, 2), np.uint16), {"Key": "v"}, r"8-bit PNG files only, not \.png"),
        ("a.png", np.zeros((2, 2), np.uint8), {" bad": "v"}, r"is not a PNG keyword"),
    ],
)
def test_write_image_bad_text_writes_nothing(tmp_path, name, image, text, message):
    with pytest.raises(ValueError, match=message):
        write_image(tmp_path / name, image, text=text)
    assert list(tmp_path.iterdir()) == []
