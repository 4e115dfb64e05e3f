"""alpha * I1 + (1 - alpha) * I2 + gamma, rounded and saturated."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from strategies import blend_formula, shapes_2d

from anomaly_viz import blend


def test_one_pixel_by_hand():
    heat = np.array([[[200, 0, 255]]], np.uint8)
    photo = np.array([[[50, 100, 255]]], np.uint8)
    np.testing.assert_array_equal(blend(heat, photo, 0.4, 10), [[[120, 70, 255]]])


def test_saturates_instead_of_wrapping():
    heat = np.full((1, 1, 3), 250, np.uint8)
    photo = np.full((1, 1, 3), 250, np.uint8)
    np.testing.assert_array_equal(blend(heat, photo, 0.5, 60), [[[255, 255, 255]]])
    np.testing.assert_array_equal(blend(heat, photo, 0.5, -300), [[[0, 0, 0]]])


def test_rounds_half_to_even():
    heat = np.array([[[1, 3, 254]]], np.uint8)
    photo = np.zeros((1, 1, 3), np.uint8)
    # 0.5, 1.5 and 127.0 -> 0, 2, 127
    np.testing.assert_array_equal(blend(heat, photo, 0.5, 0), [[[0, 2, 127]]])


def test_float_image_is_scaled_by_255():
    heat = np.zeros((1, 1, 3), np.uint8)
    photo = np.array([[[0.0, 0.5, 1.0]]])
    # 0.5 * 127.5 = 63.75 -> 64; 0.5 * 255 = 127.5 -> 128 (half to even)
    np.testing.assert_array_equal(blend(heat, photo, 0.5, 0), [[[0, 64, 128]]])


def test_large_image_crosses_chunks():
    rng = np.random.default_rng(3)
    heat = rng.integers(0, 256, (300, 301, 3), dtype=np.uint8)
    photo = rng.integers(0, 256, (300, 301, 3), dtype=np.uint8)
    np.testing.assert_array_equal(
        blend(heat, photo, 0.3, 7.5), blend_formula(heat, photo, 0.3, 7.5)
    )


pairs = shapes_2d(8).flatmap(
    lambda shape: st.tuples(hnp.arrays(np.uint8, (*shape, 3)), hnp.arrays(np.uint8, (*shape, 3)))
)


@given(pair=pairs, alpha=st.floats(0, 1), gamma=st.floats(-300, 300))
def test_equals_the_formula(pair, alpha, gamma):
    heat, photo = pair
    result = blend(heat, photo, alpha, gamma)
    assert result.dtype == np.uint8 and result.shape == photo.shape
    assert result.flags.c_contiguous
    np.testing.assert_array_equal(result, blend_formula(heat, photo, alpha, gamma))


@given(pair=pairs)
def test_alpha_zero_is_the_image_and_one_the_heatmap(pair):
    heat, photo = pair
    np.testing.assert_array_equal(blend(heat, photo, 0.0, 0), photo)
    np.testing.assert_array_equal(blend(heat, photo, 1.0, 0), heat)


@given(pair=pairs, alpha=st.floats(0, 1))
def test_each_channel_lies_between_its_inputs(pair, alpha):
    heat, photo = pair
    result = blend(heat, photo, alpha, 0).astype(int)
    low = np.minimum(heat, photo).astype(int)
    high = np.maximum(heat, photo).astype(int)
    assert np.all((low <= result) & (result <= high))


def test_float_uint16_grey_and_rgba_mixed():
    # 0.5 * (0.4 * 255 = 102) + 0.5 * (25700 / 257 = 100) = 101, for every channel.
    heat = np.full((2, 3), 0.4, np.float32)  # grey
    photo = np.full((2, 3, 4), 25700, np.uint16)  # RGBA, alpha dropped
    np.testing.assert_array_equal(blend(heat, photo, 0.5, 0), np.full((2, 3, 3), 101))


def test_float_images_across_blocks_equal_the_formula():
    rng = np.random.default_rng(4)
    heat = rng.random((300, 301, 3))
    photo = rng.random((300, 301)).astype(np.float32)
    grey = photo.astype(np.float64)[..., np.newaxis] * 255.0
    expected = blend_formula(heat * 255.0, np.repeat(grey, 3, axis=2), 0.3, 7.5)
    np.testing.assert_array_equal(blend(heat, photo, 0.3, 7.5), expected)


def test_shapes_must_match():
    with pytest.raises(ValueError, match=r"heatmap and image must have the same shape"):
        blend(np.zeros((4, 5, 3), np.uint8), np.zeros((4, 6, 3), np.uint8))
