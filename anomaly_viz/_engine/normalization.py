"""Engine for :mod:`anomaly_viz.normalization`: colour-table indices in one array.

Not the reference. :meth:`anomaly_viz.normalization.Normalization.quantized`
calls :func:`linear_indices` (while :data:`anomaly_viz._engine.ENABLED`) for
the linear kinds on the score itself, where it gives exactly the reference's
``quantize(spec(x), levels)``, byte for byte (``tests/test_normalization.py``
checks it), with one float array instead of two and one clip instead of two.
"""

from __future__ import annotations

import numpy as np

__all__ = ["linear_indices"]


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
