"""Engine for :mod:`anomaly_viz.normalization`: colour-table indices in few passes.

Not the reference. The reference normalises, ``v = clip((x - low) / (high
- low), 0, 1)``, then quantizes, ``min(floor(v * levels), levels - 1)``
(NaN: ``levels``). Two engine paths give the same indices byte for byte
(``tests/test_engine.py`` and ``tests/test_engine_colour.py`` check them):

- :func:`linear_indices`, for any linear scale: one float array instead of
  two, one clip instead of two;
- an :class:`IndexPlan`, made once per map and applied block by block
  (:func:`indices_into`): ``(x - low) / (span / levels)`` truncated to
  int32, with no clip and no NaN pass when the map's own extremes show that
  neither can matter. It indexes the *extended* table of
  :func:`anomaly_viz._engine.colour.extended`: entry ``levels`` repeats the
  top colour, so that ``v = 1`` needs no clip, and entry ``levels + 1`` is
  the colour for NaN.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

__all__ = ["IndexPlan", "index_plan", "indices_into", "linear_indices"]


def linear_indices(scores: np.ndarray, offset: float, span: float, levels: int) -> np.ndarray:
    """``quantize(clip((scores - offset) / span, 0, 1), levels)``, fused.

    Parameters
    ----------
    scores : ndarray of float32 or float64
        Checked scores in their work type, left untouched.
    offset, span : float
        ``low`` and ``high - low`` as the reference computes them in the
        scores' own float type (``_linear_terms`` returned that type and a
        factor of 1); ``span > 0``.
    levels : int
        A positive number of levels.

    Returns
    -------
    ndarray of intp
        ``min(floor(v * levels), levels - 1)`` with ``v`` the clipped
        value; `levels` for NaN.

    Notes
    -----
    The reference clips ``v`` to [0, 1] in the scores' type, then
    multiplies by `levels` and clips to ``levels - 1``. Here ``(x - offset)
    / span * levels`` is clipped once to ``[0, levels - 1]``: the same
    numbers, as the same roundings happen in the same order and multiplying
    by `levels` is monotone (a value above 1 gives at least `levels`, below
    0 at most 0).

    Examples
    --------
    >>> linear_indices(np.array([0.0, 1.0, 2.0, np.nan, -np.inf]), 0.0, 2.0, 4)
    array([0, 2, 3, 4, 0])
    """
    with np.errstate(invalid="ignore", over="ignore"):  # inf - inf where a score is inf
        scaled = np.subtract(scores, offset)
        scaled /= span
        scaled *= levels
    np.clip(scaled, 0, levels - 1, out=scaled)  # NaN passes through clip
    nan = np.isnan(scaled)
    if nan.any():
        scaled[nan] = levels
    return scaled.astype(np.intp)  # floor, as the values are not negative


class IndexPlan(NamedTuple):
    """How to turn one map's scores into extended-table indices (see the module)."""

    offset: np.floating  # low, in the scores' float type
    step: np.floating  # (high - low) / levels, exact, in that type
    levels: int
    checked: bool  # False: every score is finite and within [low, high]


def index_plan(
    fit: Any, scores: np.ndarray, levels: int, extremes: tuple[Any, Any] | None = None
) -> IndexPlan | None:
    """The plan for `scores` under the fitted normalisation `fit`, or None.

    None when the engine's shortcut does not hold: a scale that is not a
    plain ``(x - low) / (high - low)`` of the score itself (sigmoid,
    anomalib's threshold-centred scale, the signed kinds' magnitudes), a
    constant scale, a range the scores' float type cannot hold
    (``_linear_terms`` then works in float64 or halves the terms), or a
    `levels` that is not a power of two. For a power of two,
    ``span / levels`` is exact and ``a / (span / levels)`` rounds to
    exactly ``levels`` times ``a / span`` rounded, so the truncation gives
    matplotlib's ``floor(v * levels)``.

    `scores` is the map as the user gave it (checked, float): resized
    values stay within the range of the scores they come from, and are
    finite when those are, so the map's extremes decide for every block.
    `extremes` are ``(np.min(scores), np.max(scores))`` when the caller has
    them already.
    """
    from ..normalization import _linear_terms

    if fit.kind in ("sigmoid", "threshold") or fit.label != "score" or levels & (levels - 1):
        return None
    if fit.low is None or fit.high is None or not fit.low < fit.high:
        return None
    work, factor, offset, span = _linear_terms(scores.dtype, fit.low, fit.high)
    if work != scores.dtype or factor != 1.0:
        return None
    kind = scores.dtype.type
    step = kind(span) / kind(levels)
    if not (step >= np.finfo(scores.dtype).tiny and step * kind(levels) == kind(span)):
        return None  # span / levels would be subnormal: not exact
    low, high = (np.min(scores), np.max(scores)) if extremes is None else extremes
    inside = bool(low >= kind(fit.low) and high <= kind(fit.high))  # False for NaN (a minimum)
    return IndexPlan(kind(offset), step, levels, checked=not inside)


def indices_into(out: np.ndarray, block: np.ndarray, plan: IndexPlan, work: np.ndarray) -> None:
    """Extended-table indices of `block` into the int32 array `out`.

    `work` is a float buffer of the block's size and dtype. Index
    ``levels`` is the top colour (``v = 1``), ``levels + 1`` NaN.
    """
    if not plan.checked:  # finite scores within [low, high]: no overflow, no NaN
        np.subtract(block, plan.offset, out=work)
        work /= plan.step
    else:
        with np.errstate(invalid="ignore", over="ignore"):  # inf - inf where a score is inf
            np.subtract(block, plan.offset, out=work)
            work /= plan.step
        np.clip(work, 0, plan.levels, out=work)  # NaN passes through clip
        if np.isnan(np.add.reduce(work, axis=None)):
            work[np.isnan(work)] = plan.levels + 1
    out[...] = work  # truncation: floor, as the values are not negative
