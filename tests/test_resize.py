"""Bilinear resizing with half-pixel centres."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from scipy import ndimage
from strategies import score_maps, shapes_2d

from anomaly_viz import resize_bilinear


def test_doubling_exact_values():
    result = resize_bilinear([[0.0, 4.0], [8.0, 12.0]], (4, 4))
    np.testing.assert_array_equal(
        result, [[0, 1, 3, 4], [2, 3, 5, 6], [6, 7, 9, 10], [8, 9, 11, 12]]
    )


def test_same_shape_is_a_copy():
    scores = np.arange(6.0).reshape(2, 3)
    result = resize_bilinear(scores, (2, 3))
    np.testing.assert_array_equal(result, scores)
    assert not np.shares_memory(result, scores)


def test_seed_001_shapes():
    # A 32x96 feature map over a 128x64 photo.
    feature = np.random.default_rng(1).random((32, 96)).astype(np.float32)
    result = resize_bilinear(feature, (128, 64))
    assert result.shape == (128, 64) and result.dtype == np.float32
    expected = ndimage.zoom(
        feature.astype(np.float64), (4, 64 / 96), order=1, grid_mode=True, mode="nearest"
    )
    np.testing.assert_allclose(result, expected, atol=1e-5)


@given(scores=score_maps(dtypes=(np.float64,)), shape=shapes_2d(20))
def test_equals_scipy_zoom_grid_mode(scores, shape):
    zoom = (shape[0] / scores.shape[0], shape[1] / scores.shape[1])
    expected = ndimage.zoom(scores, zoom, order=1, grid_mode=True, mode="nearest")
    if expected.shape != shape:  # scipy rounds its output shape from the zoom factor
        return
    np.testing.assert_allclose(resize_bilinear(scores, shape), expected, atol=1e-9)


@given(scores=score_maps(), shape=shapes_2d(20))
def test_values_stay_within_the_input_range(scores, shape):
    result = resize_bilinear(scores, shape)
    assert result.shape == shape and result.dtype == scores.dtype
    assert result.flags.c_contiguous
    tolerance = 1e-3 * max(1.0, float(np.abs(scores).max()))
    assert result.min() >= scores.min() - tolerance
    assert result.max() <= scores.max() + tolerance


def test_nan_spreads_only_where_it_weighs():
    scores = np.zeros((3, 3))
    scores[1, 1] = np.nan
    result = resize_bilinear(scores, (6, 6))
    # Output rows/cols 1..4 sample between source 0-1 or 1-2 with non-zero weight on 1.
    expected = np.zeros((6, 6), bool)
    expected[1:5, 1:5] = True
    np.testing.assert_array_equal(np.isnan(result), expected)


def test_infinities():
    scores = np.array([[np.inf, 0.0, -np.inf]])
    result = resize_bilinear(scores, (1, 6))
    # Source positions: -0.25 (clamped to 0), 0.25, 0.75, 1.25, 1.75, 2.25 (clamped to 2).
    np.testing.assert_array_equal(result, [[np.inf, np.inf, np.inf, -np.inf, -np.inf, -np.inf]])
    both = resize_bilinear(np.array([[np.inf, -np.inf]]), (1, 3))
    assert both[0, 0] == np.inf and np.isnan(both[0, 1]) and both[0, 2] == -np.inf


@given(side=st.integers(1, 10))
def test_constant_map_stays_constant(side):
    result = resize_bilinear(np.full((side, side + 1), 0.3), (2 * side + 1, 3))
    np.testing.assert_allclose(result, 0.3)


@given(scores=score_maps(finite=False), shape=shapes_2d(20), step=st.integers(1, 7))
def test_rows_on_demand_equal_the_whole_resize(scores, shape, step):
    from anomaly_viz.resize import resized_rows

    rows_of = resized_rows(scores, shape)
    whole = resize_bilinear(scores, shape)
    for top in range(0, shape[0], step):
        rows = slice(top, min(top + step, shape[0]))
        np.testing.assert_array_equal(rows_of(rows), whole[rows])
