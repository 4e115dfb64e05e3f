"""Threshold, opening and closing."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy import ndimage
from strategies import shapes_2d

from anomaly_viz import compute_mask, open_close, threshold_mask


def padded_reference(mask, k):
    """The issue's exact reference: pad 2k (edge), open, close, crop."""
    if k <= 1:
        return mask.astype(bool)
    square = np.ones((k, k), bool)
    padded = np.pad(mask.astype(bool), 2 * k, mode="edge")
    cleaned = ndimage.binary_closing(ndimage.binary_opening(padded, square), square)
    return cleaned[2 * k : -2 * k, 2 * k : -2 * k]


masks = shapes_2d(16).flatmap(lambda shape: hnp.arrays(np.bool_, shape))


def test_strictly_greater_and_nan_is_never_anomalous():
    scores = np.array([[0.5, 0.50001, np.nan, np.inf]])
    np.testing.assert_array_equal(threshold_mask(scores, 0.5), [[False, True, False, True]])


def test_inf_threshold_gives_empty_mask():
    assert not threshold_mask(np.array([[1e300, np.inf]]), np.inf).any()


def test_speck_removed_and_hole_filled():
    mask = np.zeros((11, 11), bool)
    mask[2:9, 2:9] = True
    mask[5, 5] = False  # a hole: the opening keeps the square around it, the closing fills it
    mask[0, 10] = True  # a corner speck: the repeated border makes it a block, it stays
    mask[10, 5] = True  # a speck on the bottom edge: a 1-wide column beyond it, removed
    result = open_close(mask, 3)
    expected = np.zeros((11, 11), bool)
    expected[2:9, 2:9] = True
    expected[0, 10] = True
    np.testing.assert_array_equal(result, expected)


def test_region_touching_the_border_is_kept_like_one_inside():
    mask = np.zeros((6, 6), bool)
    mask[:2, 2:4] = True  # a 2x2 square on the top edge
    np.testing.assert_array_equal(open_close(mask, 2), mask)


def test_even_kernel_does_not_shift():
    mask = np.zeros((10, 10), bool)
    mask[3:7, 3:7] = True
    np.testing.assert_array_equal(open_close(mask, 4), mask)
    np.testing.assert_array_equal(open_close(mask, 2), mask)


def test_compute_mask_values_and_dtype():
    scores = np.zeros((6, 6))
    scores[1:4, 1:4] = 0.9
    result = compute_mask(scores, 0.5, kernel_size=3)
    assert result.dtype == np.uint8
    assert set(np.unique(result)) == {0, 255}
    np.testing.assert_array_equal(result == 255, scores > 0.5)


@given(mask=masks, k=st.integers(0, 6))
def test_open_close_equals_padded_reference(mask, k):
    np.testing.assert_array_equal(open_close(mask, k), padded_reference(mask, k))


@given(mask=masks, k=st.integers(2, 5))
def test_opening_and_closing_are_idempotent(mask, k):
    square = np.ones((k, k), bool)
    opened = ndimage.binary_opening(mask, square)
    np.testing.assert_array_equal(ndimage.binary_opening(opened, square), opened)
    closed = ndimage.binary_closing(mask, square, border_value=0)
    padded = np.pad(closed, 2 * k)  # closing is extensive; compare away from the border
    again = ndimage.binary_closing(padded, square)[2 * k : -2 * k, 2 * k : -2 * k]
    np.testing.assert_array_equal(again, closed)
    once = open_close(mask, k)
    np.testing.assert_array_equal(open_close(once, k), once)


@given(
    scores=shapes_2d(12).flatmap(
        lambda shape: hnp.arrays(np.float64, shape, elements=st.floats(0, 1))
    ),
    threshold=st.floats(0, 1),
    k=st.integers(0, 5),
)
def test_compute_mask_equals_reference(scores, threshold, k):
    result = compute_mask(scores, threshold, kernel_size=k)
    assert result.dtype == np.uint8 and result.shape == scores.shape
    assert result.flags.c_contiguous
    np.testing.assert_array_equal(result, padded_reference(scores > threshold, k) * 255)


# ------------------------------------------------ Otsu, hysteresis, reconstruction

from anomaly_viz.mask import (  # noqa: E402
    hysteresis_mask,
    open_by_reconstruction,
    otsu_threshold,
)


def test_otsu_two_groups():
    scores = np.array([0.0, 0.0, 1.0, 10.0, 11.0, 11.0])
    assert otsu_threshold(scores) == 1.0
    np.testing.assert_array_equal(scores > otsu_threshold(scores), [0, 0, 0, 1, 1, 1])


def test_otsu_ignores_nan_and_inf_and_constant_maps():
    assert otsu_threshold([np.nan, 0.0, 0.0, 5.0, 5.0, np.inf]) == 0.0
    assert otsu_threshold(np.full((3, 3), 2.5)) == 2.5


@given(
    scores=shapes_2d(10).flatmap(
        lambda shape: hnp.arrays(np.float64, shape, elements=st.floats(0, 1))
    )
)
def test_otsu_threshold_is_a_score_and_maximises_the_between_class_variance(scores):
    threshold = otsu_threshold(scores, bins=16)
    assert threshold in scores
    low, high = scores.min(), scores.max()
    if low == high:
        return
    edges = np.linspace(low, high, 17)

    def between(split):
        upper = scores > split
        if upper.all() or not upper.any():
            return 0.0
        w0, w1 = (~upper).mean(), upper.mean()
        bin_of = np.clip(np.searchsorted(edges, scores, side="right") - 1, 0, 15)
        centres = (edges[:-1] + edges[1:]) / 2
        return w0 * w1 * (centres[bin_of][~upper].mean() - centres[bin_of][upper].mean()) ** 2

    best = max(between(edges[i + 1] - 1e-12) for i in range(15))
    assert between(threshold) >= best - 1e-12


def test_otsu_bad_input():
    with pytest.raises(ValueError, match=r"scores must hold at least one finite value"):
        otsu_threshold([np.nan, np.inf])
    with pytest.raises(ValueError, match=r"bins must be a positive integer, got 0"):
        otsu_threshold([0.0, 1.0], bins=0)


@given(
    scores=shapes_2d(10).flatmap(
        lambda shape: hnp.arrays(np.float64, shape, elements=st.floats(0, 1))
    ),
    threshold=st.floats(0, 1),
    connectivity=st.sampled_from([4, 8]),
)
def test_hysteresis_with_equal_thresholds_is_a_plain_threshold(scores, threshold, connectivity):
    result = hysteresis_mask(scores, threshold, threshold, connectivity)
    np.testing.assert_array_equal(result, scores > threshold)


@given(
    scores=shapes_2d(10).flatmap(
        lambda shape: hnp.arrays(np.float64, shape, elements=st.floats(0, 1))
    ),
    low=st.floats(0, 0.5),
    high=st.floats(0.5, 1),
)
def test_hysteresis_lies_between_its_two_thresholds(scores, low, high):
    result = hysteresis_mask(scores, low, high)
    assert not (result & ~(scores > low)).any()
    assert not ((scores > high) & ~result).any()


def test_hysteresis_bad_order():
    with pytest.raises(ValueError, match=r"low must not exceed high, got low=0.8, high=0.2"):
        hysteresis_mask(np.zeros((2, 2)), 0.8, 0.2)


def reconstruction_reference(mask, k, connectivity):
    """Keep each whole region of the mask that a k x k square fits into (edge padded)."""

    if k <= 1:
        return mask.astype(bool)
    pad = 2 * k
    padded = np.pad(mask.astype(bool), pad, mode="edge")
    eroded = ndimage.binary_erosion(padded, np.ones((k, k), bool))
    structure = np.ones((3, 3)) if connectivity == 8 else ndimage.generate_binary_structure(2, 1)
    labels, _ = ndimage.label(padded, structure=structure)
    keep = np.isin(labels, np.unique(labels[eroded])) & padded
    return keep[pad:-pad, pad:-pad]


@given(mask=masks, k=st.integers(0, 5), connectivity=st.sampled_from([4, 8]))
def test_open_by_reconstruction(mask, k, connectivity):
    result = open_by_reconstruction(mask, k, connectivity)
    np.testing.assert_array_equal(result, reconstruction_reference(mask, k, connectivity))
    assert not (result & ~mask).any()
    np.testing.assert_array_equal(open_by_reconstruction(result, k, connectivity), result)


def test_compute_mask_options():
    scores = np.zeros((8, 8))
    scores[1:5, 1:5] = 0.9
    scores[5, 1] = 0.9  # a thin arm on the square
    scores[7, 7] = 0.3  # faint, alone
    reconstructed = compute_mask(scores, 0.5, 3, cleaning="reconstruction")
    np.testing.assert_array_equal(reconstructed == 255, scores > 0.5)
    opened = compute_mask(scores, 0.5, 3)
    assert opened[5, 1] == 0  # the opening cuts the arm
    otsu = compute_mask(scores, "otsu", 0)
    np.testing.assert_array_equal(otsu == 255, scores > 0.3)
    small = compute_mask(scores, 0.2, 0, min_area=2)
    assert small[7, 7] == 0 and small[1, 1] == 255


@pytest.mark.parametrize("k", range(2, 13))
def test_open_close_equals_reference_for_larger_kernels(k):
    rng = np.random.default_rng(k)
    mask = ndimage.binary_dilation(rng.random((40, 33)) > 0.93, np.ones((3, 3)))
    mask |= rng.random((40, 33)) > 0.9
    np.testing.assert_array_equal(open_close(mask, k), padded_reference(mask, k))
