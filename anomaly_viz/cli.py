"""The command line: ``anomaly-viz`` (or ``python -m anomaly_viz``).

Commands: ``demo``, ``overlay``, ``mask``, ``figure``; ``--help`` on each.
IMAGE and MAP may be files or folders (matched by file-name stem); with
folders, ``-o`` is a folder too.

Exit status: 0 when everything was written; 1 when a folder run skipped
some items (each reported on stderr, the others written); 2 for an error
that stops the run (a missing or corrupt file, a bad option value), reported
as one line on stderr without a traceback (``--debug`` shows it).
"""

from __future__ import annotations

import argparse
import csv
import io as text_io
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from . import __version__
from .blend import MODES
from .io import (
    IMAGE_SUFFIXES,
    NUMPY_MAP_SUFFIXES,
    FileProblem,
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


def _map_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("reading maps")
    group.add_argument("--key", help="the array to read from an .npz file holding several")
    group.add_argument(
        "--shape", type=_shape, help="read MAP as raw binary of this shape, e.g. 480,640"
    )
    group.add_argument("--dtype", help="the raw binary's dtype, e.g. float32 or <f4")


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
    scores = read_map(path, key=args.key, shape=args.shape, dtype=args.dtype)
    squeezed = scores.reshape([size for size in scores.shape if size != 1] or [1])
    if squeezed.ndim != 2:
        raise FileProblem(path, f"a map must be 2-D (one map per file), got shape {scores.shape}")
    return squeezed


# ------------------------------------------------------------ file pairing


def _stem_index(folder: Path, suffixes: Sequence[str]) -> dict[str, Path]:
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in suffixes)
    return {path.stem: path for path in files}


def _pairs(image: Path, scores: Path) -> tuple[list[tuple[str, Path, Path | None]], bool]:
    """(name, image, map) triples; map None when the folder has none for that image."""
    if image.is_dir() != scores.is_dir():
        raise UsageError("IMAGE and MAP must both be files or both be folders")
    if not image.is_dir():
        return [(image.stem, image, scores)], False
    maps = _stem_index(scores, (*NUMPY_MAP_SUFFIXES, *IMAGE_SUFFIXES, ".raw", ".bin"))
    images = _stem_index(image, IMAGE_SUFFIXES)
    if not images:
        raise FileProblem(image, "holds no image files")
    return [(stem, path, maps.get(stem)) for stem, path in images.items()], True


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
        for path in self.written:
            print(f"wrote {path}")
        summary = f"{len(self.written)} file(s) written"
        if self.failed:
            summary += f", {len(self.failed)} item(s) skipped: {', '.join(self.failed)}"
        print(summary)
        return 1 if self.failed else 0


def _each_pair(
    args: argparse.Namespace, make: Callable[[Path, Path, Path], list[Path]], suffix: str
) -> int:
    pairs, folders = _pairs(Path(args.image), Path(args.map))
    out = Path(args.output)
    folder = _output_folder(out) if folders else None
    run = _Run(len(pairs))
    for name, image, scores in pairs:
        run.step(name)
        if scores is None:
            run.fail(name, f"no map named {name}.* in {args.map}")
            continue
        target = folder / f"{name}{suffix}" if folder else out
        try:
            run.written += make(image, scores, target)
        except (FileProblem, ValueError, TypeError, OSError) as error:
            if not folders or args.debug:
                raise
            run.fail(name, str(error))
    return run.finish()


# ----------------------------------------------------------------- commands


def _overlay(args: argparse.Namespace) -> int:
    from .overlay import overlay

    def make(image: Path, scores: Path, target: Path) -> list[Path]:
        picture = overlay(read_image(image), _read_map(scores, args), args.mode, **_look(args))
        return [write_image(target, picture, inputs=(image, scores))]

    return _each_pair(args, make, ".png")


def _figure(args: argparse.Namespace) -> int:
    import matplotlib

    matplotlib.use("Agg")  # headless: the command line never opens a window
    import matplotlib.pyplot as plt

    from .plot import comparison_figure

    truth = read_map(Path(args.ground_truth)) if args.ground_truth else None

    def make(image: Path, scores: Path, target: Path) -> list[Path]:
        score_map = _read_map(scores, args)
        mask = _mask_of(score_map, args) if args.mask_threshold is not None else None
        figure = comparison_figure(
            read_image(image), score_map, mask=mask, ground_truth=truth, mode=args.mode,
            **_look(args),
        )  # fmt: skip
        try:
            buffer = text_io.BytesIO()
            figure.savefig(buffer, format="png", dpi=args.dpi)
        finally:
            plt.close(figure)
        picture = _png_pixels(buffer.getvalue())
        return [write_image(target, picture, inputs=(image, scores))]

    return _each_pair(args, make, ".png")


def _png_pixels(data: bytes) -> np.ndarray:
    import imageio.v3 as iio

    return np.asarray(iio.imread(data, extension=".png"))


def _regions_text(regions: list, format_: str) -> str:
    rows = [region.as_row() for region in regions]
    if format_ == "json":
        return json.dumps(rows, indent=2) + "\n"
    from .regions import Region

    columns = list(Region(0, 0, (0, 0, 0, 0), (0.0, 0.0), 0.0, 0.0, (0, 0)).as_row())
    buffer = text_io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def _mask(args: argparse.Namespace) -> int:
    from .regions import measure_regions

    source, out = Path(args.map), Path(args.output)
    if source.is_dir():
        maps = _stem_index(source, (*NUMPY_MAP_SUFFIXES, *IMAGE_SUFFIXES, ".raw", ".bin"))
        if not maps:
            raise FileProblem(source, "holds no map files")
        folder = _output_folder(out)
        jobs = [(stem, path, folder / f"{stem}.png") for stem, path in maps.items()]
    else:
        jobs = [(source.stem, source, out)]
    run = _Run(len(jobs))
    for name, path, target in jobs:
        run.step(name)
        try:
            scores = _read_map(path, args)
            mask = _mask_of(scores, args)
            run.written.append(write_image(target, mask, inputs=(path,)))
            if args.regions:
                regions = measure_regions(scores, mask, args.connectivity)
                table = target.with_name(f"{target.stem}_regions.{args.regions}")
                run.written.append(
                    write_text(table, _regions_text(regions, args.regions), inputs=(path,))
                )
        except (FileProblem, ValueError, TypeError, OSError) as error:
            if len(jobs) == 1 or args.debug:
                raise
            run.fail(name, str(error))
    return run.finish()


def _demo(args: argparse.Namespace) -> int:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from .datasets import demo_sample
    from .overlay import overlay
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
    try:
        buffer = text_io.BytesIO()
        figure.savefig(buffer, format="png", dpi=args.dpi)
    finally:
        plt.close(figure)
    run = _Run(1)
    run.written = [
        write_image(folder / "image.png", sample.image),
        write_image(folder / "heatmap.png", anomaly_map_to_color_map(sample.anomaly_map)),
        write_image(folder / "overlay.png", overlay(sample.image, sample.anomaly_map)),
        write_image(folder / "mask.png", mask),
        write_text(folder / "regions.csv", _regions_text(regions, "csv")),
        write_text(folder / "regions.json", _regions_text(regions, "json")),
        write_image(folder / "figure.png", _png_pixels(buffer.getvalue())),
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
    demo.add_argument("--dpi", type=float, default=100.0, help="resolution of figure.png")
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
        help="also write the regions table as OUTPUT_regions.csv or .json",
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
    figure.add_argument("--dpi", type=float, default=100.0)
    _look_options(figure)
    _mask_options(figure, required=False)
    _map_options(figure)
    figure.set_defaults(run=_figure)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments (default ``sys.argv[1:]``).

    Returns
    -------
    int
        0: done; 1: a folder run skipped some items; 2: an error.

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
    try:
        args = build_parser().parse_args(argv)
        return args.run(args)
    except UsageError as error:
        print(error, file=sys.stderr)
        return 2
    except (FileProblem, ValueError, TypeError, OSError) as error:
        if debug:
            raise
        print(f"{PROGRAM}: error: {error}", file=sys.stderr)
        return 2
