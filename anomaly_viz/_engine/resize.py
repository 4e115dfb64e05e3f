"""Resizing row block by row block: the engine's bilinear resize.

:func:`resized_rows` gives the rows of the reference
:func:`anomaly_viz.resize.resize_bilinear` a block at a time, each block
reading only the source pixels it is interpolated from, so a resized map is
never built whole. Every output value is the reference's
``near + (far - near) * weight``: the same three float operations on the
same operands in the map's dtype, first along the columns, then along the
rows. Only the way the operands are fetched differs.

The reference fetches them with fancy-indexed gathers, which are the slow
part. Along an axis resized from ``n_in`` to ``n_out`` samples, with
``n_out / n_in = P / Q`` in lowest terms, output ``o + P`` samples the
input exactly ``Q`` lines further on than output ``o``, with the same
weight (the sampled position ``((2o + 1) n_in - n_out) / (2 n_out)`` grows
by ``Q`` every ``P`` outputs). So, away from the edges where the reference
clamps, the outputs of one *phase* ``o = P k + j`` take their operands from
strided slices of the input, with one scalar weight: no gather. Phases on
the same two source lines share their difference ``far - near``, and the
products are made contiguous, phase by phase, so that only the final sums
are written interleaved. The clamped edges repeat one computed line. Axes
with more than :data:`MAX_PHASES` phases (``224 -> 1000`` has 125) are
resized with the gathers.

The column pass is computed for a chunk of about one block of source rows
and kept for the following blocks. Maps holding NaN or infinities are
interpolated with those scores set to 0, as in the reference, and the
non-finite ones are spread afterwards, block by block; maps whose
differences could overflow take the reference's clamped formula.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from math import gcd
from typing import NamedTuple

import numpy as np

from ..resize import _Axis, _axis, _lerp_clamped, _lerp_for, _resize, _spread
from . import blocks

__all__ = ["MAX_PHASES", "period", "regular_range", "resize", "resized_rows"]

#: Axes with more phases than this are resized with gathers.
MAX_PHASES = 16


def _ceil_div(numerator: int, denominator: int) -> int:
    return -(-numerator // denominator)


def regular_range(n_in: int, n_out: int) -> tuple[int, int]:
    """The outputs ``[low, high)`` whose sampled position is not clamped.

    The reference samples output ``o`` at ``num / (2 n_out)`` with
    ``num = (2o + 1) n_in - n_out``; the output is regular when
    ``0 <= num < (n_in - 1) 2 n_out``: its left source line is not clamped
    to 0 and its right one, the next line, exists. The outputs before
    ``low`` all take ``(0, min(1, n_in - 1))`` with weight 0, those from
    ``high`` on ``(n_in - 1, n_in - 1)`` with weight 0.
    """
    low = max(0, _ceil_div(n_out - n_in, 2 * n_in))
    high = _ceil_div((2 * n_in - 1) * n_out - n_in, 2 * n_in)
    return low, min(max(high, low), n_out)


def period(n_in: int, n_out: int) -> tuple[int, int]:
    """``(P, Q)``: ``n_out / n_in = P / Q`` in lowest terms."""
    common = gcd(n_in, n_out)
    return n_out // common, n_in // common


class _Phase(NamedTuple):
    """Outputs ``P k + j`` take the source lines ``Q k + start`` (near) and ``+ side`` (far)."""

    start: int
    side: int  # +1 or -1
    weight: np.ndarray  # a scalar of the map's dtype


def _anchored(plan: _Plan) -> tuple[_Phase, ...] | None:
    """The ``P`` phases of an axis counted from output 0 (None for gathers).

    Read from the first regular output of each phase (there must be one);
    the clamped outputs do not follow them and are written separately.
    """
    phases, step = plan.phases, plan.step
    if phases == 0 or plan.high - plan.low < phases:
        return None
    found = []
    for j in range(phases):
        first = plan.low + (j - plan.low) % phases
        near = plan.nears[first]
        start = near - step * (first // phases)
        found.append(_Phase(start, plan.fars[first] - near, plan.weight[first]))
    return tuple(found)


class _Plan(NamedTuple):
    """One resized axis: the reference's indices and weights, and their regular part."""

    near: np.ndarray
    far: np.ndarray
    weight: np.ndarray
    nears: list[int]  # the same indices as Python ints, for slicing
    fars: list[int]
    low: int  # the outputs [low, high) are regular (see regular_range)
    high: int
    phases: int  # P, or 0 for gathers
    step: int  # Q
    anchored: tuple[_Phase, ...] | None  # the phases counted from output 0, if every one is regular


@lru_cache(maxsize=32)
def _plan(n_in: int, n_out: int, dtype: np.dtype) -> _Plan:
    """The plan of an axis (kept: a folder of maps reuses the same few, read-only)."""
    axis = _axis(n_in, n_out, dtype)
    for array in axis:
        array.flags.writeable = False
    low, high = regular_range(n_in, n_out)
    phases, step = period(n_in, n_out)
    if phases > MAX_PHASES and high > low:
        phases = 0
    nears, fars = axis.near.tolist(), axis.far.tolist()
    plan = _Plan(axis.near, axis.far, axis.weight, nears, fars, low, high, phases, step, None)
    return plan._replace(anchored=_anchored(plan))


def _runs(keys: tuple[object, ...]) -> list[tuple[int, int]]:
    """``(start, stop)`` of the runs of equal consecutive keys."""
    runs, start = [], 0
    for index in range(1, len(keys) + 1):
        if index == len(keys) or keys[index] != keys[start]:
            runs.append((start, index))
            start = index
    return runs


def _lines(start: int, count: int, step: int) -> slice:
    """The slice of `count` lines from `start`, `step` apart."""
    return slice(start, start + step * (count - 1) + 1, step)


def _edge(sources: np.ndarray, near: int, far: int, weight: np.ndarray, axis: int) -> np.ndarray:
    """One output line ``near + (far - near) * weight`` along `axis`, kept as a length-1 axis."""
    near_line = sources.take(range(near, near + 1), axis=axis)
    difference = sources.take(range(far, far + 1), axis=axis) - near_line
    difference *= weight
    difference += near_line
    return difference


# ---- the row pass: output rows from rows of the column-resized chunk ----


def _rows_gathered(
    out: np.ndarray, half: np.ndarray, near: np.ndarray, far: np.ndarray, weight: np.ndarray
) -> None:
    """``out = half[near] + (half[far] - half[near]) * weight``, row by row, by gathers."""
    np.take(half, far, axis=0, out=out, mode="wrap")  # indices in range: "wrap" never wraps
    nearest = np.take(half, near, axis=0, mode="wrap")
    out -= nearest
    out *= weight[:, np.newaxis]
    out += nearest


def _rows_periodic(
    out: np.ndarray,
    half: np.ndarray,
    near: list[int],
    far: list[int],
    weight: np.ndarray,
    step: int,
) -> None:
    """Rows ``out[P k + j] = lerp(half[near[j] + step k], half[far[j] + step k], weight[j])``.

    `near`, `far` and `weight` are those of the first ``P`` rows of `out`
    (its phases), which holds whole periods. The rows are made phase-major,
    ``P`` contiguous stacks (one difference for each run of phases on the
    same two source rows, one product per run, one sum for each run of
    phases on the same near row), then copied into place: NumPy's
    arithmetic is slow on interleaved rows, its copies are not.
    """
    phases, width = len(near), out.shape[1]
    count = len(out) // phases
    stacks = out[np.newaxis] if phases == 1 else np.empty((phases, count, width), out.dtype)
    for start, stop in _runs(tuple(zip(near, far, strict=True))):
        far_rows = half[_lines(far[start], count, step)]
        difference = np.subtract(far_rows, half[_lines(near[start], count, step)])
        np.multiply(difference, weight[start:stop, np.newaxis, np.newaxis], out=stacks[start:stop])
        del difference
    for start, stop in _runs(tuple(near)):
        near_rows = half[_lines(near[start], count, step)]
        np.add(stacks[start:stop], near_rows, out=stacks[start:stop])
    if phases > 1:
        np.copyto(out.reshape(count, phases, width), stacks.transpose(1, 0, 2))


def _rows_into(out: np.ndarray, half: np.ndarray, offset: int, plan: _Plan, top: int) -> None:
    """Output rows ``top, top + len(out)`` into `out`; `half` holds source rows from `offset`."""
    bottom = top + len(out)
    low, high = min(max(plan.low, top), bottom), min(max(plan.high, top), bottom)
    for first, last in ((top, low), (high, bottom)):
        if last > first:  # clamped rows: one row, repeated
            near, far = plan.nears[first] - offset, plan.fars[first] - offset
            out[first - top : last - top] = _edge(half, near, far, plan.weight[first], axis=0)
    whole = (high - low) // plan.phases * plan.phases
    for start, stop in ((low, low + whole), (low + whole, high)):  # whole periods, then the rest
        if stop > start:
            phases = slice(start, start + min(plan.phases, stop - start))
            nears = [index - offset for index in plan.nears[phases]]
            fars = [index - offset for index in plan.fars[phases]]
            target = out[start - top : stop - top]
            _rows_periodic(target, half, nears, fars, plan.weight[phases], plan.step)


# ---- the column pass: a chunk of source rows resized along the columns ----


def _columns_phased(
    out: np.ndarray, sources: np.ndarray, phases: tuple[_Phase, ...], step: int
) -> None:
    """The regular columns of `out` from C-contiguous `sources`, on the flattened arrays.

    With ``W_out = P g`` and ``n_in = Q g``, phase ``j`` of all the rows is
    one arithmetic sequence of the flattened output, ``out.flat[P m + j]``,
    and its near sources are ``sources.flat[Q m + start]``: one strided
    view each, however many rows. Where the sequence runs off the
    flattened sources or into the next row, the column is a clamped one,
    written by the caller. The products are made contiguous, one difference
    for each run of phases on the same two source columns; only the sums
    are written strided.
    """
    flat_out, flat_in = out.reshape(-1), sources.reshape(-1)
    period, size = len(phases), flat_in.size
    count = flat_out.size // period
    weights = np.array([phase.weight for phase in phases], out.dtype)
    for begin, end in _runs(tuple((phase.start, phase.side) for phase in phases)):
        start, side = phases[begin].start, phases[begin].side
        first = max(0, _ceil_div(-min(start, start + side), step))
        stop = min(count, (size - 1 - max(start, start + side)) // step + 1)
        if stop <= first:
            continue
        near = flat_in[_lines(step * first + start, stop - first, step)]
        difference = flat_in[_lines(step * first + start + side, stop - first, step)] - near
        products = np.multiply(difference, weights[begin:end, np.newaxis])
        del difference
        for j, product in enumerate(products, begin):
            np.add(product, near, out=flat_out[_lines(period * first + j, stop - first, period)])
        del products


def _columns_gathered(out: np.ndarray, sources: np.ndarray, plan: _Plan) -> None:
    """``out = sources[:, near] + (sources[:, far] - sources[:, near]) * weight``, by gathers."""
    np.take(sources, plan.far, axis=1, out=out, mode="wrap")
    nearest = np.take(sources, plan.near, axis=1, mode="wrap")
    out -= nearest
    out *= plan.weight
    out += nearest


def _columns(sources: np.ndarray, plan: _Plan, out: np.ndarray) -> np.ndarray:
    """`sources` (finite, C-contiguous) resized along the columns as `plan` says, into `out`."""
    phases = plan.anchored if plan.phases else None
    if phases is None:
        _columns_gathered(out, sources, plan)
        return out
    _columns_phased(out, sources, phases, plan.step)
    for first, last in ((0, plan.low), (plan.high, len(plan.near))):
        if last > first:  # clamped columns: one column, repeated
            near, far = plan.nears[first], plan.fars[first]
            out[:, first:last] = _edge(sources, near, far, plan.weight[first], axis=1)
    return out


# ---- blocks of rows ----


def _finite(sources: np.ndarray) -> np.ndarray:
    """`sources` with NaN and infinities set to 0, as the reference interpolates them."""
    finite = np.isfinite(sources)
    return sources if finite.all() else np.where(finite, sources, 0)


def _mark_non_finite(out: np.ndarray, sources: np.ndarray, rows: _Axis, cols: _Axis) -> None:
    """Spread the NaN and infinities of `sources` over `out` as the reference does.

    A kind of non-finite score absent from `sources` spreads nowhere, so
    only the kinds present are spread.
    """
    kinds = [sources == np.inf, sources == -np.inf, np.isnan(sources)]
    positive, negative, nan = (_spread(on, rows, cols) if on.any() else None for on in kinds)
    if positive is not None and negative is not None:
        both = positive & negative
        nan = both if nan is None else nan | both
    for spread, value in ((positive, np.inf), (negative, -np.inf), (nan, np.nan)):
        if spread is not None:
            out[spread] = value


def _span(plan: _Plan, top: int, bottom: int) -> tuple[int, int]:
    """The first and last source lines of the outputs ``top..bottom - 1`` (both monotone)."""
    first = min(plan.nears[top], plan.fars[top])
    last = max(plan.nears[bottom - 1], plan.fars[bottom - 1])
    return first, last


class _Resizer:
    """One resize: the plans of both axes and the last chunk of the column pass."""

    def __init__(self, scores: np.ndarray, shape: tuple[int, int]) -> None:
        self.scores = scores
        self.height, self.width = shape
        self.rows = _plan(scores.shape[0], self.height, scores.dtype)
        self.cols = _plan(scores.shape[1], self.width, scores.dtype)
        self.used_cols: np.ndarray | None = None
        first, last = _span(self.cols, 0, self.width)
        if last - first >= 2 * self.width + 2:  # gathers from the used columns only
            near, far = self.cols.near, self.cols.far
            self.used_cols = used = np.union1d(near, far)
            near, far = np.searchsorted(used, near), np.searchsorted(used, far)
            self.cols = self.cols._replace(near=near, far=far, phases=0, anchored=None)
        low, high = np.min(scores), np.max(scores)  # NaN if a score is NaN
        self.finite = bool(np.isfinite(low) and np.isfinite(high))
        if self.finite:
            self.clamped = bool(max(-low, high) > np.finfo(scores.dtype).max / 2)
        else:
            self.clamped = _lerp_for(scores) is _lerp_clamped
        self.chunk_start = 0
        self.chunk: np.ndarray | None = None

    def _read(self, rows: slice | np.ndarray) -> np.ndarray:
        if self.used_cols is None:
            return self.scores[rows]
        if isinstance(rows, slice):
            return self.scores[rows, self.used_cols]
        return self.scores[np.ix_(rows, self.used_cols)]

    def _columns(self, rows: slice | np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """The column pass of the source rows `rows` (non-finite scores as 0), into `out`."""
        sources = np.ascontiguousarray(self._read(rows))
        if out is None:
            out = np.empty((len(sources), self.width), sources.dtype)
        return _columns(sources if self.finite else _finite(sources), self.cols, out)

    def _half(self, first: int, last: int) -> np.ndarray:
        """The column pass of the source rows ``first..last``: the kept chunk or a new one.

        A new chunk starts at `first` and takes over the rows it shares
        with the kept one.
        """
        old, start = self.chunk, self.chunk_start
        if old is not None and start <= first and last < start + len(old):
            return old
        count = max(last + 1 - first, blocks.BLOCK_PIXELS // self.width)
        chunk = np.empty((min(count, len(self.scores) - first), self.width), self.scores.dtype)
        shared = 0
        if old is not None and start <= first < start + len(old):
            shared = min(start + len(old) - first, len(chunk))
            chunk[:shared] = old[first - start : first - start + shared]
        self.chunk = old = None  # not kept while the new rows are made
        self._columns(slice(first + shared, first + len(chunk)), chunk[shared:])
        self.chunk_start, self.chunk = first, chunk
        return chunk

    def __call__(self, rows: slice) -> np.ndarray:
        top, bottom, stride = rows.indices(self.height)
        if stride != 1:  # the rows spanned, then the ones asked for
            picked = np.arange(top, bottom, stride)
            if len(picked) == 0:
                return np.empty((0, self.width), self.scores.dtype)
            first = int(picked.min())
            return self(slice(first, int(picked.max()) + 1))[picked - first]
        out = np.empty((max(0, bottom - top), self.width), self.scores.dtype)
        self.into(out, top)
        return out

    def into(self, out: np.ndarray, top: int) -> None:
        """Output rows ``top, top + len(out)`` into `out`."""
        bottom = top + len(out)
        if bottom == top:
            return
        plan = self.rows
        sources = self._sources(top, bottom)
        if self.clamped:
            rows, cols = self._axis(top, bottom, sources), self._cols_axis()
            out[...] = _resize(self._read(sources), rows, cols, _lerp_clamped)
            return
        if isinstance(sources, np.ndarray):
            _rows_gathered(out, self._columns(sources), *self._axis(top, bottom, sources))
        else:
            half = self._half(sources.start, sources.stop - 1)
            if plan.phases:
                _rows_into(out, half, self.chunk_start, plan, top)
            else:
                near, far, weight = self._axis(top, bottom, slice(self.chunk_start, None))
                _rows_gathered(out, half, near, far, weight)
        if not self.finite:
            raw = self._read(sources)
            if not np.isfinite(raw).all():
                rows = self._axis(top, bottom, sources)
                _mark_non_finite(out, raw, rows, self._cols_axis())

    def _sources(self, top: int, bottom: int) -> slice | np.ndarray:
        """The source rows of the outputs ``top..bottom - 1``.

        The rows spanned, or only the used ones when they are much fewer
        (the reference's rule: a map much larger than the output is never
        read whole).
        """
        first, last = _span(self.rows, top, bottom)
        if last - first < 2 * (bottom - top) + 2:
            return slice(first, last + 1)
        return np.union1d(self.rows.near[top:bottom], self.rows.far[top:bottom])

    def _axis(self, top: int, bottom: int, sources: slice | np.ndarray) -> _Axis:
        """The row axis of the outputs ``top..bottom - 1``, indexing `sources`."""
        plan = self.rows
        near, far, weight = plan.near[top:bottom], plan.far[top:bottom], plan.weight[top:bottom]
        if isinstance(sources, slice):
            return _Axis(near - sources.start, far - sources.start, weight)
        return _Axis(np.searchsorted(sources, near), np.searchsorted(sources, far), weight)

    def _cols_axis(self) -> _Axis:
        return _Axis(self.cols.near, self.cols.far, self.cols.weight)


def resized_rows(scores: np.ndarray, shape: tuple[int, int]) -> Callable[[slice], np.ndarray]:
    """Rows of the bilinearly resized map, computed block by block on demand.

    For a checked float map: ``resized_rows(scores, shape)(rows)`` equals
    ``resize_bilinear(scores, shape)[rows]`` (which is made of such calls).
    Each call reads only the source pixels its rows are interpolated from,
    so its memory is a few times the block's, whatever the sizes and
    whether the map holds NaN or infinities; the whole resized map is never
    built. When the shape is the map's, the rows are views of the map.
    """
    if scores.shape == tuple(shape):
        return lambda rows: scores[rows]
    return _Resizer(scores, shape)


def resize(scores: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """The whole resized map, filled block by block."""
    resizer = _Resizer(scores, shape)
    out = np.empty(shape, scores.dtype)
    for rows in blocks.row_blocks(*shape):
        resizer.into(out[rows], rows.start)
    return out
