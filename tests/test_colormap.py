"""Lookup tables, matplotlib's rule and the stored OpenCV JET table."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from matplotlib import colormaps
from matplotlib.colors import ListedColormap

from anomaly_viz import apply_colormap, lookup_table
from anomaly_viz.colormap import _sample, get_colormap, opencv_jet
from anomaly_viz.post_process import anomaly_map_to_color_map

NAMES = ["jet", "viridis", "gray", "turbo", "tab10", "coolwarm", "opencv_jet"]


def test_opencv_jet_entries_written_out():
    # A few rows of cv2.applyColorMap(np.arange(256, dtype=uint8), COLORMAP_JET),
    # converted from BGR to RGB, printed by opencv-python-headless 4.14.0.
    table = lookup_table("opencv_jet")
    expected = {
        0: (0, 0, 128),
        1: (0, 0, 132),
        31: (0, 0, 252),
        32: (0, 0, 255),
        96: (2, 255, 254),
        128: (130, 255, 126),
        160: (255, 252, 0),
        224: (252, 0, 0),
        255: (128, 0, 0),
    }
    for index, rgb in expected.items():
        assert tuple(table[index]) == rgb, index


def test_opencv_jet_table_is_the_stored_data():
    from importlib import resources

    text = resources.files("anomaly_viz").joinpath("opencv_jet.txt").read_text()
    stored = np.loadtxt(text.splitlines(), dtype=np.uint8)
    assert stored.shape == (256, 3)
    np.testing.assert_array_equal(lookup_table("opencv_jet")[:256], stored)
    cmap = opencv_jet()
    assert isinstance(cmap, ListedColormap)
    assert cmap.name == "opencv_jet" and cmap.N == 256
    np.testing.assert_array_equal(cmap(np.arange(256), bytes=True)[:, :3], stored)
    # the table read without matplotlib is the one sampled through it, bad colour included
    np.testing.assert_array_equal(lookup_table("opencv_jet"), _sample(cmap))


def test_opencv_jet_differs_from_matplotlib_jet():
    assert not np.array_equal(lookup_table("opencv_jet"), lookup_table("jet"))


def test_opencv_jet_matches_anomalib_up_to_one_step():
    # anomalib indexes floor(v * 255), this package floor(v * 256).
    values = np.linspace(0, 1, 1001)
    ours = apply_colormap(values, "opencv_jet").astype(int)
    anomalib_index = (values * 255).astype(np.uint8)
    theirs = lookup_table("opencv_jet")[anomalib_index].astype(int)
    ours_index = np.minimum((values * 256).astype(int), 255)
    assert np.all(np.abs(ours_index - anomalib_index) <= 1)
    step = np.abs(np.diff(lookup_table("opencv_jet")[:256].astype(int), axis=0)).max()
    assert np.abs(ours - theirs).max() <= step


@pytest.mark.parametrize("name", NAMES)
def test_lookup_table_is_matplotlib_bytes(name):
    cmap = get_colormap(name)
    table = lookup_table(name)
    assert table.shape == (cmap.N + 1, 3) and table.dtype == np.uint8
    np.testing.assert_array_equal(table[:-1], cmap(np.arange(cmap.N), bytes=True)[:, :3])
    np.testing.assert_array_equal(table[-1], cmap(np.nan, bytes=True)[:3])


def test_named_tables_are_cached_and_read_only():
    assert lookup_table("viridis") is lookup_table("viridis")
    with pytest.raises(ValueError):
        lookup_table("viridis")[0, 0] = 1


def test_colormap_object_with_custom_bad_colour():
    cmap = colormaps["viridis"].with_extremes(bad=(1.0, 0.0, 1.0))
    np.testing.assert_array_equal(lookup_table(cmap)[-1], [255, 0, 255])
    colours = anomaly_map_to_color_map([[0.0, np.nan, 1.0]], colormap=cmap)
    np.testing.assert_array_equal(colours[0, 1], [255, 0, 255])


def test_floor_rule_at_the_table_steps():
    # v picks entry min(floor(v * N), N - 1): 1/256 is the first value of entry 1.
    values = np.array([0.0, 1 / 256 - 1e-9, 1 / 256, 0.5, 255 / 256 - 1e-9, 255 / 256, 1.0])
    greys = apply_colormap(values, "gray")[:, 0]
    np.testing.assert_array_equal(greys, [0, 0, 1, 128, 254, 255, 255])


@given(
    values=hnp.arrays(
        np.float64,
        hnp.array_shapes(min_dims=1, max_dims=3, max_side=6),
        elements=st.one_of(st.floats(0, 1), st.just(np.nan)),
    ),
    name=st.sampled_from(NAMES),
)
def test_apply_colormap_equals_matplotlib(values, name):
    expected = get_colormap(name)(values, bytes=True)[..., :3]
    result = apply_colormap(values, name)
    assert result.dtype == np.uint8 and result.shape == (*values.shape, 3)
    np.testing.assert_array_equal(result, expected)


@given(values=hnp.arrays(np.float32, st.integers(2, 50), elements=st.floats(0, 1, width=32)))
def test_higher_value_never_takes_a_lower_entry(values):
    ordered = np.sort(values)
    greys = apply_colormap(ordered, "gray")[:, 0].astype(int)  # grey level == entry index
    assert np.all(np.diff(greys) >= 0)


def test_values_outside_unit_interval_clip():
    np.testing.assert_array_equal(
        apply_colormap([-5.0, 7.0, -np.inf, np.inf], "gray")[:, 0], [0, 255, 0, 255]
    )
