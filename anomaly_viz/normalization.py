"""Scores to [0, 1]: the step between a raw anomaly map and a colour.

A :class:`Normalization` is one validated specification of that step: its
*kind* says how the scale is chosen, and ``low`` and ``high``, once known,
are the scores shown at 0 and at 1. An unfitted specification reads them
from a map (:meth:`Normalization.fit`) or from a stream of maps
(:meth:`Normalization.fit_stream`); a fitted one is a fixed scale that
colours every map alike, and can be saved as JSON
(:meth:`Normalization.to_json`).

============== ============================================================
``minmax``     ``(x - min) / (max - min)`` over the map's finite scores
``range``      ``(x - low) / (high - low)``, a scale fixed in advance
``percentile`` min-max between two percentiles, outliers clipped
``sigmoid``    ``1 / (1 + exp(-x))``, for raw features of any range
``signed``     centred on zero, for attributions with a sign
``clip``       scores already in [0, 1], clipped to it
``threshold``  ``(x - t) / (max - min) + 0.5``: anomalib's, the threshold
               ``t`` in the middle of the colormap
============== ============================================================

Every result is a new float array with values in [0, 1] and NaN where the
scores were NaN; ``+inf`` maps to 1 and ``-inf`` to 0, and infinities never
enter the statistics. The float type is float32 for maps whose values
float32 holds exactly (bool, 8- and 16-bit integers, float16, float32) and
float64 otherwise.

This module is the reference: each formula is executed as written here.
The one fast path, the colour-table indices of the linear kinds, is in
``anomaly_viz._engine.normalization`` and gives the same bytes.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from . import _engine
from ._engine import normalization as _engine_normalization
from ._validate import (
    _as_array,
    check_bool,
    check_choice,
    check_finite,
    check_percentiles,
    check_positive_int,
    check_range,
    work_dtype,
)

__all__ = ["KINDS", "SIGNS", "Normalization", "from_anomalib", "normalize", "quantize"]

KINDS = ("minmax", "range", "percentile", "sigmoid", "signed", "clip", "threshold")
SIGNS = ("all", "positive", "negative", "absolute")

#: The version of the JSON form written by :meth:`Normalization.to_dict`.
JSON_VERSION = 1
_JSON_TYPE = "anomaly_viz.Normalization"


# ------------------------------------------------------------------ the formulas


def _as_scores(scores: ArrayLike, name: str = "scores") -> np.ndarray:
    """Scores as a non-empty float array of their work type (see the module's docstring)."""
    return _work_scores(_as_array(scores, name), name)


def _work_scores(array: np.ndarray, name: str) -> np.ndarray:
    """A checked real array, non-empty, in its float work type."""
    if array.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {array.shape}")
    return array.astype(work_dtype(array.dtype), copy=False)


def _finite_extremes(array: np.ndarray) -> np.ndarray:
    """The smallest and largest finite score (no entry when none is finite).

    NaN and infinities are left out, so that one bad pixel cannot spoil the
    scale of all the others.

    >>> _finite_extremes(np.array([[0.5, np.nan], [-np.inf, 2.0]]))
    array([0.5, 2. ])
    >>> _finite_extremes(np.array([np.nan, np.inf]))
    array([], dtype=float64)
    """
    low, high = np.min(array), np.max(array)
    if not (np.isfinite(low) and np.isfinite(high)):
        finite = np.isfinite(array)  # a bool mask: no float copy of the map
        if not finite.any():
            return np.empty(0, array.dtype)
        low = np.min(array, where=finite, initial=np.inf)
        high = np.max(array, where=finite, initial=-np.inf)
    return np.array([low, high], array.dtype)


def _linear_terms(dtype: np.dtype, low: float, high: float) -> tuple[np.dtype, float, float, float]:
    """How to compute ``(x - low) / (high - low)`` for scores of float type `dtype`.

    Returns ``(work, factor, offset, span)`` for ``(x * factor - offset) /
    span`` in float type `work`. That is the scores' own type when rounding
    `low` and `high` to it moves them by less than its precision times the
    span (always for float64 scores, and for ordinary ranges on float32);
    otherwise float64, which holds any float32 range exactly: a range
    beyond float32, or one so narrow or so near zero that float32 would
    round it away. When even float64's ``high - low`` overflows, the terms
    are halved (``factor`` 0.5): exact but for the last bit of a subnormal
    score, nothing next to a span that large.
    """
    with np.errstate(over="ignore", invalid="ignore"):  # beyond the type: inf, inf - inf
        own_low, own_high = dtype.type(low), dtype.type(high)
        span = own_high - own_low
    rounding = abs(float(own_low) - low) + abs(float(own_high) - high)  # inf when out of range
    if np.isfinite(span) and span > 0 and rounding <= (high - low) * float(np.finfo(dtype).eps):
        return dtype, 1.0, float(own_low), float(span)
    with np.errstate(over="ignore"):
        span = np.float64(high) - np.float64(low)
    if np.isfinite(span):
        return np.dtype(np.float64), 1.0, low, float(span)
    return np.dtype(np.float64), 0.5, low * 0.5, high * 0.5 - low * 0.5


def _rescale(array: np.ndarray, low: float, high: float) -> np.ndarray:
    """``clip((x - low) / (high - low), 0, 1)`` of float scores, NaN kept.

    When ``low == high`` (a constant map) there is no scale to divide by:
    scores above `low` become 1 and all others 0, so that a constant map
    takes the lowest colour. The arithmetic is in the scores' float type
    unless rounding `low` and `high` to it would change the result (see
    :func:`_linear_terms`).

    >>> _rescale(np.array([[0, 5, 10], [15, 20, np.nan]]), 5, 15)
    array([[0. , 0. , 0.5],
           [1. , 1. , nan]])
    >>> _rescale(np.array([3.0, 3.0, np.inf]), 3, 3)
    array([0., 0., 1.])

    A range wider than float32 on float32 scores:

    >>> _rescale(np.array([0.0, 1e30, 3e38], np.float32), -1e39, 1e39)
    array([0.5 , 0.5 , 0.65], dtype=float32)
    """
    if low == high:
        exact = array if array.dtype == np.float64 else array.astype(np.float64)
        result = (exact > low).astype(array.dtype)
        result[np.isnan(array)] = np.nan
        return result
    work, factor, offset, span = _linear_terms(array.dtype, low, high)
    with np.errstate(invalid="ignore", over="ignore"):  # inf - inf where a score is inf
        if factor == 1.0:
            result = np.subtract(array, offset, dtype=work)
        else:
            result = np.multiply(array, factor, dtype=work)
            result -= offset
        result /= span
    np.clip(result, 0.0, 1.0, out=result)
    return result.astype(array.dtype, copy=False)


def _around_threshold(array: np.ndarray, threshold: float, low: float, high: float) -> np.ndarray:
    """``clip((x - threshold) / (high - low) + 0.5, 0, 1)`` of float scores, NaN kept.

    anomalib's min-max normalisation, computed in the scores' float type as
    written, unless `threshold`, `low`, `high` or ``high - low`` do not fit
    in it exactly (then in float64, halving every term when even float64's
    span overflows). When ``low == high`` there is no scale: scores above
    the threshold become 1, scores below it 0, the threshold itself 0.5
    (the formula's limit).

    >>> _around_threshold(np.array([0.0, 0.25, 0.5, 1.0, np.nan]), 0.5, 0.0, 1.0)
    array([0.  , 0.25, 0.5 , 1.  ,  nan])
    >>> _around_threshold(np.array([1.0, 2.0, 3.0]), 2.0, 5.0, 5.0)
    array([0. , 0.5, 1. ])
    """
    if low == high:
        as_float64 = array.astype(np.float64)
        result = np.select([as_float64 > threshold, as_float64 < threshold], [1.0, 0.0], 0.5)
        result[np.isnan(array)] = np.nan
        return result.astype(array.dtype)
    kind = array.dtype.type
    with np.errstate(over="ignore", invalid="ignore"):
        terms = [kind(threshold), kind(low), kind(high)]
        span = terms[2] - terms[1]
    given = (threshold, low, high)
    exact = all(float(own) == value for own, value in zip(terms, given, strict=True))
    factor = 1.0
    if not (exact and np.isfinite(span)):
        kind = np.float64
        with np.errstate(over="ignore"):
            span = np.float64(high) - np.float64(low)
        factor = 1.0 if np.isfinite(span) else 0.5
        terms = [kind(threshold * factor), kind(low * factor), kind(high * factor)]
        span = terms[2] - terms[1]
    with np.errstate(invalid="ignore", over="ignore"):  # inf - inf where a score is inf
        shifted = np.multiply(array, factor, dtype=kind) if factor != 1.0 else array.astype(kind)
        result = (shifted - terms[0]) / span + kind(0.5)
    np.clip(result, 0.0, 1.0, out=result)
    return result.astype(array.dtype, copy=False)


def _sigmoid(array: np.ndarray) -> np.ndarray:
    """``1 / (1 + exp(-x))``, computed as the equal and overflow-free ``(1 + tanh(x / 2)) / 2``.

    >>> _sigmoid(np.array([-800.0, 0.0, 2.0]))
    array([0.        , 0.5       , 0.88079708])
    """
    return (1 + np.tanh(array / 2)) / 2


def quantize(values: ArrayLike, levels: int) -> np.ndarray:
    """Level ``min(floor(v * levels), levels - 1)`` of each value; `levels` for NaN.

    matplotlib's rule for picking one of a colormap's `levels` colours,
    computed in the values' own float type as matplotlib does.

    Parameters
    ----------
    values : array_like
        Normalised values in [0, 1] (outside: clipped), or NaN.
    levels : int
        Number of levels (a colormap's N).

    Returns
    -------
    ndarray of intp, the shape of `values`

    Raises
    ------
    TypeError
        If `values` is not real-valued or `levels` is not an integer.
    ValueError
        If `levels` is less than 1.

    Examples
    --------
    >>> quantize([0.0, 0.5 / 256, 1 / 256, 0.999, 1.0, 7.0, np.nan], 256)
    array([  0,   0,   1, 255, 255, 255, 256])
    """
    levels = check_positive_int(levels, "levels")
    array = _as_array(values, "values")
    if array.dtype.kind != "f":
        array = array.astype(np.float64)
    scaled = np.multiply(array, levels)
    np.clip(scaled, 0, levels - 1, out=scaled)  # NaN stays NaN
    scaled[np.isnan(scaled)] = levels
    return scaled.astype(np.intp)  # floor, as the values are not negative


def _percentiles(finite: np.ndarray, percentiles: tuple[float, ...]) -> list[float]:
    """NumPy's (linear) percentiles of finite values, also next to the float limits.

    ``np.percentile`` interpolates between two neighbours ``a <= b`` through
    ``b - a``, which overflows (to inf or NaN) when they are of opposite
    signs near the float limits; then every percentile is interpolated again
    as ``a * (1 - t) + b * t`` in float64, which cannot overflow.

    >>> _percentiles(np.array([0.0, 1.0, 2.0, 3.0, 100.0]), (0, 75))
    [0.0, 3.0]
    """
    with np.errstate(over="ignore", invalid="ignore"):
        values = np.percentile(finite, percentiles)
    if np.isfinite(values).all():
        return [float(value) for value in values]
    ordered = np.sort(finite.astype(np.float64))
    positions = np.asarray(percentiles, np.float64) / 100.0 * (ordered.size - 1)
    below = np.floor(positions).astype(np.intp)
    above = np.minimum(below + 1, ordered.size - 1)
    weight = positions - below
    a, b = ordered[below], ordered[above]
    return [float(value) for value in np.clip(a * (1.0 - weight) + b * weight, a, b)]


_SUM_UNIT = 2.0**-64  # exact scaling; 2**63 float64 magnitudes in these units cannot overflow


def _outlier_threshold(magnitudes: np.ndarray, outlier_perc: float) -> float:
    """captum's ``outlier_perc`` rule on positive, finite magnitudes (0.0 for none).

    The smallest magnitude at which the running sum of the magnitudes, in
    ascending order, reaches ``(100 - outlier_perc)`` % of their total. The
    sums and ``total * 0.01 * (100 - outlier_perc)`` are computed in the
    magnitudes' float type, as captum computes them (under NumPy 2), so that
    the same magnitude is chosen to the last rounding; only where that total
    overflows (captum's becomes inf) are the sums taken in float64, in units
    of ``2**-64``.

    >>> _outlier_threshold(np.array([1.0, 1.0, 2.0, 2.0, 8.0, 9.0]), 40)
    8.0
    """
    if magnitudes.size == 0:
        return 0.0
    ordered = np.sort(magnitudes)
    kind = ordered.dtype.type
    with np.errstate(over="ignore"):
        running = np.cumsum(ordered)
    if not np.isfinite(running[-1]):
        kind = np.float64
        running = np.cumsum(ordered.astype(np.float64) * _SUM_UNIT)
    target = running[-1] * kind(0.01) * kind(100.0 - outlier_perc)
    # The running sum never decreases: its first entry >= target. Rounding can put the
    # target a little above the total (outlier_perc=0): then the largest magnitude.
    index = min(int(np.searchsorted(running, target, side="left")), ordered.size - 1)
    return float(ordered[index])


def _display(array: np.ndarray, sign: str) -> np.ndarray:
    """The display scores ``d`` of float scores: ``-x`` for "negative", ``|x|`` for "absolute"."""
    if sign == "negative":
        return np.subtract(0, array, dtype=array.dtype)  # 0 - 0 is +0, unlike -(0)
    if sign == "absolute":
        return np.abs(array)
    return array


# ---------------------------------------------------------- checking the fields


def _check_ends(kind: str, sign: str, low: object, high: object) -> tuple[float, float] | None:
    """`low` and `high` of a specification: None (unfitted) or finite floats, by kind's rules."""
    if kind == "clip" and low is None and high is None:
        low, high = 0.0, 1.0  # the one scale of "clip": fitted at once
    if kind == "range" and (low is None or high is None):
        raise ValueError(
            "kind='range' needs low and high, the scores shown at 0 and 1; "
            f"got low={low!r}, high={high!r}"
        )
    if low is None and high is None:
        return None
    if low is None or high is None:
        missing = "low" if low is None else "high"
        raise ValueError(f"low and high must be given together; {missing} is missing")
    low, high = check_finite(low, "low"), check_finite(high, "high")
    if not low <= high:
        raise ValueError(f"low must not exceed high, got low={low}, high={high}")
    if kind == "range" and low == high:
        raise ValueError(f"kind='range' needs low < high, got low={low}, high={high}")
    if kind == "clip" and (low, high) != (0.0, 1.0):
        raise ValueError(f"kind='clip' is the scale low=0, high=1; got low={low}, high={high}")
    if kind == "signed":
        _check_signed_ends(sign, low, high)
    return low, high


def _check_signed_ends(sign: str, low: float, high: float) -> None:
    """A signed scale ``s = high > 0``: ``low = -s`` for sign "all" (zero at 0.5), else 0."""
    if not high > 0:
        raise ValueError(f"kind='signed' needs a positive scale high, got high={high}")
    if sign == "all" and low != -high:
        raise ValueError(
            "kind='signed' with sign='all' is centred on zero: low must be -high, "
            f"got low={low}, high={high}"
        )
    if sign != "all" and low != 0.0:
        raise ValueError(
            f"kind='signed' with sign={sign!r} starts at zero: low must be 0, got low={low}"
        )


def _check_options(kind: str, percentiles: object, sign: str, outlier_perc: object) -> None:
    """Refuse an option given to a kind that does not use it."""
    if sign != "all" and kind != "signed":
        raise ValueError(f"sign goes with kind='signed' only; got kind={kind!r}, sign={sign!r}")
    if percentiles is not None and kind not in ("percentile", "signed"):
        raise ValueError(
            "percentiles go with kind='percentile' or 'signed' only; "
            f"got kind={kind!r}, percentiles={percentiles!r}"
        )
    if outlier_perc is not None and kind != "signed":
        raise ValueError(
            "outlier_perc goes with kind='signed' only; "
            f"got kind={kind!r}, outlier_perc={outlier_perc!r}"
        )
    if outlier_perc is not None and percentiles is not None:
        raise ValueError(
            "outlier_perc and percentiles are two ways to choose the signed scale: give one, "
            f"got outlier_perc={outlier_perc!r}, percentiles={percentiles!r}"
        )


def _check_outlier_perc(outlier_perc: object) -> float:
    """captum's ``outlier_perc``: a number in [0, 100]."""
    value = check_finite(outlier_perc, "outlier_perc")
    if not 0.0 <= value <= 100.0:
        raise ValueError(f"outlier_perc must lie in [0, 100], got {value}")
    return value


# ------------------------------------------------------------ the specification


@dataclass(frozen=True)
class Normalization:
    """How scores become values in [0, 1]: one validated specification.

    Each kind first takes a *display score* ``d`` (the score itself; ``-x``
    for ``sign="negative"``, ``|x|`` for ``sign="absolute"``), then

    - ``sigmoid``: ``v = 1 / (1 + exp(-d))``, computed as the equal and
      overflow-free ``(1 + tanh(d / 2)) / 2``;
    - ``threshold`` (anomalib's min-max normalisation):
      ``v = clip((d - threshold) / (high - low) + 0.5, 0, 1)``, so that the
      threshold is the middle colour and ``high - low`` scores span the
      colormap;
    - every other kind: ``v = clip((d - low) / (high - low), 0, 1)``, with
      ``low`` and ``high`` by kind:

    ==============  =====================================================
    kind            ``low`` and ``high``
    ==============  =====================================================
    ``minmax``      the finite minimum and maximum
    ``range``       given, one scale for a data set (``low < high``)
    ``percentile``  the two `percentiles` of the finite scores, default
                    (1, 99): outliers take the end colours
    ``sigmoid``     the finite minimum and maximum, for colorbars only
    ``signed``      ``-s`` and ``s`` for ``sign="all"`` (0 at 0.5, the
                    centre of a diverging colormap); 0 and ``s`` for the
                    other signs
    ``clip``        0 and 1: scores already in [0, 1]
    ``threshold``   the finite minimum and maximum, usually of a
                    validation set (see :mod:`anomaly_viz.scale`)
    ==============  =====================================================

    When ``low == high`` (a constant map) there is no scale to divide by:
    display scores above ``low`` become 1 and the others 0.

    ``signed`` is for attributions, whose sign means something (the four
    sign choices of captum's ``visualize_image_attr``). Its magnitudes are
    ``|x|`` for ``"all"`` and ``"absolute"``, ``x`` where ``x > 0`` for
    ``"positive"`` and ``-x`` where ``x < 0`` for ``"negative"``; the scale
    ``s`` is the largest of them by default; with `percentiles`, their
    ``percentiles[1]`` percentile (NumPy's linear percentile; for ``"all"``
    zeros count as magnitudes); with `outlier_perc`, captum's rule: sort the
    non-zero magnitudes in ascending order, and ``s`` is the first at which
    their running sum reaches ``100 - outlier_perc`` percent of their total,
    so that the largest magnitudes, together about `outlier_perc` percent
    of the total, take the end colours. The sums are computed in the map's
    float type as captum computes them, so that a float32 or float64 map
    gets captum's scale exactly (captum sums an image's channels first: pass
    that sum). When there is no magnitude, ``s`` is 1.

    Parameters
    ----------
    kind : str, default "minmax"
        One of ``KINDS``.
    low, high : float, optional
        The display scores shown at 0 and at 1, finite, ``low <= high``;
        left out until fitted. Required for ``"range"``; 0 and 1 for
        ``"clip"``; ``-high`` (sign ``"all"``) or 0 and ``high > 0`` for
        ``"signed"``.
    percentiles : tuple of two floats, optional
        ``0 <= p_low < p_high <= 100``. For ``"percentile"`` (default
        (1, 99)) and ``"signed"`` (which uses ``p_high``; default: the
        largest magnitude).
    sign : str, default "all"
        One of ``SIGNS``; for ``"signed"`` only.
    outlier_perc : float, optional
        For ``"signed"`` only, instead of `percentiles`: captum's rule
        above, in [0, 100] (captum's default is 2).
    threshold : float, optional
        For ``"threshold"`` only, and required there: the score shown at
        0.5, finite.

    Raises
    ------
    TypeError
        If a number is of the wrong type (a bool, a string).
    ValueError
        If `kind` or `sign` is not one of the choices, an option is given to
        a kind that does not use it, `low`/`high` break the rules above or
        are NaN or infinite, `percentiles` are out of order, or
        `outlier_perc` is out of [0, 100].

    Examples
    --------
    >>> scores = np.array([[-4.0, -1.0, 0.0], [1.0, 2.0, 100.0]])
    >>> Normalization()(scores)
    array([[0.        , 0.02884615, 0.03846154],
           [0.04807692, 0.05769231, 1.        ]])
    >>> spec = Normalization("percentile", percentiles=(0, 80)).fit(scores)
    >>> spec.low, spec.high  # 0th and 80th percentiles: 100 is an outlier
    (-4.0, 2.0)
    >>> spec(scores).round(3)
    array([[0.   , 0.5  , 0.667],
           [0.833, 1.   , 1.   ]])
    >>> Normalization("sigmoid")(scores).round(3)
    array([[0.018, 0.269, 0.5  ],
           [0.731, 0.881, 1.   ]])
    >>> Normalization("signed", percentiles=(0, 60))(scores)
    array([[0.  , 0.25, 0.5 ],
           [0.75, 1.  , 1.  ]])
    >>> Normalization("signed", sign="negative")(scores)
    array([[1.  , 0.25, 0.  ],
           [0.  , 0.  , 0.  ]])

    anomalib's normalisation: the threshold 1.0 at 0.5, a minimum and
    maximum from a validation set:

    >>> spec = Normalization("threshold", low=0.0, high=4.0, threshold=1.0)
    >>> spec([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]])
    array([[0.25, 0.5 , 0.75],
           [1.  , 1.  , 1.  ]])

    captum's outlier rule: magnitudes 1, 1, 2, 2, 8, 9 add up to 23, and
    their running sum first reaches 60 % of it (13.8) at 8:

    >>> attributions = np.array([[-8.0, -2.0, -1.0], [1.0, 2.0, 9.0]])
    >>> spec = Normalization("signed", outlier_perc=40).fit(attributions)
    >>> spec.low, spec.high
    (-8.0, 8.0)
    >>> spec(attributions)
    array([[0.    , 0.375 , 0.4375],
           [0.5625, 0.625 , 1.    ]])

    A mistake is caught when the specification is made, not when it is used:

    >>> Normalization("minmax", sign="positive")
    Traceback (most recent call last):
    ...
    ValueError: sign goes with kind='signed' only; got kind='minmax', sign='positive'
    """

    kind: str = "minmax"
    low: float | None = None
    high: float | None = None
    percentiles: tuple[float, float] | None = None
    sign: str = "all"
    outlier_perc: float | None = None
    threshold: float | None = None

    def __post_init__(self) -> None:
        kind = check_choice(self.kind, KINDS, "kind")
        sign = check_choice(self.sign, SIGNS, "sign")
        _check_options(kind, self.percentiles, sign, self.outlier_perc)
        if (self.threshold is None) == (kind == "threshold"):
            raise ValueError(
                "kind='threshold' needs a threshold, and only it takes one; "
                f"got kind={kind!r}, threshold={self.threshold!r}"
            )
        if self.threshold is not None:
            object.__setattr__(self, "threshold", check_finite(self.threshold, "threshold"))
        percentiles = self.percentiles
        if percentiles is not None:
            percentiles = check_percentiles(percentiles)
        elif kind == "percentile":
            percentiles = (1.0, 99.0)
        if self.outlier_perc is not None:
            object.__setattr__(self, "outlier_perc", _check_outlier_perc(self.outlier_perc))
        ends = _check_ends(kind, sign, self.low, self.high)
        if ends is not None:  # plain floats, whatever number type came in
            object.__setattr__(self, "low", ends[0])
            object.__setattr__(self, "high", ends[1])
        object.__setattr__(self, "percentiles", percentiles)

    # ------------------------------------------------------------ fitting

    @property
    def is_fitted(self) -> bool:
        """True when `low` and `high` are known: a fixed scale for every map."""
        return self.low is not None

    def fit(self, scores: ArrayLike) -> Normalization:
        """The specification fitted to one map.

        Parameters
        ----------
        scores : array_like
            The map the statistics are read from; any real dtype and shape.

        Returns
        -------
        Normalization
            A new, fitted specification; this one unchanged if it is fitted
            already (a fitted specification is a fixed scale).

        Raises
        ------
        TypeError
            If `scores` is not real-valued.
        ValueError
            If `scores` is empty.

        Examples
        --------
        >>> spec = Normalization().fit([[2.0, 4.0], [np.nan, 10.0]])
        >>> spec
        Normalization(kind='minmax', low=2.0, high=10.0, percentiles=None, sign='all', \
outlier_perc=None, threshold=None)
        >>> spec.fit([0.0, 100.0]) is spec
        True
        """
        return self._fitted_to(_as_scores(scores))

    def fit_stream(self, maps: Iterable[ArrayLike]) -> Normalization:
        """The specification fitted to a stream of maps, read one at a time.

        The result equals :meth:`fit` on all the maps' scores together
        (``np.concatenate([np.ravel(m) for m in maps])``). ``minmax``,
        ``sigmoid`` and ``signed`` with its default scale keep two numbers
        per map, whatever the stream's length. ``percentile``, and
        ``signed`` with `percentiles` or `outlier_perc`, need every value
        for an exact answer: they keep the finite scores (``percentile``)
        or the magnitudes (``signed``) of every map, in the maps' float
        type, about as many bytes as the whole stream, plus one sorted
        copy at the end.

        Parameters
        ----------
        maps : iterable of array_like
            Maps of any real dtype and shape; a generator is read once.

        Returns
        -------
        Normalization
            A new, fitted specification; this one unchanged, without reading
            `maps`, if it is fitted already.

        Raises
        ------
        TypeError
            If a map is not real-valued or `maps` is not iterable.
        ValueError
            If a map is empty, or `maps` holds no map.

        Examples
        --------
        >>> maps = (np.full((2, 2), value) for value in (3.0, -1.0, 7.0))
        >>> Normalization().fit_stream(maps).high
        7.0
        >>> maps = [np.arange(50.0), np.arange(50.0, 101.0)]
        >>> spec = Normalization("percentile", percentiles=(10, 90)).fit_stream(maps)
        >>> spec.low, spec.high
        (10.0, 90.0)
        """
        if self.is_fitted:
            return self
        if isinstance(maps, (str, bytes)) or not isinstance(maps, Iterable):
            raise TypeError(f"maps must be an iterable of arrays, got {maps!r}")
        samples: list[np.ndarray] = []
        dtype = np.dtype(np.bool_)  # becomes the dtype of all the maps concatenated
        for index, item in enumerate(maps):
            name = f"maps[{index}]"
            array = _as_array(item, name)
            dtype = np.result_type(dtype, array.dtype)
            samples.append(self._sample(_work_scores(array, name)))
        if not samples:
            raise ValueError("maps must hold at least one map, got none")
        return self._fitted_to_samples(samples, dtype)

    def _fitted_to_samples(self, samples: list[np.ndarray], dtype: np.dtype) -> Normalization:
        """Fitted to the samples (:meth:`_sample`) of maps whose dtypes combine to `dtype`."""
        values = np.concatenate(samples).astype(work_dtype(dtype), copy=False)
        return self._fitted_from(values)

    def _fitted_to(self, array: np.ndarray) -> Normalization:
        """Fitted to float scores (checked)."""
        return self if self.is_fitted else self._fitted_from(self._sample(array))

    def _sample(self, array: np.ndarray) -> np.ndarray:
        """The values of float `array` that the fitted scale depends on.

        ``minmax`` and ``sigmoid``: the finite extremes; ``percentile``: the
        finite scores; ``signed``: the magnitudes (only the largest one for
        the default scale). The scale of several maps is the scale of their
        samples together, which is what :meth:`fit_stream` computes.
        """
        if self.kind in ("minmax", "sigmoid", "threshold"):
            return _finite_extremes(array)
        if self.kind == "percentile":
            return array[np.isfinite(array)]
        display = _display(array, self.sign)
        display = display[np.isfinite(display)]
        magnitudes = np.abs(display) if self.sign == "all" else display[display > 0]
        if self.outlier_perc is not None:
            return magnitudes[magnitudes > 0]
        if self.percentiles is None and magnitudes.size:
            return magnitudes.max(keepdims=True)
        return magnitudes

    def _fitted_from(self, values: np.ndarray) -> Normalization:
        """Fitted to the sample `values` (see :meth:`_sample`)."""
        if values.size == 0 and self.kind != "signed":
            return replace(self, low=0.0, high=0.0)  # no finite score: one colour
        if self.kind in ("minmax", "sigmoid", "threshold"):
            return replace(self, low=float(values.min()), high=float(values.max()))
        if self.kind == "percentile":
            assert self.percentiles is not None  # set in __post_init__
            low, high = _percentiles(values, self.percentiles)
            return replace(self, low=low, high=max(low, high))  # rounding must not swap them
        scale = 0.0
        if self.outlier_perc is not None:
            scale = _outlier_threshold(values, self.outlier_perc)
        elif self.percentiles is not None and values.size:
            (scale,) = _percentiles(values, (self.percentiles[1],))
        elif values.size:
            scale = float(values.max())
        scale = scale if scale > 0 else 1.0
        return replace(self, low=-scale if self.sign == "all" else 0.0, high=scale)

    # ----------------------------------------------------------- applying

    @property
    def label(self) -> str:
        """What the display score is: ``"score"``, ``"-score"`` or ``"|score|"``.

        >>> Normalization("signed", sign="absolute").label
        '|score|'
        """
        if self.kind == "signed" and self.sign == "negative":
            return "-score"
        if self.kind == "signed" and self.sign == "absolute":
            return "|score|"
        return "score"

    def __call__(self, scores: ArrayLike) -> np.ndarray:
        """Normalised values in [0, 1] of `scores`, NaN kept.

        An unfitted specification is fitted to `scores` first.

        Parameters
        ----------
        scores : array_like
            Scores of any real dtype and shape.

        Returns
        -------
        ndarray
            float32 or float64 values in [0, 1], the shape of `scores`.

        Raises
        ------
        TypeError
            If `scores` is not real-valued.
        ValueError
            If `scores` is empty.

        Examples
        --------
        >>> Normalization("range", low=2.0, high=6.0)([1.0, 2.0, 3.0, 6.0, np.nan])
        array([0.  , 0.  , 0.25, 1.  ,  nan])
        >>> Normalization("clip")(np.array([-0.5, 0.25, 1.2], np.float32))
        array([0.  , 0.25, 1.  ], dtype=float32)
        """
        array = _as_scores(scores)
        fitted = self._fitted_to(array)
        return fitted._from_display(_display(array, fitted.sign))

    def from_display(self, display: ArrayLike) -> np.ndarray:
        """Normalised values in [0, 1] of display scores (see :attr:`label`).

        ``self(x)`` is ``self.from_display(d)`` for the display scores ``d``
        of ``x``; a colorbar in display-score units uses it.

        Parameters
        ----------
        display : array_like
            Display scores of any real dtype and shape.

        Returns
        -------
        ndarray
            float32 or float64 values in [0, 1], NaN kept.

        Raises
        ------
        TypeError
            If `display` is not real-valued.
        ValueError
            If `display` is empty, or the specification is not fitted (and
            not ``"sigmoid"``, which needs no scale).

        Examples
        --------
        >>> Normalization("signed", low=0.0, high=4.0, sign="negative").from_display([2.0])
        array([0.5])
        """
        array = _as_scores(display, "display")
        if not (self.is_fitted or self.kind == "sigmoid"):
            raise ValueError("from_display needs a fitted normalization: call fit first")
        return self._from_display(array)

    def _from_display(self, display: np.ndarray) -> np.ndarray:
        if self.kind == "sigmoid":
            return _sigmoid(display)
        assert self.low is not None and self.high is not None  # fitted
        if self.threshold is not None:
            return _around_threshold(display, self.threshold, self.low, self.high)
        return _rescale(display, self.low, self.high)

    def quantized(self, scores: ArrayLike, levels: int) -> np.ndarray:
        """Colour-table indices, ``quantize(self(scores), levels)``.

        For the linear kinds on the score itself, the engine
        (``anomaly_viz._engine.normalization.linear_indices``, while
        ``anomaly_viz._engine.ENABLED``) computes the same indices in fewer
        passes.

        Parameters
        ----------
        scores : array_like
            Scores of any real dtype and shape.
        levels : int
            Number of levels (a colormap's N).

        Returns
        -------
        ndarray of intp, the shape of `scores`
            ``min(floor(v * levels), levels - 1)``; `levels` for NaN.

        Raises
        ------
        TypeError
            If `scores` is not real-valued or `levels` is not an integer.
        ValueError
            If `scores` is empty or `levels` is less than 1.

        Examples
        --------
        >>> Normalization("range", low=0.0, high=2.0).quantized([0.0, 1.0, 2.0, np.nan], 4)
        array([0, 2, 3, 4])
        """
        levels = check_positive_int(levels, "levels")
        array = _as_scores(scores)
        fitted = self._fitted_to(array)
        linear = fitted.kind not in ("sigmoid", "threshold") and fitted.label == "score"
        if _engine.ENABLED and linear:
            assert fitted.low is not None and fitted.high is not None  # fitted
            if fitted.low < fitted.high:
                work, factor, offset, span = _linear_terms(array.dtype, fitted.low, fitted.high)
                if work == array.dtype and factor == 1.0:  # else a range at the float limits
                    return _engine_normalization.linear_indices(array, offset, span, levels)
        return quantize(fitted._from_display(_display(array, fitted.sign)), levels)

    def inverse(self, values: ArrayLike) -> np.ndarray:
        """The display scores that normalise to `values` (for colorbar ticks).

        Parameters
        ----------
        values : array_like
            Values in [0, 1].

        Returns
        -------
        ndarray of float64
            ``low + v * (high - low)``; for ``"sigmoid"`` the logit
            ``log(v) - log(1 - v)``; for ``"threshold"``
            ``threshold + (v - 0.5) * (high - low)``.

        Raises
        ------
        ValueError
            If the specification is not fitted (and not ``"sigmoid"``).

        Examples
        --------
        >>> Normalization("range", low=2.0, high=6.0).inverse([0.0, 0.5, 1.0])
        array([2., 4., 6.])
        """
        values = np.asarray(values, dtype=np.float64)
        if self.kind == "sigmoid":
            with np.errstate(divide="ignore"):
                return np.log(values) - np.log1p(-values)
        if self.low is None or self.high is None:
            raise ValueError("inverse needs a fitted normalization: call fit first")
        low, high = self.colorbar_range
        if math.isfinite(high - low):
            return low + values * (high - low)
        half_low, half_high = low / 2, high / 2  # the span overflows: in halves
        return 2 * (half_low + values * (half_high - half_low))

    @property
    def colorbar_range(self) -> tuple[float, float]:
        """The display scores shown at 0 and 1 (the colorbar's ends) of a fitted scale.

        ``(low, high)``; for ``"threshold"``, ``threshold -/+ (high - low) / 2``
        (in float64, so a colorbar's ends may differ from the scores'
        float type in the last bit).

        Raises
        ------
        ValueError
            If the specification is not fitted.

        Examples
        --------
        >>> Normalization("threshold", low=0.0, high=4.0, threshold=1.0).colorbar_range
        (-1.0, 3.0)
        """
        if self.low is None or self.high is None:
            raise ValueError("the colorbar range needs a fitted normalization: call fit first")
        if self.threshold is None:
            return self.low, self.high
        half = self.high / 2 - self.low / 2  # no overflow at the float limits
        return self.threshold - half, self.threshold + half

    # ------------------------------------------------------------ as JSON

    def to_dict(self) -> dict[str, Any]:
        """The specification as a dict of JSON types, with its format version.

        Returns
        -------
        dict
            ``type``, ``version`` and the seven fields; `percentiles` as a
            list.

        Examples
        --------
        >>> Normalization("range", low=0.0, high=2.5).to_dict()
        {'type': 'anomaly_viz.Normalization', 'version': 1, 'kind': 'range', 'low': 0.0, \
'high': 2.5, 'percentiles': None, 'sign': 'all', 'outlier_perc': None, 'threshold': None}
        """
        return {
            "type": _JSON_TYPE,
            "version": JSON_VERSION,
            "kind": self.kind,
            "low": self.low,
            "high": self.high,
            "percentiles": None if self.percentiles is None else list(self.percentiles),
            "sign": self.sign,
            "outlier_perc": self.outlier_perc,
            "threshold": self.threshold,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Normalization:
        """The specification a dict from :meth:`to_dict` describes.

        Fields left out take their defaults; ``type`` and ``version`` are
        required.

        Parameters
        ----------
        data : mapping
            ``{"type": "anomaly_viz.Normalization", "version": 1, ...}``.

        Returns
        -------
        Normalization
            Checked as any new specification.

        Raises
        ------
        TypeError
            If `data` is not a mapping, or a field has the wrong type.
        ValueError
            If ``type`` or ``version`` is missing or not this module's, a
            field is unknown, or the fields break a rule of
            :class:`Normalization`.

        Examples
        --------
        >>> Normalization.from_dict(
        ...     {"type": "anomaly_viz.Normalization", "version": 1, "kind": "sigmoid"}
        ... )
        Normalization(kind='sigmoid', low=None, high=None, percentiles=None, sign='all', \
outlier_perc=None, threshold=None)
        """
        if not isinstance(data, Mapping):
            raise TypeError(f"a normalization must be read from a dict, got {data!r}")
        fields = dict(data)
        kind_of_data, version = fields.pop("type", None), fields.pop("version", None)
        if kind_of_data != _JSON_TYPE:
            raise ValueError(
                f"not a normalization: 'type' must be {_JSON_TYPE!r}, got {kind_of_data!r}"
            )
        if isinstance(version, bool) or version != JSON_VERSION:
            raise ValueError(
                f"a normalization of format version {version!r}: this anomaly_viz reads "
                f"version {JSON_VERSION}"
            )
        known = ("kind", "low", "high", "percentiles", "sign", "outlier_perc", "threshold")
        unknown = sorted(str(name) for name in fields if name not in known)
        if unknown:
            raise ValueError(
                f"a normalization has no field {', '.join(map(repr, unknown))}; "
                f"the fields are {', '.join(known)}"
            )
        return cls(**fields)

    def to_json(self) -> str:
        """The specification as JSON text (see :meth:`to_dict`).

        Returns
        -------
        str
            One line of JSON; :meth:`from_json` reads it back to an equal
            specification.

        Examples
        --------
        >>> spec = Normalization("signed", outlier_perc=2).fit([-3.0, 1.0, 2.0])
        >>> text = spec.to_json()
        >>> text
        '{"type": "anomaly_viz.Normalization", "version": 1, "kind": "signed", "low": -3.0, \
"high": 3.0, "percentiles": null, "sign": "all", "outlier_perc": 2.0, "threshold": null}'
        >>> Normalization.from_json(text) == spec
        True
        """
        return json.dumps(self.to_dict(), allow_nan=False)

    @classmethod
    def from_json(cls, text: str) -> Normalization:
        """The specification JSON text from :meth:`to_json` describes.

        Parameters
        ----------
        text : str
            A JSON object, as :meth:`to_json` writes it.

        Returns
        -------
        Normalization

        Raises
        ------
        TypeError
            If `text` is not a string, or a field has the wrong type.
        ValueError
            If `text` is not JSON, or as :meth:`from_dict`.

        Examples
        --------
        >>> Normalization.from_json(
        ...     '{"type": "anomaly_viz.Normalization", "version": 1, "kind": "range", '
        ...     '"low": 0, "high": 10}'
        ... )(np.array([5.0]))
        array([0.5])
        """
        if not isinstance(text, (str, bytes, bytearray)):
            raise TypeError(f"text must be a JSON string, got {type(text).__name__}")
        try:
            data = json.loads(text)
        except ValueError as error:
            raise ValueError(f"text is not JSON: {error}") from None
        return cls.from_dict(data)


# ------------------------------------------------------------------- shortcuts


def as_normalization(normalization: object, name: str = "normalization") -> Normalization:
    """A :class:`Normalization`, or a kind's name made into one (for arguments taking either).

    Parameters
    ----------
    normalization : str or Normalization
    name : str, default "normalization"
        The argument's name, for the error message.

    Returns
    -------
    Normalization

    Raises
    ------
    TypeError
        If `normalization` is neither.
    ValueError
        If the name is not one of ``KINDS``.

    Examples
    --------
    >>> as_normalization("sigmoid").kind
    'sigmoid'
    >>> as_normalization(Normalization("range", low=0, high=2)).high
    2.0
    """
    if isinstance(normalization, Normalization):
        return normalization
    if isinstance(normalization, str):
        return Normalization(check_choice(normalization, KINDS, name))
    raise TypeError(
        f"{name} must be a kind name ({', '.join(map(repr, KINDS))}) or a Normalization, "
        f"got {normalization!r}"
    )


def normalize(scores: ArrayLike, normalization: str | Normalization = "minmax") -> np.ndarray:
    """Normalise a map to [0, 1].

    ``Normalization(normalization)(scores)`` for a kind's name, or the given
    specification applied (fitted to `scores` first if it is not fitted).

    Parameters
    ----------
    scores : array_like
        Scores of any real dtype and shape.
    normalization : str or Normalization, default "minmax"
        A kind (one of ``KINDS``) or a specification.

    Returns
    -------
    ndarray
        float32 or float64 values in [0, 1], NaN kept.

    Raises
    ------
    TypeError
        If `scores` is not real-valued, or `normalization` is neither a
        string nor a :class:`Normalization`.
    ValueError
        If `scores` is empty or the kind is unknown (or needs options, as
        ``"range"`` does: pass a :class:`Normalization`).

    Examples
    --------
    >>> normalize([[2, 4, 6], [8, 10, 12]])
    array([[0. , 0.2, 0.4],
           [0.6, 0.8, 1. ]])
    >>> normalize(np.full((2, 2), 7.0))  # a constant map: the lowest colour
    array([[0., 0.],
           [0., 0.]])
    >>> normalize([-2.0, 0.0, 2.0], "sigmoid").round(4)
    array([0.1192, 0.5   , 0.8808])
    >>> normalize([0.0, 0.25, 2.0], Normalization("range", low=0.0, high=0.5))
    array([0. , 0.5, 1. ])
    """
    return as_normalization(normalization)(scores)


def from_anomalib(
    normalize: bool, vmin: float | None = None, vmax: float | None = None
) -> Normalization:
    """The specification anomalib's ``normalize``, ``vmin`` and ``vmax`` describe.

    ``"range"`` from `vmin` to `vmax` when they are given (whatever
    `normalize` says); otherwise ``"minmax"`` when `normalize` is True and
    ``"clip"`` when it is False: scores already in [0, 1], where a score of
    1.2 clips to 1 (``uint8(1.2 * 255)`` would wrap around to 50, a cold
    colour).

    Parameters
    ----------
    normalize : bool
        anomalib's flag: min-max normalise each map.
    vmin, vmax : float, optional
        A fixed score range, given together, ``vmin < vmax``.

    Returns
    -------
    Normalization

    Raises
    ------
    TypeError
        If `normalize` is not a bool, or `vmin`/`vmax` is not a number.
    ValueError
        If only one of `vmin` and `vmax` is given, or ``vmin >= vmax``.

    Examples
    --------
    >>> from_anomalib(True).kind, from_anomalib(False).kind
    ('minmax', 'clip')
    >>> from_anomalib(True, vmin=0.0, vmax=0.5)([0.0, 0.25, 0.5, 1.0])
    array([0. , 0.5, 1. , 1. ])
    """
    check_bool(normalize, "normalize")
    fixed = check_range(vmin, vmax)
    if fixed is not None:
        return Normalization("range", *fixed)
    return Normalization("minmax" if normalize else "clip")
