"""The comparison figure."""

import imageio.v3 as iio
import matplotlib
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from anomaly_viz import Normalization
from anomaly_viz.overlays import overlay
from anomaly_viz.plot import comparison_figure
from anomaly_viz.post_process import anomaly_map_to_color_map
from anomaly_viz.resize import resize_bilinear

matplotlib.use("Agg")
import matplotlib.pyplot as plt

SCORES = np.array([[3.0, 4.0, 5.0], [6.0, 7.0, 11.0]])
IMAGE = np.random.default_rng(0).integers(0, 256, (4, 6, 3), dtype=np.uint8)


@pytest.fixture
def figure_of():
    figures = []

    def make(*args, **kwargs):
        figures.append(comparison_figure(*args, **kwargs))
        return figures[-1]

    yield make
    for figure in figures:
        plt.close(figure)


def image_axes(figure):
    return [ax for ax in figure.axes if ax.get_title()]


def test_default_panels_and_titles(figure_of):
    figure = figure_of(IMAGE, SCORES)
    assert [ax.get_title() for ax in image_axes(figure)] == ["Image", "Heatmap", "Overlay"]
    assert len(figure.axes) == 4  # three panels and the colorbar


@settings(max_examples=8)
@given(with_mask=st.booleans(), with_truth=st.booleans())
def test_optional_panels(with_mask, with_truth):
    mask = SCORES > 5 if with_mask else None
    truth = np.zeros((4, 6), bool) if with_truth else None
    figure = comparison_figure(IMAGE, SCORES, mask=mask, ground_truth=truth)
    try:
        titles = [ax.get_title() for ax in image_axes(figure)]
        expected = ["Image", "Heatmap", "Overlay"]
        expected += ["Mask"] * with_mask + ["Ground truth"] * with_truth
        assert titles == expected
    finally:
        plt.close(figure)


def test_panels_show_the_computed_pictures_at_one_extent(figure_of):
    figure = figure_of(IMAGE, SCORES, mode="alpha", mask=SCORES > 5)
    image_ax, heat_ax, overlay_ax, mask_ax = image_axes(figure)
    np.testing.assert_array_equal(image_ax.images[0].get_array(), IMAGE)
    low, high = SCORES.min(), SCORES.max()
    heat = anomaly_map_to_color_map(resize_bilinear(SCORES, (4, 6)), vmin=low, vmax=high)
    np.testing.assert_array_equal(heat_ax.images[0].get_array(), heat)
    np.testing.assert_array_equal(overlay_ax.images[0].get_array(), overlay(IMAGE, SCORES, "alpha"))
    assert mask_ax.images[0].get_array().shape == (4, 6)  # map-sized mask scaled up
    extents = {tuple(ax.images[0].get_extent()) for ax in image_axes(figure)}
    assert extents == {(0.0, 6.0, 4.0, 0.0)}


def test_float_image_shows_as_the_uint8_image(figure_of):
    # The uint16 image 257 * v: tests/test_contract.py, for every image function.
    picture, plain = figure_of((IMAGE / 255).astype(np.float32), SCORES), figure_of(IMAGE, SCORES)
    for ax, plain_ax in zip(image_axes(picture), image_axes(plain), strict=True):
        np.testing.assert_array_equal(ax.images[0].get_array(), plain_ax.images[0].get_array())


@pytest.mark.parametrize(
    ("options", "limits"),
    [
        ({}, (3.0, 11.0)),
        ({"normalization": Normalization("range", low=0.0, high=20.0)}, (0.0, 20.0)),
        ({"normalization": "signed"}, (-11.0, 11.0)),
        ({"normalization": "sigmoid"}, (3.0, 11.0)),
    ],
)
def test_colorbar_in_real_score_units(figure_of, options, limits):
    figure = figure_of(IMAGE, SCORES, score_label="distance", **options)
    colorbar = figure.axes[-1]
    assert colorbar.get_ylabel() == "distance"
    np.testing.assert_allclose(colorbar.get_ylim(), limits)


def test_colorbar_label_names_the_display_score(figure_of):
    figure = figure_of(IMAGE, -SCORES, normalization=Normalization("signed", sign="negative"))
    assert figure.axes[-1].get_ylabel() == "anomaly score (-score)"


def test_custom_titles(figure_of):
    figure = figure_of(IMAGE, SCORES, titles={"overlay": "overlayed"})
    assert [ax.get_title() for ax in image_axes(figure)] == ["Image", "Heatmap", "overlayed"]


def test_renders_to_png_headless(figure_of, tmp_path):
    figure = figure_of(IMAGE, SCORES, mask=SCORES > 5, ground_truth=SCORES > 6)
    figure.savefig(tmp_path / "figure.png", dpi=50)
    picture = iio.imread(tmp_path / "figure.png")
    assert picture.ndim == 3 and picture.shape[2] in (3, 4)
    width, height = figure.get_size_inches() * 50
    assert abs(picture.shape[1] - width) <= 1 and abs(picture.shape[0] - height) <= 1
    assert np.ptp(picture[..., :3]) > 0


def test_mask_of_another_size_refused():
    with pytest.raises(ValueError, match=r"mask must have the image's height and width"):
        comparison_figure(IMAGE, SCORES, mask=np.ones((5, 5), bool))
