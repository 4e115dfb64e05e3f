"""Scores to [0, 1]."""

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from strategies import any_dtype_maps, score_maps

from anomaly_viz.normalize import (
    finite_range,
    normalize_clip,
    normalize_minmax,
    normalize_range,
)


def test_minmax_exact_values():
    result = normalize_minmax(np.array([[1.0, 3.0], [5.0, 9.0]]))
    np.testing.assert_array_equal(result, [[0.0, 0.25], [0.5, 1.0]])


def test_constant_map_is_all_zero_without_warning():
    # filterwarnings = error in pyproject: a RuntimeWarning would fail here.
    result = normalize_minmax(np.full((3, 3), 4.2))
    np.testing.assert_array_equal(result, np.zeros((3, 3)))


def test_infinities_do_not_spoil_the_range():
    scores = np.array([np.inf, 2.0, 4.0, -np.inf, np.nan])
    assert finite_range(scores) == (2.0, 4.0)
    np.testing.assert_array_equal(normalize_minmax(scores), [1.0, 0.0, 1.0, 0.0, np.nan])


def test_no_finite_scores():
    np.testing.assert_array_equal(normalize_minmax([np.nan, np.inf, -np.inf]), [np.nan, 1.0, 0.0])


def test_constant_map_with_infinity_keeps_top_colour_for_inf():
    np.testing.assert_array_equal(normalize_minmax([3.0, 3.0, np.inf]), [0.0, 0.0, 1.0])


def test_range_overflowing_float32_and_float64():
    big32 = np.array([-3e38, 0.0, 3e38], np.float32)
    np.testing.assert_allclose(normalize_minmax(big32), [0.0, 0.5, 1.0])
    big64 = np.array([-1.5e308, 0.0, 1.5e308])
    np.testing.assert_allclose(normalize_minmax(big64), [0.0, 0.5, 1.0])


def test_fixed_range_and_clip():
    np.testing.assert_array_equal(normalize_range([0, 5, 10, 20], 5, 15), [0.0, 0.0, 0.5, 1.0])
    np.testing.assert_array_equal(normalize_clip([-1.0, 0.5, 1.2]), [0.0, 0.5, 1.0])


@pytest.mark.parametrize(
    ("dtype", "expected"),
    [
        (np.uint8, np.float32),
        (np.int16, np.float32),
        (np.float16, np.float32),
        (np.float32, np.float32),
        (np.int32, np.float64),
        (np.int64, np.float64),
        (np.float64, np.float64),
        (np.bool_, np.float32),
    ],
)
def test_work_dtype(dtype, expected):
    assert normalize_minmax(np.array([0, 1], dtype)).dtype == expected


def test_input_is_not_modified():
    scores = np.array([[1.0, np.nan], [3.0, np.inf]])
    before = scores.copy()
    normalize_minmax(scores)
    normalize_range(scores, 0, 2)
    np.testing.assert_array_equal(scores, before)


@given(scores=score_maps(finite=False))
def test_range_and_nan_positions(scores):
    result = normalize_minmax(scores)
    assert result.shape == scores.shape
    np.testing.assert_array_equal(np.isnan(result), np.isnan(scores))
    finite = result[~np.isnan(result)]
    assert np.all((finite >= 0) & (finite <= 1))


@given(
    scores=score_maps(dtypes=(np.float64,)),
    scale=st.floats(1e-3, 1e3),
    shift=st.floats(-1e3, 1e3),
)
def test_minmax_unchanged_by_positive_affine_rescaling(scores, scale, shift):
    assume(np.ptp(scores) > 1e-6 * np.abs(scores).max())
    np.testing.assert_allclose(
        normalize_minmax(scores * scale + shift), normalize_minmax(scores), atol=1e-9
    )


@given(scores=any_dtype_maps())
def test_every_real_dtype_normalises_into_unit_interval(scores):
    result = normalize_minmax(scores)
    assert result.dtype in (np.float32, np.float64)
    valid = result[~np.isnan(result)]
    assert np.all((valid >= 0) & (valid <= 1))
    if np.isfinite(scores.astype(np.float64)).all() and scores.size:
        assert valid.min() == 0.0
        assert valid.max() in (0.0, 1.0)  # 0 only for a constant map
