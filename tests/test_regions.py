"""Labels, region measurements, small-region removal and boxes."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from strategies import bool_masks, shapes_2d

from anomaly_viz.regions import (
    Region,
    label_regions,
    masks_to_boxes,
    measure_regions,
    remove_small_objects,
)


def disc(shape, centre, radius):
    rows, cols = np.indices(shape)
    return (rows - centre[0]) ** 2 + (cols - centre[1]) ** 2 <= radius**2


# ------------------------------------------------------------ known answers


def test_square():
    mask = np.zeros((8, 8), bool)
    mask[2:5, 3:6] = True
    scores = np.where(mask, 0.5, 0.0)
    scores[3, 5] = 0.9
    (region,) = measure_regions(scores, mask)
    assert region == Region(1, 9, (3, 2, 5, 4), (3.0, 4.0), 0.9, pytest.approx(0.5444444), (3, 5))


def test_two_touching_discs_are_one_region():
    mask = disc((9, 13), (4, 4), 2) | disc((9, 13), (4, 8), 2)
    for connectivity in (4, 8):
        _labels, count = label_regions(mask, connectivity=connectivity)
        assert count == 1
    (region,) = measure_regions(mask.astype(float), mask)
    assert region.area == 25  # two discs of 13 pixels sharing one
    assert region.box == (2, 2, 10, 6)
    assert region.centroid == (4.0, 6.0)


def test_corner_touching_squares_depend_on_connectivity():
    mask = np.zeros((6, 6), bool)
    mask[0:2, 0:2] = True
    mask[2:4, 2:4] = True
    assert len(measure_regions(mask, mask)) == 1
    assert len(measure_regions(mask, mask, connectivity=4)) == 2


def test_ring_centroid_lies_in_its_hole():
    mask = np.zeros((9, 9), bool)
    mask[1:8, 1:8] = True
    mask[3:6, 3:6] = False
    (region,) = measure_regions(mask.astype(float), mask)
    assert region.area == 40
    assert region.box == (1, 1, 7, 7)
    assert region.centroid == (4.0, 4.0) and not mask[4, 4]


def test_region_on_the_image_border():
    mask = np.zeros((5, 6), bool)
    mask[3:, 4:] = True
    (region,) = measure_regions(np.ones((5, 6)), mask)
    assert region.box == (4, 3, 5, 4)
    assert region.area == 4


def test_single_pixel():
    mask = np.zeros((7, 7), bool)
    mask[2, 5] = True
    scores = np.zeros((7, 7))
    scores[2, 5] = 3.5
    (region,) = measure_regions(scores, mask)
    assert region == Region(1, 1, (5, 2, 5, 2), (2.0, 5.0), 3.5, 3.5, (2, 5))
    boxes, box_scores = masks_to_boxes(mask, scores)
    np.testing.assert_array_equal(boxes, [[5, 2, 5, 2]])
    np.testing.assert_array_equal(box_scores, [3.5])


def test_sorted_by_maximum_score():
    scores = np.zeros((5, 9))
    scores[1, 1], scores[1, 4], scores[1, 7] = 0.6, 0.9, 0.7
    regions = measure_regions(scores, scores > 0)
    assert [r.max_score for r in regions] == [0.9, 0.7, 0.6]
    assert [r.label for r in regions] == [2, 3, 1]


def test_peak_is_the_first_maximum_in_raster_order():
    scores = np.array([[0.5, 0.9, 0.2], [0.9, 0.1, 0.9]])
    (region,) = measure_regions(scores, np.ones((2, 3)))
    assert region.peak == (0, 1)


def test_nan_scores_left_out_of_the_statistics():
    scores = np.array([[np.nan, 2.0, 4.0, 0.0, np.nan]])
    mask = np.array([[1, 1, 1, 0, 1]])
    first, second = measure_regions(scores, mask)
    assert (first.max_score, first.mean_score, first.peak) == (4.0, 3.0, (0, 2))
    assert np.isnan(second.max_score) and np.isnan(second.mean_score)


def test_empty_mask():
    assert measure_regions(np.ones((3, 3)), np.zeros((3, 3))) == []
    boxes, scores = masks_to_boxes(np.zeros((3, 3)))
    assert boxes.shape == (0, 4) and scores.shape == (0,)


def test_min_area_and_compute_mask_masks():
    mask = np.zeros((6, 6), np.uint8)
    mask[0:3, 0:3] = 255
    mask[5, 5] = 255
    assert [r.area for r in measure_regions(np.ones((6, 6)), mask, min_area=2)] == [9]


def test_as_row_is_flat():
    row = Region(2, 3, (1, 2, 3, 4), (2.5, 1.5), 0.75, 0.5, (2, 1)).as_row()
    assert list(row) == [
        "label", "area", "x1", "y1", "x2", "y2", "centroid_row", "centroid_col",
        "max_score", "mean_score", "peak_row", "peak_col",
    ]  # fmt: skip


# --------------------------------------------------------------- properties

masks = bool_masks(14)
maps_and_masks = shapes_2d(12).flatmap(
    lambda shape: st.tuples(
        hnp.arrays(np.float64, shape, elements=st.floats(-5, 5)), hnp.arrays(np.bool_, shape)
    )
)


@given(pair=maps_and_masks, connectivity=st.sampled_from([4, 8]))
def test_areas_add_up_and_boxes_are_tight(pair, connectivity):
    scores, mask = pair
    regions = measure_regions(scores, mask, connectivity=connectivity)
    assert sum(region.area for region in regions) == mask.sum()
    labels, count = label_regions(mask, connectivity=connectivity)
    assert len(regions) == count
    for region in regions:
        inside = labels == region.label
        x1, y1, x2, y2 = region.box
        rows, cols = np.nonzero(inside)
        assert (rows.min(), rows.max(), cols.min(), cols.max()) == (y1, y2, x1, x2)
        assert region.max_score == scores[inside].max() == scores[region.peak]
        assert region.mean_score == pytest.approx(scores[inside].mean())
        assert labels[region.peak] == region.label


@given(mask=masks, min_area=st.integers(0, 10), connectivity=st.sampled_from([4, 8]))
def test_removing_small_regions_never_adds_a_pixel(mask, min_area, connectivity):
    kept = remove_small_objects(mask, min_area, connectivity=connectivity)
    assert not (kept & ~mask).any()
    regions = measure_regions(mask, mask, connectivity=connectivity)
    assert kept.sum() == sum(r.area for r in regions if r.area >= min_area)


@given(mask=masks)
def test_boxes_match_the_regions(mask):
    boxes, scores = masks_to_boxes(mask)
    regions = sorted(measure_regions(mask, mask), key=lambda region: region.label)
    np.testing.assert_array_equal(boxes, np.array([r.box for r in regions]).reshape(-1, 4))
    np.testing.assert_array_equal(scores, np.ones(len(regions)))


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: measure_regions(np.zeros((3, 3)), np.zeros((3, 4))),
         r"mask and anomaly_map must have the same height and width"),
        (lambda: measure_regions(np.zeros((2, 3, 3)), np.zeros((3, 3, 3))),
         r"anomaly_map holds 2 items but mask holds 3"),
        (lambda: masks_to_boxes(np.zeros((3, 3)), np.zeros((4, 3))),
         r"anomaly_maps and masks must have the same height and width"),
    ],
)  # fmt: skip
def test_arrays_that_do_not_match(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# ------------------------------------- against a plain reference, NaN and inf


def reference_regions(scores, mask, connectivity):
    """measure_regions written the obvious way: one boolean mask per label."""
    from scipy import ndimage

    structure = np.ones((3, 3)) if connectivity == 8 else ndimage.generate_binary_structure(2, 1)
    labels, count = ndimage.label(mask, structure)
    regions = []
    for label in range(1, count + 1):
        rows, cols = np.nonzero(labels == label)  # raster order
        values = scores[rows, cols].astype(np.float64)
        scored = values[~np.isnan(values)]
        finite = values[np.isfinite(values)]
        mean = float("nan")
        if finite.size:
            total = 0.0
            for value in finite:  # one sum in raster order
                total += float(value)
            mean = total / finite.size
        if finite.size and not np.isfinite(mean):  # the sum overflowed: sum in units of 2**64
            total = 0.0
            for value in finite:
                total += float(value) / 2.0**64
            mean = total / finite.size * 2.0**64
        ranked = np.where(np.isnan(values), -np.inf, values)
        first = int(np.flatnonzero(ranked == ranked.max())[0])
        regions.append(
            Region(
                label=label,
                area=len(rows),
                box=(int(cols.min()), int(rows.min()), int(cols.max()), int(rows.max())),
                centroid=(float(rows.mean()), float(cols.mean())),
                max_score=float(scored.max()) if scored.size else float("nan"),
                mean_score=mean,
                peak=(int(rows[first]), int(cols[first])),
            )
        )
    scored = [r for r in regions if not np.isnan(r.max_score)]
    unscored = [r for r in regions if np.isnan(r.max_score)]
    return sorted(scored, key=lambda r: (-r.max_score, r.label)) + unscored


def as_tuple(region):
    """A Region's fields, with NaN replaced by a marker so that == compares them."""
    values = region.as_row().values()
    return tuple("NaN" if isinstance(v, float) and np.isnan(v) else v for v in values)


@st.composite
def hostile_maps_and_masks(draw):
    """Small maps with ties, NaN, +-inf and the largest float, and masks of their shape."""
    shape = draw(shapes_2d(10))
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    special = [0.0, -0.0, 1.0, 2.5, -3.0, np.nan, np.inf, -np.inf, float(np.finfo(dtype).max)]
    elements = st.one_of(st.sampled_from(special), st.floats(-10, 10, width=32))
    return draw(hnp.arrays(dtype, shape, elements=elements)), draw(hnp.arrays(np.bool_, shape))


@given(pair=hostile_maps_and_masks(), connectivity=st.sampled_from([4, 8]))
def test_regions_match_a_plain_reference(pair, connectivity):
    scores, mask = pair
    expected = reference_regions(scores, mask, connectivity)
    regions = measure_regions(scores, mask, connectivity=connectivity)
    assert [as_tuple(r) for r in regions] == [as_tuple(r) for r in expected]
    boxes, box_scores = masks_to_boxes(mask, scores, connectivity=connectivity)
    by_label = sorted(expected, key=lambda r: r.label)
    np.testing.assert_array_equal(boxes, np.array([r.box for r in by_label]).reshape(-1, 4))
    np.testing.assert_array_equal(box_scores, [r.max_score for r in by_label])


def test_infinite_and_nan_scores():
    # +inf and -inf count for the maximum and the peak, only finite scores for the mean.
    scores = np.array([[1.0, np.inf, 0.0, -np.inf, 0.0, np.nan, 0.0, np.nan, 2.0]])
    mask = np.array([[1, 1, 0, 1, 0, 1, 0, 1, 1]])
    regions = measure_regions(scores, mask)
    summary = [(r.label, r.max_score, r.mean_score, r.peak) for r in regions]
    assert [as_tuple(Region(r, 1, (0, 0, 0, 0), (0, 0), *rest)) for r, *rest in summary] == [
        as_tuple(Region(1, 1, (0, 0, 0, 0), (0, 0), np.inf, 1.0, (0, 1))),
        as_tuple(Region(4, 1, (0, 0, 0, 0), (0, 0), 2.0, 2.0, (0, 8))),
        as_tuple(Region(2, 1, (0, 0, 0, 0), (0, 0), -np.inf, np.nan, (0, 3))),
        as_tuple(Region(3, 1, (0, 0, 0, 0), (0, 0), np.nan, np.nan, (0, 5))),
    ]


def test_infinite_maximum_ranks_above_the_largest_float():
    # Old code ranked both as -nan_to_num(max) = -1.8e308, a tie kept in label order.
    scores = np.array([[np.finfo(np.float64).max, 0.0, np.inf]])
    regions = measure_regions(scores, scores > 0)
    assert [r.label for r in regions] == [2, 1]


def test_memory_goes_with_the_label_image_not_the_map_copies():
    import tracemalloc

    mask = np.zeros((1000, 1000), bool)
    mask[10:20, 30:40] = True
    scores = np.where(mask, 0.5, 0.0).astype(np.float32)
    measure_regions(scores, mask)  # imports scipy.ndimage outside the trace
    tracemalloc.start()
    try:
        (region,) = measure_regions(scores, mask)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert region.area == 100
    # The labels (4 bytes a pixel) and a bool copy of the mask (1) make 5 MB; the old code
    # made 60 MB (float64 and index copies of the whole map).
    assert peak < 8_000_000


def test_mean_of_huge_scores_does_not_overflow():
    big = np.finfo(np.float64).max
    scores = np.array([[big, big, 0.0, big, big, -big]])
    first, second = measure_regions(scores, scores != 0)
    assert first.mean_score == big  # the old sum overflowed: inf
    assert second.mean_score == pytest.approx(big / 3, rel=1e-15)
