"""Boxes drawn on images: rectangles (x1, y1, x2, y2), inclusive, lines growing inward."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import as_rgb, boxes_in, colors, shapes_2d, thicknesses, uint8_images

from anomaly_viz.draw import draw_boxes

RED = (255, 0, 0)
COLOR = (1, 2, 3)
BACKGROUND = 9


def drawn(pattern, color=COLOR, background=BACKGROUND):
    """The RGB image of a 0/1 pattern: `color` on the ones, `background` elsewhere."""
    pattern = np.asarray(pattern, bool)
    expected = np.full((*pattern.shape, 3), background, np.uint8)
    expected[pattern] = color
    return expected


def draw_on_background(shape, boxes, thickness=1):
    return draw_boxes(np.full(shape, BACKGROUND, np.uint8), boxes, COLOR, thickness)


def inside(shape, box):
    """The pixels of the image inside box (x1, y1, x2, y2), ends included."""
    rows, cols = np.indices(shape)
    x1, y1, x2, y2 = box
    return (x1 <= cols) & (cols <= x2) & (y1 <= rows) & (rows <= y2)


def outline(shape, box, thickness):
    """The docstring's formula: pixels of the box less than `thickness` from its edge."""
    rows, cols = np.indices(shape)
    x1, y1, x2, y2 = box
    distance = np.minimum.reduce([rows - y1, y2 - rows, cols - x1, x2 - cols])
    return inside(shape, box) & (distance < thickness)


def union(shape, boxes, region):
    result = np.zeros(shape, bool)
    for box in boxes:
        result |= region(box)
    return result


# --- exact pictures -----------------------------------------------------------------------


def test_three_by_four_box_thickness_one():
    result = draw_on_background((6, 7), [(2, 1, 5, 3)])  # rows 1-3, columns 2-5
    pattern = [
        [0, 0, 0, 0, 0, 0, 0],
        [0, 0, 1, 1, 1, 1, 0],
        [0, 0, 1, 0, 0, 1, 0],
        [0, 0, 1, 1, 1, 1, 0],
        [0, 0, 0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0, 0, 0],
    ]
    np.testing.assert_array_equal(result, drawn(pattern))


def test_three_by_four_box_thickness_two_is_filled():
    result = draw_on_background((6, 7), [(2, 1, 5, 3)], thickness=2)
    pattern = [
        [0, 0, 0, 0, 0, 0, 0],
        [0, 0, 1, 1, 1, 1, 0],
        [0, 0, 1, 1, 1, 1, 0],
        [0, 0, 1, 1, 1, 1, 0],
        [0, 0, 0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0, 0, 0],
    ]
    np.testing.assert_array_equal(result, drawn(pattern))


def test_five_by_six_box_thickness_two_grows_inward():
    result = draw_on_background((7, 8), [(1, 1, 6, 5)], thickness=2)  # rows 1-5, columns 1-6
    pattern = [
        [0, 0, 0, 0, 0, 0, 0, 0],
        [0, 1, 1, 1, 1, 1, 1, 0],
        [0, 1, 1, 1, 1, 1, 1, 0],
        [0, 1, 1, 0, 0, 1, 1, 0],
        [0, 1, 1, 1, 1, 1, 1, 0],
        [0, 1, 1, 1, 1, 1, 1, 0],
        [0, 0, 0, 0, 0, 0, 0, 0],
    ]
    np.testing.assert_array_equal(result, drawn(pattern))


@pytest.mark.parametrize("thickness", [1, 3])
def test_one_pixel_box(thickness):
    result = draw_on_background((6, 7), [(3, 2, 3, 2)], thickness)  # row 2, column 3
    pattern = np.zeros((6, 7), bool)
    pattern[2, 3] = True
    np.testing.assert_array_equal(result, drawn(pattern))


def test_box_past_the_right_and_bottom_edges_is_cut_there():
    result = draw_on_background((6, 7), [(4, 3, 9, 8)])  # rows 3-8, columns 4-9
    pattern = [
        [0, 0, 0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0, 0, 0],
        [0, 0, 0, 0, 1, 1, 1],
        [0, 0, 0, 0, 1, 0, 0],
        [0, 0, 0, 0, 1, 0, 0],
    ]
    np.testing.assert_array_equal(result, drawn(pattern))
    thick = draw_on_background((6, 7), [(4, 3, 9, 8)], thickness=2)
    pattern = [
        [0, 0, 0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0, 0, 0],
        [0, 0, 0, 0, 1, 1, 1],
        [0, 0, 0, 0, 1, 1, 1],
        [0, 0, 0, 0, 1, 1, 0],
    ]
    np.testing.assert_array_equal(thick, drawn(pattern))


def test_box_past_the_left_and_top_edges_is_cut_there():
    result = draw_on_background((4, 5), [(-2, -1, 2, 1)])  # rows -1-1, columns -2-2
    pattern = [
        [0, 0, 1, 0, 0],
        [1, 1, 1, 0, 0],
        [0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0],
    ]
    np.testing.assert_array_equal(result, drawn(pattern))


def test_edges_outside_the_image_are_not_moved_onto_its_border():
    shape = (4, 5)
    around = (-1, -1, 5, 4)  # one pixel outside the image on every side
    np.testing.assert_array_equal(draw_on_background(shape, [around]), drawn(np.zeros(shape)))
    border = np.ones(shape, bool)
    border[1:-1, 1:-1] = False
    np.testing.assert_array_equal(draw_on_background(shape, [around], 2), drawn(border))


@pytest.mark.parametrize(
    "box",
    [
        (7, 0, 9, 3),
        (0, 6, 6, 8),
        (-5, -5, -1, -1),
        (-3, 2, -1, 4),
        (1e30, 0, 1e30, 1),
        (-(2**62), -(2**62), -1, 3),
    ],
)
def test_box_wholly_outside_draws_nothing(box):
    image = np.arange(6 * 7, dtype=np.uint8).reshape(6, 7)
    np.testing.assert_array_equal(draw_boxes(image, [box], thickness=3), as_rgb(image))


@pytest.mark.parametrize("boxes", [np.zeros((0, 4), np.int64), np.zeros((0, 4)), [], ()])
def test_no_boxes_gives_a_copy_of_the_image(boxes):
    image = np.arange(6 * 7 * 3, dtype=np.uint8).reshape(6, 7, 3)
    result = draw_boxes(image, boxes)
    np.testing.assert_array_equal(result, image)
    assert result.dtype == np.uint8 and result.flags.c_contiguous
    assert not np.shares_memory(result, image)


def test_overlapping_boxes():
    result = draw_on_background((5, 6), [(0, 0, 3, 2), (2, 1, 5, 4)])
    pattern = [
        [1, 1, 1, 1, 0, 0],
        [1, 0, 1, 1, 1, 1],
        [1, 1, 1, 1, 0, 1],
        [0, 0, 1, 0, 0, 1],
        [0, 0, 1, 1, 1, 1],
    ]
    np.testing.assert_array_equal(result, drawn(pattern))


def test_whole_floats_and_other_integer_dtypes_work_like_ints():
    boxes = [(2, 1, 5, 3), (0, 0, 0, 4)]
    expected = draw_on_background((6, 7), boxes)
    for dtype in (np.float64, np.float32, np.float16, np.uint8, np.int16, np.uint64):
        as_dtype = np.array(boxes, dtype)
        np.testing.assert_array_equal(draw_on_background((6, 7), as_dtype), expected)
    mixed = draw_on_background((6, 7), [[2.0, 1, 5, 3.0], [0, 0, np.float32(0), 4]])
    np.testing.assert_array_equal(mixed, expected)


def test_float_image_is_rounded_where_nothing_is_drawn():
    image = np.array([[0.5, 0.5, 0.5], [0.002, 0.5, 1.0]])  # 127.5 -> 128, 0.51 -> 1
    result = draw_boxes(image, [(1, 0, 1, 1)], color=(0, 0, 0))
    expected = [[128, 0, 128], [1, 0, 255]]
    np.testing.assert_array_equal(result, np.repeat(np.array(expected)[..., np.newaxis], 3, -1))


def test_uint16_image_is_scaled_by_255_over_65535_outside_the_boxes():
    image = np.array([[385, 386, 65535]], np.uint16)  # 1.498 -> 1, 1.502 -> 2, 255
    result = draw_boxes(image, [(9, 9, 9, 9)])  # outside: nothing drawn
    np.testing.assert_array_equal(result[..., 0], [[1, 2, 255]])


def test_float_and_uint16_images_across_blocks_of_rows():
    rng = np.random.default_rng(12)
    image = rng.integers(0, 256, (3, 200, 500, 4), dtype=np.uint8)  # three blocks each
    boxes = [[(1, 2, 400, 190)], [(0, 0, 499, 199)], []]
    expected = draw_boxes(image, boxes, thickness=3)
    wide = image.astype(np.uint16) * 257
    np.testing.assert_array_equal(draw_boxes(wide, boxes, thickness=3), expected)
    np.testing.assert_array_equal(draw_boxes(image / 255.0, boxes, thickness=3), expected)


def test_colour_is_rounded_half_to_even():
    result = draw_boxes(np.zeros((1, 1), np.uint8), [(0, 0, 0, 0)], color=(10.5, 11.5, 0.2))
    np.testing.assert_array_equal(result, [[[10, 12, 0]]])


# --- batches ------------------------------------------------------------------------------


def test_batch_takes_one_array_of_boxes_per_image():
    images = np.stack([np.full((4, 5, 3), value, np.uint8) for value in (0, 100, 200)])
    boxes = [np.array([(0, 0, 2, 2)]), np.zeros((0, 4)), [(1, 1, 4, 3), (3, 0, 3, 0)]]
    result = draw_boxes(images, boxes, color=(1, 2, 3), thickness=2)
    assert result.shape == (3, 4, 5, 3)
    for index, image in enumerate(images):
        single = draw_boxes(image, boxes[index], color=(1, 2, 3), thickness=2)
        np.testing.assert_array_equal(result[index], single)
    np.testing.assert_array_equal(result[1], images[1])


def test_batch_boxes_may_be_one_three_dimensional_array():
    images = np.zeros((2, 4, 5), np.uint8)[..., np.newaxis]
    boxes = np.array([[(0, 0, 1, 1)], [(2, 1, 4, 3)]])  # (N, K, 4)
    result = draw_boxes(images, boxes)
    np.testing.assert_array_equal(result[0], draw_boxes(images[0], boxes[0]))
    np.testing.assert_array_equal(result[1], draw_boxes(images[1], boxes[1]))


# --- properties ---------------------------------------------------------------------------


@st.composite
def images_and_boxes(draw, max_side=10):
    shape = draw(shapes_2d(max_side))
    return draw(uint8_images(shape)), draw(boxes_in(shape))


@given(pair=images_and_boxes(), color=colors, thickness=thicknesses)
def test_pixels_outside_every_box_never_change(pair, color, thickness):
    image, boxes = pair
    shape = image.shape[:2]
    outside = ~union(shape, boxes, lambda box: inside(shape, box))
    result = draw_boxes(image, boxes, color, thickness)
    np.testing.assert_array_equal(result[outside], as_rgb(image)[outside])


@given(
    data=shapes_2d(10).flatmap(lambda shape: st.tuples(st.just(shape), boxes_in(shape))),
    thickness=thicknesses,
)
def test_every_drawn_pixel_lies_inside_some_box_near_its_edge(data, thickness):
    shape, boxes = data
    result = draw_boxes(np.zeros(shape, np.uint8), boxes, (255, 255, 255), thickness)
    painted = result.any(axis=-1)
    in_a_box = union(shape, boxes, lambda box: inside(shape, box))
    near_an_edge = union(shape, boxes, lambda box: outline(shape, box, thickness))
    assert not (painted & ~in_a_box).any()
    assert not (painted & ~near_an_edge).any()


@given(pair=images_and_boxes(), color=colors, thickness=thicknesses)
def test_result_equals_the_formula(pair, color, thickness):
    image, boxes = pair
    shape = image.shape[:2]
    lines = union(shape, boxes, lambda box: outline(shape, box, thickness))
    result = draw_boxes(image, boxes, color, thickness)
    np.testing.assert_array_equal(result[lines], np.broadcast_to(color, (lines.sum(), 3)))
    np.testing.assert_array_equal(result[~lines], as_rgb(image)[~lines])


@given(
    box=shapes_2d(10).flatmap(
        lambda shape: st.tuples(
            st.integers(0, 10 - shape[1]), st.integers(0, 10 - shape[0]), st.just(shape)
        )
    )
)
def test_thickness_one_draws_exactly_the_perimeter(box):
    x1, y1, (height, width) = box
    x2, y2 = x1 + width - 1, y1 + height - 1
    result = draw_boxes(np.zeros((10, 10), np.uint8), [(x1, y1, x2, y2)], (255, 255, 255))
    painted = result.any(axis=-1)
    perimeter = np.zeros((10, 10), bool)
    perimeter[y1 : y2 + 1, x1 : x2 + 1] = True
    perimeter[y1 + 1 : y2, x1 + 1 : x2] = False
    np.testing.assert_array_equal(painted, perimeter)
    if width >= 2 and height >= 2:
        assert painted.sum() == 2 * (width + height) - 4
    else:
        assert painted.sum() == width * height  # a line: every pixel of it


# --- bad input ----------------------------------------------------------------------------

IMAGE = np.zeros((4, 5, 3), np.uint8)
BOXES = [(0, 0, 2, 2)]


def test_boxes_of_shape_three():
    with pytest.raises(ValueError, match=r"boxes must have shape \(K, 4\), .* got shape \(3,\)"):
        draw_boxes(IMAGE, [1, 2, 3])


def test_boxes_of_shape_two_by_five():
    with pytest.raises(ValueError, match=r"boxes must have shape \(K, 4\), .* got shape \(2, 5\)"):
        draw_boxes(IMAGE, np.zeros((2, 5), np.int64))


def test_boxes_of_a_single_image_must_be_two_dimensional():
    with pytest.raises(ValueError, match=r"boxes must have shape \(K, 4\), .* \(1, 1, 4\)"):
        draw_boxes(IMAGE, [BOXES])


def test_x1_greater_than_x2():
    message = r"boxes must have x1 <= x2 and y1 <= y2 .* got boxes\[1\] = \(3, 0, 2, 1\)"
    with pytest.raises(ValueError, match=message):
        draw_boxes(IMAGE, [(0, 0, 1, 1), (3, 0, 2, 1)])


def test_y1_greater_than_y2():
    with pytest.raises(ValueError, match=r"x1 <= x2 and y1 <= y2 .* boxes\[0\] = \(0, 2, 1, 1\)"):
        draw_boxes(IMAGE, [(0, 2, 1, 1)])


def test_boxes_not_whole():
    message = r"boxes must hold whole numbers \(pixel indices\), got boxes\[0\] = \(2.5, 0.0,"
    with pytest.raises(ValueError, match=message):
        draw_boxes(IMAGE, [(2.5, 0, 3, 4)])


@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
def test_boxes_not_finite(value):
    with pytest.raises(ValueError, match=r"boxes must hold whole numbers .* boxes\[1\] = "):
        draw_boxes(IMAGE, [(0, 0, 1, 1), (0, 0, 1, value)])


def test_boxes_of_bool():
    with pytest.raises(TypeError, match=r"boxes must hold integer pixel indices, got dtype bool"):
        draw_boxes(IMAGE, np.ones((1, 4), bool))


def test_boxes_of_strings():
    with pytest.raises(TypeError, match=r"boxes must hold real numbers"):
        draw_boxes(IMAGE, [("0", "0", "1", "1")])


def test_ragged_boxes():
    with pytest.raises(ValueError, match=r"boxes must be an array or a nested list"):
        draw_boxes(IMAGE, [(0, 0, 1, 1), (0, 0, 1)])


def test_batch_with_the_wrong_number_of_box_arrays():
    message = (
        r"for a batch of 2 images, boxes must be a sequence of 2 arrays of shape \(K, 4\), "
        r"one per image; got a sequence of 1"
    )
    with pytest.raises(ValueError, match=message):
        draw_boxes(np.zeros((2, 4, 5, 3), np.uint8), [BOXES])


def test_batch_with_boxes_that_are_not_a_sequence():
    with pytest.raises(ValueError, match=r"for a batch of 2 images, .* got 3"):
        draw_boxes(np.zeros((2, 4, 5, 3), np.uint8), 3)


def test_batch_names_the_bad_array_of_boxes():
    with pytest.raises(ValueError, match=r"boxes\[1\] must have x1 <= x2 .* boxes\[1\]\[0\] = "):
        draw_boxes(np.zeros((2, 4, 5, 3), np.uint8), [BOXES, [(2, 0, 1, 1)]])
