"""Threshold, opening and closing."""

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy import ndimage
from strategies import bool_masks, shapes_2d

from anomaly_viz import compute_mask, open_by_reconstruction, open_close
from anomaly_viz.morphology import disk as package_disk
from anomaly_viz.morphology import open_disk
from anomaly_viz.thresholds import apply_hysteresis_threshold, threshold_mask, threshold_otsu


def reference(mask, k):
    """The issue's rule: open, then close, with a k x k square, outside the image neutral.

    Erosion sees foreground outside the image (border_value=1), dilation
    background (border_value=0).
    """
    mask = np.asarray(mask, bool)
    if k <= 1:
        return mask
    square = np.ones((k, k), bool)

    def erode(m):
        return ndimage.binary_erosion(m, square, border_value=1)

    def dilate(m):
        return ndimage.binary_dilation(m, square, border_value=0)

    return erode(dilate(dilate(erode(mask))))


def disk(radius):
    """scikit-image's disk(radius), written here: x**2 + y**2 <= radius**2."""
    y, x = np.mgrid[-radius : radius + 1, -radius : radius + 1]
    return x**2 + y**2 <= radius**2


def anomalib_reference(mask, radius):
    """anomalib's opening: grey erosion then dilation with the disk, scipy's "reflect" border.

    scipy.ndimage's reflect border is only right while the footprint reaches
    less than 4 lengths past an axis (longer than 1): callers keep to that.
    """
    image = np.asarray(mask, np.uint8)
    eroded = ndimage.grey_erosion(image, footprint=disk(radius), mode="reflect")
    return ndimage.grey_dilation(eroded, footprint=disk(radius), mode="reflect").astype(bool)


def mirrored_reference(mask, radius):
    """The opening of the mirrored image, by brute force: tile, open, crop."""
    mask = np.asarray(mask, bool)
    if radius == 0:
        return mask
    pad = 2 * radius
    tiled = np.pad(mask, pad, mode="symmetric")
    opened = ndimage.binary_dilation(ndimage.binary_erosion(tiled, disk(radius)), disk(radius))
    return opened[pad:-pad, pad:-pad]


masks = bool_masks(16)


def test_strictly_greater_and_nan_is_never_anomalous():
    scores = np.array([[0.5, 0.50001, np.nan, np.inf]])
    np.testing.assert_array_equal(threshold_mask(scores, 0.5), [[False, True, False, True]])


def test_inf_threshold_gives_empty_mask():
    assert not threshold_mask(np.array([[1e300, np.inf]]), np.inf).any()


def test_speck_removed_and_hole_filled():
    mask = np.zeros((11, 11), bool)
    mask[2:9, 2:9] = True
    mask[5, 5] = False  # a hole: the opening keeps the square around it, the closing fills it
    mask[0, 10] = True  # a corner speck: removed like one inside
    mask[10, 5] = True  # a speck on the bottom edge: removed
    result = open_close(mask, 3)
    expected = np.zeros((11, 11), bool)
    expected[2:9, 2:9] = True
    np.testing.assert_array_equal(result, expected)


@pytest.mark.parametrize("k", [3, 4, 5])
@pytest.mark.parametrize("corner", [(0, 0), (0, 9), (9, 0), (9, 9)])
def test_corner_speck_goes_like_one_inside(k, corner):
    scores = np.zeros((10, 10))
    scores[corner] = 0.9
    assert not compute_mask(scores, 0.5, k).any()
    scores[corner], scores[3, 3] = 0.0, 0.9
    assert not compute_mask(scores, 0.5, k).any()


def test_region_along_the_border_keeps_its_pixels_up_to_the_border():
    mask = np.zeros((8, 8), bool)
    mask[:3, 2:6] = True  # a 3x4 block touching the top edge
    np.testing.assert_array_equal(open_close(mask, 3), mask)
    mask[:, 0] = True  # a one-pixel line along the left edge: too thin, removed
    expected = mask.copy()
    expected[:, 0] = False
    np.testing.assert_array_equal(open_close(mask, 3), expected)


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
    scores = np.zeros((8, 8))
    scores[2:5, 2:5] = 0.9
    result = compute_mask(scores, 0.5, kernel_size=3)
    assert result.dtype == np.uint8
    assert set(np.unique(result)) == {0, 255}
    np.testing.assert_array_equal(result == 255, scores > 0.5)


def test_closing_fills_a_narrow_gap_to_the_border_like_one_between_regions():
    mask = np.zeros((6, 6), bool)
    mask[1:4, 1:4] = True  # one pixel away from the top and left edges
    expected = np.zeros((6, 6), bool)
    expected[:4, :4] = True
    np.testing.assert_array_equal(open_close(mask, 3), expected)


@given(mask=masks, k=st.integers(0, 9))
def test_open_close_equals_reference(mask, k):
    np.testing.assert_array_equal(open_close(mask, k), reference(mask, k))


@given(mask=masks, k=st.integers(2, 5))
def test_open_close_is_idempotent(mask, k):
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
    np.testing.assert_array_equal(result, reference(scores > threshold, k) * 255)


# ------------------------------------------------ Otsu, hysteresis, reconstruction


def test_otsu_two_groups():
    scores = np.array([0.0, 0.0, 1.0, 10.0, 11.0, 11.0])
    assert threshold_otsu(scores) == 1.0
    np.testing.assert_array_equal(scores > threshold_otsu(scores), [0, 0, 0, 1, 1, 1])


def test_otsu_ignores_nan_and_inf_and_constant_maps():
    assert threshold_otsu([np.nan, 0.0, 0.0, 5.0, 5.0, np.inf]) == 0.0
    assert threshold_otsu(np.full((3, 3), 2.5)) == 2.5


@given(
    scores=shapes_2d(10).flatmap(
        lambda shape: hnp.arrays(np.float64, shape, elements=st.floats(0, 1))
    )
)
def test_threshold_otsu_is_a_score_and_maximises_the_between_class_variance(scores):
    low, high = scores.min(), scores.max()
    assume(low < high)  # a constant map: test_otsu_ignores_nan_and_inf_and_constant_maps
    threshold = threshold_otsu(scores, nbins=16)
    assert threshold in scores
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
        threshold_otsu([np.nan, np.inf])
    with pytest.raises(ValueError, match=r"nbins must be a positive integer, got 0"):
        threshold_otsu([0.0, 1.0], nbins=0)
    with pytest.raises(ValueError, match=r"nbins must be at least 2 \(two classes .*\), got 1"):
        threshold_otsu([0.0, 1.0], nbins=1)


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        ([[1.0, np.nextafter(1.0, 2.0)]], 1.0),  # a constant map plus one float step
        (np.float32([[1, 1, 1, np.nextafter(np.float32(1), 2)]]), 1.0),
        ([[0.0, 5e-324]], 0.0),  # subnormal scores
        ([[0.0, 1e-310, 2e-310, 3e-310]], 1e-310),
        ([[0.0, 1e308]], 0.0),
        ([[-1.7e308, 1.7e308, 0.0]], -1.7e308),  # the span overflows float64
        (np.array([[2**62, 2**62 + 4096, 0]], np.int64), 0.0),
        (np.array([[2**62, 2**62 + 512]], np.int64), 2.0**62),  # equal once in float64
    ],
)
def test_otsu_on_extreme_maps_is_defined(scores, expected):
    threshold = threshold_otsu(scores)
    assert threshold == expected
    assert np.isfinite(threshold)


@given(
    scores=shapes_2d(10).flatmap(
        lambda shape: hnp.arrays(np.float64, shape, elements=st.floats(0, 1))
    ),
    threshold=st.floats(0, 1),
    connectivity=st.sampled_from([4, 8]),
)
def test_hysteresis_with_equal_thresholds_is_a_plain_threshold(scores, threshold, connectivity):
    result = apply_hysteresis_threshold(scores, threshold, threshold, connectivity=connectivity)
    np.testing.assert_array_equal(result, scores > threshold)


@given(
    scores=shapes_2d(10).flatmap(
        lambda shape: hnp.arrays(np.float64, shape, elements=st.floats(0, 1))
    ),
    low=st.floats(0, 0.5),
    high=st.floats(0.5, 1),
)
def test_hysteresis_lies_between_its_two_thresholds(scores, low, high):
    result = apply_hysteresis_threshold(scores, low, high)
    assert not (result & ~(scores > low)).any()
    assert not ((scores > high) & ~result).any()


def test_hysteresis_bad_order():
    with pytest.raises(ValueError, match=r"low must not exceed high, got low=0.8, high=0.2"):
        apply_hysteresis_threshold(np.zeros((2, 2)), 0.8, 0.2)


def reconstruction_reference(mask, k, connectivity):
    """Keep each whole region of the mask that a k x k square fits into (outside: foreground)."""

    mask = np.asarray(mask, bool)
    if k <= 1:
        return mask
    eroded = ndimage.binary_erosion(mask, np.ones((k, k), bool), border_value=1)
    structure = np.ones((3, 3)) if connectivity == 8 else ndimage.generate_binary_structure(2, 1)
    labels, _ = ndimage.label(mask, structure=structure)
    return np.isin(labels, np.unique(labels[eroded])) & mask


@given(mask=masks, k=st.integers(0, 5), connectivity=st.sampled_from([4, 8]))
def test_open_by_reconstruction(mask, k, connectivity):
    result = open_by_reconstruction(mask, k, connectivity=connectivity)
    np.testing.assert_array_equal(result, reconstruction_reference(mask, k, connectivity))
    assert not (result & ~mask).any()
    np.testing.assert_array_equal(
        open_by_reconstruction(result, k, connectivity=connectivity), result
    )


def test_compute_mask_options():
    scores = np.zeros((8, 8))
    scores[1:5, 1:5] = 0.9
    scores[5, 1] = 0.9  # a thin arm on the square
    scores[7, 7] = 0.3  # faint, alone
    reconstructed = compute_mask(scores, 0.5, 3, cleaning="reconstruction")
    np.testing.assert_array_equal(reconstructed == 255, scores > 0.5)
    opened = compute_mask(scores, 0.5, 3)
    assert opened[5, 1] == 0  # the opening cuts the arm
    anomalib = compute_mask(scores, 0.5, 1, cleaning="anomalib")
    assert anomalib[5, 1] == 0 and anomalib[1, 1] == 0 and anomalib[2, 2] == 255  # disk corners
    otsu = compute_mask(scores, "otsu", 0)
    np.testing.assert_array_equal(otsu == 255, scores > 0.3)
    small = compute_mask(scores, 0.2, 0, min_area=2)
    assert small[7, 7] == 0 and small[1, 1] == 255


def real_looking_mask(shape, seed):
    """Blobs of several sizes plus specks, as a thresholded anomaly map looks."""
    rng = np.random.default_rng(seed)
    scores = ndimage.gaussian_filter(rng.random(shape), 2.0)
    mask = scores > np.quantile(scores, 0.8)
    return mask | (rng.random(shape) > 0.97)


@pytest.mark.parametrize("k", range(0, 10))
def test_open_close_equals_reference_on_real_looking_masks(k):
    mask = real_looking_mask((40, 33), k)
    np.testing.assert_array_equal(open_close(mask, k), reference(mask, k))


@pytest.mark.parametrize("k", [10, 39, 40, 41, 80, 2000, 100_000])
def test_kernel_larger_than_the_map_costs_no_more_than_the_map(k):
    mask = real_looking_mask((40, 33), k)
    # The reference with a kernel just wide enough to reach across the map
    # (2n - 1 along each axis of length n) gives what any wider one gives.
    np.testing.assert_array_equal(open_close(mask, k), reference(mask, min(k, 81)))
    speck = np.zeros((10, 10), bool)
    speck[0, 0] = True
    assert not open_close(speck, k).any()
    assert not open_by_reconstruction(speck, k).any()
    np.testing.assert_array_equal(open_close(np.ones((3, 4), bool), k), np.ones((3, 4), bool))


def test_wide_kernel_passes_are_bounded(monkeypatch):
    import anomaly_viz._engine.morphology as mask_module

    calls = []
    original = np.logical_and

    def counting(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(mask_module.np, "logical_and", counting)
    open_close(np.ones((10, 10), bool), 100_000)
    assert len(calls) <= 4 * (2 * 10 - 1)  # two erosions, two axes, at most 2n - 1 shifts


# ------------------------------------------------------- anomalib's disk opening


@pytest.mark.parametrize("radius", range(0, 8))
def test_disk_is_scikit_images_disk(radius):
    np.testing.assert_array_equal(package_disk(radius), disk(radius))


@pytest.mark.parametrize("k", range(0, 11))
def test_anomalib_cleaning_equals_anomalibs_recipe(k):
    rng = np.random.default_rng(100 + k)
    scores = ndimage.gaussian_filter(rng.random((48, 41)), 1.5)
    threshold = float(np.quantile(scores, 0.7))
    expected = anomalib_reference(scores > threshold, k).astype(np.uint8) * 255
    result = compute_mask(scores, threshold, k, cleaning="anomalib")
    assert result.dtype == np.uint8
    np.testing.assert_array_equal(result, expected)


@given(
    mask=masks,
    radius=st.integers(0, 12),
)
def test_open_disk_equals_anomalibs_recipe_where_scipy_is_defined(mask, radius):
    assume(all(side == 1 or radius < 4 * side for side in mask.shape))
    np.testing.assert_array_equal(open_disk(mask, radius), anomalib_reference(mask, radius))


@given(
    mask=bool_masks(6),
    extra=st.integers(0, 3),
)
def test_open_disk_beyond_the_diagonal_is_the_mirrored_opening(mask, extra):
    height, width = mask.shape
    diagonal = int(np.ceil(np.hypot(height - 1, width - 1)))
    for radius in range(max(0, diagonal - 2), diagonal + extra + 1):
        np.testing.assert_array_equal(open_disk(mask, radius), mirrored_reference(mask, radius))


def test_open_disk_huge_radius_is_immediate():
    speckled = np.ones((10, 10), bool)
    assert open_disk(speckled, 100_000).all()
    speckled[4, 4] = False
    assert not open_disk(speckled, 100_000).any()


def test_open_disk_examples():
    mask = np.zeros((7, 7), bool)
    mask[1:6, 1:6] = True  # a 5x5 square: the disk of radius 2 fits at its centre only
    expected = disk(2)
    opened = open_disk(mask, 2)
    np.testing.assert_array_equal(opened[1:6, 1:6], expected)
    assert opened.sum() == expected.sum()
