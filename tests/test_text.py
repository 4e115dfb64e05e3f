"""Text drawn into images through matplotlib's engine, and sample grids."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from anomaly_viz.grid import sample_grid
from anomaly_viz.regions import Region, measure_regions
from anomaly_viz.text import draw_region_labels, draw_text, verdict


def changed(before, after):
    return np.any(before != after, axis=-1)


# ---------------------------------------------------------------- draw_text


@pytest.mark.parametrize("shape", [(8, 8), (30, 100), (480, 640), (2000, 3000)])
def test_text_appears_and_stays_in_its_corner(shape):
    image = np.full((*shape, 3), 90, np.uint8)
    labelled = draw_text(image, "anomalous 0.93")
    where = np.argwhere(changed(image, labelled))
    assert where.size
    assert where[:, 0].max() < shape[0] * 0.2 or shape[0] < 40  # near the top


@given(corner=st.sampled_from(["top-left", "top-right", "bottom-left", "bottom-right"]))
def test_pixels_away_from_the_text_keep_the_image_bytes(corner):
    rng = np.random.default_rng(0)
    image = rng.integers(0, 256, (120, 160, 3), np.uint8)
    labelled = draw_text(image, "x", position=corner, size=0.1)
    region = changed(image, labelled)
    rows, cols = np.nonzero(region)
    top = corner.startswith("top")
    left = corner.endswith("left")
    assert (rows.max() < 60) == top and (cols.max() < 80) == left
    keep = np.ones(region.shape, bool)
    keep[rows.min() : rows.max() + 1, cols.min() : cols.max() + 1] = False
    np.testing.assert_array_equal(labelled[keep], image[keep])


def test_same_bytes_every_time():
    image = np.zeros((50, 120), np.uint8)
    np.testing.assert_array_equal(draw_text(image, "normal 0.12"), draw_text(image, "normal 0.12"))


def test_composite_is_the_boxs_opacity_over_the_image():
    image = np.full((40, 200, 3), 200, np.uint8)
    labelled = draw_text(image, "   ", background="black", background_alpha=0.5, size=0.5)
    assert 100 in labelled[..., 0]  # 0.5 * 0 + 0.5 * 200 inside the box


@pytest.mark.parametrize("dtype", [np.uint16, np.float64])
def test_uint16_and_float_images_are_rounded_outside_the_text(dtype):
    grey = 100 * 257 if dtype == np.uint16 else 100 / 255
    labelled = draw_text(np.full((40, 60), grey, dtype), "a", size=0.2)
    assert labelled.dtype == np.uint8 and labelled[-1, -1].tolist() == [100, 100, 100]


def test_position_in_pixels():
    image = np.zeros((100, 100, 3), np.uint8)
    rows, cols = np.nonzero(changed(image, draw_text(image, "x", position=(60, 50), size=0.1)))
    assert rows.min() >= 48 and cols.min() >= 58


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: draw_text(np.zeros((9, 9)), 5), TypeError, "text must be a string"),
        (lambda: draw_text(np.zeros((9, 9)), "a", position="middle"), ValueError, "position"),
        (lambda: draw_text(np.zeros((9, 9)), "a", position=(1,)), TypeError, "position must be"),
        (lambda: draw_text(np.zeros((9, 9)), "a", size=0), ValueError, r"size must be .* \(0, 1\]"),
        (lambda: draw_text(np.zeros((9, 9)), "a", color="nope"), ValueError, "color"),
        (lambda: draw_text(np.zeros((9, 9)), "a", background_alpha=2), ValueError, "alpha"),
        (lambda: draw_text(np.zeros((2, 9, 9, 3)), "a"), ValueError, "image"),
        (lambda: verdict("high", 0.5), TypeError, "score"),
        (lambda: verdict(0.5, float("nan")), ValueError, "threshold"),
        (lambda: draw_region_labels(np.zeros((9, 9)), [(1, 1, 2, 2)]), TypeError,
         r"regions\[0\] must be a Region"),
    ],
)  # fmt: skip
def test_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_verdict():
    assert verdict(0.934, 0.5) == "anomalous 0.934"
    assert verdict(0.5, 0.5) == "normal 0.5"
    assert verdict(float("nan"), 0.5) == "normal nan"


def test_region_labels_sit_beside_their_boxes():
    scores = np.zeros((200, 300))
    scores[100:140, 50:90] = 0.8
    scores[0:20, 200:260] = 0.6  # at the top: its label goes inside
    regions = measure_regions(scores, scores > 0.5)
    image = np.zeros((200, 300, 3), np.uint8)
    picture = draw_region_labels(image, regions, size=0.05)
    assert picture[100, 50].tolist() == [255, 255, 0]
    assert changed(image, picture)[85:100, 50:100].any()  # above the first box
    assert changed(image, picture)[2:15, 202:258].any()  # inside the second box's top
    assert not changed(image, picture)[150:, :40].any()


def test_no_regions_is_the_image():
    image = np.full((5, 5), 7, np.uint8)
    assert draw_region_labels(image, []).tolist() == np.full((5, 5, 3), 7).tolist()


# --------------------------------------------------------------------- grid


def jet_colours(grid, top, left, cell):
    block = grid[top : top + cell[0], left : left + cell[1]]
    return {tuple(colour) for colour in block.reshape(-1, 3).tolist()}


def test_grid_shape_is_the_stated_arithmetic():
    images = [np.zeros((30, 40, 3), np.uint8)] * 3
    maps = [np.zeros((3, 4))] * 3
    grid = sample_grid(images, maps, ground_truths=[np.zeros((30, 40))] * 3, cell_height=60)
    text = max(10, 60 // 8)
    assert grid.shape == (text + 3 * (text + 60 + 4) - 4, 4 * (80 + 4) - 4, 3)


def test_grid_rows_share_one_scale():
    images = [np.zeros((8, 8), np.uint8)] * 2
    maps = [np.linspace(0, 1, 64).reshape(8, 8), np.linspace(0, 10, 64).reshape(8, 8)]
    grid = sample_grid(images, maps, cell_height=80)
    text = 10
    first, second = (jet_colours(grid, text + r * (text + 84) + text, 84, (80, 80)) for r in (0, 1))
    assert (127, 0, 0) in second and (127, 0, 0) not in first  # only the second reaches jet's top
    alone = sample_grid(images[:1], maps[:1], cell_height=80)
    assert (127, 0, 0) in jet_colours(alone, 20, 84, (80, 80))  # on its own it would


def test_grid_of_images_of_different_sizes():
    images = [np.zeros((20, 40), np.uint8), np.zeros((40, 20), np.uint8)]
    grid = sample_grid(images, [np.ones((2, 2)), np.ones((3, 3))], cell_height=40)
    assert grid.shape[1] == 3 * (80 + 4) - 4


@pytest.mark.parametrize(
    ("arguments", "options", "error", "message"),
    [
        (([], []), {}, ValueError, "at least one image"),
        (([np.zeros((4, 4))], []), {}, ValueError, "as many items, got 1 and 0"),
        (([np.zeros((4, 4))], [[[1.0]]]), {"names": ["a", "b"]}, ValueError, "names must be 1"),
        (([np.zeros((4, 4))], [[[1.0]]]), {"cell_height": 0}, ValueError, "cell_height"),
        (([np.zeros((2, 4, 4, 3))], [[[1.0]]]), {}, ValueError, r"images\[0\]"),
        (([np.zeros((4, 4))], [[["a"]]]), {}, TypeError, r"anomaly_maps\[0\]"),
    ],
)
def test_grid_bad_input(arguments, options, error, message):
    with pytest.raises(error, match=message):
        sample_grid(*arguments, **options)


def test_region_type_is_checked_not_duck_typed():
    region = Region(1, 1, (0, 0, 0, 0), (0.0, 0.0), 0.5, 0.5, (0, 0))
    assert draw_region_labels(np.zeros((20, 20)), [region]).shape == (20, 20, 3)
