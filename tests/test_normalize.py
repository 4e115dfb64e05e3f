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
    # Rounding in x * scale + shift is relative to its magnitude: keep the range well above it.
    magnitude = abs(shift) + float(np.abs(scores).max()) * scale
    assume(np.ptp(scores) * scale > 1e-6 * magnitude)
    np.testing.assert_allclose(
        normalize_minmax(scores * scale + shift), normalize_minmax(scores), atol=1e-8
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


# ---------------------------------------------------------- the named choices

from anomaly_viz.normalize import (  # noqa: E402
    NORMALIZATIONS,
    fit_normalization,
    normalize_scores,
)


def test_default_is_minmax_and_range_with_vmin_vmax():
    scores = np.array([0.0, 5.0, 10.0])
    np.testing.assert_array_equal(normalize_scores(scores), [0.0, 0.5, 1.0])
    np.testing.assert_array_equal(normalize_scores(scores, vmin=0, vmax=20), [0.0, 0.25, 0.5])
    assert fit_normalization(scores, vmin=0, vmax=20).normalization == "range"


def test_percentile_clips_outliers():
    scores = np.arange(101.0)
    scores[100] = 1e6  # one outlier
    fit = fit_normalization(scores, "percentile", percentiles=(10, 90))
    assert (fit.low, fit.high) == (10.0, 90.0)
    values = fit(scores)
    assert values[0] == 0.0 and values[50] == 0.5 and values[100] == 1.0


def test_sigmoid_is_the_seed_formula_and_does_not_overflow():
    scores = np.array([-800.0, -2.0, 0.0, 3.0, 800.0, np.inf, -np.inf, np.nan])
    values = normalize_scores(scores, "sigmoid")
    with np.errstate(over="ignore"):
        expected = 1.0 / (1.0 + np.exp(-scores))
    np.testing.assert_allclose(values, expected, rtol=1e-12, atol=1e-300)


@pytest.mark.parametrize(
    ("sign", "expected"),
    [
        ("all", [0.0, 0.25, 0.5, 0.625, 1.0]),
        ("positive", [0.0, 0.0, 0.0, 0.25, 1.0]),
        ("negative", [1.0, 0.5, 0.0, 0.0, 0.0]),
        ("absolute", [1.0, 0.5, 0.0, 0.25, 1.0]),
    ],
)
def test_signed_choices(sign, expected):
    scores = np.array([-4.0, -2.0, 0.0, 1.0, 4.0])
    np.testing.assert_array_equal(normalize_scores(scores, "signed", sign=sign), expected)


def test_signed_with_no_values_of_that_sign():
    np.testing.assert_array_equal(
        normalize_scores([-1.0, -2.0], "signed", sign="positive"), [0.0, 0.0]
    )
    np.testing.assert_array_equal(normalize_scores([0.0, 0.0], "signed"), [0.5, 0.5])


def test_signed_outlier_percentile():
    scores = np.array([-1.0, 0.0, 1.0, 2.0, 100.0])
    fit = fit_normalization(scores, "signed", sign="positive", percentiles=(0, 50))
    # positive magnitudes 1, 2, 100: the median is 2
    assert fit.high == 2.0
    np.testing.assert_array_equal(fit(scores), [0.0, 0.0, 0.5, 1.0, 1.0])


@pytest.mark.parametrize("normalization", NORMALIZATIONS)
@given(scores=score_maps(finite=False))
def test_every_choice_gives_unit_values_and_keeps_nan(normalization, scores):
    options = {"vmin": -10.0, "vmax": 10.0} if normalization == "range" else {}
    values = normalize_scores(scores, normalization, **options)
    assert values.shape == scores.shape
    np.testing.assert_array_equal(np.isnan(values), np.isnan(scores))
    valid = values[~np.isnan(values)]
    assert np.all((valid >= 0) & (valid <= 1))
    if normalization != "signed":  # signed "all" sends -inf to 0 as well; see below
        assert np.all(values[scores == np.inf] == 1.0)
        assert np.all(values[scores == -np.inf] == 0.0)


@given(scores=score_maps(finite=False), sign=st.sampled_from(["all", "positive", "absolute"]))
def test_signed_infinities(scores, sign):
    values = normalize_scores(scores, "signed", sign=sign)
    assert np.all(values[scores == np.inf] == 1.0)


@pytest.mark.parametrize("normalization", ["minmax", "range", "percentile", "clip", "signed"])
def test_inverse_undoes_the_linear_choices(normalization):
    scores = np.array([-3.0, -1.0, 0.5, 2.0, 6.0])
    options = {"vmin": -3.0, "vmax": 6.0} if normalization == "range" else {}
    if normalization == "percentile":
        options = {"percentiles": (0, 100)}
    fit = fit_normalization(scores, normalization, **options)
    inside = (scores >= fit.low) & (scores <= fit.high)
    np.testing.assert_allclose(fit.inverse(fit(scores))[inside], scores[inside])


def test_sigmoid_inverse_is_the_logit():
    fit = fit_normalization([-2.0, 3.0], "sigmoid")
    np.testing.assert_allclose(fit.inverse(fit(np.array([-2.0, 0.5, 3.0]))), [-2.0, 0.5, 3.0])


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"normalization": "zscore"}, ValueError, r"normalization must be one of 'minmax'"),
        ({"normalization": "range"}, ValueError, r"vmin and vmax go with normalization='range'"),
        (
            {"normalization": "sigmoid", "vmin": 0, "vmax": 1},
            ValueError,
            r"vmin and vmax go with normalization='range' and only with it",
        ),
        ({"normalization": "signed", "sign": "both"}, ValueError, r"sign must be one of 'all'"),
        (
            {"normalization": "percentile", "percentiles": (99, 1)},
            ValueError,
            r"percentiles must satisfy 0 <= low < high <= 100",
        ),
        (
            {"normalization": "percentile", "percentiles": (0, 101)},
            ValueError,
            r"percentiles must satisfy",
        ),
        (
            {"normalization": "percentile", "percentiles": 5},
            TypeError,
            r"percentiles must be two numbers",
        ),
        (
            {"normalization": "percentile", "percentiles": (1, float("nan"))},
            ValueError,
            r"percentiles must be a number, got NaN",
        ),
    ],
)
def test_bad_normalization_options(options, error, message):
    with pytest.raises(error, match=message):
        fit_normalization(np.zeros((2, 2)), **options)


from anomaly_viz.normalize import quantize  # noqa: E402


@pytest.mark.parametrize("normalization", NORMALIZATIONS)
@given(
    scores=score_maps(finite=False, dtypes=(np.float32, np.float64)),
    levels=st.sampled_from([2, 10, 255, 256, 1000]),
    sign=st.sampled_from(["all", "positive", "negative", "absolute"]),
)
def test_quantized_equals_quantize_of_the_values(normalization, scores, levels, sign):
    options = {"vmin": -7.5, "vmax": 300.0} if normalization == "range" else {}
    fit = fit_normalization(scores, normalization, sign=sign, **options)
    np.testing.assert_array_equal(fit.quantized(scores, levels), quantize(fit(scores), levels))


def test_quantize_is_matplotlibs_rule():
    from matplotlib import colormaps

    values = np.linspace(0, 1, 2001, dtype=np.float32)
    for name in ("viridis", "tab10"):
        cmap = colormaps[name]
        expected = cmap(values, bytes=True)
        np.testing.assert_array_equal(cmap(quantize(values, cmap.N), bytes=True), expected)
