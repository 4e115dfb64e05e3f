"""Images read as a photo viewer shows them: orientation, colour modes, bit depths."""

import imageio.v3 as iio
import numpy as np
import pytest
from PIL import Image

from anomaly_viz.io import FileProblem, read_image, read_map

ORIENTATION = 0x0112  # the EXIF tag


def exif(orientation):
    tags = Image.Exif()
    tags[ORIENTATION] = orientation
    return tags


# What a viewer shows for each EXIF orientation of the stored pixels, written
# from the EXIF specification with NumPy (not with Pillow's exif_transpose).
SHOWN = {
    1: lambda a: a,
    2: lambda a: a[:, ::-1],
    3: lambda a: a[::-1, ::-1],
    4: lambda a: a[::-1],
    5: lambda a: a.transpose(1, 0, 2),
    6: lambda a: np.rot90(a, -1),
    7: lambda a: a[::-1, ::-1].transpose(1, 0, 2),
    8: lambda a: np.rot90(a, 1),
}


@pytest.mark.parametrize("orientation", sorted(SHOWN))
def test_png_exif_orientation_applied(tmp_path, orientation):
    stored = np.arange(2 * 3 * 3, dtype=np.uint8).reshape(2, 3, 3) * 10
    Image.fromarray(stored).save(tmp_path / "photo.png", exif=exif(orientation))
    np.testing.assert_array_equal(read_image(tmp_path / "photo.png"), SHOWN[orientation](stored))


def test_jpeg_exif_orientation_applied(tmp_path):
    stored = np.zeros((16, 32, 3), np.uint8)
    stored[:, :16] = (255, 0, 0)  # left half red, right half blue
    stored[:, 16:] = (0, 0, 255)
    Image.fromarray(stored).save(tmp_path / "photo.jpg", exif=exif(6), quality=95)
    shown = read_image(tmp_path / "photo.jpg")
    assert shown.shape == (32, 16, 3)  # turned a quarter clockwise: red on top
    assert np.abs(shown[:12].astype(int) - [255, 0, 0]).max() <= 12
    assert np.abs(shown[20:].astype(int) - [0, 0, 255]).max() <= 12


def test_map_gets_the_same_orientation_as_its_photo(tmp_path):
    stored = np.array([[0, 255, 0]], np.uint8)
    Image.fromarray(stored).save(tmp_path / "map.png", exif=exif(8))
    np.testing.assert_array_equal(read_map(tmp_path / "map.png"), [[0.0], [1.0], [0.0]])


def test_cmyk_jpeg_reads_red_as_red(tmp_path):
    Image.new("CMYK", (16, 16), (0, 255, 255, 0)).save(tmp_path / "red.jpg")
    image = read_image(tmp_path / "red.jpg")
    assert image.shape == (16, 16, 3) and image.dtype == np.uint8
    assert np.abs(image.astype(int) - [255, 0, 0]).max() <= 8


@pytest.mark.parametrize("mode", ["LAB", "YCbCr"])
def test_other_colour_spaces_read_as_rgb(tmp_path, mode):
    Image.new("RGB", (2, 2), (255, 0, 0)).convert(mode).save(tmp_path / "red.tif")
    with Image.open(tmp_path / "red.tif") as stored:
        assert stored.mode == mode
    image = read_image(tmp_path / "red.tif")
    assert image.shape == (2, 2, 3)
    assert np.abs(image.astype(int) - [255, 0, 0]).max() <= 8


def test_cmyk_tiff_exact(tmp_path):
    Image.new("CMYK", (2, 1), (0, 255, 255, 0)).save(tmp_path / "red.tif")
    np.testing.assert_array_equal(read_image(tmp_path / "red.tif"), [[[255, 0, 0]] * 2])


def test_grey_and_alpha_png_becomes_rgba(tmp_path):
    Image.fromarray(np.array([[[100, 50], [7, 255]]], np.uint8), "LA").save(tmp_path / "la.png")
    np.testing.assert_array_equal(
        read_image(tmp_path / "la.png"), [[[100, 100, 100, 50], [7, 7, 7, 255]]]
    )


def test_palette_png_becomes_rgb(tmp_path):
    picture = Image.new("P", (2, 1))
    picture.putpalette([0, 0, 0, 10, 20, 30])
    picture.putpixel((1, 0), 1)
    picture.save(tmp_path / "p.png")
    np.testing.assert_array_equal(read_image(tmp_path / "p.png"), [[[0, 0, 0], [10, 20, 30]]])


def test_palette_png_with_transparency_becomes_rgba(tmp_path):
    picture = Image.new("P", (2, 1))
    picture.putpalette([0, 0, 0, 10, 20, 30])
    picture.putpixel((1, 0), 1)
    picture.save(tmp_path / "p.png", transparency=0)
    np.testing.assert_array_equal(
        read_image(tmp_path / "p.png"), [[[0, 0, 0, 0], [10, 20, 30, 255]]]
    )


def test_one_bit_image_is_0_or_255(tmp_path):
    Image.fromarray(np.array([[True, False]])).save(tmp_path / "b.png")
    image = read_image(tmp_path / "b.png")
    assert image.dtype == np.uint8
    np.testing.assert_array_equal(image, [[255, 0]])


def test_big_endian_sixteen_bit_tiff_is_native_uint16(tmp_path):
    import tifffile

    tifffile.imwrite(tmp_path / "be.tif", np.array([[1, 256, 65535]], ">u2"), byteorder=">")
    with Image.open(tmp_path / "be.tif") as stored:
        assert stored.mode == "I;16B"
    image = read_image(tmp_path / "be.tif")
    assert image.dtype == np.dtype(np.uint16) and image.dtype.isnative
    np.testing.assert_array_equal(image, [[1, 256, 65535]])


def test_images_are_writeable_copies(tmp_path):
    iio.imwrite(tmp_path / "i.png", np.zeros((2, 2, 3), np.uint8))
    image = read_image(tmp_path / "i.png")
    image[0, 0] = 1  # no error: the caller owns the array
    assert image.sum() == 3


def test_float64_tiff_map_read_with_tifffile(tmp_path):
    import tifffile

    scores = np.arange(6.0).reshape(2, 3) / 7
    tifffile.imwrite(tmp_path / "m.tif", scores)
    result = read_map(tmp_path / "m.tif")
    assert result.dtype == np.float64
    np.testing.assert_array_equal(result, scores)


def test_float64_tiff_without_tifffile_is_one_clear_problem(tmp_path, monkeypatch):
    import sys

    import tifffile

    tifffile.imwrite(tmp_path / "m.tif", np.zeros((2, 3)))
    monkeypatch.setitem(sys.modules, "tifffile", None)  # import fails
    with pytest.raises(FileProblem, match=r"m.tif: cannot be read .*tifffile package"):
        read_map(tmp_path / "m.tif")


def test_32_bit_integer_image_refused(tmp_path):
    Image.fromarray(np.array([[1, -5]], np.int32)).save(tmp_path / "i.tif")
    with pytest.raises(FileProblem, match=r"i.tif: holds int32 pixels"):
        read_image(tmp_path / "i.tif")
