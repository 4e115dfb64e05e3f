"""Evaluation against ground truth, each figure checked against a plain count in the test."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy import ndimage
from strategies import shapes_2d

from anomaly_viz import compute_mask
from anomaly_viz.evaluation import (
    EVALUATION_COLORS,
    Evaluation,
    PixelMetrics,
    best_threshold,
    draw_evaluation,
    evaluate,
    pixel_metrics,
    pool_evaluations,
    pro_score,
    region_metrics,
)
from anomaly_viz.resize import resize_bilinear

EIGHT = np.ones((3, 3), bool)
FOUR = ndimage.generate_binary_structure(2, 1)


@st.composite
def mask_pairs(draw, max_side=10):
    shape = draw(shapes_2d(max_side))
    return tuple(draw(hnp.arrays(bool, shape)) for _ in range(2))


def plain_figures(prediction, truth):
    """Precision, recall, F1, IoU from plain counts, 0/0 as 1."""
    tp = int(np.sum(prediction & truth))
    fp = int(np.sum(prediction & ~truth))
    fn = int(np.sum(~prediction & truth))

    def ratio(a, b):
        return 1.0 if b == 0 else a / b

    return (
        ratio(tp, tp + fp),
        ratio(tp, tp + fn),
        ratio(2 * tp, 2 * tp + fp + fn),
        ratio(tp, tp + fp + fn),
    )


def plain_regions(prediction, truth, connectivity):
    """Region counts and PRO by a loop over the regions."""
    structure = EIGHT if connectivity == 8 else FOUR
    predicted, count = ndimage.label(prediction, structure)
    true, true_count = ndimage.label(truth, structure)
    found = sum(bool(np.any(truth[predicted == k])) for k in range(1, count + 1))
    fractions = [np.mean(prediction[true == k]) for k in range(1, true_count + 1)]
    missed = sum(fraction == 0 for fraction in fractions)
    pro = float(np.mean(fractions)) if fractions else float("nan")
    return found, count - found, missed, pro


# ------------------------------------------------------------ known answers


def test_pixel_figures_of_a_small_case():
    prediction = np.array([[1, 1, 0, 0], [0, 1, 1, 0]])
    truth = np.array([[1, 0, 0, 0], [0, 1, 1, 1]])
    metrics = pixel_metrics(prediction * 255, truth)
    assert metrics == PixelMetrics(3, 1, 1)
    assert (metrics.precision, metrics.recall, metrics.f1, metrics.iou) == (0.75, 0.75, 0.75, 0.6)


def test_empty_prediction_of_a_normal_image_is_perfect():
    metrics = pixel_metrics(np.zeros((3, 3)), np.zeros((3, 3)))
    assert metrics.as_dict() == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "iou": 1.0}


def test_nothing_predicted_on_a_defect():
    metrics = pixel_metrics(np.zeros((2, 2)), np.eye(2))
    assert metrics.as_dict() == {"precision": 1.0, "recall": 0.0, "f1": 0.0, "iou": 0.0}


def test_regions_found_false_and_missed():
    prediction = np.zeros((6, 8), bool)
    prediction[0:2, 0:2] = True  # on defect 1
    prediction[4:6, 6:8] = True  # a false alarm
    truth = np.zeros((6, 8), bool)
    truth[1:3, 1:3] = True  # a quarter of it is predicted
    truth[4:6, 0:2] = True  # missed
    regions = region_metrics(prediction, truth)
    assert (regions.true_positive, regions.false_positive, regions.missed) == (1, 1, 1)
    assert regions.ground_truth == 2 and regions.pro == pytest.approx((1 / 4 + 0) / 2)


def test_connectivity_decides_what_a_region_is():
    prediction = np.array([[1, 0], [0, 1]])
    truth = np.array([[1, 0], [0, 0]])
    assert region_metrics(prediction, truth).false_positive == 0  # one diagonal region
    assert region_metrics(prediction, truth, connectivity=4).false_positive == 1


def test_pro_of_a_normal_image_is_nan():
    assert np.isnan(pro_score(np.ones((2, 2)), np.zeros((2, 2))))


def test_evaluate_builds_the_mask_as_compute_mask_does():
    rng = np.random.default_rng(1)
    scores = rng.random((12, 14))
    truth = scores > 0.7
    result = evaluate(scores, truth, 0.6, 3, min_area=2)
    mask = compute_mask(scores, 0.6, 3, min_area=2) > 0
    assert result.pixel == pixel_metrics(mask, truth)
    assert result.regions == region_metrics(mask, truth)
    assert result.threshold == 0.6


def test_evaluate_resizes_a_smaller_map_to_the_truth_as_scores():
    scores = np.array([[0.0, 1.0], [0.0, 1.0]])
    truth = np.zeros((4, 4), bool)
    truth[:, 2:] = True
    result = evaluate(scores, truth, 0.5, 0)
    expected = resize_bilinear(scores, (4, 4)) > 0.5
    assert result.pixel == pixel_metrics(expected, truth)


def test_evaluate_records_otsus_threshold():
    scores = np.array([[0.0, 0.1, 0.9, 1.0]])
    result = evaluate(scores, [[0, 0, 1, 1]], "otsu", 0)
    assert 0.1 <= result.threshold < 0.9 and result.pixel.f1 == 1.0


def test_pooled_figures_are_those_of_all_pixels_together():
    truth = np.array([[1, 1, 0, 0]])
    first = evaluate(np.array([[0.9, 0.9, 0.9, 0.0]]), truth, 0.5, 0)
    second = evaluate(np.array([[0.0, 0.0, 0.0, 0.9]]), truth, 0.5, 0)
    pooled = pool_evaluations([first, second])
    assert pooled.pixel == PixelMetrics(2, 2, 2)
    assert pooled.regions.missed == 1 and pooled.pro == pytest.approx(0.5)
    assert pooled.threshold == 0.5


def test_best_threshold_of_a_known_case():
    scores = np.array([[0.9, 0.8, 0.3, 0.8, 0.1]])
    best = best_threshold([scores], [np.array([[1, 1, 1, 0, 0]])])
    assert (best.threshold, best.f1, best.precision, best.recall) == (0.1, 6 / 7, 0.75, 1.0)


def test_best_threshold_prefers_the_highest_of_equal_f1s():
    scores = np.array([[0.9, 0.5, 0.1]])
    best = best_threshold([scores], [np.array([[1, 0, 0]])])
    assert best.threshold == 0.5 and best.f1 == 1.0


def test_best_threshold_never_predicts_nan():
    scores = np.array([[np.nan, 0.9, 0.2]])
    best = best_threshold([scores], [np.array([[1, 1, 0]])])
    assert best.threshold == 0.2 and best.f1 == pytest.approx(2 / 3)


def test_draw_evaluation_colours_each_kind():
    image = np.full((3, 7), 50, np.uint8)
    prediction = np.array([[1, 0, 0, 0, 0, 0, 1], [0] * 7, [0] * 7])
    truth = np.array([[1, 0, 0, 1, 0, 0, 0], [0] * 7, [0] * 7])
    picture = draw_evaluation(image, prediction, truth, style="fill", alpha=1.0)
    assert picture[0, 0].tolist() == list(EVALUATION_COLORS["true_positive"])
    assert picture[0, 6].tolist() == list(EVALUATION_COLORS["false_positive"])
    assert picture[0, 3].tolist() == list(EVALUATION_COLORS["missed"])
    assert np.all(picture[1:] == 50)
    outlined = draw_evaluation(image, prediction, truth, colors={"missed": "white"})
    assert outlined[0, 3].tolist() == [255, 255, 255]


# ------------------------------------------------------------ properties


@given(pair=mask_pairs())
def test_pixel_figures_equal_a_plain_count(pair):
    prediction, truth = pair
    metrics = pixel_metrics(prediction, truth)
    expected = plain_figures(prediction, truth)
    assert (metrics.precision, metrics.recall, metrics.f1, metrics.iou) == expected
    assert all(0.0 <= value <= 1.0 for value in expected)


@given(pair=mask_pairs(), connectivity=st.sampled_from([4, 8]))
def test_region_figures_equal_a_loop_over_regions(pair, connectivity):
    prediction, truth = pair
    regions = region_metrics(prediction, truth, connectivity=connectivity)
    found, false, missed, pro = plain_regions(prediction, truth, connectivity)
    assert (regions.true_positive, regions.false_positive, regions.missed) == (found, false, missed)
    np.testing.assert_allclose(regions.pro, pro, rtol=1e-12)


@given(pairs=st.lists(mask_pairs(6), min_size=1, max_size=4))
def test_pooling_equals_counting_every_pixel_together(pairs):
    evaluations = [evaluate(p.astype(float), t, 0.5, 0) for p, t in pairs]
    pooled = pool_evaluations(evaluations)
    prediction = np.concatenate([p.ravel() for p, _ in pairs])
    truth = np.concatenate([t.ravel() for _, t in pairs])
    assert pooled.pixel == pixel_metrics(prediction[np.newaxis], truth[np.newaxis])


@st.composite
def scored_sets(draw):
    count = draw(st.integers(1, 3))
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    items = []
    for _ in range(count):
        shape = draw(shapes_2d(5))
        values = st.one_of(st.sampled_from([0.0, 0.25, 0.5, 1.0, np.nan]), st.floats(-2, 2))
        scores = draw(hnp.arrays(dtype, shape, elements=values))
        truth = draw(hnp.arrays(bool, shape))
        items.append((scores, truth))
    truth_pixels = sum(int(t.sum()) for _, t in items)
    if truth_pixels == 0:
        items[0][1].flat[0] = True
    return items


@given(items=scored_sets())
def test_best_threshold_equals_a_brute_force_search(items):
    maps = [s for s, _ in items]
    truths = [t for _, t in items]
    scores = np.concatenate([s.ravel() for s in maps])
    truth = np.concatenate([t.ravel() for t in truths])

    def f1_at(threshold):
        predicted = np.concatenate([(s > threshold).ravel() for s in maps])
        return pixel_metrics(predicted[np.newaxis], truth[np.newaxis]).f1

    candidates = np.unique(scores[~np.isnan(scores)])
    brute = max([f1_at(t) for t in candidates] + [f1_at(np.nextafter(candidates[0], -np.inf))]
                if candidates.size else [0.0])  # fmt: skip
    best = best_threshold(maps, truths)
    assert best.f1 == pytest.approx(brute, abs=1e-12)
    assert f1_at(best.threshold) == pytest.approx(best.f1, abs=1e-12)


# ------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: pixel_metrics(np.ones((2, 2)), np.ones((2, 3))), ValueError,
         r"prediction and ground_truth must have the same height and width"),
        (lambda: pixel_metrics([[np.nan]], [[1]]), ValueError, r"prediction must not hold NaN"),
        (lambda: pixel_metrics(np.ones((2, 2, 2)), np.ones((2, 2))), ValueError, r"prediction"),
        (lambda: region_metrics([[1]], [[1]], connectivity=6), ValueError, r"connectivity"),
        (lambda: pool_evaluations([]), ValueError, r"at least one Evaluation"),
        (lambda: pool_evaluations([1]), TypeError, r"evaluations\[0\] must be an Evaluation"),
        (lambda: best_threshold([[[0.5]]], []), ValueError, r"as many items, got 1 and 0"),
        (lambda: best_threshold([], []), ValueError, r"at least one map"),
        (lambda: best_threshold([[[0.5]]], [[[0]]]), ValueError, r"no defect pixel"),
        (lambda: best_threshold([[["a"]]], [[[1]]]), TypeError, r"anomaly_maps\[0\]"),
        (lambda: evaluate([[0.5]], [[1]], "high"), ValueError, r"threshold must be a number"),
        (lambda: draw_evaluation(np.zeros((2, 2)), [[1, 0], [0, 0]], np.zeros((2, 2)),
                                 style="box"), ValueError, r"style"),
        (lambda: draw_evaluation(np.zeros((2, 2)), np.zeros((2, 2)), np.zeros((2, 2)),
                                 colors={"hit": "red"}), ValueError, r"unknown keys \['hit'\]"),
        (lambda: draw_evaluation(np.zeros((2, 2)), np.zeros((2, 2)), np.zeros((2, 2)),
                                 colors=["red"]), TypeError, r"colors must be a dict"),
        (lambda: draw_evaluation(np.zeros((3, 3)), np.zeros((2, 2)), np.zeros((2, 2))),
         ValueError, r"image"),
    ],
)  # fmt: skip
def test_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_evaluation_as_dict_keeps_nan_pro():
    result = Evaluation(0.5, PixelMetrics(0, 0, 0), region_metrics([[0]], [[0]]))
    assert np.isnan(result.as_dict()["pro"])
