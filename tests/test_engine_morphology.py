"""The bit-packed morphology engine gives the reference's bytes.

The public functions (open_close, open_disk, open_by_reconstruction,
compute_mask) run with the engine (``anomaly_viz._engine.ENABLED``) and
with the plain scipy.ndimage reference, and the results are compared byte
for byte on masks whose widths cross the 64-pixel words (63, 64, 65,
127, 128, 129), one-pixel rows and columns, and kernels from 0 to wider
than the mask. The engine has no block size to shrink: what it crosses
are word boundaries, which these widths cover. The packed helpers are
checked on small exact cases.
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from test_engine import both

import anomaly_viz as av
from anomaly_viz._engine import morphology as engine
from anomaly_viz.morphology import disk

ONES = np.uint64(2**64 - 1)
ZERO = np.uint64(0)
WORD_EDGE_WIDTHS = [1, 2, 3, 63, 64, 65, 127, 128, 129]


def assert_same(function, mask, *args, **kwargs):
    before = mask.copy()
    fast, plain = both(function, mask, *args, **kwargs)
    assert fast.dtype == plain.dtype and fast.shape == plain.shape
    np.testing.assert_array_equal(fast, plain)
    np.testing.assert_array_equal(mask, before)  # the input is left alone


@st.composite
def masks(draw, max_height=12, widths=WORD_EDGE_WIDTHS, max_width=14):
    """Bool masks: small ones of any shape, and wide ones whose rows cross words."""
    if draw(st.booleans()):
        shape = (draw(st.integers(1, max_height)), draw(st.sampled_from(widths)))
    else:
        shape = (draw(st.integers(1, max_width)), draw(st.integers(1, max_width)))
    if draw(st.booleans()):
        shape = shape[::-1]  # tall ones too: the rows' margins and doubling
    density = draw(st.sampled_from([0.2, 0.5, 0.8, 0.95]))
    seed = draw(st.integers(0, 2**32 - 1))
    return np.random.default_rng(seed).random(shape) < density


# ---- the public functions, engine against reference ----


@given(mask=masks(), data=st.data())
def test_open_close(mask, data):
    k = data.draw(st.integers(0, max(mask.shape) + 3), label="k")
    assert_same(av.open_close, mask, k)


@given(mask=masks(), data=st.data(), connectivity=st.sampled_from([4, 8]))
def test_open_by_reconstruction(mask, data, connectivity):
    k = data.draw(st.integers(0, max(mask.shape) + 3), label="k")
    assert_same(av.open_by_reconstruction, mask, k, connectivity=connectivity)


@given(mask=masks(max_height=6), data=st.data())
def test_open_disk(mask, data):
    # radii up to past the diagonal shortcut on small masks; the reference's
    # scipy disk grows as r**2 * (H + 4r) * (W + 4r), so wide masks get small radii
    largest = 6 if max(mask.shape) > 14 else 2 * max(mask.shape) + 2
    radius = data.draw(st.integers(0, largest), label="radius")
    assert_same(av.open_disk, mask, radius)


@pytest.mark.parametrize("shape", [(1, 1), (1, 7), (7, 1), (3, 4), (1, 65)])
@pytest.mark.parametrize("fill", [0.3, 1.0])
def test_open_disk_shortcut(shape, fill):
    """A radius reaching past the diagonal: the whole mask or nothing, as the reference says."""
    mask = np.random.default_rng(5).random(shape) < fill
    height, width = shape
    for radius in [1, 2, 5, 70]:
        if radius * radius >= (height - 1) ** 2 + (width - 1) ** 2:
            assert_same(av.open_disk, mask, radius)
            assert engine.open_disk(mask, radius).all() == mask.all()


@st.composite
def score_maps(draw):
    """float32 or float64 maps in [0, 1], shapes as :func:`masks`, one map or a batch of 2."""
    shape = draw(masks(max_height=8)).shape
    if draw(st.booleans()) and shape[1] > 1:
        shape = (2, *shape)
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    return draw(hnp.arrays(dtype, shape, elements=st.floats(0, 1, width=32)))


@given(
    scores=score_maps(),
    threshold=st.sampled_from([0.3, 0.5, 0.9, "otsu"]),
    k=st.integers(0, 9),
    cleaning=st.sampled_from(["open_close", "anomalib", "reconstruction"]),
    low_threshold=st.sampled_from([None, 0.1]),
    min_area=st.sampled_from([0, 1, 3]),
)
def test_compute_mask(scores, threshold, k, cleaning, low_threshold, min_area):
    if max(scores.shape[-2:]) > 14:
        k = min(k, 5)
    options = {"cleaning": cleaning, "low_threshold": low_threshold, "min_area": min_area}
    fast, plain = both(av.compute_mask, scores, threshold, k, **options)
    assert fast.dtype == plain.dtype == np.uint8 and fast.shape == plain.shape
    np.testing.assert_array_equal(fast, plain)


def test_compute_mask_benchmark_size():
    """The size benchmarks/run.py times, both cleanings, with k = 4."""
    rows, cols = np.ogrid[:256, :300]
    scores = np.sin(rows / 9.0) * np.cos(cols / 7.0) + 0.3 * np.sin(rows * cols / 50.0)
    for cleaning in ["open_close", "anomalib"]:
        fast, plain = both(av.compute_mask, scores.astype(np.float32), 0.2, 4, cleaning=cleaning)
        np.testing.assert_array_equal(fast, plain)
        assert 0 < np.count_nonzero(fast) < fast.size


def test_the_engine_runs(monkeypatch):
    """With the switch on, open_disk and compute_mask go through the packed engine."""
    calls = []

    def recording(function):
        def wrapper(*args):
            calls.append(function.__name__)
            return function(*args)

        return wrapper

    for name in ["open_disk", "clean_into", "scale_into"]:
        monkeypatch.setattr(engine, name, recording(getattr(engine, name)))
    mask = np.zeros((9, 9), bool)
    mask[2:7, 2:7] = True
    both(av.open_disk, mask, 2)
    both(av.compute_mask, mask.astype(float), 0.5, 3)
    both(av.compute_mask, mask.astype(float), 0.5, 2, cleaning="anomalib")
    both(av.compute_mask, mask.astype(float), 0.5, 2, cleaning="reconstruction")
    both(av.compute_mask, mask.astype(float), 0.5, 2, min_area=4)
    assert calls == ["open_disk", "clean_into", "clean_into", "scale_into", "scale_into"]


# ---- exact small cases ----


def test_open_disk_exact():
    """A 5x5 block, radius 2: only the disk centred in it fits; a lone pixel goes."""
    mask = np.zeros((9, 12), bool)
    mask[2:7, 2:7] = True
    mask[4, 10] = True
    expected = np.zeros((9, 12), bool)
    expected[2:7, 2:7] = disk(2)
    np.testing.assert_array_equal(engine.open_disk(mask, 2), expected)


def test_open_close_exact():
    """Two 3x3 squares a column apart, across a word boundary, and a speck; k = 3.

    The opening keeps both squares and drops the speck; the closing fills the gap.
    """
    mask = np.zeros((8, 70), bool)
    mask[2:5, 60:63] = mask[2:5, 64:67] = True
    mask[7, 10] = True
    expected = np.zeros((8, 70), bool)
    expected[2:5, 60:67] = True
    np.testing.assert_array_equal(engine.open_close(mask, 3), expected)
    assert_same(av.open_close, mask, 3)


def test_clean_into_writes_0_and_255():
    mask = np.zeros((4, 5), bool)
    mask[:2, :2] = True
    mask[3, 4] = True
    out = np.full((4, 5), 7, np.uint8)
    engine.clean_into(out, mask, "open_close", 2)
    expected = np.zeros((4, 5), np.uint8)
    expected[:2, :2] = 255
    np.testing.assert_array_equal(out, expected)
    engine.clean_into(out, mask, "open_close", 1)  # no cleaning
    np.testing.assert_array_equal(out, mask * np.uint8(255))


def test_scale_into():
    out = np.full((2, 3), 7, np.uint8)
    engine.scale_into(out, np.array([[True, False, True], [False, False, True]]))
    np.testing.assert_array_equal(out, [[255, 0, 255], [0, 0, 255]])


# ---- the packed helpers ----


def test_pack_places_pixel_j_at_bit_j_mod_64():
    mask = np.zeros((2, 65), bool)
    mask[0, 0] = mask[0, 64] = True
    mask[1, 63] = True
    words = engine.pack(mask)
    assert words.dtype == np.dtype("<u8") and words.shape == (2, 2)
    np.testing.assert_array_equal(words, np.array([[1, 1], [2**63, 0]], np.uint64))
    np.testing.assert_array_equal(engine.unpack(words, 65), mask)


def test_pack_with_margins():
    mask = np.ones((1, 3), bool)
    words = engine.pack(mask, rows=1, words=1)
    expected = np.zeros((3, 3), np.uint64)
    expected[1, 1] = 0b111
    np.testing.assert_array_equal(words, expected)


@given(mask=masks())
def test_pack_unpack_round_trip(mask):
    words = engine.pack(mask)
    assert words.shape == (mask.shape[0], -(-mask.shape[1] // 64))
    np.testing.assert_array_equal(engine.unpack(words, mask.shape[1]).view(bool), mask)


def test_shift_by_one_across_a_word_boundary():
    top = np.uint64(2**63)
    # pixel 64 (bit 0 of word 1) moves to pixel 63 (bit 63 of word 0)
    words = np.array([[0, 1]], np.uint64)
    np.testing.assert_array_equal(engine.shift_columns(words, 1, ZERO), [[top, 0]])
    # and back: pixel 63 moves to pixel 64
    np.testing.assert_array_equal(
        engine.shift_columns(np.array([[top, 0]], np.uint64), -1, ZERO), [[0, 1]]
    )
    # the fill comes in at the far end
    np.testing.assert_array_equal(
        engine.shift_columns(np.zeros((1, 2), np.uint64), 1, ONES), [[0, top]]
    )
    np.testing.assert_array_equal(
        engine.shift_columns(np.zeros((1, 2), np.uint64), -1, ONES), [[1, 0]]
    )


def test_shift_by_whole_words_and_more():
    words = np.array([[0b101, 0b11, 0b1]], np.uint64)
    np.testing.assert_array_equal(engine.shift_columns(words, 64, ZERO), [[0b11, 0b1, 0]])
    np.testing.assert_array_equal(engine.shift_columns(words, 65, ZERO), [[2**63 + 1, 0, 0]])
    np.testing.assert_array_equal(engine.shift_columns(words, -66, ZERO), [[0, 0b10100, 0b1100]])
    np.testing.assert_array_equal(engine.shift_columns(words, 192, ONES), [[ONES] * 3])


def test_shift_takes_the_rows_as_one():
    """Beyond its row a pixel reads the next row (the margins keep used pixels away)."""
    words = np.array([[0], [1]], np.uint64)
    np.testing.assert_array_equal(engine.shift_columns(words, 1, ZERO), [[2**63], [0]])


@given(
    bits=st.lists(st.booleans(), min_size=1, max_size=200),
    offset=st.integers(-210, 210),
    fill=st.booleans(),
)
def test_shift_moves_pixels(bits, offset, fill):
    row = np.array([bits])
    words = engine.pack(row)
    width = 64 * words.shape[1]
    padded = np.zeros(width, bool)
    padded[: len(bits)] = bits
    shifted = engine.unpack(engine.shift_columns(words, offset, ONES if fill else ZERO), width)
    index = np.arange(width) + offset
    inside = (index >= 0) & (index < width)
    expected = np.full(width, fill)
    expected[inside] = padded[index[inside]]
    np.testing.assert_array_equal(shifted[0].view(bool), expected)


def test_set_padding():
    words = np.zeros((2, 2), np.uint64)
    engine.set_padding(words, 66, ONES)
    np.testing.assert_array_equal(words, [[0, ONES - 3], [0, ONES - 3]])
    engine.set_padding(words, 66, ZERO)
    np.testing.assert_array_equal(words, np.zeros((2, 2)))
    full = np.full((1, 2), 5, np.uint64)
    engine.set_padding(full, 128, ZERO)  # no padding bits
    np.testing.assert_array_equal(full, [[5, 5]])


def test_doubling_steps_exact():
    assert engine._doubling_steps(0, 0) == []
    assert engine._doubling_steps(-2, 1) == [1, -2]  # k = 4 erosion
    assert engine._doubling_steps(-1, 2) == [-1, 2]  # k = 4 dilation
    assert engine._doubling_steps(-2, 4) == [1, -2, 3]  # k = 4, the two dilations as one
    assert engine._doubling_steps(-6, 0) == [-1, -2, -3]


@given(start=st.integers(-300, 0), stop=st.integers(0, 300))
def test_doubling_steps_cover_the_run(start, stop):
    low = high = 0
    steps = engine._doubling_steps(start, stop)
    for step in steps:
        assert abs(step) <= high - low + 1  # the shifted copy touches the run: no gap
        low, high = min(low, low + step), max(high, high + step)
    assert (low, high) == (start, stop)
    assert len(steps) <= (stop - start + 1).bit_length()


@given(
    bits=st.lists(st.booleans(), min_size=1, max_size=150),
    start=st.integers(-40, 0),
    stop=st.integers(0, 40),
    erode=st.booleans(),
)
def test_run_along_rows(bits, start, stop, erode):
    """Exact on the pixels with -start pixels before them and stop after them in the row."""
    combine = np.bitwise_and if erode else np.bitwise_or
    row = np.array([bits])
    words = engine.pack(row)
    width = 64 * words.shape[1]
    run = engine.unpack(engine.run_along_rows(words, start, stop, combine), width)[0]
    padded = np.zeros(width, bool)
    padded[: len(bits)] = bits
    reduce = np.all if erode else np.any
    for j in range(-start, width - stop):
        assert run[j] == reduce(padded[j + start : j + stop + 1])


@given(mask=masks(), start=st.integers(-5, 0), stop=st.integers(0, 5))
def test_run_along_columns(mask, start, stop):
    words = engine.pack(mask)
    run = engine.unpack(engine.run_along_columns(words, start, stop, np.bitwise_or), mask.shape[1])
    height = mask.shape[0]
    for i in range(-start, height - stop):
        np.testing.assert_array_equal(run[i].view(bool), mask[i + start : i + stop + 1].any(axis=0))


@pytest.mark.parametrize("radius", range(12))
def test_half_widths_are_the_disks_rows(radius):
    halves = engine._half_widths(radius)
    columns = np.arange(-radius, radius + 1)
    rows = np.array([np.abs(columns) <= half for half in halves])
    np.testing.assert_array_equal(rows, disk(radius))


def test_half_widths_exact():
    assert engine._half_widths(4) == [0, 2, 3, 3, 4, 3, 3, 2, 0]


@pytest.mark.parametrize("size", [2, 3, 4, 5, 8])
def test_erode_and_dilate_against_scipy(size):
    from scipy import ndimage

    mask = np.random.default_rng(size).random((20, 130)) < 0.85
    square = np.ones((size, size), bool)
    np.testing.assert_array_equal(
        engine.erode(mask, size), ndimage.binary_erosion(mask, square, border_value=1)
    )
    np.testing.assert_array_equal(
        engine.dilate(~mask, size), ndimage.binary_dilation(~mask, square, border_value=0)
    )


@pytest.mark.parametrize("layout", ["fortran", "strided"])
def test_any_memory_layout(layout):
    """Fortran-ordered and strided inputs give the reference's bytes too."""
    base = np.random.default_rng(11).random((40, 140))
    scores = np.asfortranarray(base) if layout == "fortran" else base[::2, ::2]
    mask = scores > 0.4
    for k in [0, 1, 2, 3, 4]:
        assert_same(av.open_close, mask, k)
        assert_same(av.open_disk, mask, k)
        assert_same(av.open_by_reconstruction, mask, k)
        for cleaning in ["open_close", "anomalib", "reconstruction"]:
            assert_same(av.compute_mask, scores, 0.4, k, cleaning=cleaning)
