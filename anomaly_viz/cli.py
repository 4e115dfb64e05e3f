"""The command line: ``anomaly-viz`` (or ``python -m anomaly_viz``).

Commands: ``demo``, ``overlay``, ``mask``, ``figure``; ``--help`` on each.
IMAGE and MAP may be files or folders (matched by file-name stem); with
folders, ``-o`` is a folder too. In a folder, hidden files (names starting
with a dot, among them this package's temporary files) and sub-folders are
not inputs; two inputs with one stem (``a.jpg`` and ``a.png``), a broken
symbolic link, and a named pipe or device are reported and skipped, never
read or waited on.

Files that are decoded (images, ``.npz`` arrays, and the rendered figure)
are limited to ``--max-pixels`` pixels (default
:data:`anomaly_viz.io.MAX_PIXELS`, Pillow's own limit, about 89.5 million),
checked before decoding; ``.npy`` and raw maps are read in place and not
limited. The regions table is strict JSON (RFC 8259) or CSV: a score that is
not a finite number is ``null`` in JSON and an empty cell in CSV.

Exit status: 0 when everything was written; 1 when a folder run skipped
some items (each reported on stderr, the others written); 2 for an error
that stops the run (a missing or corrupt file, a bad option value, a full
disk, not enough memory), reported as one line on stderr without a
traceback (``--debug`` shows it); 130 when interrupted by Ctrl-C (SIGINT)
and 143 when terminated (SIGTERM), after removing the file being written.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io as text_io
import json
import math
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import __version__
from .blending import MODES
from .io import (
    IMAGE_SUFFIXES,
    MAX_PIXELS,
    NUMPY_MAP_SUFFIXES,
    RAW_MAP_SUFFIXES,
    FileProblem,
    _existing_file,
    check_output_file,
    read_image,
    read_map,
    write_image,
    write_text,
)
from .normalize import NORMALIZATIONS, SIGNS
from .post_process import CLEANINGS

PROGRAM = "anomaly-viz"


class UsageError(Exception):
    """A bad command line: reported as one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, not argparse's usage block
        raise UsageError(f"{self.prog}: {message} (see --help)")


# ----------------------------------------------------------------- options


def _number_or_otsu(text: str) -> float | str:
    if text == "otsu":
        return text
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number or 'otsu', got {text!r}") from None


def _shape(text: str) -> tuple[int, ...]:
    try:
        sizes = tuple(int(part) for part in text.replace("x", ",").split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected sizes like 480,640, got {text!r}") from None
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError(f"sizes must be positive, got {text!r}")
    return sizes


def _positive_int(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {text!r}")
    return number


def _positive_number(text: str) -> float:
    try:
        number = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not (math.isfinite(number) and number > 0):
        raise argparse.ArgumentTypeError(f"must be a positive finite number, got {text!r}")
    return number


def _limit_option(parser: argparse._ActionsContainer) -> None:
    parser.add_argument(
        "--max-pixels", type=_positive_int, default=MAX_PIXELS, metavar="N",
        help="refuse an image, .npz array or figure of more pixels, checked before decoding "
        f"(default {MAX_PIXELS}, Pillow's limit); raise it for large trusted files",
    )  # fmt: skip


def _map_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("reading files")
    group.add_argument("--key", help="the array to read from an .npz file holding several")
    group.add_argument(
        "--shape", type=_shape, help="read MAP as raw binary of this shape, e.g. 480,640"
    )
    group.add_argument("--dtype", help="the raw binary's dtype, e.g. float32 or <f4")
    _limit_option(group)


def _look_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("how the map is shown")
    group.add_argument("--mode", choices=MODES, default="blend", help="overlay mode")
    group.add_argument("--alpha", type=float, help="weight of the heatmap (default per mode)")
    group.add_argument("--gamma", type=float, default=0.0, help="added to every channel")
    group.add_argument("--colormap", help="a matplotlib colormap name, or opencv_jet")
    group.add_argument("--normalization", choices=NORMALIZATIONS, help="default minmax")
    group.add_argument("--vmin", type=float, help="fixed range: score shown coldest")
    group.add_argument("--vmax", type=float, help="fixed range: score shown hottest")
    group.add_argument("--percentiles", type=float, nargs=2, metavar=("LOW", "HIGH"))
    group.add_argument("--sign", choices=SIGNS, default="all", help="for --normalization signed")
    group.add_argument(
        "--outlier-perc", type=float, metavar="P",
        help="for --normalization signed: captum's rule, the scale where the running sum of "
        "the magnitudes reaches 100 - P percent",
    )  # fmt: skip
    group.add_argument("--threshold", type=float, help="show the plain image at or below it")


def _look(args: argparse.Namespace) -> dict:
    return {
        "alpha": args.alpha,
        "gamma": args.gamma,
        "colormap": args.colormap,
        "normalization": args.normalization,
        "vmin": args.vmin,
        "vmax": args.vmax,
        "percentiles": args.percentiles,
        "sign": args.sign,
        "outlier_perc": args.outlier_perc,
        "threshold": args.threshold,
    }


def _mask_options(parser: argparse.ArgumentParser, required: bool) -> None:
    group = parser.add_argument_group("mask")
    name = "--threshold" if required else "--mask-threshold"
    group.add_argument(
        name, dest="mask_threshold", type=_number_or_otsu, required=required,
        help="score above which a pixel is anomalous, or 'otsu'",
    )  # fmt: skip
    group.add_argument("--kernel-size", type=int, default=4, help="opening/closing square side")
    group.add_argument("--low-threshold", type=float, help="hysteresis: grow through scores above")
    group.add_argument("--cleaning", choices=CLEANINGS, default="open_close")
    group.add_argument("--min-area", type=int, default=0, help="drop smaller regions (pixels)")
    group.add_argument("--connectivity", type=int, choices=(4, 8), default=8)


def _mask_of(scores: np.ndarray, args: argparse.Namespace) -> np.ndarray:
    from .post_process import compute_mask

    return compute_mask(
        scores,
        args.mask_threshold,
        args.kernel_size,
        low_threshold=args.low_threshold,
        cleaning=args.cleaning,
        connectivity=args.connectivity,
        min_area=args.min_area,
    )


def _read_map(path: Path, args: argparse.Namespace) -> np.ndarray:
    scores = read_map(
        path, key=args.key, shape=args.shape, dtype=args.dtype, max_pixels=args.max_pixels
    )
    return _as_2d(path, scores)


def _as_2d(path: Path, scores: np.ndarray) -> np.ndarray:
    """A 2-D map as it is (even 1 x 1); more axes lose those of length 1, leading first."""
    shape = list(scores.shape)
    while len(shape) > 2 and 1 in shape:
        del shape[shape.index(1)]
    if len(shape) != 2:
        raise FileProblem(path, f"a map must be 2-D (one map per file), got shape {scores.shape}")
    return scores.reshape(shape)


# ------------------------------------------------------------ file pairing

MAP_SUFFIXES = (*NUMPY_MAP_SUFFIXES, *IMAGE_SUFFIXES, *RAW_MAP_SUFFIXES)


@dataclass
class _Job:
    """One item of a run: its name, input files, output, or why it is skipped."""

    name: str
    inputs: tuple[Path | None, ...]
    target: Path
    problem: str | None = None


def _scan(folder: Path, suffixes: Sequence[str]) -> tuple[dict[str, Path], dict[str, str]]:
    """The input files of `folder` by stem, and why some stems cannot be read.

    Hidden names (this package's temporary files among them) and sub-folders
    are passed over; a broken link, a pipe or device, or a stem shared by
    two files is a problem of that stem.
    """
    try:
        entries = sorted(folder.iterdir())
    except OSError as error:
        raise FileProblem(folder, f"cannot be listed ({error.strerror or error})") from None
    found: dict[str, list[Path]] = {}
    problems: dict[str, str] = {}
    for entry in entries:
        if entry.name.startswith(".") or entry.suffix.lower() not in suffixes or entry.is_dir():
            continue
        try:
            _existing_file(entry)
        except FileProblem as problem:
            problems.setdefault(entry.stem, str(problem))
            continue
        found.setdefault(entry.stem, []).append(entry)
    for stem, paths in found.items():
        if len(paths) > 1:
            names = " and ".join(path.name for path in paths)
            problems.setdefault(stem, f"{names} in {folder} share the name {stem}; rename one")
    return {stem: paths[0] for stem, paths in found.items() if stem not in problems}, problems


def _pair_jobs(args: argparse.Namespace, suffix: str) -> tuple[list[_Job], bool]:
    """The (image, map) jobs of IMAGE and MAP, and whether they are folders."""
    image, scores, out = Path(args.image), Path(args.map), Path(args.output)
    if image.is_dir() != scores.is_dir():
        raise UsageError("IMAGE and MAP must both be files or both be folders")
    if not image.is_dir():
        return [_Job(image.stem, (image, scores), check_output_file(out))], False
    images, image_problems = _scan(image, IMAGE_SUFFIXES)
    maps, map_problems = _scan(scores, MAP_SUFFIXES)
    names = sorted(images.keys() | image_problems.keys())
    if not names:
        raise FileProblem(image, "holds no image files")
    folder = _output_folder(out)
    jobs = []
    for name in names:
        problem = image_problems.get(name) or map_problems.get(name)
        if problem is None and name not in maps:
            problem = f"no map named {name}.* in {args.map}"
        inputs = (images.get(name), maps.get(name))
        jobs.append(_Job(name, inputs, folder / f"{name}{suffix}", problem))
    return jobs, True


def _map_jobs(args: argparse.Namespace) -> tuple[list[_Job], bool]:
    """The jobs of MAP (a file or a folder) for the mask command."""
    source, out = Path(args.map), Path(args.output)
    if not source.is_dir():
        return [_Job(source.stem, (source,), check_output_file(out))], False
    maps, problems = _scan(source, MAP_SUFFIXES)
    names = sorted(maps.keys() | problems.keys())
    if not names:
        raise FileProblem(source, "holds no map files")
    folder = _output_folder(out)
    return [
        _Job(name, (maps.get(name),), folder / f"{name}.png", problems.get(name)) for name in names
    ], True


def _output_folder(path: Path) -> Path:
    if path.exists() and not path.is_dir():
        raise FileProblem(path, "exists and is not a folder, but the inputs are folders")
    path.mkdir(parents=True, exist_ok=True)
    return path


class _Run:
    """Counts, progress (only on a terminal) and the closing summary."""

    def __init__(self, total: int) -> None:
        self.total, self.done, self.written, self.failed = total, 0, [], []
        self.tty = sys.stderr.isatty()

    def step(self, name: str) -> None:
        self.done += 1
        if self.tty and self.total > 1:
            print(f"\r[{self.done}/{self.total}] {name}\033[K", end="", file=sys.stderr)

    def fail(self, name: str, problem: str) -> None:
        if self.tty:
            print("\r\033[K", end="", file=sys.stderr)
        print(f"{PROGRAM}: skipped {name}: {problem}", file=sys.stderr)
        self.failed.append(name)

    def finish(self) -> int:
        if self.tty and self.total > 1:
            print("\r\033[K", end="", file=sys.stderr)
        summary = f"{len(self.written)} file(s) written"
        if self.failed:
            summary += f", {len(self.failed)} item(s) skipped: {', '.join(self.failed)}"
        _report([*(f"wrote {path}" for path in self.written), summary])
        return 1 if self.failed else 0


def _report(lines: Sequence[str]) -> None:
    """Print `lines` on stdout; a stdout that cannot be written is a FileProblem."""
    try:
        for line in lines:
            print(line)
        sys.stdout.flush()
    except OSError as error:
        _discard_stdout()
        raise FileProblem("standard output", f"cannot be written ({error.strerror})") from None


def _discard_stdout() -> None:
    """Point stdout at the null device, so that Python's flush at exit cannot fail again."""
    try:
        descriptor = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # not a real file (a test's capture)
        return
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, descriptor)
    os.close(null)


#: Errors that skip one item of a folder run, or stop a run of one item.
_ITEM_ERRORS = (FileProblem, ValueError, TypeError, OSError, MemoryError)


def _run_jobs(
    jobs: list[_Job], folders: bool, debug: bool, make: Callable[[_Job], list[Path]]
) -> int:
    run = _Run(len(jobs))
    for job in jobs:
        run.step(job.name)
        if job.problem is not None:
            run.fail(job.name, job.problem)
            continue
        try:
            run.written += make(job)
        except _ITEM_ERRORS as error:
            if not folders or debug:
                raise
            run.fail(job.name, _message(error))
    return run.finish()


# ----------------------------------------------------------------- commands


def _overlay(args: argparse.Namespace) -> int:
    from .overlays import overlay

    def make(job: _Job) -> list[Path]:
        image, scores = job.inputs
        picture = overlay(
            read_image(image, max_pixels=args.max_pixels), _read_map(scores, args), args.mode,
            **_look(args),
        )  # fmt: skip
        return [write_image(job.target, picture, inputs=job.inputs)]

    return _run_jobs(*_pair_jobs(args, ".png"), args.debug, make)


def _headless() -> None:
    import matplotlib

    matplotlib.use("Agg")  # the command line never opens a window


def _figure(args: argparse.Namespace) -> int:
    _headless()
    from .plot import comparison_figure

    jobs, folders = _pair_jobs(args, ".png")
    truth = (
        read_map(Path(args.ground_truth), max_pixels=args.max_pixels) if args.ground_truth else None
    )

    def make(job: _Job) -> list[Path]:
        image, scores = job.inputs
        score_map = _read_map(scores, args)
        mask = _mask_of(score_map, args) if args.mask_threshold is not None else None
        figure = comparison_figure(
            read_image(image, max_pixels=args.max_pixels), score_map, mask=mask,
            ground_truth=truth, mode=args.mode, **_look(args),
        )  # fmt: skip
        picture = _render(figure, args.dpi, args.max_pixels)
        return [write_image(job.target, picture, inputs=job.inputs)]

    return _run_jobs(jobs, folders, args.debug, make)


def _render(figure, dpi: float, max_pixels: int) -> np.ndarray:  # figure: matplotlib's
    """The pixels of `figure` at `dpi` (then closed), if it has at most `max_pixels`."""
    import imageio.v3 as iio
    import matplotlib.pyplot as plt

    try:
        width, height = (round(inches * dpi) for inches in figure.get_size_inches())
        if width * height > max_pixels:
            raise ValueError(
                f"--dpi {dpi:g} makes a figure of {width} x {height} pixels, more than "
                f"--max-pixels {max_pixels}"
            )
        buffer = text_io.BytesIO()
        figure.savefig(buffer, format="png", dpi=dpi)
    finally:
        plt.close(figure)
    return np.asarray(iio.imread(buffer.getvalue(), extension=".png"))


def _finite_or_none(value: object) -> object:
    if isinstance(value, float | np.floating) and not math.isfinite(value):
        return None
    return value


def _regions_text(regions: list, format_: str) -> str:
    """The regions as strict JSON or CSV; a score that is not finite is null or empty."""
    rows = [
        {column: _finite_or_none(value) for column, value in region.as_row().items()}
        for region in regions
    ]
    if format_ == "json":
        return json.dumps(rows, indent=2, allow_nan=False) + "\n"
    from .regions import Region

    columns = list(Region(0, 0, (0, 0, 0, 0), (0.0, 0.0), 0.0, 0.0, (0, 0)).as_row())
    buffer = text_io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)  # None is written as an empty cell
    return buffer.getvalue()


def _mask(args: argparse.Namespace) -> int:
    from .regions import measure_regions

    def make(job: _Job) -> list[Path]:
        (source,) = job.inputs
        scores = _read_map(source, args)
        mask = _mask_of(scores, args)
        written = [write_image(job.target, mask, inputs=job.inputs)]
        if args.regions:
            regions = measure_regions(scores, mask, args.connectivity)
            table = job.target.with_name(f"{job.target.stem}_regions.{args.regions}")
            text = _regions_text(regions, args.regions)
            written.append(write_text(table, text, inputs=job.inputs))
        return written

    return _run_jobs(*_map_jobs(args), args.debug, make)


def _demo(args: argparse.Namespace) -> int:
    _headless()
    from .datasets import demo_sample
    from .overlays import overlay
    from .plot import comparison_figure
    from .post_process import anomaly_map_to_color_map, compute_mask
    from .regions import measure_regions

    folder = _output_folder(Path(args.output))
    sample = demo_sample()
    threshold, low = 3.0, 1.5  # see datasets.local_contrast_score for the scale
    mask = compute_mask(sample.anomaly_map, threshold, 0, low_threshold=low, min_area=4)
    regions = measure_regions(sample.anomaly_map, mask)
    figure = comparison_figure(
        sample.image, sample.anomaly_map, mask=mask, ground_truth=sample.ground_truth
    )
    picture = _render(figure, args.dpi, args.max_pixels)
    run = _Run(1)
    run.written = [
        write_image(folder / "image.png", sample.image),
        write_image(folder / "heatmap.png", anomaly_map_to_color_map(sample.anomaly_map)),
        write_image(folder / "overlay.png", overlay(sample.image, sample.anomaly_map)),
        write_image(folder / "mask.png", mask),
        write_text(folder / "regions.csv", _regions_text(regions, "csv")),
        write_text(folder / "regions.json", _regions_text(regions, "json")),
        write_image(folder / "figure.png", picture),
    ]
    return run.finish()


# --------------------------------------------------------------------- main


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``anomaly-viz``, with its four commands.

    Returns
    -------
    argparse.ArgumentParser

    Raises
    ------
    UsageError
        From the parser's ``parse_args``, for a bad command line: one line,
        instead of argparse's usage block and exit.

    Examples
    --------
    >>> args = build_parser().parse_args(["mask", "m.npy", "--threshold", "otsu", "-o", "m.png"])
    >>> args.command, args.mask_threshold, args.kernel_size
    ('mask', 'otsu', 4)
    """
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    parser = _Parser(
        prog=PROGRAM,
        description="Anomaly maps to heatmaps, overlays, masks and regions (NumPy/SciPy).",
        epilog="exit status: 0 done, 1 some folder items skipped, 2 error, 130 interrupted "
        "(Ctrl-C), 143 terminated (SIGTERM)",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    demo = commands.add_parser(
        "demo", parents=[common], help="the main job on the embedded sample photo",
        description="Write the heatmap, overlay, mask, regions table and comparison figure of "
        "a photo from matplotlib's sample data with a synthetic defect.",
    )  # fmt: skip
    demo.add_argument("-o", "--output", default="anomaly-viz-demo", help="output folder")
    demo.add_argument(
        "--dpi", type=_positive_number, default=100.0, help="resolution of figure.png"
    )
    _limit_option(demo)
    demo.set_defaults(run=_demo)

    overlay = commands.add_parser(
        "overlay", parents=[common], help="lay a map over an image",
        description="Lay MAP over IMAGE (files, or folders matched by name stem).",
    )  # fmt: skip
    overlay.add_argument("image", metavar="IMAGE")
    overlay.add_argument("map", metavar="MAP")
    overlay.add_argument("-o", "--output", required=True, help="output PNG, or folder")
    _look_options(overlay)
    _map_options(overlay)
    overlay.set_defaults(run=_overlay)

    mask = commands.add_parser(
        "mask", parents=[common], help="threshold a map into a mask (and its regions)",
        description="Threshold MAP (a file or a folder) into a 0/255 mask PNG.",
    )  # fmt: skip
    mask.add_argument("map", metavar="MAP")
    mask.add_argument("-o", "--output", required=True, help="output PNG, or folder")
    mask.add_argument(
        "--regions", choices=("csv", "json"),
        help="also write the regions table as OUTPUT_regions.csv or .json (strict JSON: "
        "a score that is not finite is null, an empty cell in CSV)",
    )  # fmt: skip
    _mask_options(mask, required=True)
    _map_options(mask)
    mask.set_defaults(run=_mask)

    figure = commands.add_parser(
        "figure", parents=[common], help="image, heatmap, overlay and masks side by side",
        description="Write the comparison figure of IMAGE and MAP as a PNG.",
    )  # fmt: skip
    figure.add_argument("image", metavar="IMAGE")
    figure.add_argument("map", metavar="MAP")
    figure.add_argument("-o", "--output", required=True, help="output PNG, or folder")
    figure.add_argument("--ground-truth", help="a ground-truth mask image for its panel")
    figure.add_argument("--dpi", type=_positive_number, default=100.0, help="resolution")
    _look_options(figure)
    _mask_options(figure, required=False)
    _map_options(figure)
    figure.set_defaults(run=_figure)
    return parser


class _Terminated(BaseException):
    """SIGTERM, raised where the run is, so that the file being written is removed."""


def _raise_terminated(signum: int, frame: object) -> None:
    raise _Terminated


@contextlib.contextmanager
def _sigterm_raises() -> Iterator[None]:
    """Turn SIGTERM into :class:`_Terminated` (in the main thread, where signals go)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _message(error: BaseException) -> str:
    """The first line of an error's message (MemoryError's may be empty)."""
    lines = str(error).strip().splitlines()
    if isinstance(error, MemoryError):
        return "not enough memory" + (f" ({lines[0]})" if lines else "")
    return lines[0] if lines else type(error).__name__


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments (default ``sys.argv[1:]``).

    Returns
    -------
    int
        0: done; 1: a folder run skipped some items; 2: an error; 130:
        interrupted (Ctrl-C, SIGINT); 143: terminated (SIGTERM).

    Raises
    ------
    Exception
        Only with ``--debug``: the error that stopped the run, with its
        traceback; without it every error is one line on stderr and status 2.

    Examples
    --------
    >>> main(["mask", "no-such-map.npy", "--threshold", "0.5", "-o", "mask.png"])
    2
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    with _sigterm_raises():
        try:
            args = build_parser().parse_args(argv)
            return args.run(args)
        except UsageError as error:
            print(error, file=sys.stderr)
            return 2
        except KeyboardInterrupt:
            if debug:
                raise
            print(f"{PROGRAM}: interrupted", file=sys.stderr)
            return 130
        except _Terminated:
            if debug:
                raise
            print(f"{PROGRAM}: terminated", file=sys.stderr)
            return 143
        except _ITEM_ERRORS as error:
            if debug:
                raise
            print(f"{PROGRAM}: error: {_message(error)}", file=sys.stderr)
            return 2
