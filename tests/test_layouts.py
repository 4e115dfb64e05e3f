"""Layouts of maps, masked arrays and option defaults that used to go silently wrong."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from strategies import shapes_2d

from anomaly_viz import apply_colormap, compute_mask, lookup_table, measure_regions, overlay
from anomaly_viz.post_process import anomaly_map_to_color_map, superimpose_anomaly_map

# ------------------------------------------------------------------ layouts


@given(
    maps=st.tuples(st.integers(2, 4), shapes_2d(6)).flatmap(
        lambda sizes: hnp.arrays(
            np.float32, (sizes[0], 1, *sizes[1]), elements=st.floats(0, 1, width=32)
        )
    )
)
def test_anomalib_batch_layout_is_a_batch(maps):
    heatmaps = anomaly_map_to_color_map(maps)
    masks = compute_mask(maps, 0.5, 2)
    assert heatmaps.shape == (maps.shape[0], *maps.shape[2:], 3)
    assert masks.shape == (maps.shape[0], *maps.shape[2:])
    for index, one in enumerate(maps):
        np.testing.assert_array_equal(heatmaps[index], anomaly_map_to_color_map(one[0]))
        np.testing.assert_array_equal(masks[index], compute_mask(one[0], 0.5, 2))


def test_channels_last_batch_is_a_batch():
    maps = np.random.default_rng(0).random((3, 4, 5, 1))
    colours = anomaly_map_to_color_map(maps)
    assert colours.shape == (3, 4, 5, 3)
    np.testing.assert_array_equal(colours[1], anomaly_map_to_color_map(maps[1, ..., 0]))


@pytest.mark.parametrize("layout", [(16, 16, 1), (1, 16, 16), (1, 1, 16, 16), (1, 16, 16, 1)])
def test_one_map_layouts_are_one_map(layout):
    scores = np.linspace(0, 1, 256).reshape(16, 16)
    image = np.full((16, 16, 3), 50, np.uint8)
    expected = superimpose_anomaly_map(scores, image)
    result = superimpose_anomaly_map(scores.reshape(layout), image)
    assert result.shape == (16, 16, 3)
    np.testing.assert_array_equal(result, expected)
    np.testing.assert_array_equal(
        compute_mask(scores.reshape(layout), 0.5), compute_mask(scores, 0.5)
    )


def test_one_channel_map_over_a_large_image_is_one_overlay():
    scores = np.zeros((64, 64, 1), np.float32)
    result = superimpose_anomaly_map(scores, np.zeros((64, 64, 3), np.uint8))
    assert result.shape == (64, 64, 3)  # not 64 overlays of 64 x 1 maps


def test_batch_layout_over_a_batch_of_images():
    maps = np.stack([np.eye(4), np.zeros((4, 4))])[:, np.newaxis]  # (2, 1, 4, 4)
    images = np.zeros((2, 4, 4, 3), np.uint8)
    result = superimpose_anomaly_map(maps, images, normalize=True)
    assert result.shape == (2, 4, 4, 3)
    np.testing.assert_array_equal(
        result[0], superimpose_anomaly_map(np.eye(4), images[0], normalize=True)
    )


@pytest.mark.parametrize("shape", [(2, 3, 4, 5), (2, 2, 4, 4), (5,), (2, 1, 1, 3, 3)], ids=str)
def test_other_layouts_are_refused(shape):
    with pytest.raises(
        ValueError, match=r"anomaly_map must be 2-D \(H, W\) or \(H, W, 1\), or a batch"
    ):
        anomaly_map_to_color_map(np.zeros(shape))


# ------------------------------------------------------------- masked arrays


def test_masked_entries_are_like_nan_in_colours():
    scores = np.ma.array([[0.0, 0.5, 1e9, 1.0]], mask=[[0, 0, 1, 0]])
    colours = anomaly_map_to_color_map(scores, colormap="gray")[0, :, 0]
    # the masked 1e9 sentinel does not drive the scale; it takes the "bad" colour
    np.testing.assert_array_equal(colours, [0, 128, lookup_table("gray")[-1, 0], 255])
    filled = np.array([[0.0, 0.5, np.nan, 1.0]])
    np.testing.assert_array_equal(
        anomaly_map_to_color_map(scores), anomaly_map_to_color_map(filled)
    )


def test_masked_integer_maps_are_like_nan():
    scores = np.ma.array(np.array([[0, 100, 200, 60000]], np.uint16), mask=[[0, 0, 0, 1]])
    colours = anomaly_map_to_color_map(scores, colormap="gray")[0, :, 0]
    np.testing.assert_array_equal(colours, [0, 128, 255, 0])


def test_masked_entries_are_never_anomalous():
    scores = np.ma.array([[0.9, 0.9, 0.1]], mask=[[0, 1, 0]])
    np.testing.assert_array_equal(compute_mask(scores, 0.5, 0), [[255, 0, 0]])
    assert compute_mask(scores, "otsu", 0).tolist() == [[255, 0, 0]]


def test_masked_entries_in_overlay_and_regions():
    scores = np.ma.array([[0.0, 1.0, 7.0]], mask=[[0, 0, 1]])
    image = np.full((1, 3, 3), 100, np.uint8)
    expected = overlay(image, np.array([[0.0, 1.0, np.nan]]), "alpha", colormap="gray")
    np.testing.assert_array_equal(overlay(image, scores, "alpha", colormap="gray"), expected)
    (region,) = measure_regions(scores, [[1, 1, 1]])
    assert region.max_score == 1.0


def test_nothing_masked_keeps_the_data():
    scores = np.ma.array([[0.25, 0.75]])
    np.testing.assert_array_equal(
        anomaly_map_to_color_map(scores), anomaly_map_to_color_map([[0.25, 0.75]])
    )


# ----------------------------------------------------------- defaults, scalars


def test_colormap_none_is_the_default_everywhere():
    scores = np.array([[0.0, 0.3, 1.0]])
    image = np.zeros((1, 3, 3), np.uint8)
    np.testing.assert_array_equal(
        anomaly_map_to_color_map(scores, colormap=None), anomaly_map_to_color_map(scores)
    )
    np.testing.assert_array_equal(
        superimpose_anomaly_map(scores, image, colormap=None),
        superimpose_anomaly_map(scores, image),
    )
    np.testing.assert_array_equal(overlay(image, scores, colormap=None), overlay(image, scores))
    np.testing.assert_array_equal(lookup_table(None), lookup_table("jet"))
    np.testing.assert_array_equal(apply_colormap([0.3], None), apply_colormap([0.3]))


def test_apply_colormap_of_one_number_is_one_colour():
    np.testing.assert_array_equal(apply_colormap(0.5, "gray"), [128, 128, 128])
    np.testing.assert_array_equal(apply_colormap(np.float32(1.0)), apply_colormap([1.0])[0])
    assert apply_colormap(np.nan, "gray").shape == (3,)


# ------------------------------------------------------------------ colours


@pytest.mark.parametrize("spec", ["red", "#ff0000", "#FF0000FF", (255, 0, 0), [255, 0, 0], "C3"])
def test_colours_are_matplotlib_specs_or_numbers_in_0_255(spec):
    from matplotlib.colors import to_rgb

    from anomaly_viz import fill_mask

    image = np.zeros((1, 2, 3), np.uint8)
    drawn = fill_mask(image, [[0, 1]], color=spec, alpha=1.0)
    expected = np.rint(np.array(to_rgb(spec)) * 255) if isinstance(spec, str) else spec
    np.testing.assert_array_equal(drawn[0, 1], expected)
    np.testing.assert_array_equal(drawn[0, 0], [0, 0, 0])


# ------------------------------------------------------------- sizes and one-array layouts


@pytest.mark.parametrize("shape", [(10**400, 3), (3, 2**31)])
def test_absurd_output_sizes_are_named(shape):
    from anomaly_viz import resize_bilinear

    with pytest.raises(ValueError, match=r"shape must have sides of at most 2147483647 pixels"):
        resize_bilinear(np.zeros((2, 2)), shape)


def test_absurd_bin_counts_are_named():
    from anomaly_viz import threshold_otsu

    with pytest.raises(ValueError, match=r"nbins must be at most 1048576, got 10000000"):
        threshold_otsu([0.0, 1.0], nbins=10**7)


@pytest.mark.parametrize("layout", [(4, 5, 1), (1, 4, 5)])
def test_resize_nearest_takes_one_mask_in_any_one_map_layout(layout):
    from anomaly_viz import resize_nearest

    mask = np.arange(20).reshape(4, 5) % 3 == 0
    np.testing.assert_array_equal(
        resize_nearest(mask.reshape(layout), (8, 10)), resize_nearest(mask, (8, 10))
    )


def test_one_array_functions_word_a_1d_input_without_batches():
    from anomaly_viz import open_close

    with pytest.raises(
        ValueError, match=r"^mask must be one 2-D array \(H, W\) or \(H, W, 1\), got"
    ):
        open_close(np.zeros(5, bool), 2)
