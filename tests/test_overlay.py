"""The overlay modes and the RGBA heatmap."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from strategies import as_rgb, saturate, score_maps, shapes_2d, uint8_images

from anomaly_viz import Normalization
from anomaly_viz._engine import blocks as _blocks
from anomaly_viz.blending import MODES
from anomaly_viz.colormap import lookup_table
from anomaly_viz.normalization import normalize
from anomaly_viz.overlays import heatmap_rgba, overlay
from anomaly_viz.post_process import anomaly_map_to_color_map, superimpose_anomaly_map
from anomaly_viz.resize import resize_bilinear

pairs = shapes_2d(8).flatmap(
    lambda shape: st.tuples(score_maps(shape=shape, finite=False), uint8_images(shape))
)


def reference(photo, scores, mode, alpha, gamma=0.0):
    """Each mode's formula written out in float64, over `photo` RGB on the 0-255 scale."""
    v = np.nan_to_num(normalize(scores).astype(np.float64), nan=0.0)[..., None]
    heat = anomaly_map_to_color_map(scores).astype(np.float64)
    photo = np.asarray(photo, np.float64)
    total = {
        "blend": alpha * heat + (1 - alpha) * photo,
        "alpha": alpha * v * heat + (1 - alpha * v) * photo,
        "gray": alpha * 255 * v + (1 - alpha) * photo,
        "multiply": (1 - alpha + alpha * v) * photo,
    }[mode]
    return saturate(total + gamma)


@pytest.mark.parametrize("mode", MODES)
@given(pair=pairs, alpha=st.floats(0, 1), gamma=st.floats(-20, 20))
def test_each_mode_equals_its_formula(mode, pair, alpha, gamma):
    scores, image = pair
    result = overlay(image, scores, mode, alpha=alpha, gamma=gamma)
    assert result.dtype == np.uint8 and result.shape == (*scores.shape, 3)
    assert result.flags.c_contiguous
    np.testing.assert_array_equal(result, reference(as_rgb(image), scores, mode, alpha, gamma))


@pytest.mark.parametrize("mode", MODES)
@given(pair=pairs)
def test_alpha_zero_returns_the_image_in_every_mode(mode, pair):
    scores, image = pair
    np.testing.assert_array_equal(overlay(image, scores, mode, alpha=0.0), as_rgb(image))


@given(
    image=shapes_2d(8).flatmap(uint8_images),
    normalization=st.sampled_from(["minmax", "clip", "signed"]),
)
def test_alpha_mode_with_a_zero_map_returns_the_image(image, normalization):
    zero = np.zeros(image.shape[:2])
    sign = {"sign": "positive"} if normalization == "signed" else {}
    result = overlay(image, zero, "alpha", normalization=Normalization(normalization, **sign))
    np.testing.assert_array_equal(result, as_rgb(image))


@given(pair=pairs, alpha=st.floats(0, 1))
def test_multiply_never_brightens(pair, alpha):
    scores, image = pair
    result = overlay(image, scores, "multiply", alpha=alpha)
    assert np.all(result <= as_rgb(image))


@pytest.mark.parametrize("mode", MODES)
@given(pair=pairs, threshold=st.floats(-1e3, 1e3))
def test_threshold_shows_the_plain_image_at_or_below(mode, pair, threshold):
    scores, image = pair
    result = overlay(image, scores, mode, threshold=threshold)
    cold = ~(scores > threshold)
    np.testing.assert_array_equal(result[cold], as_rgb(image)[cold])
    np.testing.assert_array_equal(result[~cold], overlay(image, scores, mode)[~cold])


def test_blend_mode_is_superimpose():
    rng = np.random.default_rng(7)
    scores, image = rng.random((5, 6)), rng.integers(0, 256, (10, 12, 3), dtype=np.uint8)
    np.testing.assert_array_equal(
        overlay(image, scores, "blend", normalization="clip"),
        superimpose_anomaly_map(scores, image),
    )


@pytest.mark.parametrize("mode", MODES)
def test_scores_resized_before_normalising_and_colouring(mode):
    rng = np.random.default_rng(8)
    scores = rng.normal(size=(6, 4))
    image = rng.integers(0, 256, (18, 10, 3), dtype=np.uint8)
    low, high = scores.min(), scores.max()
    resized = resize_bilinear(scores, (18, 10))
    fixed = Normalization("range", low=low, high=high)
    expected = overlay(image, resized, mode, normalization=fixed)
    np.testing.assert_array_equal(overlay(image, scores, mode), expected)


def test_float_and_grey_images():
    scores = np.array([[0.0, 1.0]])
    grey = np.array([[0.2, 0.6]])
    result = overlay(grey, scores, "multiply")
    np.testing.assert_array_equal(result[..., 0], [[0, 153]])  # 0.6 * 255 = 153


def test_uint16_image_is_scaled_by_255_over_65535():
    # 385 / 257 = 1.498 and 386 / 257 = 1.502; 32896 = 128 * 257.
    image = np.array([[0, 385, 386, 32896, 65535]], np.uint16)
    result = overlay(image, np.zeros((1, 5)), "blend", alpha=0.0)
    np.testing.assert_array_equal(result[..., 0], [[0, 1, 2, 128, 255]])


float_pairs = shapes_2d(8).flatmap(
    lambda shape: st.tuples(
        score_maps(shape=shape, finite=False),
        hnp.arrays(
            st.sampled_from([np.float16, np.float32, np.float64]),
            st.sampled_from([shape, (*shape, 1), (*shape, 3), (*shape, 4)]),
            elements=st.floats(0, 1, width=16),
        ),
    )
)


@pytest.mark.parametrize("mode", MODES)
@given(pair=float_pairs, alpha=st.floats(0, 1), gamma=st.floats(-20, 20))
def test_float_image_equals_the_formula_on_255_times_it(mode, pair, alpha, gamma):
    scores, image = pair
    result = overlay(image, scores, mode, alpha=alpha, gamma=gamma)
    photo = as_rgb(image).astype(np.float64) * 255.0
    np.testing.assert_array_equal(result, reference(photo, scores, mode, alpha, gamma))


@pytest.mark.parametrize("mode", MODES)
def test_blocks_of_rows_give_the_whole_result(mode):
    # A float RGBA image and a resized map with NaN, in blocks of 50 pixels.
    rng = np.random.default_rng(10)
    scores = rng.random((7, 9))
    scores[3, 4] = np.nan
    image = rng.random((30, 41, 4)).astype(np.float32)
    whole = overlay(image, scores, mode, threshold=0.3)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_blocks, "BLOCK_PIXELS", 50)
        np.testing.assert_array_equal(overlay(image, scores, mode, threshold=0.3), whole)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("size", [(600, 512), (512, 600)])
def test_constant_map_gives_one_colour(dtype, size):
    # The case: 32x32 of 0.7 over a 600x512 image gave 39,936 pixels of
    # the hottest colour, resized values one float step above the constant.
    image = np.full((*size, 3), 50, np.uint8)
    result = superimpose_anomaly_map(np.full((32, 32), 0.7, dtype), image, normalize=True)
    assert len(np.unique(result.reshape(-1, 3), axis=0)) == 1


def test_signed_map_defaults_to_a_diverging_colormap():
    scores = np.array([[-1.0, 0.0, 1.0]])
    image = np.zeros((1, 3, 3), np.uint8)
    result = overlay(image, scores, alpha=1.0, normalization="signed")
    np.testing.assert_array_equal(result[0], lookup_table("coolwarm")[[0, 128, 255]])


# ----------------------------------------------------------------- RGBA heatmap


@given(scores=score_maps(finite=False))
def test_rgba_alpha_is_the_normalised_score(scores):
    rgba = heatmap_rgba(scores)
    assert rgba.dtype == np.uint8 and rgba.shape == (*scores.shape, 4)
    np.testing.assert_array_equal(rgba[..., :3], anomaly_map_to_color_map(scores))
    values = np.nan_to_num(normalize(scores).astype(np.float64), nan=0.0)
    np.testing.assert_array_equal(rgba[..., 3], np.rint(values * 255))


def test_rgba_resized_and_saved_as_transparent_png(tmp_path):
    import imageio.v3 as iio

    rgba = heatmap_rgba(np.array([[0.0, 1.0], [1.0, 0.0]]), size=(8, 6))
    assert rgba.shape == (8, 6, 4)
    iio.imwrite(tmp_path / "heat.png", rgba)
    np.testing.assert_array_equal(iio.imread(tmp_path / "heat.png"), rgba)
