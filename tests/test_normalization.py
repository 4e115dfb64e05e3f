"""Scores to [0, 1]: the Normalization specification, its kinds, fitting and JSON."""

import json

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from strategies import any_dtype_maps, score_maps, shapes_2d

from anomaly_viz import _engine
from anomaly_viz.normalization import (
    KINDS,
    SIGNS,
    Normalization,
    from_anomalib,
    normalize,
    quantize,
)

# ------------------------------------------------------------------ minmax


def test_minmax_exact_values():
    result = normalize(np.array([[1.0, 3.0], [5.0, 9.0]]))
    np.testing.assert_array_equal(result, [[0.0, 0.25], [0.5, 1.0]])


def test_constant_map_is_all_zero_without_warning():
    # filterwarnings = error in pyproject: a RuntimeWarning would fail here.
    result = normalize(np.full((3, 3), 4.2))
    np.testing.assert_array_equal(result, np.zeros((3, 3)))


def test_infinities_do_not_spoil_the_range():
    scores = np.array([np.inf, 2.0, 4.0, -np.inf, np.nan])
    spec = Normalization().fit(scores)
    assert (spec.low, spec.high) == (2.0, 4.0)
    np.testing.assert_array_equal(spec(scores), [1.0, 0.0, 1.0, 0.0, np.nan])


def test_no_finite_scores():
    assert Normalization().fit([np.nan, np.inf]).high == 0.0
    np.testing.assert_array_equal(normalize([np.nan, np.inf, -np.inf]), [np.nan, 1.0, 0.0])


def test_constant_map_with_infinity_keeps_top_colour_for_inf():
    np.testing.assert_array_equal(normalize([3.0, 3.0, np.inf]), [0.0, 0.0, 1.0])


def test_range_overflowing_float32_and_float64():
    big32 = np.array([-3e38, 0.0, 3e38], np.float32)
    np.testing.assert_allclose(normalize(big32), [0.0, 0.5, 1.0])
    big64 = np.array([-1.5e308, 0.0, 1.5e308])
    np.testing.assert_allclose(normalize(big64), [0.0, 0.5, 1.0])


def test_fixed_range_and_clip():
    np.testing.assert_array_equal(
        Normalization("range", 5, 15)([0, 5, 10, 20]), [0.0, 0.0, 0.5, 1.0]
    )
    np.testing.assert_array_equal(normalize([-1.0, 0.5, 1.2], "clip"), [0.0, 0.5, 1.0])


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
    assert normalize(np.array([0, 1], dtype)).dtype == expected


def test_input_is_not_modified():
    scores = np.array([[1.0, np.nan], [3.0, np.inf]])
    before = scores.copy()
    for spec in (Normalization(), Normalization("range", 0, 2), Normalization("signed")):
        spec(scores)
        spec.quantized(scores, 256)
        spec.fit_stream([scores, scores])
    np.testing.assert_array_equal(scores, before)


@given(scores=score_maps(finite=False))
def test_range_and_nan_positions(scores):
    result = normalize(scores)
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
    np.testing.assert_allclose(normalize(scores * scale + shift), normalize(scores), atol=1e-8)


@given(scores=any_dtype_maps())
def test_every_real_dtype_normalises_into_unit_interval(scores):
    result = normalize(scores)
    assert result.dtype in (np.float32, np.float64)
    valid = result[~np.isnan(result)]
    assert np.all((valid >= 0) & (valid <= 1))
    if np.isfinite(scores.astype(np.float64)).all():
        assert valid.min() == 0.0
        assert valid.max() in (0.0, 1.0)  # 0 only for a constant map


# --------------------------------------------------------------- the kinds


def test_default_is_minmax():
    scores = np.array([0.0, 5.0, 10.0])
    assert Normalization() == Normalization("minmax")
    np.testing.assert_array_equal(normalize(scores), [0.0, 0.5, 1.0])
    np.testing.assert_array_equal(Normalization("range", 0, 20)(scores), [0.0, 0.25, 0.5])


def test_percentile_clips_outliers():
    scores = np.arange(101.0)
    scores[100] = 1e6  # one outlier
    spec = Normalization("percentile", percentiles=(10, 90)).fit(scores)
    assert (spec.low, spec.high) == (10.0, 90.0)
    values = spec(scores)
    assert values[0] == 0.0 and values[50] == 0.5 and values[100] == 1.0


def test_percentile_default_is_1_and_99():
    assert Normalization("percentile").percentiles == (1.0, 99.0)
    assert Normalization("percentile") == Normalization("percentile", percentiles=(1, 99))
    spec = Normalization("percentile").fit(np.arange(101.0))
    assert (spec.low, spec.high) == (1.0, 99.0)


def test_sigmoid_is_the_seed_formula_and_does_not_overflow():
    scores = np.array([-800.0, -2.0, 0.0, 3.0, 800.0, np.inf, -np.inf, np.nan])
    values = normalize(scores, "sigmoid")
    with np.errstate(over="ignore"):
        expected = 1.0 / (1.0 + np.exp(-scores))
    np.testing.assert_allclose(values, expected, rtol=1e-12, atol=1e-300)


def test_sigmoid_keeps_the_finite_range_for_colorbars():
    spec = Normalization("sigmoid").fit([3.0, np.inf, 11.0])
    assert (spec.low, spec.high) == (3.0, 11.0)


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
    np.testing.assert_array_equal(Normalization("signed", sign=sign)(scores), expected)


def test_signed_with_no_values_of_that_sign():
    spec = Normalization("signed", sign="positive")
    np.testing.assert_array_equal(spec([-1.0, -2.0]), [0.0, 0.0])
    assert (spec.fit([-1.0, -2.0]).low, spec.fit([-1.0, -2.0]).high) == (0.0, 1.0)
    np.testing.assert_array_equal(normalize([0.0, 0.0], "signed"), [0.5, 0.5])


def test_signed_outlier_percentile():
    scores = np.array([-1.0, 0.0, 1.0, 2.0, 100.0])
    spec = Normalization("signed", sign="positive", percentiles=(0, 50)).fit(scores)
    # positive magnitudes 1, 2, 100: the median is 2
    assert spec.high == 2.0
    np.testing.assert_array_equal(spec(scores), [0.0, 0.0, 0.5, 1.0, 1.0])


def test_negative_zero_displays_as_positive_zero():
    values = Normalization("signed", sign="negative").fit([-2.0])(np.array([0.0, -0.0]))
    assert not np.signbit(values).any()


@pytest.mark.parametrize(
    ("spec", "label"),
    [
        (Normalization(), "score"),
        (Normalization("sigmoid"), "score"),
        (Normalization("signed"), "score"),
        (Normalization("signed", sign="positive"), "score"),
        (Normalization("signed", sign="negative"), "-score"),
        (Normalization("signed", sign="absolute"), "|score|"),
    ],
)
def test_label(spec, label):
    assert spec.label == label


def unfitted(kind):
    """A specification of each kind ("range" needs its scale, "threshold" its threshold)."""
    if kind == "threshold":
        return Normalization("threshold", threshold=0.5)
    return Normalization("range", -10.0, 10.0) if kind == "range" else Normalization(kind)


@pytest.mark.parametrize("kind", KINDS)
@given(scores=score_maps(finite=False))
def test_every_kind_gives_unit_values_and_keeps_nan(kind, scores):
    values = unfitted(kind)(scores)
    assert values.shape == scores.shape
    np.testing.assert_array_equal(np.isnan(values), np.isnan(scores))
    valid = values[~np.isnan(values)]
    assert np.all((valid >= 0) & (valid <= 1))
    if kind != "signed":  # signed "all" sends -inf to 0 as well; see below
        assert np.all(values[scores == np.inf] == 1.0)
        assert np.all(values[scores == -np.inf] == 0.0)


@given(scores=score_maps(finite=False), sign=st.sampled_from(["all", "positive", "absolute"]))
def test_signed_infinities(scores, sign):
    values = Normalization("signed", sign=sign)(scores)
    assert np.all(values[scores == np.inf] == 1.0)


@pytest.mark.parametrize("kind", ["minmax", "range", "percentile", "clip", "signed"])
def test_inverse_undoes_the_linear_kinds(kind):
    scores = np.array([-3.0, -1.0, 0.5, 2.0, 6.0])
    if kind == "range":
        spec = Normalization("range", -3.0, 6.0)
    elif kind == "percentile":
        spec = Normalization("percentile", percentiles=(0, 100)).fit(scores)
    else:
        spec = Normalization(kind).fit(scores)
    inside = (scores >= spec.low) & (scores <= spec.high)
    np.testing.assert_allclose(spec.inverse(spec(scores))[inside], scores[inside])


def test_sigmoid_inverse_is_the_logit():
    spec = Normalization("sigmoid")
    np.testing.assert_allclose(spec.inverse(spec(np.array([-2.0, 0.5, 3.0]))), [-2.0, 0.5, 3.0])


def test_from_display_is_call_on_display_scores():
    spec = Normalization("signed", sign="negative").fit([-4.0, 2.0])
    np.testing.assert_array_equal(spec.from_display([2.0, 4.0]), spec([-2.0, -4.0]))


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda spec: spec.inverse([0.5]), r"inverse needs a fitted normalization"),
        (lambda spec: spec.from_display([0.5]), r"from_display needs a fitted normalization"),
    ],
)
def test_unfitted_scale_is_refused_where_no_scores_fit_it(call, message):
    with pytest.raises(ValueError, match=message):
        call(Normalization())


def test_quantize_is_matplotlibs_rule():
    from matplotlib import colormaps

    values = np.linspace(0, 1, 2001, dtype=np.float32)
    for name in ("viridis", "tab10"):
        cmap = colormaps[name]
        expected = cmap(values, bytes=True)
        np.testing.assert_array_equal(cmap(quantize(values, cmap.N), bytes=True), expected)


# ----------------------------------------------------------------- fitting


def test_fit_is_fitted_and_a_fitted_spec_is_a_fixed_scale():
    spec = Normalization()
    assert not spec.is_fitted
    fitted = spec.fit([1.0, 5.0])
    assert fitted.is_fitted and (fitted.low, fitted.high) == (1.0, 5.0)
    assert fitted.fit([0.0, 100.0]) is fitted
    assert fitted.fit_stream(iter([[0.0, 100.0]])) is fitted
    np.testing.assert_array_equal(fitted([0.0, 3.0, 100.0]), [0.0, 0.5, 1.0])
    assert Normalization("clip").is_fitted and Normalization("range", 0, 1).is_fitted


def test_fit_checks_the_scores_of_a_fitted_spec_too():
    with pytest.raises(ValueError, match=r"scores must not be empty"):
        Normalization("clip").fit([])


def test_unfitted_spec_fits_each_map_it_is_called_on():
    spec = Normalization()
    np.testing.assert_array_equal(spec([0.0, 2.0]), [0.0, 1.0])
    np.testing.assert_array_equal(spec([0.0, 4.0]), [0.0, 1.0])
    np.testing.assert_array_equal(spec.quantized(np.array([0.0, 4.0]), 4), [0, 3])


def test_fit_stream_reads_a_generator_once():
    read = []

    def maps():
        for value in (3.0, -1.0, 7.0):
            read.append(value)
            yield np.full((2, 2), value)

    spec = Normalization().fit_stream(maps())
    assert (spec.low, spec.high) == (-1.0, 7.0)
    assert read == [3.0, -1.0, 7.0]


@st.composite
def streams(draw):
    """One to four maps of any real dtype, shape, finite or not."""
    count = draw(st.integers(1, 4))
    return [draw(st.one_of(any_dtype_maps(6), score_maps(finite=False))) for _ in range(count)]


@st.composite
def unfitted_specs(draw):
    kind = draw(st.sampled_from(["minmax", "percentile", "sigmoid", "signed", "threshold"]))
    options = {}
    if kind == "threshold":
        options["threshold"] = draw(st.floats(-100, 100))
    if kind == "percentile":
        options["percentiles"] = draw(st.sampled_from([(1, 99), (0, 100), (10, 40), (50, 75)]))
    if kind == "signed":
        options["sign"] = draw(st.sampled_from(SIGNS))
        rule = draw(st.sampled_from(["max", "percentiles", "outlier_perc"]))
        if rule == "percentiles":
            options["percentiles"] = (0, draw(st.floats(1, 100)))
        elif rule == "outlier_perc":
            options["outlier_perc"] = draw(st.floats(0, 100))
    return Normalization(kind, **options)


@given(spec=unfitted_specs(), maps=streams())
def test_fit_stream_equals_fit_on_the_concatenation(spec, maps):
    together = np.concatenate([np.ravel(item) for item in maps])
    assert spec.fit_stream(iter(maps)) == spec.fit(together)


@pytest.mark.parametrize(
    ("maps", "error", "message"),
    [
        ([], ValueError, r"maps must hold at least one map, got none"),
        ([[1.0], []], ValueError, r"maps\[1\] must not be empty, got shape \(0,\)"),
        ([[1.0], ["a"]], TypeError, r"maps\[1\] must hold real numbers"),
        (5, TypeError, r"maps must be an iterable of arrays, got 5"),
        ("maps.npy", TypeError, r"maps must be an iterable of arrays, got 'maps.npy'"),
    ],
)
def test_fit_stream_bad_maps(maps, error, message):
    with pytest.raises(error, match=message):
        Normalization().fit_stream(maps)


# ---------------------------------------------------------- construction


def test_construction_by_keywords_and_in_field_order():
    spec = Normalization("signed", -2.0, 2.0, (0, 90), "all", None)
    assert spec == Normalization(kind="signed", low=-2, high=2, percentiles=(0.0, 90.0))
    assert spec.percentiles == (0.0, 90.0)


def test_specs_are_frozen_and_hashable():
    spec = Normalization("range", 0, 1)
    with pytest.raises(AttributeError):
        spec.low = 5.0
    assert len({spec, Normalization("range", 0.0, 1.0)}) == 1


@pytest.mark.parametrize(
    ("fields", "error", "message"),
    [
        ({"kind": "zscore"}, ValueError, r"kind must be one of 'minmax', 'range'.*; got 'zscore'"),
        ({"kind": None}, ValueError, r"kind must be one of .*; got None"),
        ({"kind": "signed", "sign": "both"}, ValueError, r"sign must be one of 'all'.*'both'"),
        (
            {"kind": "minmax", "sign": "positive"},
            ValueError,
            r"sign goes with kind='signed' only; got kind='minmax', sign='positive'",
        ),
        (
            {"kind": "minmax", "percentiles": (1, 99)},
            ValueError,
            r"percentiles go with kind='percentile' or 'signed' only; got kind='minmax'",
        ),
        (
            {"kind": "range", "low": 0, "high": 1, "percentiles": (1, 99)},
            ValueError,
            r"percentiles go with kind='percentile' or 'signed' only; got kind='range'",
        ),
        (
            {"kind": "sigmoid", "outlier_perc": 2},
            ValueError,
            r"outlier_perc goes with kind='signed' only; got kind='sigmoid'",
        ),
        (
            {"kind": "range"},
            ValueError,
            r"kind='range' needs low and high, the scores shown at 0 and 1; got low=None",
        ),
        (
            {"kind": "range", "low": 1.0},
            ValueError,
            r"kind='range' needs low and high.*got low=1.0, high=None",
        ),
        (
            {"kind": "range", "low": 2.0, "high": 2.0},
            ValueError,
            r"kind='range' needs low < high, got low=2.0, high=2.0",
        ),
        (
            {"kind": "minmax", "high": 1.0},
            ValueError,
            r"low and high must be given together; low is missing",
        ),
        (
            {"kind": "percentile", "low": 1.0},
            ValueError,
            r"low and high must be given together; high is missing",
        ),
        (
            {"kind": "minmax", "low": 2.0, "high": 1.0},
            ValueError,
            r"low must not exceed high, got low=2.0, high=1.0",
        ),
        ({"kind": "range", "low": 0.0, "high": np.inf}, ValueError, r"high must be finite"),
        ({"kind": "range", "low": True, "high": 2.0}, TypeError, r"low must be a real number"),
        (
            {"kind": "clip", "low": 0.0, "high": 2.0},
            ValueError,
            r"kind='clip' is the scale low=0, high=1; got low=0.0, high=2.0",
        ),
        (
            {"kind": "signed", "low": -1.0, "high": 2.0},
            ValueError,
            r"kind='signed' with sign='all' is centred on zero: low must be -high, got low=-1.0",
        ),
        (
            {"kind": "signed", "sign": "positive", "low": -2.0, "high": 2.0},
            ValueError,
            r"kind='signed' with sign='positive' starts at zero: low must be 0, got low=-2.0",
        ),
        (
            {"kind": "signed", "low": 0.0, "high": 0.0},
            ValueError,
            r"kind='signed' needs a positive scale high, got high=0.0",
        ),
        (
            {"kind": "percentile", "percentiles": (99, 1)},
            ValueError,
            r"percentiles must satisfy 0 <= low < high <= 100",
        ),
        (
            {"kind": "percentile", "percentiles": (0, 101)},
            ValueError,
            r"percentiles must satisfy",
        ),
        ({"kind": "percentile", "percentiles": 5}, TypeError, r"percentiles must be two numbers"),
        (
            {"kind": "percentile", "percentiles": (1, float("nan"))},
            ValueError,
            r"percentiles must be a number, got NaN",
        ),
        (
            {"kind": "signed", "percentiles": (False, 50)},
            TypeError,
            r"percentiles must be a real number, got False",
        ),
    ],
)
def test_bad_fields(fields, error, message):
    with pytest.raises(error, match=message):
        Normalization(**fields)


def test_fitted_ends_pass_the_checks_of_their_kind():
    # What fit makes is always a valid specification (a constant map: low == high).
    for kind in ("minmax", "percentile", "sigmoid"):
        spec = Normalization(kind).fit([4.0, 4.0])
        assert (spec.low, spec.high) == (4.0, 4.0)
    assert Normalization("signed", sign="negative").fit([-3.0, 1.0]).low == 0.0


# ----------------------------------------------------------- shortcuts


def test_normalize_takes_a_kind_or_a_spec():
    scores = [0.0, 5.0, 10.0]
    np.testing.assert_array_equal(normalize(scores, "minmax"), [0.0, 0.5, 1.0])
    np.testing.assert_array_equal(
        normalize(scores, Normalization("range", 0, 20)), [0.0, 0.25, 0.5]
    )


@pytest.mark.parametrize(
    ("normalization", "error", "message"),
    [
        (None, TypeError, r"normalization must be a kind name \('minmax'.*or a Normalization"),
        (1.0, TypeError, r"normalization must be a kind name .*, got 1.0"),
        ("zscore", ValueError, r"normalization must be one of .*; got 'zscore'"),
        ("range", ValueError, r"kind='range' needs low and high"),
    ],
)
def test_normalize_bad_normalization(normalization, error, message):
    with pytest.raises(error, match=message):
        normalize([0.0, 1.0], normalization)


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ((True,), Normalization("minmax")),
        ((False,), Normalization("clip")),
        ((True, 0.0, 0.5), Normalization("range", 0.0, 0.5)),
        ((False, -1, 1), Normalization("range", -1.0, 1.0)),  # vmin/vmax win, as in anomalib
    ],
)
def test_from_anomalib(arguments, expected):
    assert from_anomalib(*arguments) == expected


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [
        ((1,), TypeError, r"normalize must be True or False, got 1"),
        ((True, 0.0, None), ValueError, r"vmin and vmax must be given together; vmax is missing"),
        ((True, 1.0, 1.0), ValueError, r"vmin must be less than vmax, got vmin=1.0, vmax=1.0"),
        ((True, "0", 1.0), TypeError, r"vmin must be a real number, got '0'"),
    ],
)
def test_from_anomalib_bad_arguments(arguments, error, message):
    with pytest.raises(error, match=message):
        from_anomalib(*arguments)


# ------------------------------------------------------------------- JSON


@st.composite
def specs(draw):
    """Valid specifications of every kind, fitted or not, at any scale."""
    kind = draw(st.sampled_from(KINDS))
    if kind == "range":
        ends = st.floats(allow_nan=False, allow_infinity=False)
        low, high = draw(st.tuples(ends, ends).filter(lambda pair: pair[0] < pair[1]))
        return Normalization("range", low, high)
    if kind == "clip":
        return Normalization("clip")
    if kind == "threshold":
        spec = Normalization("threshold", threshold=draw(st.floats(-1e6, 1e6)))
    else:
        spec = draw(unfitted_specs()) if kind != "minmax" else Normalization()
    if draw(st.booleans()):
        scores = draw(
            shapes_2d(5).flatmap(lambda shape: hnp.arrays(np.float64, shape, elements=st.floats()))
        )
        spec = spec.fit(scores)
    return spec


@given(spec=specs())
def test_json_round_trip(spec):
    text = spec.to_json()
    assert json.loads(text)["version"] == 1
    again = Normalization.from_json(text)
    assert again == spec
    assert Normalization.from_dict(spec.to_dict()) == spec


def test_json_fields_left_out_take_their_defaults():
    text = '{"type": "anomaly_viz.Normalization", "version": 1, "kind": "percentile"}'
    assert Normalization.from_json(text) == Normalization("percentile")


def test_json_of_a_fitted_spec_keeps_its_scale():
    spec = Normalization("percentile", percentiles=(0, 80)).fit([-4.0, -1.0, 0.0, 1.0, 2.0, 100.0])
    again = Normalization.from_json(spec.to_json())
    assert (again.low, again.high, again.percentiles) == (-4.0, 2.0, (0.0, 80.0))
    np.testing.assert_array_equal(again([-1.0, 100.0]), [0.5, 1.0])


HEADER = '"type": "anomaly_viz.Normalization", "version": 1'


@pytest.mark.parametrize(
    ("text", "error", "message"),
    [
        ("{", ValueError, r"text is not JSON: Expecting property name"),
        (5, TypeError, r"text must be a JSON string, got int"),
        ("[1, 2]", TypeError, r"a normalization must be read from a dict, got \[1, 2\]"),
        (
            '{"version": 1, "kind": "minmax"}',
            ValueError,
            r"not a normalization: 'type' must be 'anomaly_viz.Normalization', got None",
        ),
        (
            '{"type": "anomaly_viz.Normalization", "kind": "minmax"}',
            ValueError,
            r"a normalization of format version None: this anomaly_viz reads version 1",
        ),
        (
            '{"type": "anomaly_viz.Normalization", "version": 2, "kind": "minmax"}',
            ValueError,
            r"a normalization of format version 2: this anomaly_viz reads version 1",
        ),
        (
            '{"type": "anomaly_viz.Normalization", "version": true}',
            ValueError,
            r"a normalization of format version True",
        ),
        (
            "{" + HEADER + ', "kind": "minmax", "vmin": 0, "gamma": 1}',
            ValueError,
            r"a normalization has no field 'gamma', 'vmin'; the fields are kind, low, high",
        ),
        ("{" + HEADER + ', "kind": "zscore"}', ValueError, r"kind must be one of"),
        ("{" + HEADER + ', "kind": "range", "low": 1}', ValueError, r"kind='range' needs low"),
        ("{" + HEADER + ', "kind": "range", "low": "0", "high": 1}', TypeError, r"low must be a"),
    ],
)
def test_bad_json(text, error, message):
    with pytest.raises(error, match=message):
        Normalization.from_json(text)


# -------------------------------------------------------- engine == reference


def reference_indices(spec, scores, levels):
    """The reference: the values, then matplotlib's quantisation rule."""
    return quantize(spec(scores), levels)


def both_paths(spec, scores, levels):
    """``spec.quantized`` with the engine (the default) and without it, as a pair."""
    original = _engine.ENABLED
    try:
        _engine.ENABLED = True
        fast = spec.quantized(scores, levels)
        _engine.ENABLED = False
        plain = spec.quantized(scores, levels)
    finally:
        _engine.ENABLED = original
    return fast, plain


@pytest.mark.parametrize("kind", KINDS)
@given(
    scores=score_maps(finite=False, dtypes=(np.float32, np.float64)),
    levels=st.sampled_from([1, 2, 10, 255, 256, 1000]),
    sign=st.sampled_from(SIGNS),
)
def test_quantized_equals_quantize_of_the_values(kind, scores, levels, sign):
    if kind == "range":
        spec = Normalization("range", -7.5, 300.0)
    elif kind == "signed":
        spec = Normalization("signed", sign=sign)
    else:
        spec = unfitted(kind)
    fitted = spec.fit(scores)
    fast, plain = both_paths(fitted, scores, levels)
    np.testing.assert_array_equal(fast, reference_indices(fitted, scores, levels))
    np.testing.assert_array_equal(plain, fast)
    np.testing.assert_array_equal(spec.quantized(scores, levels), fast)


@st.composite
def table_boundaries(draw):
    """Scores on, and one float step either side of, the boundaries between table entries."""
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    levels = draw(st.sampled_from([1, 2, 3, 10, 255, 256, 1000]))
    low = draw(st.floats(-1e6, 1e6, width=32))
    span = draw(st.floats(2**-10, 1e6, width=32))
    boundaries = (low + span * np.arange(levels + 1) / levels).astype(dtype)
    scores = np.concatenate(
        [
            boundaries,
            np.nextafter(boundaries, dtype(np.inf)),
            np.nextafter(boundaries, dtype(-np.inf)),
            np.array([np.nan, np.inf, -np.inf], dtype),
        ]
    )
    return scores, low, low + span, levels


@given(case=table_boundaries())
def test_engine_equals_reference_at_table_boundaries(case):
    scores, low, high, levels = case
    for spec in (Normalization("range", low, high), Normalization().fit(scores)):
        fast, plain = both_paths(spec, scores, levels)
        np.testing.assert_array_equal(fast, reference_indices(spec, scores, levels))
        np.testing.assert_array_equal(fast, plain)


@given(
    dtype=st.sampled_from([np.float32, np.float64]),
    value=st.floats(-1e3, 1e3, width=32),
    shape=shapes_2d(5),
    levels=st.sampled_from([1, 256]),
)
def test_engine_equals_reference_on_constant_maps(dtype, value, shape, levels):
    scores = np.full(shape, value, dtype)
    scores.flat[0] = np.nan
    for spec in (Normalization(), Normalization("range", value - 1.0, value + 1.0)):
        fast, plain = both_paths(spec, scores, levels)
        np.testing.assert_array_equal(fast, reference_indices(spec.fit(scores), scores, levels))
        np.testing.assert_array_equal(fast, plain)


def test_engine_is_the_path_taken_for_linear_kinds(monkeypatch):
    from anomaly_viz._engine import normalization as engine

    calls = []
    real = engine.linear_indices
    monkeypatch.setattr(engine, "linear_indices", lambda *a: calls.append(a) or real(*a))
    scores = np.array([0.0, 0.5, 1.0, np.nan], np.float32)
    np.testing.assert_array_equal(Normalization().quantized(scores, 4), [0, 2, 3, 4])
    assert len(calls) == 1
    Normalization("sigmoid").quantized(scores, 4)  # non-linear: the reference
    Normalization("signed", sign="negative").quantized(scores, 4)  # -x: the reference
    Normalization("range", 0.0, 1e39).quantized(scores, 4)  # beyond float32: the reference
    assert len(calls) == 1
    monkeypatch.setattr(_engine, "ENABLED", False)
    np.testing.assert_array_equal(Normalization().quantized(scores, 4), [0, 2, 3, 4])
    assert len(calls) == 1
