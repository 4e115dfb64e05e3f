"""One colour scale for a data set: fitted over many maps, saved, shared.

Min-max normalisation of each map on its own makes every normal image look
anomalous: its highest score takes the hottest colour, however low it is.
A data set needs one scale, fitted once (on a validation set) and used for
every map: :func:`fit_scale` computes it from a stream of maps without
holding them, and :func:`read_scale` reads it back from the JSON file
that :meth:`~anomaly_viz.normalization.Normalization.to_json` writes.

Three scales, by what is given:

- a `threshold`: anomalib's normalisation
  ``clip((x - t) / (max - min) + 0.5, 0, 1)``, with the data set's
  minimum and maximum, so that the threshold is the middle colour
  (``Normalization("threshold", ...)``);
- `percentiles`: the data set's two percentiles of all its finite scores
  (``Normalization("percentile", ...)``), outliers take the end colours;
- neither: the data set's minimum and maximum (``Normalization("minmax",
  ...)``, fitted).

The minimum and maximum take one pass over the maps and keep two numbers.
Exact percentiles of a data set larger than memory take three passes:

1. the count, minimum and maximum of the finite scores;
2. a histogram of ``bins`` equal bins over that range, which tells the bin
   holding each order statistic the percentiles need (NumPy's linear
   percentile of ``n`` values at ``p`` interpolates between the values
   of rank ``floor((n - 1) * p / 100)`` and the next one);
3. the distinct values in those bins (at most four) with their counts,
   from which the order statistics are read exactly.

The memory is the histogram plus the distinct values of four bins, about
``4 / bins`` of the data for scores spread over their range, whatever the
number of maps.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ._validate import _as_array, check_finite, check_percentiles, check_positive_int
from .io import FileProblem, PathLike, existing_file
from .normalization import Normalization, _finite_extremes, _work_scores

__all__ = ["fit_scale", "fit_visited", "read_scale", "visit_each"]

#: Bins of the histogram that locates the percentiles (pass 2).
BINS = 65536

#: Maps to read more than once: a sequence, or a function returning a new iterable.
Maps = Sequence[ArrayLike] | Callable[[], Iterable[ArrayLike]]


def _maps_once(maps: Maps | Iterable[ArrayLike]) -> Iterable[ArrayLike]:
    return maps() if callable(maps) else maps


#: A pass over the maps: given a function of one map's scores (flat, in
#: their work type, checked) and its dtype, that function's result for every
#: map, in any order. :func:`fit_scale` visits a sequence in this process; the
#: command line's ``fit-scale --scheduler`` visits files on a cluster's workers.
Visit = Callable[[Callable[[np.ndarray, np.dtype], Any]], Iterable[Any]]


def visit_each(maps: Maps | Iterable[ArrayLike]) -> Visit:
    """The :data:`Visit` of `maps`, one map at a time in this process (errors name ``maps[i]``)."""

    def visit(function: Callable[[np.ndarray, np.dtype], Any]) -> Iterator[Any]:
        for index, item in enumerate(_maps_once(maps)):
            name = f"maps[{index}]"
            array = _as_array(item, name)
            yield function(_work_scores(array, name).ravel(), array.dtype)

    return visit


def _extent_of(scores: np.ndarray, _dtype: np.dtype) -> tuple[int, float, float, np.dtype]:
    """One map's part of pass 1: its finite count, minimum, maximum and work type."""
    finite = scores[np.isfinite(scores)]
    if not finite.size:
        return 0, math.inf, -math.inf, scores.dtype
    extremes = _finite_extremes(finite)
    return finite.size, float(extremes[0]), float(extremes[1]), scores.dtype


def _extent(visit: Visit) -> tuple[int, float, float, np.dtype]:
    """Pass 1: the number of finite scores, their minimum and maximum, the maps' work type."""
    count, low, high = 0, math.inf, -math.inf
    dtype = np.dtype(np.float32)
    seen = False
    for size, least, most, kind in visit(_extent_of):
        seen = True
        dtype = np.result_type(dtype, kind)
        count, low, high = count + size, min(low, least), max(high, most)
    if not seen:
        raise ValueError("maps must hold at least one map, got none")
    return count, low, high, dtype


def _bin_of(scores: np.ndarray, low: float, high: float, bins: int) -> np.ndarray:
    """The bin of each score in ``bins`` equal bins over [low, high] (the last one closed)."""
    if high == low:
        return np.zeros(scores.shape, np.intp)
    position = (scores.astype(np.float64) - low) / (high - low) * bins
    return np.minimum(position.astype(np.intp), bins - 1)


def _order_statistics(
    visit: Visit, ranks: list[int], extent: tuple[float, float], bins: int
) -> dict[int, float]:
    """Passes 2 and 3: the values of the given ranks (0-based) in the sorted finite scores."""
    low, high = extent

    def histogram(scores: np.ndarray, _dtype: np.dtype) -> np.ndarray:
        finite = scores[np.isfinite(scores)]
        return np.bincount(_bin_of(finite, low, high, bins), minlength=bins)

    counts = np.zeros(bins, np.int64)
    for part in visit(histogram):
        counts += part
    below = np.cumsum(counts) - counts  # scores in the bins before each bin
    wanted = {rank: int(np.searchsorted(below + counts, rank, side="right")) for rank in ranks}
    chosen = np.array(sorted(set(wanted.values())))

    def values_in_chosen_bins(scores: np.ndarray, _dtype: np.dtype) -> tuple[Any, Any]:
        finite = scores[np.isfinite(scores)]
        inside = finite[np.isin(_bin_of(finite, low, high, bins), chosen)]
        return np.unique(inside.astype(np.float64), return_counts=True)

    values: list[np.ndarray] = []
    tallies: list[np.ndarray] = []
    for distinct, tally in visit(values_in_chosen_bins):
        values.append(distinct)
        tallies.append(tally)
    distinct, where = np.unique(np.concatenate(values), return_inverse=True)
    tally = np.bincount(where, weights=np.concatenate(tallies), minlength=distinct.size)
    statistics = {}
    for rank, bin_index in wanted.items():
        in_bin = _bin_of(distinct, low, high, bins) == bin_index
        ends = np.cumsum(tally[in_bin])  # ranks within the bin, one past each value's last
        position = int(np.searchsorted(ends, rank - below[bin_index], side="right"))
        statistics[rank] = float(distinct[in_bin][position])
    return statistics


def _linear_percentile(
    count: int, percentile: float, statistic: Callable[[int], float], dtype: np.dtype
) -> float:
    """NumPy's linear percentile of `count` sorted values of `dtype`, `statistic(rank)` each.

    As ``np.percentile`` computes it: the two neighbours and their
    difference in the values' type, the weighting in float64.
    """
    position = (count - 1) * np.float64(percentile / 100)
    previous = int(np.floor(position))
    weight = position - previous
    a = dtype.type(statistic(min(max(previous, 0), count - 1)))
    b = dtype.type(statistic(min(max(previous + 1, 0), count - 1)))
    with np.errstate(over="ignore", invalid="ignore"):
        difference = b - a
        value = b - difference * (1 - weight) if weight >= 0.5 else a + difference * weight
    if not math.isfinite(value):  # b - a overflowed near the float limits
        value = min(max(a * (1 - weight) + b * weight, a), b)
    return float(value)


def _percentile_scale(
    visit: Visit, percentiles: tuple[float, float], bins: int
) -> tuple[float, float] | None:
    """The two percentiles of every finite score of the maps (None when there is none)."""
    count, low, high, dtype = _extent(visit)
    if count == 0:
        return None
    ranks = []
    for percentile in percentiles:
        previous = int(np.floor((count - 1) * np.float64(percentile / 100)))
        ranks += [min(previous, count - 1), min(previous + 1, count - 1)]
    statistics = _order_statistics(visit, ranks, (low, high), bins)
    ends = [_linear_percentile(count, p, statistics.__getitem__, dtype) for p in percentiles]
    return ends[0], max(ends)


def fit_scale(
    maps: Maps | Iterable[ArrayLike],
    *,
    threshold: float | None = None,
    percentiles: tuple[float, float] | None = None,
    bins: int = BINS,
) -> Normalization:
    """One colour scale for every map of a data set, fitted without holding the maps.

    Parameters
    ----------
    maps : iterable of array_like, or a function returning one
        The maps (any real dtype and shape; NaN and infinities left out of
        the statistics). With `percentiles` they are read three times: give
        a sequence (a list of arrays) or a function returning a new iterable
        each time it is called (e.g. one that reads files); otherwise any
        iterable, read once.
    threshold : float, optional
        The anomaly threshold: anomalib's normalisation centred on it.
    percentiles : tuple of two floats, optional
        ``0 <= low < high <= 100``: the scale runs between these
        percentiles of all the finite scores together.
    bins : int, default 65536
        Bins of the histogram that locates the percentiles (memory only;
        the percentiles are exact whatever it is).

    Returns
    -------
    Normalization
        Fitted: ``"threshold"`` with the data set's minimum and maximum,
        ``"percentile"`` with its percentiles, or ``"minmax"`` with its
        minimum and maximum. With no finite score, ``low = high = 0``.

    Raises
    ------
    TypeError
        If a map is not real-valued, `maps` is not iterable (or, with
        `percentiles`, is an iterator that can be read only once), or an
        option has the wrong type.
    ValueError
        If `maps` holds no map or an empty one, both `threshold` and
        `percentiles` are given, `threshold` is not finite, or
        `percentiles` are out of order.

    Examples
    --------
    >>> maps = [np.array([[0.0, 0.2], [0.1, 0.3]]), np.array([[0.1, 0.9]])]
    >>> spec = fit_scale(maps, threshold=0.5)
    >>> spec.kind, spec.low, spec.high, spec.threshold
    ('threshold', 0.0, 0.9, 0.5)
    >>> spec(maps[1])  # 0.5 is the middle colour of every map
    array([[0.05555556, 0.94444444]])
    >>> fit_scale(maps).high
    0.9
    >>> spec = fit_scale(maps, percentiles=(0, 90))
    >>> spec.low, spec.high
    (0.0, 0.6)
    >>> np.percentile(np.concatenate([m.ravel() for m in maps]), [0, 90])  # the same
    array([0. , 0.6])
    """
    # (both given: fit_visited's error)
    if threshold is None and percentiles is not None and not callable(maps) and iter(maps) is maps:
        raise TypeError(
            "maps must be a sequence or a function returning a new iterable when percentiles "
            "are given (they are read three times), got an iterator"
        )
    return fit_visited(visit_each(maps), threshold=threshold, percentiles=percentiles, bins=bins)


def fit_visited(
    visit: Visit,
    *,
    threshold: float | None = None,
    percentiles: tuple[float, float] | None = None,
    bins: int = BINS,
) -> Normalization:
    """:func:`fit_scale` of the maps that `visit` goes through (one pass, or three).

    Each pass is a reduction: every map gives a few numbers (its extremes,
    a histogram, the values in a few bins), combined here in any order, so
    that a cluster can visit the maps where they are.
    """
    if threshold is not None and percentiles is not None:
        raise ValueError(
            "give threshold or percentiles, not both: the threshold scale runs from the "
            "minimum to the maximum"
        )
    if percentiles is None:
        if threshold is None:
            spec = Normalization("minmax")
        else:
            spec = Normalization("threshold", threshold=check_finite(threshold, "threshold"))
        parts = list(visit(lambda scores, dtype: (spec._sample(scores), dtype)))
        if not parts:
            raise ValueError("maps must hold at least one map, got none")
        dtype = np.result_type(np.bool_, *(kind for _, kind in parts))
        return spec._fitted_to_samples([sample for sample, _ in parts], dtype)
    percentiles = check_percentiles(percentiles)
    bins = check_positive_int(bins, "bins")
    scale = _percentile_scale(visit, percentiles, bins)
    if scale is None:
        return Normalization("percentile", 0.0, 0.0, percentiles=percentiles)
    return Normalization("percentile", *scale, percentiles=percentiles)


def read_scale(path: PathLike) -> Normalization:
    """The scale saved as JSON at `path`.

    :meth:`~anomaly_viz.normalization.Normalization.to_json` wrote it.

    Parameters
    ----------
    path : str or path-like

    Returns
    -------
    Normalization

    Raises
    ------
    FileProblem
        (a ValueError) naming `path`, if it is missing, unreadable, not JSON,
        or not a normalisation.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "scale.json"
    >>> _ = path.write_text(Normalization("range", low=0.0, high=2.0).to_json())
    >>> read_scale(path)([1.0, 3.0])
    array([0.5, 1. ])
    """
    file = existing_file(path)
    try:
        text = Path(file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise FileProblem(path, f"cannot be read ({error})") from None
    try:
        return Normalization.from_json(text)
    except (TypeError, ValueError) as error:
        raise FileProblem(path, f"is not a saved scale: {error}") from None
