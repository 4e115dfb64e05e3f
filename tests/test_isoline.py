"""The threshold in the picture: iso-lines on pictures, and the mark on a figure's colorbar."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import score_maps

from anomaly_viz import Normalization, comparison_figure, overlay
from anomaly_viz.draw import draw_isoline, isoline
from anomaly_viz.resize import resize_bilinear


def plain_isoline(scores, level, thickness):
    """Pixels above `level` with a pixel at or below it (inside the image) within `thickness`."""
    above = scores > level
    height, width = scores.shape
    line = np.zeros_like(above)
    for row in range(height):
        for col in range(width):
            if not above[row, col]:
                continue
            rows = slice(max(row - thickness, 0), row + thickness + 1)
            cols = slice(max(col - thickness, 0), col + thickness + 1)
            line[row, col] = not above[rows, cols].all()
    return line


@given(scores=score_maps(finite=False), level=st.floats(-2, 2), thickness=st.integers(1, 3))
def test_isoline_equals_a_loop_over_neighbourhoods(scores, level, thickness):
    np.testing.assert_array_equal(
        isoline(scores, level, thickness), plain_isoline(scores, level, thickness)
    )


def test_no_line_when_the_level_is_never_crossed():
    scores = np.linspace(0, 1, 20).reshape(4, 5)
    assert not isoline(scores, 2.0).any()  # nothing above
    assert not isoline(scores, -1.0).any()  # everything above: the border is no crossing
    image = np.full((4, 5, 3), 77, np.uint8)
    np.testing.assert_array_equal(draw_isoline(image, scores, 2.0), image)


def test_nan_is_never_above_the_level():
    scores = np.array([[1.0, 1.0, np.nan], [1.0, 1.0, 1.0]])
    assert isoline(scores, 0.5).tolist() == [[False, True, False], [False, True, True]]


def test_draw_isoline_resizes_the_map_as_scores():
    scores = np.array([[0.0, 1.0], [0.2, 0.8]])
    image = np.zeros((6, 8), np.uint8)
    picture = draw_isoline(image, scores, 0.5, color="red")
    expected = plain_isoline(resize_bilinear(scores, (6, 8)), 0.5, 1)
    np.testing.assert_array_equal(picture[..., 0] == 255, expected)
    assert np.all(picture[..., 1:] == 0)


@pytest.mark.parametrize("dtype", [np.uint16, np.float32])
def test_draw_isoline_on_uint16_and_float_images(dtype):
    grey = 100 * 257 if dtype == np.uint16 else 100 / 255  # the uint8 grey 100
    image = np.full((3, 3), grey, dtype)
    scores = np.array([[0, 0, 0], [0, 1, 1], [0, 1, 1]], float)
    picture = draw_isoline(image, scores, 0.5, color=(0, 0, 255))
    assert picture.dtype == np.uint8 and picture.shape == (3, 3, 3)
    assert picture[1, 1].tolist() == [0, 0, 255] and picture[0, 0].tolist() == [100, 100, 100]


def test_isoline_on_an_overlay_marks_where_its_colours_pass_the_threshold():
    rng = np.random.default_rng(3)
    scores = rng.random((5, 7))
    image = rng.integers(0, 256, (10, 14, 3), np.uint8)
    shown = overlay(image, scores, threshold=0.6)
    lined = draw_isoline(shown, scores, 0.6, color="black")
    changed = np.any(lined != shown, axis=-1)
    assert changed.any() and not (changed & ~isoline(resize_bilinear(scores, (10, 14)), 0.6)).any()


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: isoline([[0.5]], float("nan")), ValueError, "level must be a number, got NaN"),
        (lambda: isoline([[0.5]], 0.5, thickness=0), ValueError, "thickness"),
        (lambda: isoline(np.zeros((2, 2, 2)), 0.5), ValueError, "anomaly_map"),
        (lambda: isoline([["a"]], 0.5), TypeError, "anomaly_map"),
        (lambda: draw_isoline(np.zeros((2, 2, 2, 3)), [[1.0]], 0.5), ValueError, "image"),
        (lambda: draw_isoline(np.zeros((2, 2)), [[1.0]], 0.5, color="nope"), ValueError,
         "color must be a matplotlib colour"),
    ],
)  # fmt: skip
def test_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()


# ------------------------------------------------------------------ figures


def colorbar_of(figure):
    return figure.axes[-1]


def test_figure_marks_the_isoline_on_the_colorbar_and_draws_it_on_two_panels():
    scores = np.array([[0.0, 0.2], [0.6, 1.0]])
    figure = comparison_figure(np.zeros((40, 40), np.uint8), scores, isoline=0.5)
    colorbar = colorbar_of(figure)
    assert [float(line.get_ydata()[0]) for line in colorbar.lines] == [0.5, 0.5]
    assert colorbar.texts[0].get_text() == "0.5"
    pictures = [ax.get_images()[0].get_array() for ax in figure.axes[1:3]]
    line = isoline(resize_bilinear(scores, (40, 40)), 0.5)
    for picture in pictures:
        assert np.all(np.asarray(picture)[line] == 255)
    plt.close(figure)


def test_an_isoline_off_the_colorbar_is_not_marked():
    figure = comparison_figure(np.zeros((4, 4), np.uint8), [[0.0, 1.0]], isoline=3.0)
    assert len(colorbar_of(figure).lines) == 0 and len(colorbar_of(figure).texts) == 0
    plt.close(figure)


def test_threshold_scale_colorbar_is_centred_on_the_threshold():
    spec = Normalization("threshold", low=0.0, high=4.0, threshold=1.0)
    figure = comparison_figure(np.zeros((4, 4), np.uint8), [[0.0, 4.0]], normalization=spec)
    assert [float(limit) for limit in colorbar_of(figure).get_ylim()] == [-1.0, 3.0]
    plt.close(figure)


def test_bad_isoline_options():
    with pytest.raises(TypeError, match="isoline"):
        comparison_figure(np.zeros((4, 4), np.uint8), [[0.0, 1.0]], isoline="high")
    with pytest.raises(ValueError, match="isoline_color"):
        comparison_figure(np.zeros((4, 4), np.uint8), [[0.0, 1.0]], isoline_color="nope")


# ------------------------------------------------------------- command line


def test_overlay_command_draws_the_isoline(tmp_path, main):
    import imageio.v3 as iio

    scores = np.array([[0.0, 0.2], [0.6, 1.0]])
    image = np.full((8, 8, 3), 90, np.uint8)
    np.save(tmp_path / "m.npy", scores)
    iio.imwrite(tmp_path / "i.png", image)
    argv = ("overlay", tmp_path / "i.png", tmp_path / "m.npy", "-o", tmp_path / "o.png")
    result = main(*argv, "--isoline", "0.5")
    assert result.returncode == 0, result.stderr
    expected = draw_isoline(overlay(image, scores), scores, 0.5)
    np.testing.assert_array_equal(iio.imread(tmp_path / "o.png"), expected)
