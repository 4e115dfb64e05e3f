"""Golden-template comparison: registration, brightness, the anomaly map, the demo's sample."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from anomaly_viz.inspection import golden_template_score, inspection_sample, register


def textured(seed, shape=(64, 80)):
    """A random smooth texture: every shift of it looks different."""
    rng = np.random.default_rng(seed)
    from scipy import ndimage

    grey = ndimage.gaussian_filter(rng.random(shape), 2)
    grey = (grey - grey.min()) / np.ptp(grey) * 200 + 20
    return np.repeat(grey[..., np.newaxis], 3, axis=2).astype(np.uint8)


@given(seed=st.integers(0, 50), dy=st.integers(-8, 8), dx=st.integers(-8, 8))
def test_register_finds_the_shift(seed, dy, dx):
    reference = textured(seed)
    assert register(np.roll(reference, (dy, dx), axis=(0, 1)), reference) == (dy, dx)


@given(gain=st.floats(0.8, 1.1), offset=st.floats(-10, 10), seed=st.integers(0, 20))
def test_a_relit_shifted_photo_without_defects_scores_near_zero(gain, offset, seed):
    reference = textured(seed)
    moved = np.roll(reference.astype(np.float64), (2, -3), axis=(0, 1)) * gain + offset
    photo = np.clip(np.rint(moved), 0, 255).astype(np.uint8)
    score = golden_template_score(photo, reference)
    assert score.shape == reference.shape[:2] and score.dtype == np.float32
    assert score.max() < 3.0  # rounding to bytes only


def test_a_defect_scores_far_above_the_rest():
    reference = textured(3)
    photo = reference.copy()
    photo[30:34, 40:44] = (255, 0, 255)
    score = golden_template_score(photo, reference, sigma=1.0)
    assert np.unravel_index(score.argmax(), score.shape)[0] in range(29, 35)
    assert score[31, 41] > 20 * np.median(score)


def test_photos_of_different_sizes_are_refused():
    with pytest.raises(ValueError, match=r"image and reference must have the same size"):
        register(np.zeros((4, 4)), np.zeros((4, 5)))
    with pytest.raises(ValueError, match=r"image and reference must be RGB of the same size"):
        golden_template_score(np.zeros((4, 4, 3), np.uint8), np.zeros((4, 5, 3), np.uint8))


def test_the_inspection_sample_is_the_photos_size_and_finds_its_defects():
    sample = inspection_sample()
    assert sample.anomaly_map.shape == sample.image.shape[:2] == sample.reference.shape[:2]
    from scipy import ndimage

    near = ndimage.binary_dilation(sample.ground_truth, iterations=8)  # the smoothing's reach
    background = np.percentile(sample.anomaly_map[~near], 99.9)
    assert background < 8.0  # noise of sigma 3 (about 1.6 x 3), after registration
    for defect in sample.defects:
        assert np.median(sample.anomaly_map[defect]) > 10 * background
