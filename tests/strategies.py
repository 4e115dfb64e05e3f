"""Hypothesis strategies shared by the property tests."""

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

REAL_DTYPES = [
    np.bool_,
    np.uint8,
    np.int8,
    np.uint16,
    np.int16,
    np.int32,
    np.int64,
    np.float16,
    np.float32,
    np.float64,
]


def shapes_2d(max_side=12):
    return st.tuples(st.integers(1, max_side), st.integers(1, max_side))


@st.composite
def score_maps(draw, shape=None, dtypes=(np.float32, np.float64), finite=True, max_side=12):
    """Float maps with moderate values (no overflow of a float32 range)."""
    dtype = draw(st.sampled_from(dtypes))
    shape = shape if shape is not None else draw(shapes_2d(max_side))
    elements = st.floats(-1e3, 1e3, width=32, allow_subnormal=False)
    if not finite:
        elements = st.one_of(elements, st.sampled_from([np.nan, np.inf, -np.inf]))
    return draw(hnp.arrays(dtype, shape, elements=elements))


@st.composite
def any_dtype_maps(draw, max_side=10):
    """Maps of every real dtype, with values each dtype holds."""
    dtype = np.dtype(draw(st.sampled_from(REAL_DTYPES)))
    shape = draw(shapes_2d(max_side))
    if dtype.kind == "f":
        elements = st.floats(-100, 100, width=16 if dtype.itemsize == 2 else 32)
    else:
        elements = None
    return draw(hnp.arrays(dtype, shape, elements=elements))


@st.composite
def uint8_images(draw, shape):
    channels = draw(st.sampled_from([None, 1, 3, 4]))
    full = shape if channels is None else (*shape, channels)
    return draw(hnp.arrays(np.uint8, full))
