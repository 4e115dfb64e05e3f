"""Masks drawn on images: contours, fills, and prediction with ground truth."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy import ndimage
from strategies import (
    alphas,
    as_rgb,
    blend_formula,
    bool_masks,
    colors,
    shapes_2d,
    thicknesses,
    uint8_images,
)

from anomaly_viz._engine import blocks as _blocks
from anomaly_viz.draw import draw_contours, draw_masks, fill_mask, mask_contour

RED, GREEN = (255, 0, 0), (0, 255, 0)


def square(shape, rows, cols):
    mask = np.zeros(shape, bool)
    mask[rows, cols] = True
    return mask


def chessboard_distance_to_background(mask):
    """For each pixel, the Chebyshev distance to the nearest False pixel, a
    one-pixel frame of False around the image included."""
    padded = np.pad(mask, 1, constant_values=False)
    return ndimage.distance_transform_cdt(padded, metric="chessboard")[1:-1, 1:-1]


masks = bool_masks(10)


@st.composite
def images_and_masks(draw, max_side=8):
    shape = draw(shapes_2d(max_side))
    return draw(uint8_images(shape)), draw(hnp.arrays(np.bool_, shape))


# --- mask_contour: exact outlines ---------------------------------------------------------


def test_square_gives_a_ring_of_eight():
    mask = square((7, 7), slice(2, 5), slice(2, 5))
    expected = mask.copy()
    expected[3, 3] = False
    result = mask_contour(mask)
    np.testing.assert_array_equal(result, expected)
    assert result.sum() == 8


def test_full_mask_contour_is_the_image_border():
    expected = np.ones((5, 6), bool)
    expected[1:-1, 1:-1] = False
    np.testing.assert_array_equal(mask_contour(np.ones((5, 6), bool)), expected)


def test_thickness_two_on_a_seven_by_seven_square():
    mask = square((11, 11), slice(2, 9), slice(2, 9))
    expected = mask & ~square((11, 11), slice(4, 7), slice(4, 7))
    result = mask_contour(mask, thickness=2)
    np.testing.assert_array_equal(result, expected)
    assert result.sum() == 49 - 9


def test_single_pixel_is_its_own_contour():
    mask = square((5, 5), 2, 3)
    np.testing.assert_array_equal(mask_contour(mask), mask)


def test_region_thinner_than_twice_the_thickness_is_all_contour():
    mask = square((9, 9), slice(1, 8), slice(3, 7))  # 4 wide
    np.testing.assert_array_equal(mask_contour(mask, thickness=2), mask)
    expected = mask & ~square((9, 9), slice(2, 7), slice(4, 6))
    np.testing.assert_array_equal(mask_contour(mask, thickness=1), expected)


def test_region_on_the_border_is_closed_along_it():
    mask = square((5, 6), slice(0, 3), slice(0, 4))  # the top-left corner
    expected = np.array(
        [
            [1, 1, 1, 1, 0, 0],
            [1, 0, 0, 1, 0, 0],
            [1, 1, 1, 1, 0, 0],
            [0, 0, 0, 0, 0, 0],
            [0, 0, 0, 0, 0, 0],
        ],
        bool,
    )
    np.testing.assert_array_equal(mask_contour(mask), expected)


def test_hole_is_outlined_on_both_sides():
    mask = square((9, 9), slice(1, 8), slice(1, 8))
    mask[4, 4] = False
    outer = mask & ~square((9, 9), slice(2, 7), slice(2, 7))
    inner = mask & square((9, 9), slice(3, 6), slice(3, 6))  # the 8 pixels around the hole
    result = mask_contour(mask)
    np.testing.assert_array_equal(result, outer | inner)
    assert result.sum() == 24 + 8


def test_zero_255_uint8_and_float_masks_work_like_bool():
    mask = square((6, 6), slice(1, 5), slice(1, 5))
    expected = mask_contour(mask)
    np.testing.assert_array_equal(mask_contour(mask.astype(np.uint8) * 255), expected)
    np.testing.assert_array_equal(mask_contour(mask * 0.5), expected)
    np.testing.assert_array_equal(mask_contour(mask.tolist()), expected)


def test_contour_keeps_the_shape_of_the_mask():
    mask = square((1, 1, 4, 5), 0, slice(None))  # leading axes of length 1
    result = mask_contour(mask)
    assert result.shape == (1, 1, 4, 5) and result.dtype == bool and result.flags.c_contiguous


# --- fill_mask and draw_contours: numbers worked by hand ---------------------------------


def test_fill_by_hand():
    image = np.full((1, 2, 3), 100, np.uint8)
    # 0.5 * 255 + 0.5 * 100 = 177.5 -> 178 (half to even); 0.5 * 100 = 50
    result = fill_mask(image, [[False, True]], color=RED, alpha=0.5)
    np.testing.assert_array_equal(result, [[[100, 100, 100], [178, 50, 50]]])


def test_fill_rounds_half_to_even():
    image = np.array([[[1, 3, 254]]], np.uint8)
    # 0.5, 1.5 and 127.0 -> 0, 2, 127; then 0.4 * 255 + 0.6 * 10 = 108
    np.testing.assert_array_equal(fill_mask(image, [[1]], (0, 0, 0), alpha=0.5), [[[0, 2, 127]]])
    grey = np.full((1, 1), 10, np.uint8)
    np.testing.assert_array_equal(fill_mask(grey, [[1]], (255, 0, 0), 0.4), [[[108, 6, 6]]])


def test_fill_over_a_float_image_uses_its_full_precision():
    image = np.array([[0.5, 0.5]])  # 127.5
    # outside: rint(127.5) = 128; inside: 0.5 * 0 + 0.5 * 127.5 = 63.75 -> 64
    result = fill_mask(image, [[0, 1]], color=(0, 0, 0), alpha=0.5)
    np.testing.assert_array_equal(result, [[[128, 128, 128], [64, 64, 64]]])


def test_fill_with_alpha_one_is_the_colour():
    image = np.zeros((2, 2), np.uint8)
    result = fill_mask(image, [[1, 0], [0, 0]], color=(10, 20, 30), alpha=1.0)
    np.testing.assert_array_equal(result, [[[10, 20, 30], [0, 0, 0]], [[0, 0, 0], [0, 0, 0]]])


def test_draw_contours_paints_the_ring():
    image = np.full((7, 7, 3), 9, np.uint8)
    mask = square((7, 7), slice(2, 5), slice(2, 5))
    ring = mask_contour(mask)
    result = draw_contours(image, mask, color=(1, 2, 3))
    np.testing.assert_array_equal(result[ring], np.tile([1, 2, 3], (8, 1)))
    np.testing.assert_array_equal(result[~ring], np.full((49 - 8, 3), 9))


def test_contour_colour_is_rounded_half_to_even():
    result = draw_contours(np.zeros((1, 1), np.uint8), [[1]], color=(10.5, 11.5, 0.2))
    np.testing.assert_array_equal(result, [[[10, 12, 0]]])


# --- draw_masks ---------------------------------------------------------------------------


def test_contour_style_draws_the_prediction_over_the_ground_truth():
    image = np.zeros((1, 3), np.uint8)
    result = draw_masks(image, prediction=[[0, 1, 1]], ground_truth=[[1, 1, 0]])
    np.testing.assert_array_equal(result, [[[0, 255, 0], [255, 0, 0], [255, 0, 0]]])


def test_contour_style_with_thickness_and_colours():
    image = np.zeros((9, 9), np.uint8)
    truth = square((9, 9), slice(1, 8), slice(1, 8))
    prediction = square((9, 9), slice(3, 6), slice(3, 6))
    result = draw_masks(
        image,
        prediction,
        truth,
        prediction_color=(0, 0, 200),
        ground_truth_color=(100, 0, 0),
        thickness=2,
    )
    expected = np.zeros((9, 9, 3), np.uint8)
    expected[truth & ~square((9, 9), slice(3, 6), slice(3, 6))] = (100, 0, 0)
    expected[prediction] = (0, 0, 200)  # 3 wide: all contour at thickness 2
    np.testing.assert_array_equal(result, expected)


def test_fill_style_blends_the_prediction_over_the_ground_truth():
    image = np.full((1, 3), 100, np.uint8)
    # truth: (50, 178, 50); prediction over it: 0.5 * 255 + 0.5 * 50 = 152.5 -> 152,
    # 0.5 * 178 = 89, 0.5 * 50 = 25; prediction alone: (178, 50, 50)
    result = draw_masks(image, [[0, 1, 1]], [[1, 1, 0]], style="fill", alpha=0.5)
    np.testing.assert_array_equal(result, [[[50, 178, 50], [152, 89, 25], [178, 50, 50]]])


def test_without_ground_truth_only_the_prediction_is_drawn():
    image = np.full((6, 6), 30, np.uint8)
    prediction = square((6, 6), slice(1, 5), slice(0, 3))
    np.testing.assert_array_equal(
        draw_masks(image, prediction, thickness=2),
        draw_contours(image, prediction, RED, thickness=2),
    )
    np.testing.assert_array_equal(
        draw_masks(image, prediction, style="fill", alpha=0.3),
        fill_mask(image, prediction, RED, alpha=0.3),
    )


# --- properties ---------------------------------------------------------------------------


@given(mask=masks, thickness=thicknesses)
def test_contour_equals_the_erosion_formula(mask, thickness):
    eroded = ndimage.binary_erosion(
        mask, structure=np.ones((3, 3), bool), iterations=thickness, border_value=0
    )
    np.testing.assert_array_equal(mask_contour(mask, thickness), mask & ~eroded)


@given(mask=masks, thickness=thicknesses)
def test_contour_lies_inside_its_mask(mask, thickness):
    contour = mask_contour(mask, thickness)
    assert contour.dtype == bool and contour.shape == mask.shape
    assert not (contour & ~mask).any()


@given(mask=masks, thickness=thicknesses)
def test_contour_is_the_mask_within_thickness_of_the_background(mask, thickness):
    contour = mask_contour(mask, thickness)
    distance = chessboard_distance_to_background(mask)
    assert np.all(distance[contour] <= thickness)  # every contour pixel is near the background
    np.testing.assert_array_equal(contour, mask & (distance <= thickness))  # and conversely


@given(pair=images_and_masks(), color=colors, thickness=thicknesses, alpha=alphas)
def test_empty_mask_gives_the_image_back(pair, color, thickness, alpha):
    image, _ = pair
    empty = np.zeros(image.shape[:2], np.uint8)
    expected = as_rgb(image)
    np.testing.assert_array_equal(fill_mask(image, empty, color, alpha), expected)
    np.testing.assert_array_equal(draw_contours(image, empty, color, thickness), expected)
    for style in ("contour", "fill"):
        np.testing.assert_array_equal(draw_masks(image, empty, empty, style=style), expected)


@given(pair=images_and_masks(), color=colors)
def test_fill_with_alpha_zero_gives_the_image_back(pair, color):
    image, mask = pair
    np.testing.assert_array_equal(fill_mask(image, mask, color, alpha=0.0), as_rgb(image))


@given(pair=images_and_masks(), color=colors, alpha=alphas)
def test_fill_equals_the_formula_inside_and_the_image_outside(pair, color, alpha):
    image, mask = pair
    rgb = as_rgb(image)
    result = fill_mask(image, mask, color, alpha)
    np.testing.assert_array_equal(result[mask], blend_formula(color, rgb[mask], alpha))
    np.testing.assert_array_equal(result[~mask], rgb[~mask])


@given(
    pair=shapes_2d(8).flatmap(
        lambda shape: st.tuples(
            hnp.arrays(np.float64, shape, elements=st.floats(0, 1)),
            hnp.arrays(np.bool_, shape),
        )
    ),
    color=colors,
    alpha=alphas,
)
def test_fill_over_a_float_image_equals_the_formula(pair, color, alpha):
    image, mask = pair
    scaled = np.repeat(image[..., np.newaxis] * 255.0, 3, axis=-1)
    result = fill_mask(image, mask, color, alpha)
    np.testing.assert_array_equal(result[mask], blend_formula(color, scaled[mask], alpha))
    np.testing.assert_array_equal(result[~mask], np.rint(scaled[~mask]))


@given(pair=images_and_masks(), color=colors, thickness=thicknesses, alpha=alphas)
def test_pixels_outside_the_mask_never_change(pair, color, thickness, alpha):
    image, mask = pair
    rgb = as_rgb(image)
    outside = ~mask
    for result in (
        fill_mask(image, mask, color, alpha),
        draw_contours(image, mask, color, thickness),
        draw_masks(image, mask, style="fill", alpha=alpha),
        draw_masks(image, mask, thickness=thickness),
    ):
        np.testing.assert_array_equal(result[outside], rgb[outside])


@given(pair=images_and_masks(), color=colors, thickness=thicknesses)
def test_contours_are_the_colour_and_the_rest_the_image(pair, color, thickness):
    image, mask = pair
    contour = mask_contour(mask, thickness)
    result = draw_contours(image, mask, color, thickness)
    np.testing.assert_array_equal(result[contour], np.broadcast_to(color, (contour.sum(), 3)))
    np.testing.assert_array_equal(result[~contour], as_rgb(image)[~contour])


@given(
    data=shapes_2d(8).flatmap(
        lambda shape: st.tuples(
            uint8_images(shape), hnp.arrays(np.bool_, shape), hnp.arrays(np.bool_, shape)
        )
    ),
    thickness=thicknesses,
    alpha=alphas,
)
def test_draw_masks_is_ground_truth_then_prediction(data, thickness, alpha):
    image, prediction, truth = data
    contours = draw_masks(image, prediction, truth, thickness=thickness)
    below = draw_contours(image, truth, GREEN, thickness)
    np.testing.assert_array_equal(contours, draw_contours(below, prediction, RED, thickness))
    fills = draw_masks(image, prediction, truth, style="fill", alpha=alpha)
    below = fill_mask(image, truth, GREEN, alpha)
    np.testing.assert_array_equal(fills, fill_mask(below, prediction, RED, alpha))


def test_fill_over_a_uint16_image_uses_its_full_precision():
    image = np.array([[32768, 32768]], np.uint16)  # 32768 / 257 = 127.502
    # outside: rint(127.502) = 128; inside: 0.5 * 0 + 0.5 * 127.502 = 63.75 -> 64
    result = fill_mask(image, [[0, 1]], color=(0, 0, 0), alpha=0.5)
    np.testing.assert_array_equal(result, [[[128, 128, 128], [64, 64, 64]]])


@pytest.mark.parametrize("style", ["contour", "fill"])
def test_blocks_of_rows_give_the_whole_picture(style):
    rng = np.random.default_rng(11)
    image = rng.random((2, 23, 17, 4))
    prediction, truth = rng.random((2, 23, 17)) > 0.6, rng.random((23, 17)) > 0.5
    whole = draw_masks(image, prediction, truth, style=style, alpha=0.3)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_blocks, "BLOCK_PIXELS", 20)
        np.testing.assert_array_equal(
            draw_masks(image, prediction, truth, style=style, alpha=0.3), whole
        )


# --- bad input ----------------------------------------------------------------------------

IMAGE = np.zeros((4, 5, 3), np.uint8)
MASK = np.ones((4, 5), bool)


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda mask: fill_mask(IMAGE, mask), "mask"),
        (lambda mask: draw_contours(IMAGE, mask), "mask"),
        (lambda mask: draw_masks(IMAGE, mask), "prediction"),
    ],
)
def test_mask_size_must_match_the_image(call, name):
    message = (
        rf"{name} and image must have the same height and width, "
        r"got \(4, 6\) and \(4, 5\)"
    )
    with pytest.raises(ValueError, match=message):
        call(np.ones((4, 6), bool))


def test_ground_truth_size_must_match_the_image():
    message = r"ground_truth and image must have the same height and width, .* \(5, 5\)"
    with pytest.raises(ValueError, match=message):
        draw_masks(IMAGE, MASK, np.ones((5, 5), bool))


def test_fill_batch_sizes_must_match():
    with pytest.raises(ValueError, match=r"but image holds 3: the batch sizes must match"):
        fill_mask(np.zeros((3, 4, 5, 3), np.uint8), np.ones((2, 4, 5), bool))
