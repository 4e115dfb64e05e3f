"""anomaly_viz.normalize, the former names, kept while callers move to anomaly_viz.normalization.

Delete this file together with anomaly_viz/normalize.py.
"""

import numpy as np
import pytest
from hypothesis import given
from strategies import score_maps

from anomaly_viz import normalization as new
from anomaly_viz.normalize import (
    NORMALIZATIONS,
    SIGNS,
    Normalization,
    finite_range,
    fit_normalization,
    normalize_clip,
    normalize_minmax,
    normalize_range,
    normalize_scores,
    quantize,
    rescale,
)


def test_the_former_names_are_the_new_objects():
    assert Normalization is new.Normalization
    assert quantize is new.quantize
    assert (NORMALIZATIONS, SIGNS) == (new.KINDS, new.SIGNS)


def test_fit_normalization_is_the_specification_fitted():
    scores = np.array([-4.0, -1.0, 0.0, 1.0, 2.0, 100.0])
    fit = fit_normalization(scores, "percentile", percentiles=(0, 80))
    assert (fit.kind, fit.low, fit.high, fit.percentiles) == ("percentile", -4.0, 2.0, (0, 80))
    assert isinstance(fit, Normalization) and fit.normalization == "percentile"
    signed = fit_normalization(scores, "signed", sign="negative", outlier_perc=2)
    assert (signed.kind, signed.sign, signed.outlier_perc) == ("signed", "negative", 2.0)


def test_vmin_and_vmax_make_a_range():
    scores = np.array([0.0, 5.0, 10.0])
    fit = fit_normalization(scores, vmin=0, vmax=20)
    assert (fit.normalization, fit.low, fit.high) == ("range", 0.0, 20.0)
    np.testing.assert_array_equal(normalize_scores(scores, vmin=0, vmax=20), [0.0, 0.25, 0.5])
    assert fit_normalization(scores).normalization == "minmax"


@given(scores=score_maps(finite=False))
def test_each_former_function_equals_its_new_form(scores):
    spec = new.Normalization
    np.testing.assert_array_equal(normalize_minmax(scores), spec()(scores))
    np.testing.assert_array_equal(normalize_clip(scores), spec("clip")(scores))
    np.testing.assert_array_equal(normalize_range(scores, -5, 5), spec("range", -5, 5)(scores))
    np.testing.assert_array_equal(rescale(scores, -5, 5), spec("range", -5, 5)(scores))
    np.testing.assert_array_equal(normalize_scores(scores, "sigmoid"), spec("sigmoid")(scores))
    fitted = spec().fit(scores)
    assert finite_range(scores) == (fitted.low, fitted.high)


def test_rescale_keeps_a_point_range():
    np.testing.assert_array_equal(rescale([3, 3, np.inf], 3, 3), [0.0, 0.0, 1.0])


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
        ({"vmin": 1, "vmax": 0}, ValueError, r"vmin must be less than vmax"),
        ({"normalization": "signed", "sign": "both"}, ValueError, r"sign must be one of 'all'"),
        (
            {"normalization": "minmax", "sign": "positive"},
            ValueError,
            r"sign goes with kind='signed' only",
        ),
    ],
)
def test_bad_options(options, error, message):
    with pytest.raises(error, match=message):
        fit_normalization(np.zeros((2, 2)), **options)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: rescale([0.5], 2.0, 1.0), ValueError, r"low must not exceed high, got low=2.0"),
        (lambda: rescale([0.5], np.nan, 1.0), ValueError, r"low must be a number, got NaN"),
        (lambda: normalize_range([0.5], 1.0, 1.0), ValueError, r"vmin must be less than vmax"),
        (lambda: finite_range([]), ValueError, r"scores must not be empty"),
    ],
)
def test_bad_arguments_of_the_functions(call, error, message):
    with pytest.raises(error, match=message):
        call()
