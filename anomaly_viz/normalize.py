"""The former normalisation functions, kept while callers move to :mod:`anomaly_viz.normalization`.

Each name here is a thin layer over :class:`~anomaly_viz.normalization.Normalization`:

========================================  ============================================
here                                      in :mod:`anomaly_viz.normalization`
========================================  ============================================
``fit_normalization(x, kind, ...)``       ``Normalization(kind, ...).fit(x)``
``normalize_scores(x, kind, ...)``        ``Normalization(kind, ...)(x)``
``normalize_minmax(x)``                   ``normalize(x)``
``normalize_range(x, vmin, vmax)``        ``Normalization("range", vmin, vmax)(x)``
``normalize_clip(x)``                     ``normalize(x, "clip")``
``rescale(x, low, high)``                 ``Normalization("range", low, high)(x)``
``finite_range(x)``                       ``Normalization().fit(x)`` (low, high)
``quantize``, ``Normalization``, ``SIGNS`` the same objects
``NORMALIZATIONS``                        ``KINDS``
========================================  ============================================

This module will be removed once the package's callers use the new one.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ._validate import check_choice, check_finite, check_range
from .normalization import (
    KINDS,
    SIGNS,
    Normalization,
    _as_scores,
    _finite_extremes,
    _rescale,
    quantize,
)

__all__ = [
    "NORMALIZATIONS",
    "SIGNS",
    "Normalization",
    "finite_range",
    "fit_normalization",
    "normalize_clip",
    "normalize_minmax",
    "normalize_range",
    "normalize_scores",
    "quantize",
    "rescale",
]

NORMALIZATIONS = KINDS


class _KeywordFit(Normalization):
    """A :class:`Normalization` that also answers to the former field name ``normalization``."""

    @property
    def normalization(self) -> str:
        """The kind, under its former name."""
        return self.kind


def finite_range(scores: ArrayLike) -> tuple[float, float]:
    """Smallest and largest finite score; ``(0.0, 0.0)`` when none is finite.

    Parameters
    ----------
    scores : array_like
        Scores of any real dtype and shape.

    Returns
    -------
    low, high : float

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
    extremes = _finite_extremes(_as_scores(scores))
    return (float(extremes[0]), float(extremes[1])) if extremes.size else (0.0, 0.0)


def rescale(scores: ArrayLike, low: float, high: float) -> np.ndarray:
    """``clip((x - low) / (high - low), 0, 1)``; for ``low == high``, ``x > low``.

    Parameters
    ----------
    scores : array_like
        Scores of any real dtype and shape.
    low, high : float
        The finite scores that map to 0 and to 1; ``low <= high``.

    Returns
    -------
    ndarray
        float32 or float64 values in [0, 1], NaN kept.

    Raises
    ------
    TypeError
        If `scores` is not real-valued or `low`/`high` is not a number.
    ValueError
        If `scores` is empty, `low` or `high` is not finite, or ``low > high``.

    Examples
    --------
    >>> rescale(np.array([0, 5, 10], np.uint8), 0, 10)  # small ints: float32
    array([0. , 0.5, 1. ], dtype=float32)
    """
    array = _as_scores(scores)
    low, high = check_finite(low, "low"), check_finite(high, "high")
    if not low <= high:
        raise ValueError(f"low must not exceed high, got low={low}, high={high}")
    return _rescale(array, low, high)


def normalize_minmax(scores: ArrayLike) -> np.ndarray:
    """``Normalization("minmax")(scores)``.

    Parameters
    ----------
    scores : array_like
        Scores of any real dtype and shape.

    Returns
    -------
    ndarray
        Values in [0, 1], NaN kept.

    Raises
    ------
    TypeError, ValueError
        As :class:`Normalization`.

    Examples
    --------
    >>> normalize_minmax([[2, 4, 6], [8, 10, 12]])
    array([[0. , 0.2, 0.4],
           [0.6, 0.8, 1. ]])
    """
    return Normalization("minmax")(scores)


def normalize_range(scores: ArrayLike, vmin: float, vmax: float) -> np.ndarray:
    """``Normalization("range", vmin, vmax)(scores)``, with the errors naming `vmin`/`vmax`.

    Parameters
    ----------
    scores : array_like
        Scores of any real dtype and shape.
    vmin, vmax : float
        Finite scores that map to 0 and to 1, ``vmin < vmax``.

    Returns
    -------
    ndarray
        Values in [0, 1], NaN kept.

    Raises
    ------
    TypeError, ValueError
        For bad scores, or a bad `vmin`/`vmax`.

    Examples
    --------
    >>> normalize_range([[0.0, 0.25, 0.5], [0.75, 1.0, 2.0]], vmin=0.0, vmax=0.5)
    array([[0. , 0.5, 1. ],
           [1. , 1. , 1. ]])
    """
    low, high = check_range(vmin, vmax)  # type: ignore[misc]  # both given: never None
    return Normalization("range", low, high)(scores)


def normalize_clip(scores: ArrayLike) -> np.ndarray:
    """``Normalization("clip")(scores)``: ``clip(x, 0, 1)``, NaN kept.

    Parameters
    ----------
    scores : array_like
        Scores of any real dtype and shape.

    Returns
    -------
    ndarray
        Values in [0, 1], NaN kept.

    Raises
    ------
    TypeError, ValueError
        As :class:`Normalization`.

    Examples
    --------
    >>> normalize_clip([-0.5, 0.25, 1.2])
    array([0.  , 0.25, 1.  ])
    """
    return Normalization("clip")(scores)


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
    """``Normalization(normalization, ...).fit(scores)`` from the former keywords.

    Parameters
    ----------
    scores : array_like
        The map the statistics are read from.
    normalization : str, optional
        One of ``NORMALIZATIONS``; default ``"range"`` when `vmin` and `vmax`
        are given, else ``"minmax"``.
    vmin, vmax : float, optional
        For ``"range"`` only, given together: its ``low`` and ``high``.
    percentiles, sign, outlier_perc
        As in :class:`Normalization`.

    Returns
    -------
    Normalization
        Fitted; it also has the former field name ``normalization``.

    Raises
    ------
    TypeError, ValueError
        For bad scores, an unknown `normalization`, `vmin`/`vmax` given for
        another kind than ``"range"`` or missing for it, or any option
        :class:`Normalization` refuses.

    Examples
    --------
    >>> fit = fit_normalization([0.0, 5.0, 10.0], vmin=0, vmax=20)
    >>> fit.normalization, fit.low, fit.high
    ('range', 0.0, 20.0)
    """
    array = _as_scores(scores)
    fixed = check_range(vmin, vmax)
    if normalization is None:
        normalization = "minmax" if fixed is None else "range"
    check_choice(normalization, NORMALIZATIONS, "normalization")
    if (fixed is None) == (normalization == "range"):
        raise ValueError(
            "vmin and vmax go with normalization='range' and only with it; "
            f"got normalization={normalization!r}, vmin={vmin!r}, vmax={vmax!r}"
        )
    low, high = fixed if fixed is not None else (None, None)
    spec = _KeywordFit(normalization, low, high, percentiles, sign, outlier_perc)
    return spec._fitted_to(array)


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
    """``fit_normalization(scores, ...)(scores)``.

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
