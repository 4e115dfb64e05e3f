"""anomalib's normalisation: ``clip((x - t) / (max - min) + 0.5, 0, 1)``, the threshold centred."""

import json

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import score_maps

from anomaly_viz import Normalization
from anomaly_viz.overlays import overlay


def anomalib_formula(scores, threshold, low, high):
    """The formula as anomalib writes it, in the scores' float type, NaN kept."""
    kind = scores.dtype.type
    values = (scores - kind(threshold)) / (kind(high) - kind(low)) + kind(0.5)
    return np.clip(values, 0, 1)


# ------------------------------------------------------------ known answers


def test_the_threshold_is_the_middle_colour():
    spec = Normalization("threshold", low=0.0, high=10.0, threshold=2.0)
    np.testing.assert_array_equal(
        spec(np.array([-10.0, -3.0, 2.0, 4.5, 7.0, 100.0])), [0.0, 0.0, 0.5, 0.75, 1.0, 1.0]
    )


def test_fitted_to_a_map_takes_its_finite_minimum_and_maximum():
    scores = np.array([[1.0, np.nan], [-np.inf, 5.0]])
    spec = Normalization("threshold", threshold=3.0).fit(scores)
    assert (spec.low, spec.high, spec.threshold) == (1.0, 5.0, 3.0)
    np.testing.assert_array_equal(spec(scores), [[0.0, np.nan], [0.0, 1.0]])


def test_fit_stream_is_the_minimum_and_maximum_of_every_map():
    maps = [np.array([0.2, 0.4]), np.array([[-1.0, 3.0]])]
    spec = Normalization("threshold", threshold=0.5).fit_stream(iter(maps))
    assert (spec.low, spec.high) == (-1.0, 3.0)


def test_constant_scale_splits_at_the_threshold():
    spec = Normalization("threshold", low=2.0, high=2.0, threshold=1.0)
    np.testing.assert_array_equal(spec(np.array([0.0, 1.0, 1.5, np.nan])), [0.0, 0.5, 1.0, np.nan])


def test_colorbar_range_and_inverse():
    spec = Normalization("threshold", low=0.0, high=4.0, threshold=1.0)
    assert spec.colorbar_range == (-1.0, 3.0)
    np.testing.assert_array_equal(spec.inverse([0.0, 0.5, 1.0]), [-1.0, 1.0, 3.0])
    assert Normalization("range", low=2.0, high=6.0).colorbar_range == (2.0, 6.0)


def test_colorbar_range_of_an_unfitted_scale_is_an_error():
    with pytest.raises(ValueError, match="colorbar range needs a fitted normalization"):
        _ = Normalization("threshold", threshold=1.0).colorbar_range


def test_json_round_trip_keeps_the_threshold():
    spec = Normalization("threshold", low=-1.0, high=3.0, threshold=0.25)
    assert json.loads(spec.to_json())["threshold"] == 0.25
    assert Normalization.from_json(spec.to_json()) == spec


def test_overlay_colours_the_threshold_with_the_middle_of_the_table():
    spec = Normalization("threshold", low=0.0, high=1.0, threshold=0.3)
    image = np.zeros((1, 3), np.uint8)
    gray = overlay(image, [[0.3, -5.0, 9.0]], alpha=1.0, colormap="gray", normalization=spec)
    np.testing.assert_array_equal(gray[0, :, 0], [128, 0, 255])


# ------------------------------------------------------------ properties


@given(
    scores=score_maps(finite=False, dtypes=(np.float32, np.float64)),
    threshold=st.floats(-1e3, 1e3),
    ends=st.tuples(st.floats(-1e3, 1e3), st.floats(-1e3, 1e3)).filter(lambda e: e[0] < e[1]),
)
def test_equals_anomalibs_formula(scores, threshold, ends):
    low, high = ends
    kind = scores.dtype.type
    if (float(kind(threshold)), float(kind(low)), float(kind(high))) != (threshold, low, high):
        threshold, low, high = float(kind(threshold)), float(kind(low)), float(kind(high))
        if not low < high:
            return
    spec = Normalization("threshold", low=low, high=high, threshold=threshold)
    with np.errstate(invalid="ignore", over="ignore"):  # inf - inf, a tiny span: as anomalib
        expected = anomalib_formula(scores, threshold, low, high)
    expected[np.isinf(scores)] = (scores[np.isinf(scores)] > 0).astype(scores.dtype)
    np.testing.assert_array_equal(spec(scores), expected, strict=True)


@given(scores=score_maps(finite=False), threshold=st.floats(-1e300, 1e300))
def test_values_lie_in_the_unit_interval_with_nan_kept(scores, threshold):
    values = Normalization("threshold", threshold=threshold)(scores)
    np.testing.assert_array_equal(np.isnan(values), np.isnan(scores))
    assert np.all((values[~np.isnan(values)] >= 0) & (values[~np.isnan(values)] <= 1))


def test_a_span_beyond_float64_is_computed_in_halves():
    spec = Normalization("threshold", low=-1e308, high=1e308, threshold=0.0)
    np.testing.assert_array_equal(spec(np.array([-1e308, 0.0, 5e307])), [0.0, 0.5, 0.75])


# ------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"kind": "threshold"}, ValueError, r"kind='threshold' needs a threshold"),
        (
            {"kind": "minmax", "threshold": 0.5},
            ValueError,
            r"only it takes one; got kind='minmax', threshold=0.5",
        ),
        ({"kind": "threshold", "threshold": float("nan")}, ValueError, r"threshold must be"),
        ({"kind": "threshold", "threshold": "0.5"}, TypeError, r"threshold must be"),
        ({"kind": "threshold", "threshold": 1.0, "low": 2.0}, ValueError, r"given together"),
    ],
)
def test_bad_specification(options, error, message):
    with pytest.raises(error, match=message):
        Normalization(**options)
