"""The engine gives the reference's bytes on every public path.

Each test calls a public function twice, with the engine
(``anomaly_viz._engine.ENABLED``, the default) and without it (the plain
reference code of each stage), with blocks of rows and blend chunks made
small so that every block, chunk and table boundary is crossed, and
compares the results byte for byte.
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from strategies import shapes_2d

import anomaly_viz as av
from anomaly_viz import _engine
from anomaly_viz._engine import blend as engine_blend
from anomaly_viz._engine import blocks
from anomaly_viz.post_process import anomaly_map_to_color_map, superimpose_anomaly_map

ODD_VALUES = [np.nan, np.inf, -np.inf, 0.0, 1.0, 0.5, 1 / 256, 255 / 256]


def odd_values(dtype):
    """NaN, infinities, table boundaries, and the smallest and largest numbers of `dtype`."""
    info = np.finfo(dtype)
    return [dtype(value) for value in ODD_VALUES] + [info.tiny, -info.max, info.max]


def both(function, *args, **kwargs):
    """``function(*args, **kwargs)`` with the engine and with the reference, as a pair."""
    original = _engine.ENABLED
    try:
        _engine.ENABLED = True
        fast = function(*args, **kwargs)
        _engine.ENABLED = False
        plain = function(*args, **kwargs)
    finally:
        _engine.ENABLED = original
    return fast, plain


def assert_same(function, *args, **kwargs):
    fast, plain = both(function, *args, **kwargs)
    assert fast.dtype == plain.dtype and fast.shape == plain.shape
    np.testing.assert_array_equal(fast, plain)


@pytest.fixture(autouse=True)
def small_blocks(monkeypatch):
    monkeypatch.setattr(blocks, "BLOCK_PIXELS", 23)
    monkeypatch.setattr(engine_blend, "_CHUNK", 41)


@st.composite
def maps(draw, max_side=9, odd=True):
    dtype = draw(st.sampled_from([np.float32, np.float64, np.uint8, np.int16]))
    shape = draw(shapes_2d(max_side))
    if np.dtype(dtype).kind == "f":
        elements = st.floats(-10, 10, width=32)
        if odd:
            elements = st.one_of(elements, st.sampled_from(odd_values(dtype)))
        return draw(hnp.arrays(dtype, shape, elements=elements))
    return draw(hnp.arrays(dtype, shape))


@st.composite
def images(draw, shape):
    dtype = draw(st.sampled_from([np.uint8, np.uint16, np.float32, np.float64]))
    channels = draw(st.sampled_from([None, 1, 3, 4]))
    full = shape if channels is None else (*shape, channels)
    if dtype in (np.float32, np.float64):
        return draw(hnp.arrays(dtype, full, elements=st.floats(0, 1, width=32)))
    return draw(hnp.arrays(dtype, full))


normalizations = st.sampled_from(
    [
        av.Normalization(),
        av.Normalization("clip"),
        av.Normalization("percentile", percentiles=(5, 90)),
        av.Normalization("sigmoid"),
        av.Normalization("signed"),
        av.Normalization("signed", sign="negative"),
        av.Normalization("signed", outlier_perc=20),
        av.Normalization("range", low=-1.0, high=3.0),
        av.Normalization("threshold", threshold=0.5),
        av.Normalization("threshold", low=-1.0, high=3.0, threshold=0.25),
    ]
)


@given(
    scores=maps(),
    normalization=normalizations,
    colormap=st.sampled_from(["jet", "gray", "tab10"]),
)
def test_heatmap(scores, normalization, colormap):
    fixed = normalization.kind == "range"
    vmin, vmax = (normalization.low, normalization.high) if fixed else (None, None)
    normalize = normalization.kind != "clip"
    assert_same(
        anomaly_map_to_color_map, scores, normalize, colormap=colormap, vmin=vmin, vmax=vmax
    )
    rgba_options = {"size": (7, 11), "colormap": colormap, "normalization": normalization}
    assert_same(av.heatmap_rgba, scores, **rgba_options)


@given(
    data=st.data(),
    mode=st.sampled_from(["blend", "alpha", "gray", "multiply"]),
    alpha=st.sampled_from([None, 0.0, 0.3, 0.4, 0.5, 1.0]),
    gamma=st.sampled_from([0.0, 10.0, -20.5]),
    normalization=normalizations,
    threshold=st.sampled_from([None, 0.0, 2.5]),
)
def test_overlay(data, mode, alpha, gamma, normalization, threshold):
    scores = data.draw(maps())
    shape = data.draw(st.sampled_from([scores.shape, (13, 6), (5, 17), (1, 1)]))
    image = data.draw(images(shape))
    assert_same(
        av.overlay,
        image,
        scores,
        mode,
        alpha=alpha,
        gamma=gamma,
        threshold=threshold,
        normalization=normalization,
    )


@given(data=st.data(), alpha=st.floats(0, 1), gamma=st.floats(-300, 300))
def test_superimpose_and_blend(data, alpha, gamma):
    scores = data.draw(maps(odd=False))
    image = data.draw(images(data.draw(shapes_2d(12))))
    assert_same(superimpose_anomaly_map, scores, image, alpha, gamma, True)
    heat = data.draw(images(image.shape[:2]))
    assert_same(av.blend, heat, image, alpha, gamma)


@given(values=hnp.arrays(np.float64, shapes_2d(8), elements=st.sampled_from(ODD_VALUES)))
def test_apply_colormap(values):
    assert_same(av.apply_colormap, values, "viridis")


@given(scores=maps(), shape=shapes_2d(19))
def test_resize(scores, shape):
    assert_same(av.resize_bilinear, scores, shape)


masks = shapes_2d(14).flatmap(lambda shape: hnp.arrays(np.bool_, shape))


@given(mask=masks, k=st.integers(0, 30), connectivity=st.sampled_from([4, 8]))
def test_morphology(mask, k, connectivity):
    assert_same(av.open_close, mask, k)
    assert_same(av.open_by_reconstruction, mask, k, connectivity=connectivity)


@given(
    scores=maps(odd=False),
    threshold=st.sampled_from([0.5, "otsu"]),
    k=st.integers(0, 6),
    cleaning=st.sampled_from(["open_close", "anomalib", "reconstruction"]),
)
def test_compute_mask(scores, threshold, k, cleaning):
    assert_same(av.compute_mask, scores, threshold, k, cleaning=cleaning)


def test_the_switch_changes_the_code_path(monkeypatch):
    import sys

    calls = []
    blend_module = sys.modules["anomaly_viz.blending"]
    monkeypatch.setattr(blend_module, "weighted_sum_into", lambda *a: calls.append(a) or a[0])
    image = np.zeros((2, 2, 3), np.uint8)
    both(av.blend, image, image)
    assert len(calls) > 0  # the engine ran once; the reference did not call it
    count = len(calls)
    both(av.blend, image, image)
    assert len(calls) == 2 * count


@given(
    scores=maps(),
    mask_seed=st.integers(0, 2**32 - 1),
    connectivity=st.sampled_from([4, 8]),
    min_area=st.integers(0, 3),
)
def test_regions(scores, mask_seed, connectivity, min_area):
    mask = np.random.default_rng(mask_seed).random(scores.shape) > 0.5
    fast, plain = both(
        av.measure_regions, scores, mask, connectivity=connectivity, min_area=min_area
    )
    # repr: exact floats, and NaN (which != itself) prints alike
    assert [repr(region) for region in fast] == [repr(region) for region in plain]
    boxes_fast, boxes_plain = both(av.masks_to_boxes, mask, scores, connectivity=connectivity)
    np.testing.assert_array_equal(boxes_fast[0], boxes_plain[0])
    np.testing.assert_array_equal(boxes_fast[1], boxes_plain[1])


def test_regions_signed_zero_maximum():
    scores = np.full((6, 9), -1.0, np.float32)  # blocks of 2 rows: the zeros in two blocks
    scores[3, 5], scores[4, 4] = -0.0, 0.0
    mask = np.ones((6, 9), bool)
    fast, plain = both(av.measure_regions, scores, mask)
    assert repr(fast) == repr(plain)
    assert repr(fast[0].max_score) == "0.0"
