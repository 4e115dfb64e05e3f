"""Hypothesis strategies and reference helpers shared by the tests.

Strategies draw small arrays of the forms the package takes: score maps
(:func:`score_maps`, :func:`any_dtype_maps`), images (:func:`images`),
masks (:func:`masks`) and boxes (:func:`boxes_in`), one item or a batch of
them. The helpers write out what several test files compare with: an image
as RGB (:func:`as_rgb`) and the rounded, saturated weighted sum every blend
ends in (:func:`saturate`, :func:`blend_formula`).
"""

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

#: The image dtypes the package takes: uint8 in 0-255, uint16 in 0-65535, float in [0, 1].
IMAGE_DTYPES = [np.uint8, np.uint16, np.float32, np.float64]

colors = st.tuples(*[st.integers(0, 255)] * 3)
thicknesses = st.integers(1, 4)
alphas = st.floats(0, 1)


def shapes_2d(max_side=12):
    return st.tuples(st.integers(1, max_side), st.integers(1, max_side))


def batch_shape(shape, count):
    """A batch of `count` maps or masks of `shape`: ``(N, H, W)``.

    anomalib's ``(N, 1, H, W)`` when the width is 1, since ``(N, H, 1)`` is
    one map (a single-channel image) by the package's layout rules.
    """
    return (count, *shape) if shape[1] > 1 else (count, 1, *shape)


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
def any_dtype_maps(draw, max_side=10, shape=None):
    """Maps of every real dtype, with values each dtype holds."""
    dtype = np.dtype(draw(st.sampled_from(REAL_DTYPES)))
    shape = shape if shape is not None else draw(shapes_2d(max_side))
    if dtype.kind == "f":
        elements = st.floats(-100, 100, width=16 if dtype.itemsize == 2 else 32)
    else:
        elements = None
    return draw(hnp.arrays(dtype, shape, elements=elements))


def maps(shape, count=None):
    """Maps of `shape` (or a batch of `count`): floats with NaN and infinities, or any dtype."""
    full = shape if count is None else batch_shape(shape, count)
    return st.one_of(score_maps(shape=full, finite=False), any_dtype_maps(shape=full))


@st.composite
def uint8_images(draw, shape):
    channels = draw(st.sampled_from([None, 1, 3, 4]))
    full = shape if channels is None else (*shape, channels)
    return draw(hnp.arrays(np.uint8, full))


@st.composite
def images(draw, shape, count=None, dtypes=IMAGE_DTYPES):
    """Images of height and width `shape`, or a batch of `count` of them.

    Grey ``(H, W)`` or ``(H, W, 1)``, RGB or RGBA; uint8, uint16 or float in
    [0, 1]. A batch is ``(N, H, W, C)``, a grey one ``(N, H, W, 1)``.
    """
    dtype = np.dtype(draw(st.sampled_from(dtypes)))
    channels = draw(st.sampled_from([None, 1, 3, 4]))
    if count is None:
        full = shape if channels is None else (*shape, channels)
    else:
        full = (count, *shape, channels or 1)
    elements = st.floats(0, 1, width=32) if dtype.kind == "f" else None
    return draw(hnp.arrays(dtype, full, elements=elements))


@st.composite
def masks(draw, shape, count=None):
    """Masks of `shape` (or a batch of `count`): bool, 0/255 uint8 (compute_mask's) or 0/1 float."""
    full = shape if count is None else batch_shape(shape, count)
    truth = draw(hnp.arrays(np.bool_, full))
    form = draw(st.sampled_from(["bool", "0/255", "0/1"]))
    if form == "0/255":
        return truth.astype(np.uint8) * np.uint8(255)
    return truth if form == "bool" else truth.astype(np.float64)


def bool_masks(max_side=12):
    """Bool masks of any shape up to `max_side` a side."""
    return shapes_2d(max_side).flatmap(lambda shape: hnp.arrays(np.bool_, shape))


@st.composite
def boxes_in(draw, shape, max_boxes=4):
    """(K, 4) int boxes ``(x1, y1, x2, y2)`` around, across or inside an image of `shape`."""
    height, width = shape
    rows = []
    for _ in range(draw(st.integers(0, max_boxes))):
        x1, x2 = sorted(draw(st.lists(st.integers(-3, width + 2), min_size=2, max_size=2)))
        y1, y2 = sorted(draw(st.lists(st.integers(-3, height + 2), min_size=2, max_size=2)))
        rows.append((x1, y1, x2, y2))
    return np.array(rows, np.int64).reshape(-1, 4)


# ---------------------------------------------------------------- reference helpers


def as_rgb(image):
    """A uint8 image as RGB ``(H, W, 3)``: grey repeated, alpha dropped."""
    image = np.asarray(image)
    if image.ndim == 2:
        image = image[..., np.newaxis]
    return image[..., :3] if image.shape[-1] >= 3 else np.repeat(image, 3, axis=-1)


def saturate(total):
    """``clip(rint(total), 0, 255)`` as uint8: rounded half to even, saturated."""
    return np.clip(np.rint(total), 0, 255).astype(np.uint8)


def blend_formula(layer, image, alpha, gamma=0.0):
    """``alpha * layer + (1 - alpha) * image + gamma`` in float64, saturated to uint8."""
    layer, image = np.asarray(layer, np.float64), np.asarray(image, np.float64)
    return saturate(alpha * layer + (1 - alpha) * image + gamma)
