"""``anomaly-viz evaluate``: maps against ground-truth masks, as a JSON report and a table.

MAPS and GT are two files, or two folders whose files are matched by name
stem (a ground truth's stem is the map's stem followed by
``--truth-suffix``, e.g. ``_mask`` for MVTec AD's ``000_mask.png``). Every
pair is evaluated at one threshold: a number, Otsu's threshold of each
map (``otsu``, recorded in each image's entry), or the threshold that
maximises the pixel F1 of every pair pooled (``best``, what anomalib's
adaptive threshold looks for, computed on the raw scores ``score > t``
before the mask is cleaned).
"""

from __future__ import annotations

import argparse
import csv
import functools
import io
import json
import math
from pathlib import Path
from typing import Any

import numpy as np

from . import _library as library
from .commands import _as_2d, _mask_facts, _read_map, provenance
from .parser import UsageError
from .runner import Batch, Job, MakeItem, readable_files, report, scan_maps

__all__ = ["evaluate"]

#: Rows of the terminal table before it says how many more are in the report.
TABLE_ROWS = 20

_COLUMNS = ("precision", "recall", "f1", "iou", "true_positive", "false_positive", "missed", "pro")
#: The table's headings of the columns: pixel figures, then region counts, then PRO.
_HEADINGS = ("precision", "recall", "F1", "IoU", "found", "false", "missed", "PRO")


def _pairs(args: argparse.Namespace) -> list[tuple[str, Path, Path | None]]:
    """(name, map, ground truth or None) of MAPS and GT, in name order."""
    maps, truths = Path(args.maps), Path(args.ground_truth)
    if maps.is_dir() != truths.is_dir():
        raise UsageError("MAPS and GT must both be files or both be folders")
    if not maps.is_dir():
        return [(maps.stem, library.existing_file(maps), library.existing_file(truths))]
    found = readable_files(maps, scan_maps(maps))
    truth_files = readable_files(truths, scan_maps(truths))
    if not found:
        raise library.FileProblem(maps, "holds no map files")
    pairs = []
    for stem in sorted(found):
        truth = truth_files.get(stem + args.truth_suffix)
        if truth is None and not args.missing_truth_is_normal:
            raise library.FileProblem(
                truths,
                f"has no ground truth named {stem}{args.truth_suffix}.* for "
                f"{found[stem].name} (--missing-truth-is-normal counts such maps as normal images)",
            )
        pairs.append((stem, found[stem], truth))
    return pairs


def _truth_of(path: Path | None, shape: tuple[int, ...], args: argparse.Namespace) -> np.ndarray:
    """A ground-truth mask (non-zero is a defect); all False for a normal image without one."""
    if path is None:
        return np.zeros(shape, bool)
    return _as_2d(path, library.read_map(path, max_pixels=args.max_pixels)) != 0


def _finite_or_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _finite_or_none(item) for key, item in value.items()}
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _flat(row: dict[str, Any]) -> dict[str, Any]:
    """A report entry as one flat row: the pixel and region figures, then PRO."""
    return {**row["pixel"], **row["regions"], "pro": row["pro"]}


def _table(name_rows: list[tuple[str, dict[str, Any]]], total: dict[str, Any]) -> list[str]:
    """The one-screen table: a line per image (the first TABLE_ROWS), then the total."""
    width = max([len(name) for name, _ in name_rows[:TABLE_ROWS]] + [len("total")])

    def cell(value: Any) -> str:
        if value is None:
            return "-".rjust(9)
        return f"{value:9.4f}" if isinstance(value, float) else f"{value:9d}"

    header = "name".ljust(width) + "".join(f"{heading:>10}" for heading in _HEADINGS)
    lines = [header]
    for name, row in name_rows[:TABLE_ROWS]:
        flat = _flat(row)
        lines.append(name.ljust(width) + "".join(" " + cell(flat[c]) for c in _COLUMNS))
    if len(name_rows) > TABLE_ROWS:
        lines.append(f"... {len(name_rows) - TABLE_ROWS} more image(s) in the report")
    flat = _flat(total)
    lines.append("total".ljust(width) + "".join(" " + cell(flat[c]) for c in _COLUMNS))
    return lines


def _csv_text(name_rows: list[tuple[str, dict[str, Any]]], total: dict[str, Any]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["name", *_COLUMNS])
    for name, row in [*name_rows, ("total", total)]:
        flat = _flat(row)
        writer.writerow([name, *("" if flat[c] is None else flat[c] for c in _COLUMNS)])
    return buffer.getvalue()


def _threshold(args: argparse.Namespace, pairs: list[tuple[str, Path, Path | None]]) -> Any:
    """The threshold of the run: the number given, "otsu", or the best one over every pair."""
    if args.mask_threshold != "best":
        return args.mask_threshold
    maps = [_read_map(path, args) for _, path, _ in pairs]
    truths = [
        _truth_of(truth, scores.shape, args)
        for scores, (_, _, truth) in zip(maps, pairs, strict=True)
    ]
    return float(library.best_threshold(maps, truths).threshold)


def _evaluate_item(
    args: argparse.Namespace, pairs: list[tuple[str, Path, Path | None]], job: Job
) -> list[Path]:
    threshold = _threshold(args, pairs)
    results, name_rows = [], []
    for name, map_path, truth_path in pairs:
        scores = _read_map(map_path, args)
        truth = _truth_of(truth_path, scores.shape, args)
        result = library.evaluate(
            scores, truth, threshold, args.kernel_size, low_threshold=args.low_threshold,
            cleaning=args.cleaning, connectivity=args.connectivity, min_area=args.min_area,
        )  # fmt: skip
        results.append(result)
        row = _finite_or_none(result.as_dict())
        if threshold == "otsu":  # each image's own: recorded beside its figures
            row["threshold"] = result.threshold
        name_rows.append((name, row))
    total = _finite_or_none(library.pool_evaluations(results).as_dict())
    document = {
        "threshold": threshold,
        "provenance": provenance(args, **_mask_facts(args)),
        "images": [{"name": name, **row} for name, row in name_rows],
        "total": total,
    }
    text = json.dumps(document, indent=2, allow_nan=False) + "\n"
    written = [library.write_text(job.target, text, inputs=job.inputs)]
    if args.csv:
        table = job.target.with_suffix(".csv")
        written.append(library.write_text(table, _csv_text(name_rows, total), inputs=job.inputs))
    shown = threshold if isinstance(threshold, str) else f"{threshold:.6g}"
    report([f"threshold {shown} ({args.mask_threshold})", *_table(name_rows, total)])
    return written


def evaluate(args: argparse.Namespace) -> tuple[Batch, MakeItem]:
    """``anomaly-viz evaluate``: every map against its ground truth, one report."""
    pairs = _pairs(args)
    inputs = tuple(path for _, *paths in pairs for path in paths if path is not None)
    target = library.check_output_file(Path(args.output))
    batch = Batch([Job(Path(args.maps).name, inputs, target)], folders=False)
    return batch, functools.partial(_evaluate_item, args, pairs)
