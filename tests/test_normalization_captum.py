"""The "signed" normalisation with captum's outlier_perc rule."""

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from strategies import shapes_2d

from anomaly_viz.normalization import Normalization

SIGNS = ["all", "positive", "negative", "absolute"]


def captum_threshold(values, percentile):
    """captum's cumulative-sum threshold, from its description: sort, add up, and take the
    first sorted value whose running sum reaches `percentile` % of the total."""
    ordered = np.sort(values.ravel())
    running = np.cumsum(ordered)
    reached = running >= running[-1] * 0.01 * percentile
    return ordered[np.argmax(reached)] if reached.any() else None


def captum_scale(attributions, sign, outlier_perc):
    """The scale captum's _normalize_attr divides by, as a positive number (None: captum fails).

    For each sign captum keeps the values of that sign (zeros elsewhere), as magnitudes.
    """
    kept = {
        "all": np.abs(attributions),
        "positive": (attributions > 0) * attributions,
        "negative": np.abs((attributions < 0) * attributions),
        "absolute": np.abs(attributions),
    }[sign]
    return captum_threshold(kept, 100.0 - outlier_perc)


def captum_values(attributions, sign, scale):
    """captum's normalised attributions, mapped to [0, 1] as its vmin/vmax do."""
    if sign == "all":
        return (np.clip(attributions / scale, -1, 1) + 1) / 2
    if sign == "positive":
        return np.clip(attributions / scale, 0, 1)
    if sign == "negative":
        return np.clip(-attributions / scale, 0, 1)
    return np.clip(np.abs(attributions) / scale, 0, 1)


# ------------------------------------------------------------ known answers

ATTRIBUTIONS = np.array([-8.0, -2.0, -1.0, 0.0, 1.0, 2.0, 9.0])


@pytest.mark.parametrize(
    ("sign", "outlier_perc", "scale", "expected"),
    [
        # |x|: 1, 1, 2, 2, 8, 9 (total 23); the running sum first reaches 60 % (13.8) at 8.
        ("all", 40, 8.0, [0.0, 0.375, 0.4375, 0.5, 0.5625, 0.625, 1.0]),
        # x > 0: 1, 2, 9 (total 12); 20 % of it is 2.4, reached at 2.
        ("positive", 80, 2.0, [0.0, 0.0, 0.0, 0.0, 0.5, 1.0, 1.0]),
        # -x for x < 0: 1, 2, 8 (total 11); 50 % is 5.5, reached at 8.
        ("negative", 50, 8.0, [1.0, 0.25, 0.125, 0.0, 0.0, 0.0, 0.0]),
        ("absolute", 40, 8.0, [1.0, 0.25, 0.125, 0.0, 0.125, 0.25, 1.0]),
    ],
)
def test_outlier_perc_known_answers(sign, outlier_perc, scale, expected):
    fit = Normalization("signed", sign=sign, outlier_perc=outlier_perc).fit(ATTRIBUTIONS)
    assert fit.high == scale
    assert fit.high == abs(captum_scale(ATTRIBUTIONS, sign, outlier_perc))
    np.testing.assert_array_equal(fit(ATTRIBUTIONS), expected)
    np.testing.assert_array_equal(captum_values(ATTRIBUTIONS, sign, scale), expected)


def test_outlier_perc_is_not_a_percentile():
    # Magnitudes 0, 1, 1, 2, 2, 8, 9: the 60th percentile is 2; captum's rule gives 8.
    by_percentile = Normalization("signed", percentiles=(0, 60)).fit(ATTRIBUTIONS)
    by_outlier_rule = Normalization("signed", outlier_perc=40).fit(ATTRIBUTIONS)
    assert (by_percentile.high, by_outlier_rule.high) == (2.0, 8.0)


@pytest.mark.parametrize(("dtype", "scale"), [(np.float64, 7.0), (np.float32, 5.0)])
def test_outlier_perc_follows_captums_arithmetic_in_the_maps_float_type(dtype, scale):
    # Sorted 2, 5, 7: running sums 2, 7, 14; the target is 50 % of 14, computed as
    # 14 * 0.01 * 50: 7.000000000000001 in float64 (so 7 is reached only at 14), 7 in float32.
    attributions = np.array([2.0, 7.0, 5.0], dtype)
    assert captum_scale(attributions, "absolute", 50) == scale
    assert Normalization("signed", sign="absolute", outlier_perc=50).fit(attributions).high == scale


def test_outlier_perc_ends():
    # 0: the largest magnitude (captum's target can round above the total); 100: the smallest
    # non-zero one (captum would take a zero and fail dividing by it).
    attributions = np.array([0.0, 3.0, -1.0, 0.5, 2.0])
    assert Normalization("signed", outlier_perc=0).fit(attributions).high == 3.0
    assert Normalization("signed", outlier_perc=100).fit(attributions).high == 0.5


def test_outlier_perc_without_magnitudes_or_with_non_finite_scores():
    np.testing.assert_array_equal(
        Normalization("signed", sign="positive", outlier_perc=2)([-1.0, -2.0, 0.0]),
        [0.0, 0.0, 0.0],
    )
    with_bad = np.append(ATTRIBUTIONS, [np.nan, np.inf, -np.inf])
    fit = Normalization("signed", outlier_perc=40).fit(with_bad)
    assert fit.high == 8.0  # NaN and infinities never enter the statistics
    np.testing.assert_array_equal(fit(with_bad)[-3:], [np.nan, 1.0, 0.0])


def test_outlier_perc_when_the_total_overflows():
    big = np.finfo(np.float64).max
    attributions = np.array([big, big, big / 4, 1.0])
    # Total 2.25 big: 50 % of it is first reached at the first big (1.25 big).
    assert Normalization("signed", outlier_perc=50).fit(attributions).high == big


# --------------------------------------------------------------- properties

attribution_maps = st.sampled_from([np.float32, np.float64]).flatmap(
    lambda dtype: shapes_2d(8).flatmap(
        lambda shape: hnp.arrays(
            dtype,
            shape,
            elements=st.one_of(
                st.sampled_from([0.0, 1.0, -1.0, 2.0, 0.5, -3.0]),
                st.floats(-1e3, 1e3, width=32, allow_subnormal=False),
            ),
        )
    )
)


@given(
    attributions=attribution_maps,
    sign=st.sampled_from(SIGNS),
    outlier_perc=st.one_of(st.sampled_from([0, 2, 10, 50, 99]), st.floats(0, 99.9)),
)
def test_outlier_perc_is_captums_scale(attributions, sign, outlier_perc):
    expected = captum_scale(attributions, sign, outlier_perc)
    assume(expected is not None and expected != 0)  # where captum fails, it has no answer
    fit = Normalization("signed", sign=sign, outlier_perc=outlier_perc).fit(attributions)
    assert fit.high == abs(float(expected))
    np.testing.assert_allclose(
        fit(attributions), captum_values(attributions, sign, abs(expected)), rtol=1e-6, atol=1e-7
    )


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        (
            {"kind": "minmax", "outlier_perc": 2},
            ValueError,
            r"outlier_perc goes with kind='signed' only; got kind='minmax', outlier_perc=2",
        ),
        (
            {"kind": "signed", "outlier_perc": 2, "percentiles": (0, 98)},
            ValueError,
            r"outlier_perc and percentiles are two ways to choose the signed scale",
        ),
        (
            {"kind": "signed", "outlier_perc": 101},
            ValueError,
            r"outlier_perc must lie in \[0, 100\], got 101.0",
        ),
        (
            {"kind": "signed", "outlier_perc": -1},
            ValueError,
            r"outlier_perc must lie in \[0, 100\], got -1.0",
        ),
        (
            {"kind": "signed", "outlier_perc": float("nan")},
            ValueError,
            r"outlier_perc must be a number, got NaN",
        ),
        (
            {"kind": "signed", "outlier_perc": "2"},
            TypeError,
            r"outlier_perc must be a real number, got '2'",
        ),
        (
            {"kind": "signed", "outlier_perc": True},
            TypeError,
            r"outlier_perc must be a real number, got True",
        ),
    ],
)
def test_bad_outlier_perc(options, error, message):
    with pytest.raises(error, match=message):
        Normalization(**options)


def test_outlier_perc_is_kept_as_a_float():
    assert Normalization("signed", outlier_perc=np.int64(2)).outlier_perc == 2.0
    assert type(Normalization("signed", outlier_perc=np.int64(2)).outlier_perc) is float


def test_outlier_perc_reaches_the_overlay_the_rgba_heatmap_and_the_figure():
    import matplotlib.pyplot as plt

    from anomaly_viz import comparison_figure, heatmap_rgba, overlay

    scores = np.array([[-8.0, -2.0, -1.0, 1.0, 2.0, 9.0]])
    image = np.full((1, 6, 3), 100, np.uint8)
    values = Normalization("signed", outlier_perc=40)(scores)
    np.testing.assert_array_equal(
        values, [[0.0, 0.375, 0.4375, 0.5625, 0.625, 1.0]]
    )  # scale 8: 1 + 1 + 2 + 2 + 8 = 14 is the first running sum to reach 60 % of 23
    options = {"normalization": Normalization("signed", outlier_perc=40), "colormap": "gray"}
    rgba = heatmap_rgba(scores, **options)
    np.testing.assert_array_equal(rgba[0, :, 3], np.rint(values[0] * 255))
    grey = overlay(image, scores, "gray", alpha=1.0, **options)
    np.testing.assert_array_equal(grey[0, :, 0], np.rint(values[0] * 255))
    figure = comparison_figure(image, scores, **options)
    assert [float(limit) for limit in figure.axes[-1].get_ylim()] == [-8.0, 8.0]
    plt.close(figure)
