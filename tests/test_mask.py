"""Threshold, opening and closing."""

import numpy as np
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
