"""Each bad input: the right error type and a message naming the argument."""

import numpy as np
import pytest

from anomaly_viz import blend, compute_mask, resize_bilinear
from anomaly_viz.post_process import anomaly_map_to_color_map, superimpose_anomaly_map

MAP = np.zeros((4, 5))
IMAGE = np.zeros((4, 5, 3), np.uint8)


@pytest.mark.parametrize(
    "function", [anomaly_map_to_color_map, compute_mask, superimpose_anomaly_map]
)
@pytest.mark.parametrize(
    ("anomaly_map", "error", "message"),
    [
        (np.zeros(5), ValueError, r"anomaly_map must be 2-D .* got shape \(5,\)"),
        (
            np.zeros((2, 3, 4, 5)),
            ValueError,
            r"anomaly_map must be 2-D .* got shape \(2, 3, 4, 5\)",
        ),
        (np.float64(3.0), ValueError, r"anomaly_map must be 2-D"),
        (np.zeros((0, 5)), ValueError, r"anomaly_map must not be empty"),
        (np.zeros((1, 3, 0)), ValueError, r"anomaly_map must not be empty"),
        (np.zeros((4, 5), complex), TypeError, r"anomaly_map must hold real numbers, got complex"),
        (np.zeros((4, 5), object), TypeError, r"anomaly_map must hold real numbers .* object"),
        ([["a", "b"], ["c", "d"]], TypeError, r"anomaly_map must hold real numbers .*<U1"),
        ([[1.0, 2.0], [3.0]], ValueError, r"anomaly_map must be an array or a nested list"),
        (np.zeros((4, 5), "datetime64[s]"), TypeError, r"anomaly_map must hold real numbers"),
    ],
)
def test_bad_anomaly_map(function, anomaly_map, error, message):
    arguments = {
        anomaly_map_to_color_map: (),
        compute_mask: (0.5,),
        superimpose_anomaly_map: (IMAGE,),
    }[function]
    with pytest.raises(error, match=message):
        function(anomaly_map, *arguments)


@pytest.mark.parametrize(
    ("image", "error", "message"),
    [
        (np.zeros((4, 5, 2), np.uint8), ValueError, r"image must have 1 \(grey\), 3 \(RGB\) or 4"),
        (np.zeros((4, 5, 5), np.uint8), ValueError, r"image must have .* got 5"),
        (np.zeros(5, np.uint8), ValueError, r"image must be \(H, W\), \(H, W, C\) or a batch"),
        (np.zeros((1, 1, 4, 5, 3), np.uint8), ValueError, r"image must be \(H, W\)"),
        (
            np.zeros((4, 5, 3), np.int16),
            TypeError,
            r"image must be uint8 \(0-255\), uint16 \(0-65535\) or float \(0-1\), got dtype int16",
        ),
        (np.zeros((4, 5, 3), np.int64), TypeError, r"image must be uint8 .* got dtype int64"),
        (np.zeros((4, 5, 3), bool), TypeError, r"image must be uint8 .* got dtype bool"),
        (np.zeros((4, 5, 3), complex), TypeError, r"image must hold real numbers"),
        (np.full((4, 5, 3), 1.5), ValueError, r"image: a float image must hold values in \[0, 1\]"),
        (np.full((4, 5, 3), -0.1), ValueError, r"image: a float image must hold values in"),
        (np.full((4, 5, 3), np.nan), ValueError, r"image: a float image .* nan"),
        (np.zeros((4, 0, 3), np.uint8), ValueError, r"image must not be empty"),
    ],
)
def test_bad_image(image, error, message):
    with pytest.raises(error, match=message):
        superimpose_anomaly_map(MAP, image)


def test_batch_sizes_must_match():
    with pytest.raises(
        ValueError, match=r"anomaly_map holds 2 items but image holds 3: the batch sizes must match"
    ):
        superimpose_anomaly_map(np.zeros((2, 4, 5)), np.zeros((3, 4, 5, 3), np.uint8))


@pytest.mark.parametrize("function", [anomaly_map_to_color_map, superimpose_anomaly_map])
def test_unknown_colormap_name(function):
    arguments = (IMAGE,) if function is superimpose_anomaly_map else ()
    with pytest.raises(ValueError, match=r"colormap 'no_such_map' is not a matplotlib colormap"):
        function(MAP, *arguments, colormap="no_such_map")


def test_colormap_of_wrong_type():
    with pytest.raises(TypeError, match=r"colormap must be a colormap name or a matplotlib"):
        anomaly_map_to_color_map(MAP, colormap=42)


@pytest.mark.parametrize(
    ("kernel_size", "error", "message"),
    [
        (-1, ValueError, r"kernel_size must be a non-negative integer, got -1"),
        (2.5, TypeError, r"kernel_size must be a non-negative integer, got 2.5"),
        (4.0, TypeError, r"kernel_size must be a non-negative integer, got 4.0"),
        (True, TypeError, r"kernel_size must be a non-negative integer, got True"),
        ("3", TypeError, r"kernel_size must be a non-negative integer, got '3'"),
    ],
)
def test_bad_kernel_size(kernel_size, error, message):
    with pytest.raises(error, match=message):
        compute_mask(MAP, 0.5, kernel_size=kernel_size)


def test_numpy_integer_kernel_size_is_fine():
    np.testing.assert_array_equal(compute_mask(MAP, 0.5, np.int64(3)), compute_mask(MAP, 0.5, 3))


def test_nan_threshold():
    with pytest.raises(ValueError, match=r"threshold must be a number, got NaN"):
        compute_mask(MAP, float("nan"))


def test_threshold_of_wrong_type():
    with pytest.raises(TypeError, match=r"threshold must be a real number, got \[0.5\]"):
        compute_mask(MAP, [0.5])


def test_threshold_string_other_than_otsu():
    with pytest.raises(ValueError, match=r"threshold must be a number or 'otsu', got '0.5'"):
        compute_mask(MAP, "0.5")


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"low_threshold": 0.9}, ValueError, r"low_threshold must not exceed threshold"),
        ({"low_threshold": float("nan")}, ValueError, r"low_threshold must be a number"),
        ({"cleaning": "erode"}, ValueError, r"cleaning must be one of 'open_close', 'anomalib'"),
        ({"connectivity": 6}, ValueError, r"connectivity must be 4 or 8, got 6"),
        ({"min_area": -2}, ValueError, r"min_area must be a non-negative integer, got -2"),
        ({"min_area": 2.5}, TypeError, r"min_area must be a non-negative integer, got 2.5"),
    ],
)
def test_bad_compute_mask_options(options, error, message):
    with pytest.raises(error, match=message):
        compute_mask(MAP, 0.5, **options)


@pytest.mark.parametrize(
    ("alpha", "message"),
    [
        (-0.1, r"alpha must lie in \[0, 1\], got -0.1"),
        (1.5, r"alpha must lie in \[0, 1\], got 1.5"),
        (float("nan"), r"alpha must be a number, got NaN"),
        (float("inf"), r"alpha must be finite, got inf"),
    ],
)
def test_bad_alpha(alpha, message):
    with pytest.raises(ValueError, match=message):
        superimpose_anomaly_map(MAP, IMAGE, alpha=alpha)
    with pytest.raises(ValueError, match=message):
        blend(IMAGE, IMAGE, alpha=alpha)


@pytest.mark.parametrize("gamma", [float("nan"), float("inf"), -float("inf")])
def test_bad_gamma(gamma):
    with pytest.raises(ValueError, match=r"gamma must be"):
        superimpose_anomaly_map(MAP, IMAGE, gamma=gamma)


def test_alpha_of_wrong_type():
    with pytest.raises(TypeError, match=r"alpha must be a real number"):
        superimpose_anomaly_map(MAP, IMAGE, alpha="0.4")


@pytest.mark.parametrize("normalize", [1, "yes", None])
def test_normalize_must_be_bool(normalize):
    with pytest.raises(TypeError, match=r"normalize must be True or False"):
        anomaly_map_to_color_map(MAP, normalize)


@pytest.mark.parametrize(
    ("vmin", "vmax", "message"),
    [
        (1.0, 1.0, r"vmin must be less than vmax, got vmin=1.0, vmax=1.0"),
        (2.0, 1.0, r"vmin must be less than vmax"),
        (0.0, None, r"vmin and vmax must be given together; vmax is missing"),
        (None, 1.0, r"vmin and vmax must be given together; vmin is missing"),
        (float("nan"), 1.0, r"vmin must be a number, got NaN"),
        (0.0, float("inf"), r"vmax must be finite, got inf"),
    ],
)
def test_bad_range(vmin, vmax, message):
    with pytest.raises(ValueError, match=message):
        anomaly_map_to_color_map(MAP, vmin=vmin, vmax=vmax)
    with pytest.raises(ValueError, match=message):
        superimpose_anomaly_map(MAP, IMAGE, vmin=vmin, vmax=vmax)


def test_blend_shapes_must_match():
    with pytest.raises(ValueError, match=r"heatmap and image must have the same shape"):
        blend(np.zeros((4, 5, 3), np.uint8), np.zeros((4, 6, 3), np.uint8))


@pytest.mark.parametrize(
    ("shape", "error", "message"),
    [
        ((0, 3), ValueError, r"shape must be two positive integers"),
        ((3,), ValueError, r"shape must be two integers \(height, width\)"),
        ((2.5, 3), TypeError, r"shape must be two integers"),
        (5, TypeError, r"shape must be two integers"),
    ],
)
def test_bad_resize_shape(shape, error, message):
    with pytest.raises(error, match=message):
        resize_bilinear(MAP, shape)


def test_resize_takes_one_map():
    with pytest.raises(
        ValueError, match=r"scores must be one 2-D array \(H, W\), not a batch; got shape"
    ):
        resize_bilinear(np.zeros((2, 3, 4)), (4, 4))
