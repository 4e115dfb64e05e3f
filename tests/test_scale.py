"""One colour scale for a data set: fit_scale and read_scale."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import any_dtype_maps, score_maps

from anomaly_viz import Normalization
from anomaly_viz.io import FileProblem
from anomaly_viz.scale import fit_scale, read_scale

streams = st.lists(st.one_of(any_dtype_maps(6), score_maps(finite=False)), min_size=1, max_size=4)
percentile_pairs = st.tuples(st.floats(0, 100), st.floats(0, 100)).filter(lambda p: p[0] < p[1])


def together(maps):
    return np.concatenate([np.ravel(item) for item in maps])


# ------------------------------------------------------------ known answers


def test_threshold_scale_is_anomalibs_normalisation_over_the_data_set():
    maps = [np.array([[1.0, 2.0]]), np.array([[0.0, 4.0], [np.nan, 3.0]])]
    spec = fit_scale(maps, threshold=2.5)
    assert spec == Normalization("threshold", low=0.0, high=4.0, threshold=2.5)
    expected = np.clip((maps[0] - 2.5) / (4.0 - 0.0) + 0.5, 0, 1)
    np.testing.assert_array_equal(spec(maps[0]), expected)


def test_without_options_the_scale_is_the_data_sets_minimum_and_maximum():
    maps = [np.array([3.0, -1.0]), np.array([np.inf, 7.0])]
    assert fit_scale(iter(maps)) == Normalization("minmax", low=-1.0, high=7.0)


def test_percentiles_of_a_known_data_set():
    maps = [np.arange(0.0, 50.0), np.arange(50.0, 101.0)]
    spec = fit_scale(maps, percentiles=(10, 95))
    assert (spec.kind, spec.low, spec.high) == ("percentile", 10.0, 95.0)
    assert spec.percentiles == (10, 95)


def test_maps_may_be_given_as_a_function_read_three_times():
    calls = []

    def read():
        calls.append(1)
        return (np.full((2, 2), value) for value in (0.0, 1.0, 2.0, 3.0))

    assert fit_scale(read, percentiles=(0, 50)).high == 1.5
    assert len(calls) == 3


def test_no_finite_score_gives_one_colour():
    spec = fit_scale([np.array([np.nan, np.inf])], percentiles=(1, 99))
    assert (spec.low, spec.high) == (0.0, 0.0)


def test_a_pile_of_equal_scores_is_kept_as_one_value():
    maps = [np.zeros((200, 200)), np.linspace(0, 1, 11)]
    spec = fit_scale(maps, percentiles=(50, 100), bins=4)
    assert (spec.low, spec.high) == (0.0, 1.0)


# ------------------------------------------------------------ properties


@given(maps=streams, percentiles=percentile_pairs, bins=st.sampled_from([1, 2, 3, 7, 65536]))
def test_percentiles_equal_those_of_all_the_scores_together(maps, percentiles, bins):
    expected = Normalization("percentile", percentiles=percentiles).fit(together(maps))
    assert fit_scale(maps, percentiles=percentiles, bins=bins) == expected


@given(maps=streams, threshold=st.floats(-1e6, 1e6))
def test_threshold_scale_equals_the_fit_on_all_the_scores_together(maps, threshold):
    expected = Normalization("threshold", threshold=threshold).fit(together(maps))
    assert fit_scale(maps, threshold=threshold) == expected


# ------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("maps", "options", "error", "message"),
    [
        ([[1.0]], {"threshold": 1.0, "percentiles": (1, 99)}, ValueError, "not both"),
        (iter([[1.0]]), {"percentiles": (1, 99)}, TypeError, "got an iterator"),
        ([[1.0]], {"percentiles": (99, 1)}, ValueError, "percentiles"),
        ([[1.0]], {"threshold": float("nan")}, ValueError, "threshold must be"),
        ([[1.0]], {"percentiles": (1, 99), "bins": 0}, ValueError, "bins must be"),
        ([], {"percentiles": (1, 99)}, ValueError, "maps must hold at least one map"),
        ([], {}, ValueError, "maps must hold at least one map"),
        ([[1.0], []], {"percentiles": (1, 99)}, ValueError, r"maps\[1\] must not be empty"),
        ([["a"]], {"percentiles": (1, 99)}, TypeError, r"maps\[0\]"),
    ],
)
def test_bad_input(maps, options, error, message):
    with pytest.raises(error, match=message):
        fit_scale(maps, **options)


def test_read_scale_round_trip(tmp_path):
    spec = fit_scale([np.array([0.0, 2.0])], threshold=1.0)
    path = tmp_path / "scale.json"
    path.write_text(spec.to_json())
    assert read_scale(path) == spec


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "is not a saved scale: text is not JSON"),
        ('{"type": "other", "version": 1}', "is not a saved scale: not a normalization"),
    ],
)
def test_read_scale_names_the_file(tmp_path, text, message):
    path = tmp_path / "scale.json"
    path.write_text(text)
    with pytest.raises(FileProblem, match=f"scale.json.*{message}"):
        read_scale(path)


def test_read_scale_of_a_missing_file(tmp_path):
    with pytest.raises(FileProblem, match=r"missing\.json"):
        read_scale(tmp_path / "missing.json")
