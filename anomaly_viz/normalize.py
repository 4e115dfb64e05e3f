"""Scores to [0, 1]: the step between a raw anomaly map and a colour.

Every function here returns a new float array with values in [0, 1] and NaN
where the scores were NaN; ``+inf`` maps to 1 and ``-inf`` to 0. The float
type is float32 for maps whose values float32 holds exactly (bool, 8- and
16-bit integers, float16, float32) and float64 otherwise.

The choices, by name (see :func:`fit_normalization`):

============== ============================================================
``minmax``     ``(x - min) / (max - min)`` over the map's finite scores
``range``      ``(x - vmin) / (vmax - vmin)``, one scale for a data set
``percentile`` min-max between two percentiles, outliers clipped
``sigmoid``    ``1 / (1 + exp(-x))``, for raw features of any range
``signed``     centred on zero for attributions with a sign
``clip``       scores already in [0, 1], clipped to it
============== ============================================================
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ._validate import (
    _as_array,
    check_choice,
    check_finite,
    check_percentiles,
    check_positive_int,
    check_range,
    work_dtype,
)

NORMALIZATIONS = ("minmax", "range", "percentile", "sigmoid", "signed", "clip")
SIGNS = ("all", "positive", "negative", "absolute")


def _as_scores(scores: ArrayLike) -> np.ndarray:
    array = _as_array(scores, "scores")
    if array.size == 0:
        raise ValueError(f"scores must not be empty, got shape {array.shape}")
    return array.astype(work_dtype(array.dtype), copy=False)


def finite_range(scores: ArrayLike) -> tuple[float, float]:
    """Smallest and largest finite score.

    NaN and infinities are left out, so that one bad pixel cannot spoil the
    scale of all the others.

    Parameters
    ----------
    scores : array_like
        Scores of any real dtype and shape.

    Returns
    -------
    low, high : float
        The finite minimum and maximum; ``(0.0, 0.0)`` when no score is
        finite.

    Raises
    ------
    TypeError
        If `scores` is not real-valued.
    ValueError
        If `scores` is empty.

    Examples
    --------
    >>> finite_range([[0.5, np.nan], [-np.inf, 2.0]])
    (0.5, 2.0)
    >>> finite_range([np.nan, np.inf])
    (0.0, 0.0)
    """
    array = _as_scores(scores)
    low, high = np.min(array), np.max(array)
    if not (np.isfinite(low) and np.isfinite(high)):
        finite = np.isfinite(array)  # a bool mask: no float copy of the map
        if not finite.any():
            return 0.0, 0.0
        low = np.min(array, where=finite, initial=np.inf)
        high = np.max(array, where=finite, initial=-np.inf)
    return float(low), float(high)


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
        return dtype, 1.0, own_low, span
    with np.errstate(over="ignore"):
        span = np.float64(high) - np.float64(low)
    if np.isfinite(span):
        return np.dtype(np.float64), 1.0, low, float(span)
    return np.dtype(np.float64), 0.5, low * 0.5, high * 0.5 - low * 0.5


def rescale(scores: ArrayLike, low: float, high: float) -> np.ndarray:
    """Map ``[low, high]`` linearly onto [0, 1] and clip.

    ``v = clip((x - low) / (high - low), 0, 1)``. When ``low == high`` (a
    constant map) there is no scale to divide by: scores above ``low``
    become 1 and all others 0, so a constant map takes the lowest colour.

    The arithmetic is in the scores' float type, unless rounding `low` and
    `high` to it would change the result: then in float64 (in halves where
    even float64's ``high - low`` overflows), so that a range beyond
    float32, or narrower than float32 can tell apart, still gives the right
    values on float32 scores.

    Parameters
    ----------
    scores : array_like
        Scores of any real dtype and shape.
    low, high : float
        The finite scores that map to 0 and to 1; ``low <= high``.

    Returns
    -------
    ndarray
        float32 or float64 values in [0, 1], NaN where `scores` is NaN.

    Raises
    ------
    TypeError
        If `scores` is not real-valued or `low`/`high` is not a number.
    ValueError
        If `scores` is empty, `low` or `high` is NaN or infinite, or
        ``low > high``.

    Examples
    --------
    >>> rescale([[0, 5, 10], [15, 20, np.nan]], 5, 15)
    array([[0. , 0. , 0.5],
           [1. , 1. , nan]])
    >>> rescale(np.array([0, 5, 10], np.uint8), 0, 10)  # small ints: float32
    array([0. , 0.5, 1. ], dtype=float32)
    >>> rescale([3, 3, np.inf], 3, 3)
    array([0., 0., 1.])

    A range wider than float32 on float32 scores:

    >>> rescale(np.array([0.0, 1e30, 3e38], np.float32), -1e39, 1e39)
    array([0.5 , 0.5 , 0.65], dtype=float32)
    """
    array = _as_scores(scores)
    low, high = check_finite(low, "low"), check_finite(high, "high")
    if not low <= high:
        raise ValueError(f"low must not exceed high, got low={low}, high={high}")
    if low == high:
        exact = array if array.dtype == np.float64 else array.astype(np.float64)
        result = (exact > low).astype(array.dtype)
        result[np.isnan(array)] = np.nan
        return result
    work, factor, offset, span = _linear_terms(array.dtype, low, high)
    with np.errstate(invalid="ignore", over="ignore"):
        if factor == 1.0:
            result = np.subtract(array, offset, dtype=work)
        else:
            result = np.multiply(array, factor, dtype=work)
            result -= offset
        result /= span
    np.clip(result, 0.0, 1.0, out=result)
    return result.astype(array.dtype, copy=False)


def normalize_minmax(scores: ArrayLike) -> np.ndarray:
    """Min-max normalisation over the finite scores.

    Parameters
    ----------
    scores : array_like
        Scores of any real dtype and shape.

    Returns
    -------
    ndarray
        ``(x - min) / (max - min)`` in [0, 1]; all zeros (the lowest colour)
        for a constant map, NaN kept, ``+inf`` -> 1, ``-inf`` -> 0.

    Raises
    ------
    TypeError
        If `scores` is not real-valued.
    ValueError
        If `scores` is empty.

    Examples
    --------
    >>> normalize_minmax([[2, 4, 6], [8, 10, 12]])
    array([[0. , 0.2, 0.4],
           [0.6, 0.8, 1. ]])
    >>> normalize_minmax(np.full((2, 2), 7.0))
    array([[0., 0.],
           [0., 0.]])
    """
    return rescale(scores, *finite_range(scores))


def normalize_range(scores: ArrayLike, vmin: float, vmax: float) -> np.ndarray:
    """Normalisation to a fixed range, shared by every map of a data set.

    Parameters
    ----------
    scores : array_like
        Scores of any real dtype and shape.
    vmin, vmax : float
        Finite scores that map to 0 and to 1; anything outside is clipped.

    Returns
    -------
    ndarray
        ``clip((x - vmin) / (vmax - vmin), 0, 1)``, NaN kept.

    Raises
    ------
    TypeError
        If `scores` is not real-valued or `vmin`/`vmax` is not a number.
    ValueError
        If `scores` is empty or ``vmin >= vmax``.

    Examples
    --------
    >>> normalize_range([[0.0, 0.25, 0.5], [0.75, 1.0, 2.0]], vmin=0.0, vmax=0.5)
    array([[0. , 0.5, 1. ],
           [1. , 1. , 1. ]])
    """
    low, high = check_range(vmin, vmax)
    return rescale(scores, low, high)


def normalize_clip(scores: ArrayLike) -> np.ndarray:
    """Scores already meant to lie in [0, 1], clipped to it.

    This is ``normalize=False`` in the anomalib-compatible functions. A
    score of 1.2 clips to 1, where ``uint8(1.2 * 255)`` would wrap around to
    50, a cold colour.

    Parameters
    ----------
    scores : array_like
        Scores of any real dtype and shape.

    Returns
    -------
    ndarray
        ``clip(x, 0, 1)``, NaN kept.

    Raises
    ------
    TypeError
        If `scores` is not real-valued.
    ValueError
        If `scores` is empty.

    Examples
    --------
    >>> normalize_clip([-0.5, 0.25, 1.2])
    array([0.  , 0.25, 1.  ])
    """
    return rescale(scores, 0.0, 1.0)


def _indices(scaled: np.ndarray, levels: int) -> np.ndarray:
    """Clip `scaled` (values times levels, modified) to [0, levels - 1], floor, NaN -> levels."""
    np.clip(scaled, 0, levels - 1, out=scaled)  # NaN passes through clip
    nan = np.isnan(scaled)
    if nan.any():
        scaled[nan] = levels
    return scaled.astype(np.intp)  # floor, as the values are not negative


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
    return _indices(np.multiply(array, levels), levels)


def _finite(array: np.ndarray) -> np.ndarray:
    return array[np.isfinite(array)]


def _percentiles(finite: np.ndarray, percentiles: tuple[float, ...]) -> list[float]:
    """NumPy's (linear) percentiles of finite values, also next to the float limits.

    ``np.percentile`` interpolates between two neighbours ``a <= b`` through
    ``b - a``, which overflows (to inf or NaN) when they are of opposite
    signs near the float limits; then every percentile is interpolated again
    as ``a * (1 - t) + b * t`` in float64, which cannot overflow.
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


def _signed_scale(
    array: np.ndarray, sign: str, percentile: float | None, outlier_perc: float | None
) -> float:
    """The magnitude ``s`` that ``signed`` maps to full colour (1.0 if there is none)."""
    magnitudes = _finite(Normalization("signed", 0.0, 1.0, sign).display(array))
    if sign == "all":
        magnitudes = np.abs(magnitudes)
    else:
        magnitudes = magnitudes[magnitudes > 0]
    scale = 0.0
    if outlier_perc is not None:
        scale = _outlier_threshold(magnitudes[magnitudes > 0], outlier_perc)
    elif magnitudes.size:
        (scale,) = _percentiles(magnitudes, (100.0 if percentile is None else percentile,))
    return scale if scale > 0 else 1.0


def _check_outlier_perc(outlier_perc: object, normalization: str, percentiles: object) -> float:
    """captum's ``outlier_perc``: a number in [0, 100], for ``signed`` without `percentiles`."""
    if normalization != "signed":
        raise ValueError(
            f"outlier_perc goes with normalization='signed' only; got normalization="
            f"{normalization!r}, outlier_perc={outlier_perc!r}"
        )
    if percentiles is not None:
        raise ValueError(
            "outlier_perc and percentiles are two ways to choose the signed scale: give one, "
            f"got outlier_perc={outlier_perc!r}, percentiles={percentiles!r}"
        )
    value = check_finite(outlier_perc, "outlier_perc")
    if not 0.0 <= value <= 100.0:
        raise ValueError(f"outlier_perc must lie in [0, 100], got {value}")
    return value


@dataclass(frozen=True)
class Normalization:
    """A map from scores to [0, 1], fitted on one anomaly map.

    Fitting (:func:`fit_normalization`) reads the map's statistics once;
    calling the result applies the same map to any scores, for example to
    the map after it was resized to an image. Each choice first takes a
    *display score* ``d`` (the score itself; ``-x`` for ``sign="negative"``,
    ``|x|`` for ``sign="absolute"``), then

    - ``sigmoid``: ``v = 1 / (1 + exp(-d))``, computed as the equal and
      overflow-free ``(1 + tanh(d / 2)) / 2``;
    - every other choice: ``v = clip((d - low) / (high - low), 0, 1)``.

    Attributes
    ----------
    normalization : str
        One of ``NORMALIZATIONS``.
    sign : str
        One of ``SIGNS``; only ``signed`` uses it.
    low, high : float
        The display scores that map to 0 and 1 (for ``sigmoid``: the map's
        finite range, kept for colorbars); finite, ``low <= high``.

    Raises
    ------
    TypeError
        If `low` or `high` is not a number.
    ValueError
        If `normalization` or `sign` is not one of the choices, `low` or
        `high` is NaN or infinite, or ``low > high``.

    Examples
    --------
    >>> fit = Normalization("range", low=2.0, high=6.0)
    >>> fit(np.array([1.0, 2.0, 3.0, 6.0, np.nan]))
    array([0.  , 0.  , 0.25, 1.  ,  nan])
    >>> fit.inverse([0.5])
    array([4.])
    """

    normalization: str
    low: float
    high: float
    sign: str = "all"

    def __post_init__(self) -> None:
        check_choice(self.normalization, NORMALIZATIONS, "normalization")
        check_choice(self.sign, SIGNS, "sign")
        low, high = check_finite(self.low, "low"), check_finite(self.high, "high")
        if not low <= high:
            raise ValueError(f"low must not exceed high, got low={low}, high={high}")
        object.__setattr__(self, "low", low)  # plain floats, whatever number type came in
        object.__setattr__(self, "high", high)

    @property
    def label(self) -> str:
        """What the display score is: ``"score"``, ``"-score"`` or ``"|score|"``."""
        if self.normalization == "signed" and self.sign == "negative":
            return "-score"
        if self.normalization == "signed" and self.sign == "absolute":
            return "|score|"
        return "score"

    def display(self, scores: np.ndarray) -> np.ndarray:
        """The display scores ``d`` of float `scores`."""
        if self.label == "-score":
            return np.subtract(0, scores, dtype=scores.dtype)  # 0 - 0 is +0, unlike -(0)
        if self.label == "|score|":
            return np.abs(scores)
        return scores

    def __call__(self, scores: ArrayLike) -> np.ndarray:
        """Normalised values in [0, 1] (NaN kept) of `scores`."""
        return self.from_display(self.display(_as_scores(scores)))

    def from_display(self, display: np.ndarray) -> np.ndarray:
        """Normalised values in [0, 1] of display scores (see :meth:`display`)."""
        display = _as_scores(display)
        if self.normalization == "sigmoid":
            values = np.divide(display, 2)
            np.tanh(values, out=values)
            values += 1
            values /= 2
            return values
        return rescale(display, self.low, self.high)

    def quantized(self, scores: np.ndarray, levels: int) -> np.ndarray:
        """``quantize(self(scores), levels)``, in fewer passes where it can.

        For the linear choices on the score itself, ``(x - low) / span * levels``
        is clipped to ``[0, levels - 1]`` once: the same numbers as clipping
        to [0, 1] first (multiplying by `levels` is monotone), with one
        pass and one array fewer. Used on the hot path of the heatmaps.
        """
        levels = check_positive_int(levels, "levels")
        scores = _as_scores(scores)
        if self.normalization == "sigmoid" or self.label != "score" or not self.low < self.high:
            return quantize(self(scores), levels)
        work, factor, low, span = _linear_terms(scores.dtype, self.low, self.high)
        if work != scores.dtype or factor != 1.0:  # a range at the float limits: see rescale
            return quantize(self(scores), levels)
        with np.errstate(invalid="ignore", over="ignore"):
            scaled = np.subtract(scores, low)
            scaled /= span
            scaled *= levels
        return _indices(scaled, levels)

    def inverse(self, values: ArrayLike) -> np.ndarray:
        """The display scores that normalise to `values` (for colorbar ticks)."""
        values = np.asarray(values, dtype=np.float64)
        if self.normalization == "sigmoid":
            with np.errstate(divide="ignore"):
                return np.log(values) - np.log1p(-values)
        if math.isfinite(self.high - self.low):
            return self.low + values * (self.high - self.low)
        half_low, half_high = self.low / 2, self.high / 2  # the span overflows: in halves
        return 2 * (half_low + values * (half_high - half_low))


def fit_normalization(
    scores: ArrayLike,
    normalization: str | None = None,
    *,
    vmin: float | None = None,
    vmax: float | None = None,
    percentiles: tuple[float, float] | None = None,
    sign: str = "all",
    outlier_perc: float | None = None,
) -> Normalization:
    """Fit one of the normalisations to a map.

    ==============  ===============================================  ==========
    normalization   ``low`` and ``high`` (``v = (d - low) / (high    default
                    - low)``, clipped)                               for
    ==============  ===============================================  ==========
    ``minmax``      finite minimum and maximum                       no range
    ``range``       `vmin` and `vmax`, shared by a data set          vmin, vmax
    ``percentile``  the two `percentiles` of the finite scores,
                    default (1, 99): outliers take the end colours
    ``sigmoid``     none: ``v = 1 / (1 + exp(-x))``, as the seed
                    question's feature maps
    ``signed``      see below
    ``clip``        0 and 1: scores already in [0, 1]
    ==============  ===============================================  ==========

    ``signed`` is for attributions, whose sign means something (the four
    sign choices of captum's ``visualize_image_attr``). With ``s`` the
    scale chosen below:

    - ``sign="all"``: ``v = (x + s) / 2s``, so 0 sits at 0.5, the centre of
      a diverging colormap;
    - ``"positive"``: ``v = x / s``, negative scores at 0;
    - ``"negative"``: ``v = -x / s``, positive scores at 0;
    - ``"absolute"``: ``v = |x| / s``.

    The magnitudes concerned are ``|x|`` for ``"all"`` and ``"absolute"``,
    ``x`` where ``x > 0`` for ``"positive"``, and ``-x`` where ``x < 0`` for
    ``"negative"``. ``s`` is the largest of them by default; with
    `percentiles`, their ``percentiles[1]`` percentile (NumPy's linear
    percentile; for ``"all"`` zeros count as magnitudes); with
    `outlier_perc`, captum's rule for its ``outlier_perc``: sort the
    non-zero magnitudes in ascending order, and ``s`` is the first at which
    their running sum reaches ``100 - outlier_perc`` percent of their total,
    so that the largest magnitudes, together about `outlier_perc` percent
    of the total, take the end colours. The sums are computed in the map's
    float type as captum computes them, so that a float32 or float64 map
    gets captum's scale exactly (captum sums an image's channels first: pass
    that sum). When there is no magnitude, ``s`` is 1.

    NaN stays NaN (the colormap's "bad" colour), ``+inf`` goes to 1 and
    ``-inf`` to 0 in every choice; infinities never enter the statistics.

    Parameters
    ----------
    scores : array_like
        The map the statistics are read from; any real dtype and shape.
    normalization : str, optional
        One of ``NORMALIZATIONS``; default ``"range"`` when `vmin` and `vmax`
        are given, else ``"minmax"``.
    vmin, vmax : float, optional
        For ``"range"`` only, given together.
    percentiles : tuple of two floats, optional
        For ``"percentile"`` (default (1, 99)) and ``"signed"`` (default: the
        maximum); ``0 <= low < high <= 100``.
    sign : str, default "all"
        For ``"signed"`` only: one of ``SIGNS``.
    outlier_perc : float, optional
        For ``"signed"`` only, instead of `percentiles`: captum's rule
        above, in [0, 100] (captum's default is 2).

    Returns
    -------
    Normalization
        Call it on scores to get values in [0, 1].

    Raises
    ------
    TypeError
        If `scores` is not real-valued or an option has the wrong type.
    ValueError
        If `scores` is empty, a choice is unknown, `vmin`/`vmax` are missing
        for ``"range"`` or given for another choice, `percentiles` is
        out of order, or `outlier_perc` is out of [0, 100], given with
        `percentiles` or for another choice than ``"signed"``.

    Examples
    --------
    >>> scores = np.array([[-4.0, -1.0, 0.0], [1.0, 2.0, 100.0]])
    >>> fit_normalization(scores)(scores)
    array([[0.        , 0.02884615, 0.03846154],
           [0.04807692, 0.05769231, 1.        ]])
    >>> fit = fit_normalization(scores, "percentile", percentiles=(0, 80))
    >>> fit.low, fit.high  # 0th and 80th percentiles: 100 is an outlier
    (-4.0, 2.0)
    >>> fit(scores).round(3)
    array([[0.   , 0.5  , 0.667],
           [0.833, 1.   , 1.   ]])
    >>> fit_normalization(scores, "sigmoid")(scores).round(3)
    array([[0.018, 0.269, 0.5  ],
           [0.731, 0.881, 1.   ]])
    >>> fit_normalization(scores, "signed", percentiles=(0, 60), sign="all")(scores)
    array([[0.  , 0.25, 0.5 ],
           [0.75, 1.  , 1.  ]])
    >>> fit_normalization(scores, "signed", sign="negative")(scores)
    array([[1.  , 0.25, 0.  ],
           [0.  , 0.  , 0.  ]])

    captum's outlier rule: magnitudes 1, 1, 2, 2, 8, 9 add up to 23, and
    their running sum first reaches 60 % of it (13.8) at 8:

    >>> attributions = np.array([[-8.0, -2.0, -1.0], [1.0, 2.0, 9.0]])
    >>> fit = fit_normalization(attributions, "signed", outlier_perc=40)
    >>> fit.low, fit.high
    (-8.0, 8.0)
    >>> fit(attributions)
    array([[0.    , 0.375 , 0.4375],
           [0.5625, 0.625 , 1.    ]])
    """
    array = _as_scores(scores)
    fixed = check_range(vmin, vmax)
    if normalization is None:
        normalization = "minmax" if fixed is None else "range"
    check_choice(normalization, NORMALIZATIONS, "normalization")
    check_choice(sign, SIGNS, "sign")
    if (fixed is None) == (normalization == "range"):
        raise ValueError(
            "vmin and vmax go with normalization='range' and only with it; "
            f"got normalization={normalization!r}, vmin={vmin!r}, vmax={vmax!r}"
        )
    if outlier_perc is not None:
        outlier_perc = _check_outlier_perc(outlier_perc, normalization, percentiles)
    if percentiles is not None:
        percentiles = check_percentiles(percentiles)
    if normalization == "range":
        low, high = fixed
    elif normalization == "clip":
        low, high = 0.0, 1.0
    elif normalization == "percentile":
        finite = _finite(array)
        low = high = 0.0
        if finite.size:
            low, high = _percentiles(finite, percentiles or (1.0, 99.0))
            high = max(low, high)  # rounding in the interpolation must not swap them
    elif normalization == "signed":
        percentile = None if percentiles is None else percentiles[1]
        scale = _signed_scale(array, sign, percentile, outlier_perc)
        low, high = (-scale if sign == "all" else 0.0), scale
    else:  # minmax, and sigmoid, which keeps the range for colorbars
        low, high = finite_range(array)
    return Normalization(normalization, low, high, sign)


def normalize_scores(
    scores: ArrayLike,
    normalization: str | None = None,
    *,
    vmin: float | None = None,
    vmax: float | None = None,
    percentiles: tuple[float, float] | None = None,
    sign: str = "all",
    outlier_perc: float | None = None,
) -> np.ndarray:
    """Normalise a map to [0, 1] by one of the named choices.

    ``fit_normalization(scores, ...)(scores)``: see :func:`fit_normalization`
    for the choices and their formulas.

    Parameters
    ----------
    scores : array_like
        Scores of any real dtype and shape.
    normalization, vmin, vmax, percentiles, sign, outlier_perc
        As in :func:`fit_normalization`.

    Returns
    -------
    ndarray
        Values in [0, 1], NaN kept.

    Raises
    ------
    TypeError, ValueError
        As :func:`fit_normalization`.

    Examples
    --------
    The seed question's squashing of raw features, ``1 / (1 + exp(-x))``:

    >>> normalize_scores([-2.0, 0.0, 2.0], "sigmoid").round(4)
    array([0.1192, 0.5   , 0.8808])
    """
    fit = fit_normalization(
        scores,
        normalization,
        vmin=vmin,
        vmax=vmax,
        percentiles=percentiles,
        sign=sign,
        outlier_perc=outlier_perc,
    )
    return fit(scores)
