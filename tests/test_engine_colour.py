"""The engine's colour and blend shortcuts give the reference's bytes.

The index plan (no clip or NaN pass when a map's extremes rule them out),
the extended and packed tables, and the integer blend formula are each
checked here: through the public functions, engine against reference, on
maps that do and do not take each shortcut, and as units on small arrays.
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from strategies import shapes_2d
from test_engine import assert_same

import anomaly_viz as av
from anomaly_viz import _engine
from anomaly_viz._engine import blend as engine_blend
from anomaly_viz._engine import blocks, colour, pipeline
from anomaly_viz._engine import normalization as engine_normalization
from anomaly_viz.post_process import anomaly_map_to_color_map, superimpose_anomaly_map


@pytest.fixture(autouse=True)
def small_blocks(monkeypatch):
    monkeypatch.setattr(blocks, "BLOCK_PIXELS", 23)
    monkeypatch.setattr(engine_blend, "_CHUNK", 41)


@st.composite
def plain_maps(draw, max_side=11, nan=False):
    """Float maps, finite (the plan's unchecked path) or with NaN and infinities."""
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    shape = draw(shapes_2d(max_side))
    elements = st.floats(-5, 5, width=32)
    if nan:
        elements = st.one_of(elements, st.sampled_from([np.nan, np.inf, -np.inf]))
    return draw(hnp.arrays(dtype, shape, elements=elements))


def uint8_images(shape, channels=(3, 4)):
    return st.sampled_from(channels).flatmap(
        lambda c: hnp.arrays(np.uint8, (*shape, c), elements=st.integers(0, 255))
    )


INTEGER_ALPHAS = [0.4, 0.2, 0.6, 0.8, 0.0, 1.0]  # integer_weights finds a formula
TABLE_ALPHAS = [0.5, 0.3]  # ties: the pair table stays


@given(
    scores=st.one_of(plain_maps(), plain_maps(nan=True)),
    colormap=st.sampled_from(["jet", "viridis", "tab10"]),
    vmin_vmax=st.sampled_from([(None, None), (-1.0, 2.0), (0.0, 0.0009765625)]),
)
def test_colour_map_by_plan(scores, colormap, vmin_vmax):
    vmin, vmax = vmin_vmax
    assert_same(anomaly_map_to_color_map, scores, True, colormap=colormap, vmin=vmin, vmax=vmax)


@given(
    data=st.data(),
    alpha=st.sampled_from(INTEGER_ALPHAS + TABLE_ALPHAS),
    gamma=st.sampled_from([0.0, 10.0, -1.0]),
    nan=st.booleans(),
    threshold=st.sampled_from([None, 0.0]),
)
def test_integer_blend(data, alpha, gamma, nan, threshold):
    scores = data.draw(plain_maps(nan=nan))
    shape = data.draw(st.sampled_from([scores.shape, (9, 13), (1, 1)]))
    image = data.draw(uint8_images(shape))
    assert_same(superimpose_anomaly_map, scores, image, alpha, gamma, True)
    assert_same(av.overlay, image, scores, "blend", alpha=alpha, gamma=gamma, threshold=threshold)


@given(scores=plain_maps(), image_seed=st.integers(0, 2**32 - 1))
def test_batches_share_the_buffers_correctly(scores, image_seed):
    images = np.random.default_rng(image_seed).integers(0, 256, (3, *scores.shape, 3), np.uint8)
    maps = np.stack([scores, -scores, scores * 2])
    assert_same(superimpose_anomaly_map, maps, images, 0.4, 0.0, True)


def test_the_integer_path_is_taken(monkeypatch):
    calls = []
    original = pipeline._integer_blend_into
    monkeypatch.setattr(pipeline, "_integer_blend_into", lambda *a: calls.append(1) or original(*a))
    scores = np.linspace(0, 1, 12, dtype=np.float32).reshape(3, 4)
    image = np.full((3, 4, 3), 100, np.uint8)
    superimpose_anomaly_map(scores, image, 0.4, 0, True)
    assert calls == [1]
    superimpose_anomaly_map(scores, image, 0.5, 0, True)  # a tie: the pair table
    assert calls == [1]


# ---- units ----


def reference_blend(layer, image, layer_weight, image_weight, gamma):
    total = image.astype(np.float64) * image_weight + layer.astype(np.float64) * layer_weight
    return np.clip(np.rint(total + gamma), 0, 255).astype(np.uint8)


@given(alpha=st.floats(0, 1), gamma=st.sampled_from([0.0, 1.0, -0.25, 3.0]))
def test_integer_weights_equal_the_blend_on_every_pair(alpha, gamma):
    weights = engine_blend.integer_weights(alpha, 1.0 - alpha, gamma)
    if weights is None:  # a tie or a clipped sum somewhere: the table is used
        return
    layer, image = np.meshgrid(np.arange(256), np.arange(256), indexing="ij")
    a, b, c, d = weights
    assert 255 * (a + b) + c < 1 << 16
    formula = (a * layer + b * image + c) // d
    expected = reference_blend(layer, image, alpha, 1.0 - alpha, gamma)
    np.testing.assert_array_equal(formula, expected)


def test_integer_weights_of_anomalib_alpha():
    assert engine_blend.integer_weights(0.4, 0.6, 0.0) == (2, 3, 2, 5)


def test_integer_weights_refuse_ties_and_clipping():
    assert engine_blend.integer_weights(0.5, 0.5, 0.0) is None  # 0.5 * 3 = 1.5 rounds to 2
    assert engine_blend.integer_weights(0.4, 0.6, 10.0) is None  # 255 + 10 clips


def test_integer_sum_into():
    out = np.empty((1, 2, 3), np.uint8)
    heat = np.array([[[2, 2, 2], [512, 2, 2]]], np.uint16)  # 2 * colour + 2
    image = np.array([[[0, 1, 2], [255, 255, 255]]], np.uint8)
    weights = engine_blend.IntegerWeights(2, 3, 2, 5)
    engine_blend.integer_sum_into(out, heat, image, weights, np.empty_like(heat))
    np.testing.assert_array_equal(out, [[[0, 1, 1], [255, 153, 153]]])


def test_extended_repeats_the_top_colour():
    table = np.array([[0, 0, 0], [10, 20, 30], [40, 50, 60], [1, 2, 3]], np.uint8)
    np.testing.assert_array_equal(extended := colour.extended(table), table[[0, 1, 2, 2, 3]])
    assert extended.dtype == np.uint8


def test_store_words_of_uint16_triples():
    rows = np.array([[1, 2, 3], [400, 500, 600], [65535, 0, 7]], np.uint16)
    out = np.empty((4, 3), np.uint16)
    colour.store_words(out, np.take(colour.packed_words(rows), [2, 0, 1, 2]))
    np.testing.assert_array_equal(out, rows[[2, 0, 1, 2]])


def test_store_words_of_one_pixel():
    out = np.zeros((1, 1, 3), np.uint8)
    words = colour.packed_words(np.array([[7, 8, 9]], np.uint8))
    colour.store_words(out, words)
    np.testing.assert_array_equal(out, [[[7, 8, 9]]])


def fitted(low, high):
    return av.Normalization("range", low=low, high=high)


def test_index_plan_without_checks_when_the_map_is_inside():
    scores = np.array([[0.0, 0.5], [0.25, 1.0]], np.float32)
    plan = engine_normalization.index_plan(fitted(0.0, 1.0).fit(scores), scores, 256)
    assert plan is not None and not plan.checked and plan.step == np.float32(1 / 256)
    index = np.empty(4, np.int32)
    engine_normalization.indices_into(index, scores.reshape(-1), plan, np.empty(4, np.float32))
    np.testing.assert_array_equal(index, [0, 128, 64, 256])  # 256: the top colour repeated


def test_index_plan_checks_nan_and_values_outside():
    scores = np.array([-1.0, np.nan, 0.5, 3.0])
    plan = engine_normalization.index_plan(fitted(0.0, 1.0), scores, 4)
    assert plan is not None and plan.checked
    index = np.empty(4, np.int32)
    engine_normalization.indices_into(index, scores, plan, np.empty(4))
    np.testing.assert_array_equal(index, [0, 5, 2, 4])  # NaN: levels + 1


@pytest.mark.parametrize(
    ("normalization", "scores", "levels"),
    [
        (av.Normalization("sigmoid"), np.zeros(3), 256),
        (av.Normalization("signed", sign="negative"), np.array([-1.0, 1.0]), 256),
        (fitted(0.0, 1.0), np.zeros(3), 10),  # not a power of two
        (fitted(0.0, 1e-306), np.zeros(3), 256),  # span / 256 subnormal
        (fitted(0.0, 1e39), np.zeros(3, np.float32), 256),  # beyond float32
        (av.Normalization().fit(np.ones(3)), np.ones(3), 256),  # a constant map
    ],
)
def test_index_plan_declines(normalization, scores, levels):
    fit = normalization.fit(scores)
    assert engine_normalization.index_plan(fit, scores, levels) is None


def test_engine_switch_still_off(monkeypatch):
    monkeypatch.setattr(_engine, "ENABLED", False)
    calls = []
    monkeypatch.setattr(pipeline, "overlay_into", lambda *a: calls.append(a))
    superimpose_anomaly_map(np.zeros((2, 2)), np.zeros((2, 2, 3), np.uint8), normalize=True)
    assert calls == []
