"""Normalisation at the float limits: ranges beyond float32, percentiles near float64's
largest values, ranges float32 rounds away; and the checks on the specification's and
quantize's own arguments."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from strategies import shapes_2d

from anomaly_viz import lookup_table
from anomaly_viz.normalization import Normalization, quantize
from anomaly_viz.post_process import anomaly_map_to_color_map

BIG64 = float(np.finfo(np.float64).max)  # 1.797e308
BIG32 = float(np.finfo(np.float32).max)  # 3.403e38


def levels(fit, scores, count=256):
    """Table indices both ways: the quick path and quantize of the values; they must agree."""
    quick = fit.quantized(scores, count)
    np.testing.assert_array_equal(quick, quantize(fit(scores), count))
    return quick.tolist()


# ------------------------------------------------ a range beyond float32's


def test_range_beyond_float32_on_a_float32_map():
    scores = np.array([[0.0, 1e30, 3e38]], np.float32)
    fit = Normalization("range", -1e39, 1e39)
    # (x + 1e39) / 2e39: 0.5, 0.5 + 5e-10, 0.65 (x = 3e38 is 2.9999999e38 in float32)
    np.testing.assert_allclose(fit(scores), [[0.5, 0.5, 0.65]], rtol=1e-7)
    assert fit(scores).dtype == np.float32
    assert levels(fit, scores) == [[128, 128, 166]]  # floor(0.65 * 256) = 166
    colours = anomaly_map_to_color_map(scores, vmin=-1e39, vmax=1e39)
    np.testing.assert_array_equal(colours, lookup_table("jet")[[[128, 128, 166]]])


def test_one_end_beyond_float32():
    scores = np.array([-1e38, 0.0, 1e38, 3e38], np.float32)
    fit = Normalization("range", 0.0, 1e39)
    assert levels(fit, scores) == [0, 0, 25, 76]  # floor(256 * x / 1e39)


def test_range_float32_rounds_to_a_point():
    # float32 holds neither end: both round to 0.1f = 0.100000001490116..., above vmax.
    scores = np.array([0.1, 0.09999], np.float32)
    fit = Normalization("range", 0.1, 0.1 + 1e-12)
    np.testing.assert_array_equal(fit(scores), [1.0, 0.0])
    assert levels(fit, scores) == [255, 0]


def test_range_of_subnormal_float32_values():
    # float32 rounds 1e-44 to 9.8e-45 (7 steps of 1.4e-45): computed in float64 instead.
    scores = np.array([0.0, 5.605194e-45, 1e-44], np.float32)  # 0, 4 and 7 steps
    fit = Normalization("range", 0.0, 1e-44)
    np.testing.assert_allclose(fit(scores), [0.0, 0.5605194, 0.9809089], rtol=1e-6)
    assert levels(fit, scores) == [0, 143, 251]


@given(
    scores=shapes_2d(6).flatmap(
        lambda shape: hnp.arrays(np.float32, shape, elements=st.floats(width=32))
    ),
    ends=st.tuples(st.floats(-1e300, 1e300), st.floats(-1e300, 1e300)).filter(
        lambda ends: ends[0] < ends[1]
    ),
)
def test_any_range_on_float32_is_the_float64_formula(scores, ends):
    low, high = ends
    fit = Normalization("range", low, high)
    with np.errstate(invalid="ignore", over="ignore"):
        exact = np.clip((scores.astype(np.float64) - low) / (high - low), 0, 1)
    values = fit(scores)
    np.testing.assert_array_equal(np.isnan(values), np.isnan(scores))
    np.testing.assert_allclose(values, exact, rtol=3e-7, atol=1e-7)
    levels(fit, scores)


# ---------------------------------------------- near float64's largest values


def test_percentiles_between_the_float64_limits():
    scores = np.array([-BIG64, BIG64])
    fit = Normalization("percentile", percentiles=(1, 99)).fit(scores)
    # 1 % and 99 % of the way from -BIG64 to BIG64: -0.98 and 0.98 BIG64.
    assert fit.low == pytest.approx(-0.98 * BIG64, rel=1e-15)
    assert fit.high == pytest.approx(0.98 * BIG64, rel=1e-15)
    assert levels(fit, np.array([-BIG64, -0.5 * BIG64, 0.0, BIG64])) == [0, 62, 128, 255]


def test_percentiles_between_the_float32_limits():
    scores = np.array([-BIG32, 0.0, BIG32], np.float32)
    fit = Normalization("percentile", percentiles=(0, 100)).fit(scores)
    assert (fit.low, fit.high) == (-BIG32, BIG32)
    fit = Normalization("percentile", percentiles=(25, 75)).fit(scores[[0, 2]])
    assert fit.low == pytest.approx(-0.5 * BIG32) and fit.high == pytest.approx(0.5 * BIG32)
    assert levels(fit, scores) == [0, 128, 255]


@given(
    scores=shapes_2d(6).flatmap(
        lambda shape: hnp.arrays(
            np.float64,
            shape,
            elements=st.one_of(
                st.sampled_from([-BIG64, BIG64, -1e308, 1e308, 0.0]),
                st.floats(allow_nan=False, allow_infinity=False),
            ),
        )
    ),
    percentiles=st.tuples(st.floats(0, 100), st.floats(0, 100)).filter(lambda p: p[0] < p[1]),
)
def test_percentiles_are_finite_and_in_order_at_any_magnitude(scores, percentiles):
    fit = Normalization("percentile", percentiles=percentiles).fit(scores)
    assert np.isfinite(fit.low) and np.isfinite(fit.high)
    assert scores.min() <= fit.low <= fit.high <= scores.max()
    values = fit(scores)
    assert np.all((values >= 0) & (values <= 1))


def test_signed_at_the_float64_limits():
    scores = np.array([-BIG64, -0.5 * BIG64, 0.0, BIG64])
    fit = Normalization("signed").fit(scores)
    np.testing.assert_array_equal(fit(scores), [0.0, 0.25, 0.5, 1.0])
    assert levels(fit, scores) == [0, 64, 128, 255]


def test_inverse_of_a_range_wider_than_float64():
    fit = Normalization("range", -BIG64, BIG64)
    np.testing.assert_array_equal(fit.inverse([0.0, 0.5, 1.0]), [-BIG64, 0.0, BIG64])


# ----------------------------------------------------- their own arguments


@pytest.mark.parametrize(
    ("low", "high", "error", "message"),
    [
        (-np.inf, 1.0, ValueError, r"low must be finite, got -inf"),
        (0.0, np.inf, ValueError, r"high must be finite, got inf"),
        (np.nan, 1.0, ValueError, r"low must be a number, got NaN"),
        ("0", 1.0, TypeError, r"low must be a real number, got '0'"),
        (False, 1.0, TypeError, r"low must be a real number, got False"),
        (2.0, 1.0, ValueError, r"low must not exceed high, got low=2.0, high=1.0"),
        (10**400, 1.0, ValueError, r"low must lie within float64's range"),
    ],
)
def test_bad_ends(low, high, error, message):
    with pytest.raises(error, match=message):
        Normalization("range", low, high)
    with pytest.raises(error, match=message):
        Normalization("minmax", low, high)


@pytest.mark.parametrize(
    ("count", "error", "message"),
    [
        (0, ValueError, r"levels must be a positive integer, got 0"),
        (2.5, TypeError, r"levels must be a positive integer, got 2.5"),
        (True, TypeError, r"levels must be a positive integer, got True"),
    ],
)
def test_quantize_bad_levels(count, error, message):
    with pytest.raises(error, match=message):
        quantize([0.5], count)
    with pytest.raises(error, match=message):
        Normalization().quantized(np.array([0.5]), count)


def test_fields_become_plain_floats():
    fit = Normalization("range", np.float32(0.5), 2)
    assert (fit.low, fit.high) == (0.5, 2.0)
    assert type(fit.low) is float and type(fit.high) is float
    spec = Normalization("percentile", percentiles=(np.int8(5), np.float32(95)))
    assert spec.percentiles == (5.0, 95.0) and all(type(p) is float for p in spec.percentiles)
