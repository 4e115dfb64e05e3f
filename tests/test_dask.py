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


def same_regions(got, expected):
    """Region lists equal field by field, NaN scores included (repr shows every digit)."""
    assert repr(got) == repr(expected)


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
    cleaning=st.sampled_from(["open_close", "anomalib", "reconstruction"]),
    threshold=st.sampled_from([0.0, 0.5, "otsu"]),
    low_threshold=st.sampled_from([None, -0.5, 0.25]),
    connectivity=st.sampled_from([4, 8]),
    min_area=st.integers(0, 4),
)
def test_mask_across_chunk_faces(
    data, kernel_size, cleaning, threshold, low_threshold, connectivity, min_area
):
    scores = data.draw(score_maps(16))
    if threshold == "otsu" and not np.isfinite(scores).any():
        return
    if low_threshold is not None and threshold != "otsu" and low_threshold > threshold:
        return
    options = {
        "cleaning": cleaning,
        "low_threshold": low_threshold,
        "connectivity": connectivity,
        "min_area": min_area,
    }
    lazy = av.compute_mask(data.draw(chunked(scores)), threshold, kernel_size, **options)
    same(lazy, av.compute_mask(scores, threshold, kernel_size, **options))


@given(
    data=st.data(),
    connectivity=st.sampled_from([4, 8]),
    min_area=st.integers(0, 3),
    density=st.sampled_from([0.2, 0.5, 0.8]),
)
def test_regions_across_chunk_faces(data, connectivity, min_area, density):
    scores = data.draw(score_maps(16))
    mask = data.draw(hnp.arrays(np.float64, scores.shape, elements=st.floats(0, 1))) < density
    lazy_scores = data.draw(chunked(scores))
    lazy_mask = da.from_array(mask, chunks=data.draw(chunked(mask)).chunks)
    options = {"connectivity": connectivity, "min_area": min_area}
    expected = av.measure_regions(scores, mask, **options)
    same_regions(av.measure_regions(lazy_scores, lazy_mask, **options), expected)
    same_regions(av.measure_regions(lazy_scores, mask, **options), expected)  # a NumPy mask too


def test_a_region_joined_only_through_a_chunk_corner():
    mask = np.zeros((4, 4), bool)
    mask[1, 1] = mask[2, 2] = True  # diagonal neighbours in four different chunks
    scores = np.arange(16.0).reshape(4, 4)
    for connectivity, areas in [(8, [2]), (4, [1, 1])]:
        regions = av.measure_regions(
            da.from_array(scores, chunks=2), da.from_array(mask, chunks=2),
            connectivity=connectivity,
        )  # fmt: skip
        assert [region.area for region in regions] == areas
        assert regions == av.measure_regions(scores, mask, connectivity=connectivity)


def test_hysteresis_grows_a_region_through_many_chunks():
    scores = np.full((3, 40), 0.3)
    scores[1, 0] = 0.9  # one seed at the left end of a band of 0.3s
    lazy = av.compute_mask(da.from_array(scores, chunks=(1, 3)), 0.5, 0, low_threshold=0.2)
    assert lazy.compute().min() == 255
    same(lazy, av.compute_mask(scores, 0.5, 0, low_threshold=0.2))


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
    with LocalCluster(n_workers=2, processes=False, dashboard_address=":0") as cluster:
        with Client(cluster):
            lazy = av.overlay(da.from_array(image, chunks=(8, 16, 3)), da.from_array(scores, 4))
            same(lazy, av.overlay(image, scores))
            mask = av.compute_mask(da.from_array(scores, 4), "otsu", 2, low_threshold=0.3)
            same(mask, av.compute_mask(scores, "otsu", 2, low_threshold=0.3))
            regions = av.measure_regions(da.from_array(scores, 4), mask)
            assert regions == av.measure_regions(scores, mask.compute())


# ------------------------------------------------------------ what is refused


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


def test_regions_of_a_mask_of_another_size_are_refused():
    with pytest.raises(ValueError, match=r"mask and anomaly_map must have the same height"):
        av.measure_regions(da.zeros((4, 4)), da.zeros((4, 5), bool))


@pytest.mark.parametrize("mode", ["blend", "alpha"])
def test_blocks_give_the_reference_bytes_with_the_engine_off(monkeypatch, mode):
    rng = np.random.default_rng(8)
    scores, image = rng.random((7, 9)), rng.integers(0, 256, (40, 50, 3), np.uint8)
    expected = av.overlay(image, scores, mode)  # the engine's bytes
    monkeypatch.setattr("anomaly_viz._engine.ENABLED", False)
    reference = av.overlay(image, scores, mode)
    lazy = av.overlay(da.from_array(image, chunks=(16, 20, 3)), scores, mode)
    same(lazy, reference)
    np.testing.assert_array_equal(reference, expected)


# ------------------------------------------------- the mask functions one by one

from anomaly_viz import morphology, regions, thresholds  # noqa: E402


@given(data=st.data(), level=st.sampled_from([-0.5, 0.0, 0.5]), nbins=st.sampled_from([2, 256]))
def test_thresholds_of_any_shape(data, level, nbins):
    scores = data.draw(score_maps(12))
    lazy = data.draw(chunked(scores))
    same(thresholds.threshold_mask(lazy, level), thresholds.threshold_mask(scores, level))
    if np.isfinite(scores).any():
        otsu = thresholds.threshold_otsu(lazy, nbins)
        assert otsu == thresholds.threshold_otsu(scores, nbins)
        assert type(otsu) is float


@given(data=st.data(), low=st.sampled_from([-0.5, 0.25]), connectivity=st.sampled_from([4, 8]))
def test_hysteresis_across_chunks(data, low, connectivity):
    scores = data.draw(score_maps(16))
    lazy = data.draw(chunked(scores))
    options = {"low": low, "high": 0.5, "connectivity": connectivity}
    same(thresholds.apply_hysteresis_threshold(lazy, **options),
         thresholds.apply_hysteresis_threshold(scores, **options))  # fmt: skip


@given(
    data=st.data(),
    size=st.integers(0, 5),
    connectivity=st.sampled_from([4, 8]),
    dtype=st.sampled_from([bool, np.uint8, np.float32]),
)
def test_cleanings_of_a_mask_across_chunks(data, size, connectivity, dtype):
    mask = (data.draw(score_maps(16)) > 0.3).astype(dtype)
    lazy = data.draw(chunked(mask))
    same(morphology.open_close(lazy, size), morphology.open_close(mask, size))
    same(morphology.open_disk(lazy, size), morphology.open_disk(mask, size))
    same(morphology.open_by_reconstruction(lazy, size, connectivity=connectivity),
         morphology.open_by_reconstruction(mask, size, connectivity=connectivity))  # fmt: skip
    same(regions.remove_small_objects(lazy, size, connectivity=connectivity),
         regions.remove_small_objects(mask, size, connectivity=connectivity))  # fmt: skip


def test_a_mask_function_names_a_bad_dask_mask():
    with pytest.raises(ValueError, match=r"mask must be one 2-D map \(H, W\) on a Dask array"):
        morphology.open_close(da.zeros((2, 3, 4), bool), 2)
