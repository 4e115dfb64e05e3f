"""The options and sub-commands of ``anomaly-viz`` (argparse only, no work done)."""

from __future__ import annotations

import argparse
import math
from typing import NoReturn

from ._library import CLEANINGS, KINDS, MAX_PIXELS, MODES, SIGNS, __version__

__all__ = ["IMAGE_FORMATS", "JPEG_QUALITY", "PROGRAM", "UsageError", "build_parser"]

PROGRAM = "anomaly-viz"
#: The image formats a folder run can write (--format), by their file extension.
IMAGE_FORMATS = ("png", "jpg")
#: The JPEG quality written unless --quality says otherwise (Pillow's own default is 75).
JPEG_QUALITY = 90


class UsageError(Exception):
    """A bad command line: reported as one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, not argparse's usage block
        raise UsageError(f"{self.prog}: {message} (see --help)")


# ------------------------------------------------------------ option types


def _number_or_otsu(text: str) -> float | str:
    if text == "otsu":
        return text
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number or 'otsu', got {text!r}") from None


def _evaluation_threshold(text: str) -> float | str:
    if text in ("best", "otsu"):
        return text
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a number, 'best' or 'otsu', got {text!r}"
        ) from None


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


def _jobs(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if number < 0:
        raise argparse.ArgumentTypeError(f"must be 0 (all cores) or more, got {text!r}")
    return number


def _quality(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if not 1 <= number <= 95:
        raise argparse.ArgumentTypeError(f"must lie in 1-95, got {text!r}")
    return number


def _positive_number(text: str) -> float:
    try:
        number = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not (math.isfinite(number) and number > 0):
        raise argparse.ArgumentTypeError(f"must be a positive finite number, got {text!r}")
    return number


# ----------------------------------------------------------- option groups


def _limit_option(parser: argparse._ActionsContainer) -> None:
    parser.add_argument(
        "--max-pixels", type=_positive_int, default=MAX_PIXELS, metavar="N",
        help="refuse an image, .npz array or figure of more pixels, checked before decoding "
        f"or drawing (default {MAX_PIXELS}, Pillow's limit); raise it for large trusted files",
    )  # fmt: skip


def _scheduler_option(
    group: argparse._ActionsContainer, *, what: str = "compute the items"
) -> None:
    group.add_argument(
        "--scheduler", metavar="ADDRESS",
        help=f"{what} on the workers of the Dask distributed scheduler at ADDRESS "
        "(e.g. tcp://10.0.0.5:8786); the workers must see the same paths and have "
        "anomaly_viz installed; outputs, messages and exit status are those of one process",
    )  # fmt: skip


def _folder_options(
    parser: argparse.ArgumentParser,
    *,
    mask: bool = False,
    what: str = "with folders, compute the items (instead of --jobs)",
) -> None:
    group = parser.add_argument_group("folders and output format")
    group.add_argument(
        "-j", "--jobs", type=_jobs, default=1, metavar="N",
        help="with folders, compute N items at a time in worker processes (default 1: one "
        "at a time in this process; 0: one per usable core); outputs, messages (in input "
        "order) and exit status are those of one job; --debug always runs one job",
    )  # fmt: skip
    _scheduler_option(group, what=what)
    lossy = "; jpg is lossy: a JPEG mask is no longer exactly 0 and 255" if mask else ""
    group.add_argument(
        "--format", choices=IMAGE_FORMATS, metavar="{png,jpg}",
        help=f"the images written into an output folder (default png{lossy}); with files, "
        "-o's extension names the format and --format must agree with it",
    )  # fmt: skip
    group.add_argument(
        "--quality", type=_quality, metavar="Q",
        help=f"JPEG quality, 1 (smallest) to 95 (best), default {JPEG_QUALITY}; only for "
        "JPEG output (--format jpg, or -o ending in .jpg or .jpeg)",
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
    group.add_argument(
        "--colormap", help="a matplotlib colormap name, or opencv_jet (default jet, anomalib's; "
        "viridis or cividis are perceptually uniform and colour-vision-safe)",
    )  # fmt: skip
    group.add_argument(
        "--scale", metavar="FILE",
        help="a saved scale (fit-scale's JSON) shared by every map, instead of "
        "--normalization, --vmin/--vmax, --percentiles and --outlier-perc",
    )  # fmt: skip
    group.add_argument(
        "--normalization", choices=[kind for kind in KINDS if kind != "threshold"],
        help="default minmax (range with --vmin/--vmax); anomalib's scale centred on a "
        "threshold is fitted over a data set by fit-scale --threshold T, then given by --scale",
    )  # fmt: skip
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
    group.add_argument(
        "--isoline", type=float, metavar="T",
        help="draw the line where the score crosses T (e.g. the anomaly threshold); in "
        "figures also marked on the colorbar",
    )  # fmt: skip


def _mask_options(parser: argparse.ArgumentParser, required: bool | None) -> None:
    """The mask's options; `required` None: the caller adds the threshold itself."""
    group = parser.add_argument_group("mask")
    if required is not None:
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


# ----------------------------------------------------------- sub-commands


def _add_demo(commands: argparse._SubParsersAction[_Parser], common: _Parser) -> None:
    demo = commands.add_parser(
        "demo", parents=[common], help="a small real inspection of the embedded sample photo",
        description="Compare a photo from matplotlib's sample data, moved, relit, noisy and "
        "with two painted defects, against its golden template (registration by phase "
        "correlation, then the smoothed colour difference), and write the template, the "
        "photo, the heatmap, overlay, mask, ground truth and regions, all at the photo's "
        "size, and the comparison figure; print a one-line summary.",
    )  # fmt: skip
    demo.add_argument("-o", "--output", default="anomaly-viz-demo", help="output folder")
    demo.add_argument(
        "--dpi", type=_positive_number, default=100.0, help="resolution of figure.png"
    )
    _limit_option(demo)


def _add_overlay(commands: argparse._SubParsersAction[_Parser], common: _Parser) -> None:
    overlay = commands.add_parser(
        "overlay", parents=[common], help="lay a map over an image",
        description="Lay MAP over IMAGE (files, or folders matched by name stem). With -o "
        "NAME.zarr, an image too large for memory (a tiled TIFF, a zarr store, a .npy file) "
        "is read and laid over block by block into a zarr store (the dask extra).",
    )  # fmt: skip
    overlay.add_argument("image", metavar="IMAGE")
    overlay.add_argument("map", metavar="MAP")
    overlay.add_argument(
        "-o", "--output", required=True,
        help="output image (.png, .jpg), zarr store (.zarr), or folder",
    )  # fmt: skip
    overlay.add_argument(
        "--pyramid", action="store_true",
        help="with -o NAME.zarr, also write levels halved again and again (for viewers)",
    )  # fmt: skip
    _look_options(overlay)
    _map_options(overlay)
    _folder_options(
        overlay, what="with folders, compute the items (instead of --jobs), or with -o "
        "NAME.zarr the blocks,",
    )  # fmt: skip


def _add_mask(commands: argparse._SubParsersAction[_Parser], common: _Parser) -> None:
    mask = commands.add_parser(
        "mask", parents=[common], help="threshold a map into a mask (and its regions)",
        description="Threshold MAP (a file or a folder) into a 0/255 mask PNG.",
    )  # fmt: skip
    mask.add_argument("map", metavar="MAP")
    mask.add_argument("-o", "--output", required=True, help="output image (.png, .jpg), or folder")
    mask.add_argument(
        "--regions", choices=("csv", "json"),
        help="also write the regions table as OUTPUT_regions.csv or .json (strict JSON: "
        "a score that is not finite is null, an empty cell in CSV)",
    )  # fmt: skip
    _mask_options(mask, required=True)
    _map_options(mask)
    _folder_options(mask, mask=True)


def _add_figure(commands: argparse._SubParsersAction[_Parser], common: _Parser) -> None:
    figure = commands.add_parser(
        "figure", parents=[common], help="image, heatmap, overlay and masks side by side",
        description="Write the comparison figure of IMAGE and MAP as a PNG.",
    )  # fmt: skip
    figure.add_argument("image", metavar="IMAGE")
    figure.add_argument("map", metavar="MAP")
    figure.add_argument(
        "-o", "--output", required=True, help="output image (.png, .jpg), or folder"
    )
    figure.add_argument("--ground-truth", help="a ground-truth mask image for its panel")
    figure.add_argument("--dpi", type=_positive_number, default=100.0, help="resolution")
    _look_options(figure)
    _mask_options(figure, required=False)
    _map_options(figure)
    _folder_options(figure)


def _add_fit_scale(commands: argparse._SubParsersAction[_Parser], common: _Parser) -> None:
    fit = commands.add_parser(
        "fit-scale", parents=[common], help="one colour scale for a data set, as JSON",
        description="Fit one colour scale over MAPS (a file or a folder of maps, read one at "
        "a time) and write it as JSON for --scale: anomalib's normalisation centred on "
        "--threshold, the --percentiles of all the scores, or else their minimum and maximum. "
        "A map that cannot be read stops the run.",
    )  # fmt: skip
    fit.add_argument("maps", metavar="MAPS")
    fit.add_argument("-o", "--output", required=True, help="the scale's JSON file")
    how = fit.add_mutually_exclusive_group()
    how.add_argument(
        "--threshold", type=float, metavar="T",
        help="anomalib's clip((x - T) / (max - min) + 0.5, 0, 1): T the middle colour",
    )  # fmt: skip
    how.add_argument(
        "--percentiles", type=float, nargs=2, metavar=("LOW", "HIGH"),
        help="the scale between these percentiles of all the finite scores (exact; the "
        "maps are read three times)",
    )  # fmt: skip
    _scheduler_option(fit, what="with a folder, read the maps and reduce them")
    _map_options(fit)


def _add_evaluate(commands: argparse._SubParsersAction[_Parser], common: _Parser) -> None:
    evaluate = commands.add_parser(
        "evaluate", parents=[common], help="maps against ground-truth masks: a report",
        description="Evaluate MAPS against the ground-truth masks GT (two files, or two "
        "folders matched by name stem): pixel precision, recall, F1 and IoU, region "
        "true positives, false positives and missed regions, and PRO, per image and in "
        "total, written as JSON (and CSV) and shown as a table.",
    )  # fmt: skip
    evaluate.add_argument("maps", metavar="MAPS")
    evaluate.add_argument("ground_truth", metavar="GT")
    evaluate.add_argument("-o", "--output", required=True, help="the report's JSON file")
    evaluate.add_argument(
        "--threshold", dest="mask_threshold", type=_evaluation_threshold, required=True,
        metavar="T",
        help="score above which a pixel is anomalous: a number, 'otsu' (each map's own), or "
        "'best' (the threshold maximising the pixel F1 of every map pooled, before cleaning)",
    )  # fmt: skip
    evaluate.add_argument(
        "--csv", action="store_true", help="also write the table as CSV beside the report"
    )
    _truth_options(evaluate, "evaluated against an empty mask")
    _mask_options(evaluate, required=None)
    _map_options(evaluate)


def _truth_options(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "--truth-suffix", default="", metavar="S",
        help="a ground truth's name stem is the map's stem followed by S (e.g. _mask)",
    )  # fmt: skip
    parser.add_argument(
        "--missing-truth-is-normal", action="store_true",
        help=f"a sample without a ground truth is a normal image ({what}), as MVTec AD's "
        "good images; without this option a missing ground truth is an error",
    )  # fmt: skip


def _add_grid(commands: argparse._SubParsersAction[_Parser], common: _Parser) -> None:
    grid = commands.add_parser(
        "grid", parents=[common], help="many samples in one picture, one colour scale",
        description="Lay out IMAGES, MAPS and optionally the ground truths GT (files, or "
        "folders matched by name stem) as a grid: a row per sample (image, heatmap, overlay, "
        "mask with --mask-threshold, ground truth), labelled with its name and score, every "
        "row on one colour scale (--scale, or fitted over all the maps).",
    )  # fmt: skip
    grid.add_argument("images", metavar="IMAGES")
    grid.add_argument("maps", metavar="MAPS")
    grid.add_argument("ground_truth", metavar="GT", nargs="?")
    grid.add_argument(
        "-o", "--output", required=True,
        help="the grid's PNG; with more than one page, STEM-1.png, STEM-2.png... beside it",
    )  # fmt: skip
    grid.add_argument(
        "--per-page", type=_positive_int, default=20, metavar="N",
        help="samples per page (default 20)",
    )  # fmt: skip
    grid.add_argument(
        "--cell-height", type=_positive_int, default=160, metavar="PX",
        help="height of each picture in pixels (default 160)",
    )  # fmt: skip
    grid.add_argument(
        "--mask-threshold", type=float, metavar="T",
        help="add the mask column and each sample's verdict (anomalous above T)",
    )  # fmt: skip
    grid.add_argument("--kernel-size", type=int, default=4, help="the mask's opening/closing")
    _truth_options(grid, "an empty mask")
    _look_options(grid)
    _map_options(grid)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``anomaly-viz``, with its commands.

    The chosen command's name is ``args.command``; the parser only reads
    the command line, it runs nothing.

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
    >>> try:
    ...     build_parser().parse_args(["mask", "m.npy", "--threshold", "high", "-o", "m.png"])
    ... except UsageError as error:
    ...     print(error)
    anomaly-viz mask: argument --threshold: expected a number or 'otsu', got 'high' (see --help)
    """
    common = _Parser(add_help=False)
    common.add_argument(  # no default: a sub-command's would hide the one given before it
        "--debug", action="store_true", default=argparse.SUPPRESS,
        help="show tracebacks on errors; folder items are then computed one at a time "
        "in this process (whatever --jobs says) and the first error stops the run",
    )  # fmt: skip
    parser = _Parser(
        prog=PROGRAM,
        description="Anomaly maps to heatmaps, overlays, masks and regions (NumPy/SciPy).",
        epilog="exit status: 0 done, 1 some folder items skipped, 2 error, 130 interrupted "
        "(Ctrl-C), 143 terminated (SIGTERM)",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    adders = (
        _add_demo, _add_overlay, _add_mask, _add_figure, _add_fit_scale, _add_evaluate, _add_grid
    )  # fmt: skip
    for add_command in adders:
        add_command(commands, common)
    return parser
