"""How well a mask matches the ground truth: pixels, regions, PRO, the best threshold.

Pixel figures count the pixels of the predicted mask ``P`` and the true
mask ``T``: true positives ``TP = |P & T|``, false positives
``FP = |P & ~T|``, false negatives ``FN = |~P & T|``, and

=============  ============================  ====================================
precision      ``TP / (TP + FP)``            of the pixels claimed, how many are
                                             defects
recall         ``TP / (TP + FN)``            of the defect pixels, how many are
                                             found
F1             ``2 TP / (2 TP + FP + FN)``   their harmonic mean
IoU            ``TP / (TP + FP + FN)``       intersection over union
=============  ============================  ====================================

A fraction ``0 / 0`` is 1: nothing claimed is no false claim (precision),
nothing to find is nothing missed (recall), and a normal image with an
empty prediction is a perfect match (F1 and IoU).

Region figures look at connected regions (8- or 4-connected, as
:func:`~anomaly_viz.regions.label_regions` labels them): a predicted region
is a *true positive* when it shares a pixel with a ground-truth region and
a *false positive* when it shares none; a ground-truth region is *missed*
when no predicted pixel lies on it. PRO (per-region overlap) is the mean,
over the ground-truth regions, of the fraction of each region's pixels
that are predicted: a small defect counts as much as a large one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ._validate import (
    as_images,
    as_one_map,
    as_one_mask,
    check_alpha,
    check_choice,
    check_color,
    check_connectivity,
    check_positive_int,
    check_same_size,
    not_a_batch,
)
from .draw import _draw
from .post_process import compute_mask
from .regions import _labels
from .resize import resize_bilinear
from .thresholds import threshold_otsu

__all__ = [
    "EVALUATION_COLORS",
    "BestThreshold",
    "Evaluation",
    "PixelMetrics",
    "RegionMetrics",
    "best_threshold",
    "draw_evaluation",
    "evaluate",
    "pixel_metrics",
    "pool_evaluations",
    "pro_score",
    "region_metrics",
]

#: Default colours of :func:`draw_evaluation`, from Okabe and Ito's palette for colour-blind
#: readers: bluish green for found defects, vermillion for false alarms, sky blue for missed
#: defects. The three differ in lightness as well as hue, so they stay apart for deuteranopes
#: and protanopes, and none of them is a colour of the jet colormap's red-to-blue middle.
EVALUATION_COLORS = {
    "true_positive": (0, 158, 115),
    "false_positive": (213, 94, 0),
    "missed": (86, 180, 233),
}


def _ratio(part: int, whole: int) -> float:
    return 1.0 if whole == 0 else part / whole


@dataclass(frozen=True)
class PixelMetrics:
    """Pixel counts of a prediction against the truth, and the figures made from them.

    Attributes
    ----------
    true_positive, false_positive, false_negative : int
        ``|P & T|``, ``|P & ~T|``, ``|~P & T|``.

    Examples
    --------
    >>> metrics = PixelMetrics(3, 1, 2)
    >>> metrics.precision, metrics.recall, metrics.f1, metrics.iou
    (0.75, 0.6, 0.6666666666666666, 0.5)
    """

    true_positive: int
    false_positive: int
    false_negative: int

    @property
    def precision(self) -> float:
        """``TP / (TP + FP)``; 1 when nothing is predicted."""
        return _ratio(self.true_positive, self.true_positive + self.false_positive)

    @property
    def recall(self) -> float:
        """``TP / (TP + FN)``; 1 when there is nothing to find."""
        return _ratio(self.true_positive, self.true_positive + self.false_negative)

    @property
    def f1(self) -> float:
        """``2 TP / (2 TP + FP + FN)``; 1 when both masks are empty."""
        errors = self.false_positive + self.false_negative
        return _ratio(2 * self.true_positive, 2 * self.true_positive + errors)

    @property
    def iou(self) -> float:
        """``TP / (TP + FP + FN)``; 1 when both masks are empty."""
        errors = self.false_positive + self.false_negative
        return _ratio(self.true_positive, self.true_positive + errors)

    def as_dict(self) -> dict[str, float]:
        """``{"precision", "recall", "f1", "iou"}``."""
        return {"precision": self.precision, "recall": self.recall, "f1": self.f1, "iou": self.iou}


@dataclass(frozen=True)
class RegionMetrics:
    """Region counts of a prediction against the truth.

    Attributes
    ----------
    true_positive : int
        Predicted regions that share a pixel with a ground-truth region.
    false_positive : int
        Predicted regions that share none.
    missed : int
        Ground-truth regions without a predicted pixel.
    ground_truth : int
        Ground-truth regions.
    coverage : float
        The sum, over the ground-truth regions, of the fraction of each
        region that is predicted (PRO's numerator).
    """

    true_positive: int
    false_positive: int
    missed: int
    ground_truth: int
    coverage: float

    @property
    def pro(self) -> float:
        """``coverage / ground_truth``: PRO; NaN when there is no ground-truth region."""
        return self.coverage / self.ground_truth if self.ground_truth else float("nan")

    def as_dict(self) -> dict[str, int]:
        """``{"true_positive", "false_positive", "missed"}``."""
        return {
            "true_positive": self.true_positive,
            "false_positive": self.false_positive,
            "missed": self.missed,
        }


@dataclass(frozen=True)
class Evaluation:
    """The figures of one prediction (or of several pooled) at one threshold.

    Attributes
    ----------
    threshold : float
        The threshold the mask was made with (Otsu's, computed, when it was
        asked for).
    pixel : PixelMetrics
    regions : RegionMetrics
    """

    threshold: float
    pixel: PixelMetrics
    regions: RegionMetrics

    @property
    def pro(self) -> float:
        """PRO at this threshold (NaN without a ground-truth region)."""
        return self.regions.pro

    def as_dict(self) -> dict[str, object]:
        """``{"pixel": {...}, "regions": {...}, "pro": ...}`` (PRO may be NaN).

        Examples
        --------
        >>> truth = np.array([[1, 1, 0, 0]])
        >>> evaluate(np.array([[0.9, 0.2, 0.0, 0.8]]), truth, 0.5, 0).as_dict()
        ... # doctest: +NORMALIZE_WHITESPACE
        {'pixel': {'precision': 0.5, 'recall': 0.5, 'f1': 0.5, 'iou': 0.3333333333333333},
         'regions': {'true_positive': 1, 'false_positive': 1, 'missed': 0}, 'pro': 0.5}
        """
        return {"pixel": self.pixel.as_dict(), "regions": self.regions.as_dict(), "pro": self.pro}


def _masks(prediction: ArrayLike, ground_truth: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    predicted = as_one_mask(prediction, "prediction")
    truth = as_one_mask(ground_truth, "ground_truth")
    check_same_size(predicted.shape, "prediction", truth.shape, "ground_truth")
    return predicted, truth


def _pixel_counts(predicted: np.ndarray, truth: np.ndarray) -> PixelMetrics:
    true_positive = int(np.count_nonzero(predicted & truth))
    return PixelMetrics(
        true_positive,
        int(np.count_nonzero(predicted)) - true_positive,
        int(np.count_nonzero(truth)) - true_positive,
    )


def _region_counts(predicted: np.ndarray, truth: np.ndarray, connectivity: int) -> RegionMetrics:
    predicted_labels, predicted_count = _labels(predicted, connectivity)
    truth_labels, truth_count = _labels(truth, connectivity)
    # Truth pixels per predicted region, and predicted pixels per truth region.
    found = np.bincount(predicted_labels[truth], minlength=predicted_count + 1)[1:]
    covered = np.bincount(truth_labels[predicted], minlength=truth_count + 1)[1:]
    areas = np.bincount(truth_labels.ravel(), minlength=truth_count + 1)[1:]
    true_positive = int(np.count_nonzero(found))
    return RegionMetrics(
        true_positive=true_positive,
        false_positive=predicted_count - true_positive,
        missed=int(np.count_nonzero(covered == 0)),
        ground_truth=truth_count,
        coverage=float(np.sum(covered / areas)) if truth_count else 0.0,
    )


def pixel_metrics(prediction: ArrayLike, ground_truth: ArrayLike) -> PixelMetrics:
    """Pixel counts of a predicted mask against the true one (see the module's table).

    Parameters
    ----------
    prediction, ground_truth : array_like, shape (H, W)
        Masks of any real dtype, non-zero meaning True (the 0/255 masks of
        :func:`~anomaly_viz.post_process.compute_mask` work as they are).

    Returns
    -------
    PixelMetrics
        Its ``precision``, ``recall``, ``f1`` and ``iou`` are the figures.

    Raises
    ------
    TypeError
        If a mask is not real-valued.
    ValueError
        If a mask is not 2-D, is empty or holds NaN, or the two differ in
        size.

    Examples
    --------
    >>> prediction = np.array([[1, 1, 0], [0, 1, 0]])
    >>> truth = np.array([[1, 0, 0], [0, 1, 1]])
    >>> metrics = pixel_metrics(prediction, truth)
    >>> metrics
    PixelMetrics(true_positive=2, false_positive=1, false_negative=1)
    >>> metrics.f1, metrics.iou
    (0.6666666666666666, 0.5)
    """
    return _pixel_counts(*_masks(prediction, ground_truth))


def region_metrics(
    prediction: ArrayLike, ground_truth: ArrayLike, *, connectivity: int = 8
) -> RegionMetrics:
    """Region counts of a predicted mask against the true one, and PRO's coverage.

    Parameters
    ----------
    prediction, ground_truth : array_like, shape (H, W)
        Masks of any real dtype, non-zero meaning True.
    connectivity : {8, 4}, default 8
        Which neighbours make a region (as in
        :func:`~anomaly_viz.regions.label_regions`).

    Returns
    -------
    RegionMetrics

    Raises
    ------
    TypeError, ValueError
        As :func:`pixel_metrics`, and for a `connectivity` other than 4 or 8.

    Examples
    --------
    One predicted region on the defect, one false alarm, and a defect of
    two pixels missed:

    >>> prediction = np.array([[1, 1, 0, 0, 1],
    ...                        [0, 0, 0, 0, 0],
    ...                        [0, 0, 0, 0, 0]])
    >>> truth = np.array([[0, 1, 1, 0, 0],
    ...                   [0, 0, 0, 0, 0],
    ...                   [1, 1, 0, 0, 0]])
    >>> regions = region_metrics(prediction, truth)
    >>> regions.true_positive, regions.false_positive, regions.missed, regions.pro
    (1, 1, 1, 0.25)
    """
    connectivity = check_connectivity(connectivity)
    return _region_counts(*_masks(prediction, ground_truth), connectivity)


def pro_score(prediction: ArrayLike, ground_truth: ArrayLike, *, connectivity: int = 8) -> float:
    """PRO: the mean over the ground-truth regions of the fraction of each that is predicted.

    Parameters
    ----------
    prediction, ground_truth : array_like, shape (H, W)
        Masks of any real dtype, non-zero meaning True.
    connectivity : {8, 4}, default 8

    Returns
    -------
    float
        In [0, 1]; NaN when the ground truth has no region (PRO is not
        defined for a normal image).

    Raises
    ------
    TypeError, ValueError
        As :func:`region_metrics`.

    Examples
    --------
    Half of a large defect and all of a small one: ``(0.5 + 1) / 2``.

    >>> truth = np.array([[1, 1, 1, 1, 0, 1]])
    >>> pro_score(np.array([[1, 1, 0, 0, 0, 1]]), truth)
    0.75
    >>> pro_score(truth, np.zeros((1, 6)))
    nan
    """
    return region_metrics(prediction, ground_truth, connectivity=connectivity).pro


def _at_truth_size(scores: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    return scores if scores.shape == shape else resize_bilinear(scores, (shape[0], shape[1]))


def evaluate(
    anomaly_map: ArrayLike,
    ground_truth: ArrayLike,
    threshold: float | str,
    kernel_size: int = 4,
    *,
    low_threshold: float | None = None,
    cleaning: str = "open_close",
    connectivity: int = 8,
    min_area: int = 0,
) -> Evaluation:
    """Threshold a map into a mask, as :func:`~anomaly_viz.post_process.compute_mask`, and score it.

    The mask is ``compute_mask(anomaly_map, threshold, kernel_size, ...)``
    with the same options; a map of another size than the ground truth is
    first resized, as scores, to its size
    (:func:`~anomaly_viz.resize.resize_bilinear`, the overlay's rule).

    Parameters
    ----------
    anomaly_map : array_like, shape (h, w)
        One map of scores.
    ground_truth : array_like, shape (H, W)
        The true mask, non-zero meaning a defect.
    threshold : float or "otsu"
        As in :func:`~anomaly_viz.post_process.compute_mask`; ``"otsu"`` is computed
        from the map (at the ground truth's size) and recorded.
    kernel_size, low_threshold, cleaning, connectivity, min_area
        As in :func:`~anomaly_viz.post_process.compute_mask`; `connectivity` also makes
        the regions that are counted.

    Returns
    -------
    Evaluation

    Raises
    ------
    TypeError, ValueError
        As :func:`~anomaly_viz.post_process.compute_mask` and :func:`pixel_metrics`.

    Examples
    --------
    >>> scores = np.array([[0.9, 0.8, 0.1, 0.1],
    ...                    [0.7, 0.1, 0.1, 0.6]])
    >>> truth = np.array([[1, 1, 0, 0],
    ...                   [1, 1, 0, 0]])
    >>> result = evaluate(scores, truth, 0.5, 0)
    >>> result.pixel
    PixelMetrics(true_positive=3, false_positive=1, false_negative=1)
    >>> result.regions.true_positive, result.regions.false_positive, result.pro
    (1, 1, 0.75)
    """
    truth = as_one_mask(ground_truth, "ground_truth")
    scores = _at_truth_size(as_one_map(anomaly_map, "anomaly_map"), truth.shape)
    if isinstance(threshold, str) and threshold == "otsu":
        threshold = threshold_otsu(scores)
    mask = compute_mask(
        scores, threshold, kernel_size, low_threshold=low_threshold, cleaning=cleaning,
        connectivity=connectivity, min_area=min_area,
    )  # fmt: skip
    predicted = mask > 0
    return Evaluation(
        float(threshold),
        _pixel_counts(predicted, truth),
        _region_counts(predicted, truth, check_connectivity(connectivity)),
    )


def pool_evaluations(evaluations: Iterable[Evaluation]) -> Evaluation:
    """Several evaluations as one: the figures of all their pixels and regions together.

    Pixel counts and region counts are summed, so the pooled precision,
    recall, F1 and IoU are those of every pixel at once (not a mean of the
    images' figures), and PRO is the mean over every ground-truth region of
    every image.

    Parameters
    ----------
    evaluations : iterable of Evaluation
        At one threshold (a fixed one, or each image's own Otsu threshold).

    Returns
    -------
    Evaluation
        Its threshold is the evaluations' common threshold, or NaN when
        they differ.

    Raises
    ------
    TypeError
        If an item is not an :class:`Evaluation`.
    ValueError
        If `evaluations` is empty.

    Examples
    --------
    >>> truth = np.array([[1, 1, 0]])
    >>> first = evaluate(np.array([[0.9, 0.9, 0.9]]), truth, 0.5, 0)
    >>> second = evaluate(np.array([[0.9, 0.1, 0.1]]), truth, 0.5, 0)
    >>> pooled = pool_evaluations([first, second])
    >>> pooled.pixel, pooled.pro
    (PixelMetrics(true_positive=3, false_positive=1, false_negative=1), 0.75)
    """
    items = list(evaluations)
    if not items:
        raise ValueError("evaluations must hold at least one Evaluation, got none")
    for index, item in enumerate(items):
        if not isinstance(item, Evaluation):
            raise TypeError(f"evaluations[{index}] must be an Evaluation, got {item!r}")
    thresholds = {item.threshold for item in items}
    pixels = [item.pixel for item in items]
    regions = [item.regions for item in items]
    return Evaluation(
        thresholds.pop() if len(thresholds) == 1 else float("nan"),
        PixelMetrics(
            sum(p.true_positive for p in pixels),
            sum(p.false_positive for p in pixels),
            sum(p.false_negative for p in pixels),
        ),
        RegionMetrics(
            sum(r.true_positive for r in regions),
            sum(r.false_positive for r in regions),
            sum(r.missed for r in regions),
            sum(r.ground_truth for r in regions),
            sum(r.coverage for r in regions),
        ),
    )


@dataclass(frozen=True)
class BestThreshold:
    """The threshold with the best pooled pixel F1, and its figures.

    Attributes
    ----------
    threshold : float
        Pixels with ``score > threshold`` are predicted.
    f1, precision, recall : float
        The pooled pixel figures of that prediction.
    """

    threshold: float
    f1: float
    precision: float
    recall: float


def _pooled(
    anomaly_maps: Iterable[ArrayLike], ground_truths: Iterable[ArrayLike]
) -> tuple[np.ndarray, np.ndarray]:
    """Every map (at its ground truth's size) and every truth, flattened and joined."""
    maps, truths = list(anomaly_maps), list(ground_truths)
    if len(maps) != len(truths):
        raise ValueError(
            f"anomaly_maps and ground_truths must hold as many items, got {len(maps)} "
            f"and {len(truths)}"
        )
    if not maps:
        raise ValueError("anomaly_maps must hold at least one map, got none")
    scores, masks = [], []
    for index, (scores_item, truth_item) in enumerate(zip(maps, truths, strict=True)):
        truth = as_one_mask(truth_item, f"ground_truths[{index}]")
        item = as_one_map(scores_item, f"anomaly_maps[{index}]")
        scores.append(_at_truth_size(item, truth.shape).ravel())
        masks.append(truth.ravel())
    return np.concatenate(scores), np.concatenate(masks)


def best_threshold(
    anomaly_maps: Sequence[ArrayLike] | Iterable[ArrayLike],
    ground_truths: Sequence[ArrayLike] | Iterable[ArrayLike],
) -> BestThreshold:
    """The threshold that maximises the pixel F1 of all the maps pooled, computed exactly.

    The threshold anomalib's adaptive threshold looks for, found without a
    grid of candidates: the scores of every
    pixel are sorted once (highest first); predicting every pixel down to
    the ``k``-th distinct score gives running counts of true and false
    positives, hence the F1 of every possible threshold at once. The
    reported threshold is the next lower distinct score, so that
    ``score > threshold`` predicts exactly those pixels (compared in the
    maps' float type, as :func:`~anomaly_viz.post_process.compute_mask` compares; maps
    of mixed float types are pooled in float64). Of equal F1s, the highest
    threshold wins. NaN scores are never predicted; a map of another size
    than its ground truth is resized to it as scores first.

    Parameters
    ----------
    anomaly_maps : sequence of array_like, each (h, w)
        The maps of a validation set.
    ground_truths : sequence of array_like, each (H, W)
        Their true masks, non-zero meaning a defect.

    Returns
    -------
    BestThreshold

    Raises
    ------
    TypeError
        If a map or mask is not real-valued.
    ValueError
        If the two hold different numbers of items or none, a map or mask
        is not 2-D or empty, or no ground-truth pixel is set (F1 is then
        not defined).

    Examples
    --------
    >>> scores = np.array([[0.9, 0.8, 0.3, 0.8, 0.1]])
    >>> truth = np.array([[1, 1, 1, 0, 0]])
    >>> best = best_threshold([scores], [truth])
    >>> best
    BestThreshold(threshold=0.1, f1=0.8571428571428571, precision=0.75, recall=1.0)
    >>> pixel_metrics(scores > best.threshold, truth).f1
    0.8571428571428571
    """
    scores, truth = _pooled(anomaly_maps, ground_truths)
    positives = int(np.count_nonzero(truth))
    if positives == 0:
        raise ValueError("ground_truths hold no defect pixel: the F1 is not defined")
    valid = ~np.isnan(scores)
    order = np.argsort(-scores[valid], kind="stable")
    ranked, hits = scores[valid][order], truth[valid][order]
    # The last pixel of each distinct score: predicting down to it is one threshold.
    ends = np.append(np.flatnonzero(ranked[1:] != ranked[:-1]), ranked.size - 1)
    true_positive = np.cumsum(hits)[ends] if ranked.size else np.zeros(0, np.int64)
    predicted = ends + 1
    f1 = 2 * true_positive / (predicted + positives)  # 2TP / (2TP + FP + FN)
    below = np.append(ranked[ends[:-1] + 1], np.nextafter(ranked[-1:], ranked.dtype.type(-np.inf)))
    f1[~np.isfinite(below) & (below < 0)] = -1.0  # "score > -inf" cannot predict a -inf score
    if ranked.size == 0 or f1.max() <= 0:  # nothing can be found: predict nothing
        top = float(ranked[0]) if ranked.size else float("inf")
        return BestThreshold(top, 0.0, 1.0, 0.0)
    best = int(np.argmax(f1))  # the first maximum: the highest threshold
    found = int(true_positive[best])
    return BestThreshold(
        float(below[best]), float(f1[best]), found / int(predicted[best]), found / positives
    )


def draw_evaluation(
    image: ArrayLike,
    prediction: ArrayLike,
    ground_truth: ArrayLike,
    *,
    connectivity: int = 8,
    colors: dict[str, object] | None = None,
    style: str = "contour",
    alpha: float = 0.5,
    thickness: int = 2,
) -> np.ndarray:
    """Found, false and missed regions drawn on an image, in three colours.

    Predicted regions that touch a defect (true positives), predicted
    regions that touch none (false positives), and ground-truth regions no
    predicted pixel touches (missed) are drawn in
    ``colors["true_positive"]``, ``colors["false_positive"]`` and
    ``colors["missed"]`` (default :data:`EVALUATION_COLORS`, safe for
    colour-blind readers), as outlines or translucent fills.

    Parameters
    ----------
    image : array_like, shape (H, W) or (H, W, C)
        One image, e.g. an overlay (:func:`~anomaly_viz.overlays.overlay`).
    prediction, ground_truth : array_like, shape (H, W)
        Masks at the image's size, non-zero meaning True.
    connectivity : {8, 4}, default 8
    colors : dict, optional
        Some of the three keys, each any colour
        :func:`~anomaly_viz.draw.fill_mask` takes.
    style : {"contour", "fill"}, default "contour"
    alpha : float, default 0.5
        Opacity of the fills (outlines are opaque).
    thickness : int, default 2
        Width of the outlines.

    Returns
    -------
    ndarray of uint8, shape (H, W, 3)
        A new RGB image.

    Raises
    ------
    TypeError, ValueError
        For bad masks (as :func:`pixel_metrics`), an image of another size,
        an unknown key or a bad colour, style, alpha or thickness.

    Examples
    --------
    >>> image = np.zeros((1, 5), np.uint8)
    >>> picture = draw_evaluation(image, [[1, 0, 0, 0, 1]], [[1, 0, 1, 0, 0]], style="fill",
    ...                           alpha=1.0)
    >>> picture[0].tolist()
    [[0, 158, 115], [0, 0, 0], [86, 180, 233], [0, 0, 0], [213, 94, 0]]
    """
    if as_images(image)[1]:
        raise not_a_batch("image", np.shape(image))
    connectivity = check_connectivity(connectivity)
    style = check_choice(style, ("contour", "fill"), "style")
    alpha = check_alpha(alpha)
    thickness = check_positive_int(thickness, "thickness")
    chosen: dict[str, object] = dict(EVALUATION_COLORS)
    if colors is not None:
        if not isinstance(colors, dict):
            raise TypeError(f"colors must be a dict of region kinds to colours, got {colors!r}")
        unknown = sorted(set(colors) - set(EVALUATION_COLORS))
        if unknown:
            raise ValueError(f"colors has unknown keys {unknown}; the keys are {list(chosen)}")
        chosen.update(colors)
    rgb = {key: check_color(value, f"colors[{key!r}]") for key, value in chosen.items()}
    predicted, truth = _masks(prediction, ground_truth)
    predicted_labels, predicted_count = _labels(predicted, connectivity)
    truth_labels, truth_count = _labels(truth, connectivity)
    found = np.bincount(predicted_labels[truth], minlength=predicted_count + 1) > 0
    covered = np.bincount(truth_labels[predicted], minlength=truth_count + 1) > 0
    found[0], covered[0] = False, True  # the background is neither
    kinds = {
        "true_positive": found[predicted_labels],
        "false_positive": ~found[predicted_labels] & predicted,
        "missed": ~covered[truth_labels],
    }
    width, opacity = (None, alpha) if style == "fill" else (thickness, 1.0)
    return _draw(image, [(mask, key, width, rgb[key], opacity) for key, mask in kinds.items()])
