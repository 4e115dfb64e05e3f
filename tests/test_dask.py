"""The same calls on Dask arrays: lazy, and the same bytes as NumPy for any chunking."""

import itertools
import subprocess
import sys

import dask.array as da
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from strategies import shapes_2d

import anomaly_viz as av
from anomaly_viz.post_process import anomaly_map_to_color_map, superimpose_anomaly_map

SCORES = st.one_of(
    st.floats(-2, 2, width=32), st.sampled_from([np.nan, np.inf, -np.inf, 0.0, 0.5, 1.0])
)


@st.composite
def chunked(draw, array):
    """`array` as a Dask array of uneven chunks (the last axis of an image whole)."""
    chunks = []
    for axis, size in enumerate(array.shape):
        if axis == 2:
            chunks.append((size,))
            continue
        cuts = sorted(draw(st.sets(st.integers(1, size - 1), max_size=3))) if size > 1 else []
        edges = [0, *cuts, size]
        chunks.append(tuple(b - a for a, b in itertools.pairwise(edges)))
    return da.from_array(array, chunks=tuple(chunks))


@st.composite
def score_maps(draw, max_side=12):
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    return draw(hnp.arrays(dtype, draw(shapes_2d(max_side)), elements=SCORES))


NORMALIZATIONS = st.sampled_from(
    [
        "minmax",
        "percentile",
        "sigmoid",
        "signed",
        "clip",
        av.Normalization("range", low=-1.0, high=1.5),
        av.Normalization("threshold", threshold=0.5),
        av.Normalization("signed", sign="negative"),
    ]
)


def same(lazy, expected):
    assert isinstance(lazy, da.Array)
    np.testing.assert_array_equal(lazy.compute(), expected, strict=True)


# ------------------------------------------------------------ properties


@given(
    data=st.data(),
    normalize=st.booleans(),
    fixed=st.booleans(),
    colormap=st.sampled_from(["jet", "gray", "opencv_jet"]),
)
def test_heatmap_colours(data, normalize, fixed, colormap):
    scores = data.draw(score_maps())
    options = {
        "colormap": colormap,
        "vmin": -0.5 if fixed else None,
        "vmax": 1.0 if fixed else None,
    }
    lazy = anomaly_map_to_color_map(data.draw(chunked(scores)), normalize, **options)
    same(lazy, anomaly_map_to_color_map(scores, normalize, **options))


@given(
    data=st.data(),
    mode=st.sampled_from(["blend", "alpha", "gray", "multiply"]),
    normalization=NORMALIZATIONS,
    threshold=st.sampled_from([None, 0.0, 0.5]),
    channels=st.sampled_from([None, 3, 4]),
)
def test_overlay_of_a_map_of_any_size(data, mode, normalization, threshold, channels):
    scores = data.draw(score_maps(8))
    shape = data.draw(shapes_2d(14))
    full = shape if channels is None else (*shape, channels)
    image = data.draw(hnp.arrays(np.uint8, full))
    lazy_image = data.draw(chunked(image))
    lazy_map = data.draw(chunked(scores))
    options = {"normalization": normalization, "threshold": threshold}
    expected = av.overlay(image, scores, mode, **options)
    same(av.overlay(lazy_image, lazy_map, mode, **options), expected)
    same(av.overlay(lazy_image, scores, mode, **options), expected)  # a NumPy map too


@given(data=st.data(), alpha=st.sampled_from([0.0, 0.4, 1.0]))
def test_superimpose_with_a_float_image(data, alpha):
    scores = data.draw(score_maps(6))
    image = data.draw(
        hnp.arrays(np.float32, (*data.draw(shapes_2d(10)), 3), elements=st.floats(0, 1, width=32))
    )
    lazy = superimpose_anomaly_map(data.draw(chunked(scores)), data.draw(chunked(image)), alpha)
    same(lazy, superimpose_anomaly_map(scores, image, alpha))


@given(
    data=st.data(),
    kernel_size=st.integers(0, 5),
    cleaning=st.sampled_from(["open_close", "anomalib"]),
    threshold=st.sampled_from([0.0, 0.5, "otsu"]),
)
def test_mask_across_chunk_faces(data, kernel_size, cleaning, threshold):
    scores = data.draw(score_maps(16))
    if threshold == "otsu" and not np.isfinite(scores).any():
        return
    lazy = av.compute_mask(data.draw(chunked(scores)), threshold, kernel_size, cleaning=cleaning)
    same(lazy, av.compute_mask(scores, threshold, kernel_size, cleaning=cleaning))


def test_a_large_map_over_an_image_in_many_chunks():
    rng = np.random.default_rng(5)
    scores = rng.random((50, 70)).astype(np.float32)
    image = rng.integers(0, 256, (301, 417, 3), np.uint8)
    lazy = av.overlay(da.from_array(image, chunks=(64, 100, 3)), da.from_array(scores, chunks=17))
    same(lazy, av.overlay(image, scores))


def test_results_are_lazy_until_computed():
    calls = []

    def count(block):
        if block.size:
            calls.append(1)
        return block

    scores = da.from_array(np.eye(6), chunks=3).map_blocks(count, dtype=np.float64)
    heatmap = anomaly_map_to_color_map(scores, vmin=0.0, vmax=1.0)  # a fixed scale: no statistic
    assert calls == [] and heatmap.shape == (6, 6, 3)
    heatmap.compute()
    assert calls


def test_a_distributed_cluster_gives_the_same_bytes():
    from distributed import Client, LocalCluster

    rng = np.random.default_rng(1)
    scores, image = rng.random((9, 11)), rng.integers(0, 256, (30, 40, 3), np.uint8)
    with LocalCluster(n_workers=2, processes=False, dashboard_address=None) as cluster:
        with Client(cluster):
            lazy = av.overlay(da.from_array(image, chunks=(8, 16, 3)), da.from_array(scores, 4))
            same(lazy, av.overlay(image, scores))
            mask = av.compute_mask(da.from_array(scores, 4), "otsu", 2)
            same(mask, av.compute_mask(scores, "otsu", 2))


# ------------------------------------------------------------ what is refused


@pytest.mark.parametrize(
    "options",
    [{"low_threshold": 0.2}, {"cleaning": "reconstruction"}, {"min_area": 3}],
)
def test_non_local_cleanings_are_refused_with_the_way_out(options):
    with pytest.raises(NotImplementedError, match=r"not local\); compute the map first"):
        av.compute_mask(da.zeros((4, 4)), 0.5, **options)


def test_a_batch_on_dask_is_refused():
    with pytest.raises(ValueError, match=r"anomaly_map must be one 2-D map \(H, W\) on a Dask"):
        anomaly_map_to_color_map(da.zeros((2, 4, 4)))


def test_numpy_input_never_imports_dask():
    code = (
        "import sys, numpy as np, anomaly_viz as av\n"
        "av.overlay(np.zeros((4, 4), np.uint8), np.eye(2))\n"
        "av.compute_mask(np.eye(4), 0.5)\n"
        "assert 'dask' not in sys.modules, sorted(m for m in sys.modules if 'dask' in m)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
