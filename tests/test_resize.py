"""Bilinear resizing with half-pixel centres, and nearest-neighbour resizing."""

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy import ndimage
from strategies import score_maps, shapes_2d

from anomaly_viz import resize_bilinear, resize_nearest
from anomaly_viz._engine import blocks as _blocks
from anomaly_viz._engine.resize import resized_rows

LARGEST32 = float(np.finfo(np.float32).max)


def sources(n_in, n_out, out):
    """The source pixels of output pixel `out` and their exact weights (half-pixel centres)."""
    position = Fraction(2 * out + 1, 2 * n_out) * n_in - Fraction(1, 2)
    position = min(max(position, Fraction(0)), Fraction(n_in - 1))
    left = int(position)  # floor: the position is not negative
    right, weight = min(left + 1, n_in - 1), position - left
    return [(left, 1 - weight), (right, weight)]


def neighbourhood(scores, shape, row, col):
    """The source values output pixel (row, col) is interpolated from, and their weights."""
    return [
        (scores[y, x], row_weight * col_weight)
        for y, row_weight in sources(scores.shape[0], shape[0], row)
        for x, col_weight in sources(scores.shape[1], shape[1], col)
    ]


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
    assume(expected.shape == shape)  # scipy rounds its output shape from the zoom factor
    np.testing.assert_allclose(resize_bilinear(scores, shape), expected, atol=1e-9)


@given(scores=score_maps(max_side=8, finite=False), shape=shapes_2d(12))
def test_equals_the_exact_rational_result(scores, shape):
    # Finite values within a few rounding steps of the exact weighted sum; NaN
    # and infinities exactly where a non-finite source has a weight above zero.
    result = resize_bilinear(scores, shape)
    finite = scores[np.isfinite(scores)]
    largest = float(np.abs(finite).max()) if finite.size else 0.0
    tolerance = 8 * float(np.spacing(scores.dtype.type(largest)))
    for row in range(shape[0]):
        for col in range(shape[1]):
            weighed = [pair for pair in neighbourhood(scores, shape, row, col) if pair[1] > 0]
            used = [value for value, _ in weighed]
            got = result[row, col]
            has_nan = any(np.isnan(value) for value in used)
            plus, minus = np.inf in used, -np.inf in used
            if has_nan or (plus and minus):
                assert np.isnan(got)
            elif plus or minus:
                assert got == (np.inf if plus else -np.inf)
            else:
                exact = sum(Fraction(float(value)) * weight for value, weight in weighed)
                assert abs(Fraction(float(got)) - exact) <= tolerance


wide_maps = score_maps(max_side=10) | hnp.arrays(
    st.sampled_from([np.float32, np.float64]),
    shapes_2d(10),
    elements=st.floats(-LARGEST32, LARGEST32, width=32),
)


@given(scores=wide_maps, shape=shapes_2d(20))
def test_every_value_lies_within_its_source_neighbourhood(scores, shape):
    result = resize_bilinear(scores, shape)
    assert result.shape == shape and result.dtype == scores.dtype
    assert result.flags.c_contiguous
    for row in range(shape[0]):
        for col in range(shape[1]):
            values = [value for value, _ in neighbourhood(scores, shape, row, col)]
            assert min(values) <= result[row, col] <= max(values)


@given(
    value=st.floats(-LARGEST32, LARGEST32, width=32),
    dtype=st.sampled_from([np.float32, np.float64]),
    size=shapes_2d(12),
    shape=shapes_2d(40),
)
def test_constant_map_stays_exactly_constant(value, dtype, size, shape):
    constant = dtype(value)
    result = resize_bilinear(np.full(size, constant), shape)
    assert result.dtype == dtype
    np.testing.assert_array_equal(result, np.full(shape, constant))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_constant_of_the_issue_stays_constant(dtype):
    # 0.7 from 32x32 to 600x512: a * (1 - w) + b * w rounded one step above 0.7 here.
    constant = dtype(0.7)
    result = resize_bilinear(np.full((32, 32), constant), (600, 512))
    assert np.unique(result).tolist() == [constant]


def test_largest_floats_do_not_overflow():
    top = np.finfo(np.float32).max
    result = resize_bilinear(np.array([[-top, top]], np.float32), (1, 4))
    # Positions -0.25 (clamped), 0.25, 0.75, 1.25 (clamped) between -top and top.
    np.testing.assert_allclose(result, [[-top, -top / 2, top / 2, top]], rtol=1e-6)
    assert result[0, 0] == -top and result[0, -1] == top


def test_nan_spreads_only_where_it_weighs():
    scores = np.zeros((3, 3))
    scores[1, 1] = np.nan
    result = resize_bilinear(scores, (6, 6))
    # Output rows/cols 1..4 sample between source 0-1 or 1-2 with non-zero weight on 1.
    expected = np.zeros((6, 6), bool)
    expected[1:5, 1:5] = True
    np.testing.assert_array_equal(np.isnan(result), expected)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_nan_does_not_spread_through_a_rounding_weight(dtype):
    # Output 73 of 98 samples source position (2 * 73 + 1) * 2 / 196 - 0.5 = 1 exactly:
    # pixel 1 alone. The float formula gave 0.9999999999999998, a weight of 2e-16 on the NaN.
    result = resize_bilinear(np.array([[np.nan, 5.0]], dtype), (1, 98))
    assert result[0, 73] == 5.0
    assert np.isnan(result[0, 72]) and result[0, 74] == 5.0


def test_infinities():
    scores = np.array([[np.inf, 0.0, -np.inf]])
    result = resize_bilinear(scores, (1, 6))
    # Source positions: -0.25 (clamped to 0), 0.25, 0.75, 1.25, 1.75, 2.25 (clamped to 2).
    np.testing.assert_array_equal(result, [[np.inf, np.inf, np.inf, -np.inf, -np.inf, -np.inf]])
    both = resize_bilinear(np.array([[np.inf, -np.inf]]), (1, 3))
    assert both[0, 0] == np.inf and np.isnan(both[0, 1]) and both[0, 2] == -np.inf


@given(
    scores=score_maps(finite=False, max_side=30),
    shape=shapes_2d(20),
    step=st.integers(1, 7),
    block_pixels=st.integers(1, 64),
)
def test_rows_on_demand_equal_the_whole_resize(scores, shape, step, block_pixels):
    # resize_bilinear works in blocks of rows too: made small, its blocks differ from `step`.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_blocks, "BLOCK_PIXELS", block_pixels)
        whole = resize_bilinear(scores, shape)
    rows_of = resized_rows(scores, shape)
    for top in range(0, shape[0], step):
        rows = slice(top, min(top + step, shape[0]))
        np.testing.assert_array_equal(rows_of(rows), whole[rows])


def test_shrinking_several_times_takes_the_two_nearest_sources():
    # 40x50 to 7x9, NaN and infinities included: each output pixel is the exact
    # mix of its neighbourhood, whether its block of rows takes the map's rows
    # as a slice or gathers the few it uses.
    scores = np.arange(2000.0).reshape(40, 50) % 17
    scores[8, 8], scores[25, 30], scores[37, 3] = np.nan, np.inf, -np.inf
    result = resize_bilinear(scores, (7, 9))
    assert np.isnan(result[1, 1]) and result[4, 5] == np.inf and result[6, 0] == -np.inf
    for step in (1, 3, 7):
        rows_of = resized_rows(scores, (7, 9))
        for top in range(0, 7, step):
            for offset, row in enumerate(range(top, min(top + step, 7))):
                got = rows_of(slice(top, top + step))[offset]
                for col in range(9):
                    weighed = [pair for pair in neighbourhood(scores, (7, 9), row, col) if pair[1]]
                    values = [value for value, _ in weighed]
                    if any(not np.isfinite(value) for value in values):
                        np.testing.assert_array_equal(got[col], sum(values))
                    else:
                        exact = sum(Fraction(float(value)) * weight for value, weight in weighed)
                        assert abs(Fraction(float(got[col])) - exact) <= 1e-12


def test_nearest_exact_values():
    result = resize_nearest(np.arange(6).reshape(2, 3), (4, 2))
    # Rows 0, 0, 1, 1; columns floor(0.5 * 1.5) = 0 and floor(1.5 * 1.5) = 2.
    np.testing.assert_array_equal(result, [[0, 2], [0, 2], [3, 5], [3, 5]])
    assert result.dtype == np.arange(6).dtype


def test_nearest_position_on_a_pixel_boundary_takes_the_next_pixel():
    # Output 24 of 49 from 2 pixels: (24 + 0.5) * 2 / 49 = 1 exactly, pixel 1; the
    # float product was 0.9999999999999999.
    assert resize_nearest([[0, 1]], (1, 49))[0, 24] == 1


@given(mask=hnp.arrays(np.uint8, shapes_2d(12)), shape=shapes_2d(30))
def test_nearest_copies_values(mask, shape):
    result = resize_nearest(mask, shape)
    assert result.shape == shape and result.dtype == mask.dtype
    assert set(np.unique(result)) <= set(np.unique(mask))
