"""The engine's resize (strided phases, kept chunks) gives the reference's bytes.

Each comparison runs a public function with the engine and with the plain
reference (``anomaly_viz._engine.ENABLED`` switched), blocks of rows made
small so that blocks and kept chunks of the column pass cross the phases,
and compares the results byte for byte (``tobytes``: a -0.0 where the
reference has 0.0 fails). Sizes are drawn so that exact factors (2, 3, 4
and 1/2, 1/3), near-exact ones and unrelated ones all occur, with the
shapes of both axes drawn separately.
"""

from contextlib import contextmanager
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from strategies import images
from test_engine import both as run_both

import anomaly_viz as av
from anomaly_viz._engine import blocks
from anomaly_viz._engine import resize as engine
from anomaly_viz.post_process import superimpose_anomaly_map
from anomaly_viz.resize import _axis

ODD = [np.nan, np.inf, -np.inf, 0.0, -0.0, 1.0, -1.0, 0.5]


def assert_same_bytes(fast, plain):
    assert fast.dtype == plain.dtype and fast.shape == plain.shape
    assert fast.tobytes() == plain.tobytes(), np.argwhere(
        fast.view(np.uint8) != plain.view(np.uint8)
    )


def assert_same(fast, plain, scores):
    """Byte for byte, maps with huge scores too (the clamped formula's zeros are 0.0)."""
    assert_same_bytes(fast, plain)


@st.composite
def sides(draw, max_side=40):
    """(n_in, n_out) of one axis: exact factors, one-off sizes, or anything."""
    n_in = draw(st.integers(1, max_side))
    kind = draw(st.sampled_from(["up", "down", "near", "any"]))
    if kind == "up":
        n_out = n_in * draw(st.sampled_from([2, 3, 4]))
    elif kind == "down":
        n_out = max(1, n_in // draw(st.sampled_from([2, 3])))
    elif kind == "near":
        n_out = max(1, n_in + draw(st.sampled_from([-1, 1])))
    else:
        n_out = draw(st.integers(1, max_side))
    return n_in, n_out


@st.composite
def maps_and_shapes(draw, odd=True):
    (height, out_height), (width, out_width) = draw(sides()), draw(sides())
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    elements = st.floats(-1e3, 1e3, width=32)
    if odd:
        info = np.finfo(dtype)
        extremes = [info.max, -info.max, info.max / 3, info.tiny]
        elements = st.one_of(elements, st.sampled_from(ODD + extremes))
    scores = draw(hnp.arrays(dtype, (height, width), elements=elements))
    if draw(st.booleans()):  # the map's layout does not matter
        scores = np.asfortranarray(scores)
    return scores, (out_height, out_width)


@pytest.fixture(autouse=True)
def small_blocks(monkeypatch):
    monkeypatch.setattr(blocks, "BLOCK_PIXELS", 23)


@contextmanager
def blocks_of(pixels):
    """Blocks of about `pixels` pixels within the ``with`` (hypothesis draws the size)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(blocks, "BLOCK_PIXELS", pixels)
        yield


# ---- engine == reference ----


@given(case=maps_and_shapes(), block_pixels=st.integers(1, 200))
def test_resize_bilinear_same_bytes(case, block_pixels):
    scores, shape = case
    with blocks_of(block_pixels):
        fast, plain = run_both(av.resize_bilinear, scores, shape)
    assert_same(fast, plain, scores)


@given(case=maps_and_shapes(odd=False), block_pixels=st.integers(1, 200))
def test_finite_moderate_maps_same_bytes(case, block_pixels):
    scores, shape = case
    with blocks_of(block_pixels):
        assert_same_bytes(*run_both(av.resize_bilinear, scores, shape))


@pytest.mark.parametrize(
    ("size", "shape"),
    [
        ((256, 256), (1024, 1024)),
        ((224, 224), (750, 1000)),
        ((64, 48), (32, 96)),
        ((1, 1), (9, 700)),
    ],
)
@pytest.mark.parametrize("block_pixels", [1 << 16, 1000])
def test_large_sizes_same_bytes(size, shape, block_pixels, monkeypatch):
    # Real block sizes: several periods per block, chunks kept over several blocks.
    monkeypatch.setattr(blocks, "BLOCK_PIXELS", block_pixels)
    scores = np.random.default_rng(sum(size)).normal(size=size).astype(np.float32)
    scores[3 % size[0], 5 % size[1]] = -0.0
    assert_same_bytes(*run_both(av.resize_bilinear, scores, shape))


def test_signed_zeros_same_bytes():
    # -0.0 + 0.0 is 0.0 but -0.0 + -0.0 is -0.0: the engine must add and
    # subtract exactly what the reference does for the signs to agree.
    scores = np.array([[-0.0, -1.0, -0.0], [-1.0, -1.0, 1.0]], np.float32)
    for shape in [(4, 6), (6, 9), (1, 9), (2, 3 * 7), (8, 1), (1, 1)]:
        assert_same_bytes(*run_both(av.resize_bilinear, scores, shape))
    tripled = av.resize_bilinear(scores, (6, 9))  # -0.0 + -1.0 * 0.0 stays -0.0
    zeros = tripled[tripled == 0]
    assert np.signbit(zeros).any() and not np.signbit(zeros).all()


def test_huge_maps_take_the_clamped_formula():
    # A score beyond half the largest float: differences would overflow, and the
    # engine takes the reference's clamped formula, block by block. Its zeros are
    # all 0.0 (NumPy's clip alone keeps -0.0 or 0.0 depending on the array's length).
    top = np.finfo(np.float32).max
    scores = np.array([[-top, top, 0.0], [top, -top, 1.0]], np.float32)
    fast, plain = run_both(av.resize_bilinear, scores, (5, 7))
    assert_same_bytes(fast, plain)
    assert not np.signbit(fast[fast == 0]).any()
    assert np.isfinite(fast).all() and fast.max() == top and fast.min() == -top


@given(data=st.data(), alpha=st.sampled_from([0.0, 0.4, 1.0]))
def test_superimpose_resized_same_bytes(data, alpha):
    scores, _ = data.draw(maps_and_shapes(odd=False))
    image = data.draw(images(shape=data.draw(st.sampled_from([(13, 6), (5, 17), (24, 40)]))))
    fast, plain = run_both(superimpose_anomaly_map, scores, image, alpha, 0.0, True)
    assert_same_bytes(fast, plain)


@given(data=st.data(), mode=st.sampled_from(["blend", "alpha", "gray", "multiply"]))
def test_overlay_resized_same_bytes(data, mode):
    scores, shape = data.draw(maps_and_shapes())
    image = data.draw(images(shape=shape))
    fast, plain = run_both(av.overlay, image, scores, mode, threshold=0.0)
    assert_same_bytes(fast, plain)


@given(case=maps_and_shapes(), step=st.integers(-3, 7), block_pixels=st.integers(1, 64))
def test_rows_on_demand_any_slice(case, step, block_pixels):
    scores, shape = case
    with blocks_of(block_pixels):
        whole = av.resize_bilinear(scores, shape)
        rows_of = engine.resized_rows(scores, shape)
        step = step or 1
        for start in range(-shape[0], shape[0] + 1, 3):
            rows = slice(start, None if start < 0 else start + 2 * abs(step), step)
            assert_same(rows_of(rows), whole[rows], scores)


# ---- the helpers, exact values ----


@pytest.mark.parametrize(
    ("n_in", "n_out", "expected"),
    [
        (256, 1024, (2, 1022)),
        (2, 4, (1, 3)),
        (1, 5, (2, 2)),
        (2048, 1024, (0, 1024)),
        (3, 3, (0, 2)),
    ],
)
def test_regular_range_exact(n_in, n_out, expected):
    assert engine.regular_range(n_in, n_out) == expected


@given(n_in=st.integers(1, 60), n_out=st.integers(1, 60))
def test_regular_outputs_follow_their_period(n_in, n_out):
    # Inside [low, high): two distinct neighbouring sources, and output o + P
    # samples Q lines further with the same weight; outside, the clamped edges.
    near, far, weight = _axis(n_in, n_out, np.dtype(np.float64))
    low, high = engine.regular_range(n_in, n_out)
    phases, step = engine.period(n_in, n_out)
    assert Fraction(phases, step) == Fraction(n_out, n_in)
    for o in range(low, high):
        assert abs(int(far[o]) - int(near[o])) == 1
        if o + phases < high:
            assert near[o + phases] == near[o] + step and far[o + phases] == far[o] + step
            assert weight[o + phases] == weight[o]
    for o in [*range(low), *range(high, n_out)]:
        assert weight[o] == 0 and (near[o], far[o]) in [(0, min(1, n_in - 1)), (n_in - 1, n_in - 1)]


def test_period_exact():
    assert engine.period(256, 1024) == (4, 1)
    assert engine.period(224, 1000) == (125, 28)
    assert engine.period(2048, 1024) == (1, 2)
    assert engine.period(3, 2) == (2, 3)


def test_plan_of_a_fourfold_enlargement():
    plan = engine._plan(256, 1024, np.dtype(np.float32))
    assert (plan.low, plan.high, plan.phases, plan.step) == (2, 1022, 4, 1)
    # Columns 4k and 4k + 1 lean on k - 1, columns 4k + 2 and 4k + 3 on k + 1.
    phases = [(phase.start, phase.side, float(phase.weight)) for phase in plan.anchored]
    assert phases == [(0, -1, 0.375), (0, -1, 0.125), (0, 1, 0.125), (0, 1, 0.375)]
    assert all(phase.weight.dtype == np.float32 for phase in plan.anchored)


def test_plans_are_kept_and_read_only():
    plan = engine._plan(7, 21, np.dtype(np.float64))
    assert engine._plan(7, 21, np.dtype(np.float64)) is plan
    with pytest.raises(ValueError, match="read-only"):
        plan.weight[0] = 1.0


def test_many_phases_take_the_gathers():
    plan = engine._plan(224, 1000, np.dtype(np.float32))
    assert plan.phases == 0 and plan.anchored is None
    assert engine._plan(8, 8 * 16, np.dtype(np.float32)).phases == 16
    assert engine._plan(8, 8 * 17, np.dtype(np.float32)).phases == 0


def test_runs_exact():
    assert engine._runs((1, 1, 2, 2, 2, 1)) == [(0, 2), (2, 5), (5, 6)]
    assert engine._runs(((0, 1),)) == [(0, 1)]
    assert engine._runs(()) == []


def test_rows_periodic_exact():
    # Rows 2 and 3 of a doubled 3-row map: a quarter of the way back to row 0,
    # a quarter of the way on to row 2.
    half = np.array([[0.0, 4.0], [8.0, 12.0], [16.0, 20.0]])
    out = np.full((2, 2), np.nan)
    engine._rows_periodic(out, half, [1, 1], [0, 2], np.array([0.25, 0.25]), 1)
    np.testing.assert_array_equal(out, [[6.0, 10.0], [10.0, 14.0]])


def test_rows_periodic_two_periods_with_a_step():
    # Halving: output k mixes rows 2k and 2k + 1 half and half.
    half = np.arange(8.0).reshape(4, 2) ** 2
    out = np.empty((2, 2))
    engine._rows_periodic(out, half, [0], [1], np.array([0.5]), 2)
    np.testing.assert_array_equal(out, [[2.0, 5.0], [26.0, 37.0]])


def test_columns_exact():
    # Both edges clamped, the middle from the phases on the flattened rows.
    sources = np.array([[0.0, 4.0, 8.0], [8.0, 4.0, 0.0]])
    plan = engine._plan(3, 6, np.dtype(np.float64))
    out = np.full((2, 6), np.nan)
    engine._columns(sources, plan, out)
    np.testing.assert_array_equal(out, [[0, 1, 3, 5, 7, 8], [8, 7, 5, 3, 1, 0]])


def test_columns_gathered_exact():
    sources = np.array([[0.0, 10.0], [20.0, 30.0]])
    plan = engine._plan(2, 3, np.dtype(np.float64))  # P = 3, Q = 2: one regular output only
    assert plan.anchored is None
    out = np.empty((2, 3))
    engine._columns(sources, plan, out)
    np.testing.assert_array_equal(out, [[0, 5, 10], [20, 25, 30]])


def test_edge_exact():
    sources = np.array([[1.0, 5.0], [-0.0, -0.0]])
    line = engine._edge(sources, 0, 1, np.float64(0.0), axis=1)
    np.testing.assert_array_equal(line, [[1.0], [0.0]])
    assert line.shape == (2, 1) and not np.signbit(line[1, 0])  # -0 + 0 is 0, as in the reference


def test_mark_non_finite_exact():
    # Each kind spreads to the outputs it weighs on; +inf and -inf together give NaN.
    scores = np.array([[np.inf, -np.inf, 1.0, 2.0, np.nan]])
    out = np.zeros((1, 10))
    rows, cols = _axis(1, 1, scores.dtype), _axis(5, 10, scores.dtype)
    engine._mark_non_finite(out, scores, rows, cols)
    expected = [[np.inf, np.nan, np.nan, -np.inf, -np.inf, 0, 0, np.nan, np.nan, np.nan]]
    np.testing.assert_array_equal(out, expected)


def test_kept_chunk_takes_over_shared_rows():
    # A fourfold enlargement: the second block's chunk starts inside the first.
    scores = np.arange(40.0).reshape(10, 4)
    resizer = engine._Resizer(scores, (40, 16))
    first = resizer._half(0, 4)
    kept = first.copy()
    second = resizer._half(3, 9)
    assert resizer.chunk_start == 3 and second is not first
    np.testing.assert_array_equal(second[:2], kept[3:5])
    np.testing.assert_array_equal(second, av.resize_bilinear(scores, (10, 16))[3 : 3 + len(second)])
