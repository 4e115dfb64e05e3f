"""Peak memory of the overlay paths: at most 3 times the output, whatever the input dtype.

tracemalloc counts what NumPy allocates, deterministically for one code path;
the inputs are made before tracing starts. The bound of 3 is the issue's
target at 3840x2160 (benchmarks/run.py measures it there); the images here
are smaller, 1024x2048, where the per-block temporaries weigh more.
"""

import gc
import tracemalloc

import numpy as np
import pytest

from anomaly_viz import blend, draw_boxes, fill_mask, resize_bilinear
from anomaly_viz.overlays import heatmap_rgba, overlay
from anomaly_viz.post_process import superimpose_anomaly_map

HEIGHT, WIDTH = 1024, 2048
LIMIT = 3.0

RNG = np.random.default_rng(13)
SCORES = RNG.random((HEIGHT, WIDTH)).astype(np.float32)
SMALL = RNG.random((HEIGHT // 4, WIDTH // 4)).astype(np.float32)
SMALL_WITH_NAN = SMALL.copy()
SMALL_WITH_NAN[100, 200] = np.nan
UINT8 = RNG.integers(0, 256, (HEIGHT, WIDTH, 3), dtype=np.uint8)
IMAGES = {
    "float32": (UINT8 / 255.0).astype(np.float32),
    "float64": UINT8 / 255.0,
    "uint16": UINT8.astype(np.uint16) * 257,
    "float64 grey": UINT8[..., 0] / 255.0,
    "float32 RGBA": np.dstack([UINT8, UINT8[..., :1]]).astype(np.float32) / np.float32(255),
}
MASK = SCORES > 0.5


def peak_ratio(call):
    """Peak traced allocation during `call()`, over the bytes of its result.

    A first, untraced call fills the caches (colour tables, lazy imports).
    """
    call()
    gc.collect()
    tracemalloc.start()
    try:
        result = call()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return peak / result.nbytes


@pytest.mark.parametrize("image", list(IMAGES))
def test_superimpose_on_float_and_uint16_images(image):
    ratio = peak_ratio(lambda: superimpose_anomaly_map(SCORES, IMAGES[image], normalize=True))
    assert ratio <= LIMIT


@pytest.mark.parametrize("mode", ["blend", "alpha", "gray", "multiply"])
def test_every_mode_resizing_a_map_with_nan_over_a_float_image(mode):
    ratio = peak_ratio(lambda: overlay(IMAGES["float64"], SMALL_WITH_NAN, mode, threshold=0.2))
    assert ratio <= LIMIT


def test_superimpose_resizing_a_map_with_nan():
    ratio = peak_ratio(lambda: superimpose_anomaly_map(SMALL_WITH_NAN, UINT8, normalize=True))
    assert ratio <= LIMIT


def test_superimpose_shrinking_a_larger_map_with_nan():
    # A fixed range: min-max statistics of a map larger than the image are
    # not this test's subject, the resizing is.
    larger = RNG.random((3 * HEIGHT // 2, 3 * WIDTH // 2)).astype(np.float32)
    larger[7, 9] = np.nan
    ratio = peak_ratio(lambda: superimpose_anomaly_map(larger, UINT8, vmin=0.0, vmax=1.0))
    assert ratio <= LIMIT


def test_heatmap_rgba_resizing_a_map_with_nan():
    ratio = peak_ratio(lambda: heatmap_rgba(SMALL_WITH_NAN, size=(HEIGHT, WIDTH)))
    assert ratio <= LIMIT


def test_resize_bilinear_of_a_map_with_nan():
    # The output is float32 here (4 bytes a pixel): the bound is the output plus blocks.
    ratio = peak_ratio(lambda: resize_bilinear(SMALL_WITH_NAN, (HEIGHT, WIDTH)))
    assert ratio <= 1.5


def test_blend_of_float_images():
    ratio = peak_ratio(lambda: blend(IMAGES["float32"], IMAGES["float64"]))
    assert ratio <= LIMIT


@pytest.mark.parametrize("image", ["float64", "uint16"])
def test_drawing_on_float_and_uint16_images(image):
    assert peak_ratio(lambda: fill_mask(IMAGES[image], MASK)) <= LIMIT
    assert peak_ratio(lambda: draw_boxes(IMAGES[image], [(5, 5, 900, 700)])) <= LIMIT
