"""Reading files and writing them atomically, in process."""

import warnings

import imageio.v3 as iio
import numpy as np
import pytest

from anomaly_viz.io import FileProblem, read_image, read_map, write_image, write_text


def test_float_tiff_map_reads_without_warnings(tmp_path):
    scores = np.arange(6, dtype=np.float32).reshape(2, 3) / 7
    iio.imwrite(tmp_path / "m.tif", scores, plugin="pillow")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(read_map(tmp_path / "m.tif"), scores)


def test_npy_is_memory_mapped_read_only(tmp_path):
    np.save(tmp_path / "m.npy", np.ones((3, 4)))
    scores = read_map(tmp_path / "m.npy")
    assert isinstance(scores, np.memmap) and not scores.flags.writeable


def test_raw_needs_both_shape_and_dtype(tmp_path):
    np.zeros(4, np.float32).tofile(tmp_path / "m.raw")
    with pytest.raises(FileProblem, match=r"m.raw: a raw map needs both --shape and --dtype"):
        read_map(tmp_path / "m.raw", shape=(2, 2))
    with pytest.raises(FileProblem, match=r"unknown dtype 'float99'"):
        read_map(tmp_path / "m.raw", shape=(2, 2), dtype="float99")


def test_colour_image_is_not_a_map(tmp_path):
    iio.imwrite(tmp_path / "rgb.png", np.zeros((2, 2, 3), np.uint8))
    with pytest.raises(FileProblem, match=r"a map must have one channel"):
        read_map(tmp_path / "rgb.png")


def test_sixteen_bit_image_read_unchanged(tmp_path):
    iio.imwrite(tmp_path / "i.png", np.array([[0, 300, 65535]], np.uint16))
    image = read_image(tmp_path / "i.png")
    assert image.dtype == np.uint16
    np.testing.assert_array_equal(image, [[0, 300, 65535]])


def test_sixteen_bit_map_scaled(tmp_path):
    iio.imwrite(tmp_path / "m.png", np.array([[0, 65535]], np.uint16))
    np.testing.assert_array_equal(read_map(tmp_path / "m.png"), [[0.0, 1.0]])


def test_folder_is_not_a_file(tmp_path):
    with pytest.raises(FileProblem, match=r"is a folder, not a file"):
        read_image(tmp_path)


def test_write_refuses_inputs_and_missing_folders(tmp_path):
    with pytest.raises(FileProblem, match=r"is also an input"):
        write_image(tmp_path / "a.png", np.zeros((2, 2), np.uint8), inputs=[tmp_path / "a.png"])
    with pytest.raises(FileProblem, match=r"its folder .* does not exist"):
        write_text(tmp_path / "missing" / "t.csv", "x")


def test_failed_write_leaves_nothing(tmp_path):
    with pytest.raises(FileProblem, match=r"bad.png: cannot be written"):
        write_image(tmp_path / "bad.png", np.zeros((2, 2), np.complex128))
    assert list(tmp_path.iterdir()) == []


def test_written_files_get_the_usual_permissions(tmp_path):
    (tmp_path / "plain.txt").write_text("x")
    expected = (tmp_path / "plain.txt").stat().st_mode & 0o777
    written = write_text(tmp_path / "atomic.txt", "x")
    assert written.stat().st_mode & 0o777 == expected
