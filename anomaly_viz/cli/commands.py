"""The four commands of ``anomaly-viz``: what each computes for one item.

Each command takes the parsed command line and returns its jobs (a
:class:`~anomaly_viz.cli.runner.Batch`) and the function that computes one
job and writes its files; :func:`~anomaly_viz.cli.runner.run_jobs` runs them.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import functools
import io
import json
import math
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from . import _library as library
from .parser import JPEG_QUALITY, PROGRAM, UsageError
from .runner import (
    Batch,
    Job,
    MakeItem,
    connect,
    map_jobs,
    output_folder,
    pair_jobs,
    readable_files,
    report,
    scan_maps,
)

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["COMMANDS", "demo", "figure", "fit_scale", "mask", "overlay", "provenance"]


# ------------------------------------------------------------- one map


def _as_2d(path: Path, scores: np.ndarray) -> np.ndarray:
    """A 2-D map as it is (even 1 x 1); more axes lose those of length 1, leading first."""
    shape = list(scores.shape)
    while len(shape) > 2 and 1 in shape:
        del shape[shape.index(1)]
    if len(shape) != 2:
        raise library.FileProblem(
            path, f"a map must be 2-D (one map per file), got shape {scores.shape}"
        )
    return scores.reshape(shape)


def _read_map(path: Path, args: argparse.Namespace) -> np.ndarray:
    scores = library.read_map(
        path, key=args.key, shape=args.shape, dtype=args.dtype, max_pixels=args.max_pixels
    )
    return _as_2d(path, scores)


_SCALE_OPTIONS = ("normalization", "vmin", "vmax", "percentiles", "outlier_perc")


def _normalization(args: argparse.Namespace) -> library.Normalization:
    """The one normalisation the options describe; --vmin/--vmax alone mean "range".

    ``--scale FILE`` is a saved scale (``fit-scale``), read once when the
    command starts (:func:`_with_scale`); it replaces the other options.
    """
    if getattr(args, "scale_spec", None) is not None:
        return cast("library.Normalization", args.scale_spec)
    ends = library.check_range(args.vmin, args.vmax)  # None when neither is given
    kind = args.normalization or ("range" if ends is not None else "minmax")
    options: dict[str, Any] = {"sign": args.sign}
    if ends is not None:
        options["low"], options["high"] = ends
    if args.percentiles is not None:
        options["percentiles"] = tuple(args.percentiles)
    if args.outlier_perc is not None:
        options["outlier_perc"] = args.outlier_perc
    return library.Normalization(kind, **options)


def _with_scale(args: argparse.Namespace) -> argparse.Namespace:
    """`args` with the saved scale of ``--scale`` read (``args.scale_spec``), once per run."""
    args.scale_spec = None
    if getattr(args, "scale", None) is None:
        return args
    given = [name for name in _SCALE_OPTIONS if getattr(args, name) is not None]
    if given or args.sign != "all":
        option = "--" + (given[0] if given else "sign").replace("_", "-")
        raise _option_error(args, "--scale", f"a saved scale replaces {option}; give one of them")
    args.scale_spec = library.read_scale(Path(args.scale))
    return args


def _colormap_name(args: argparse.Namespace, spec: library.Normalization) -> str:
    return str(library.default_colormap(args.colormap, spec))


def provenance(args: argparse.Namespace, **facts: object) -> dict[str, object]:
    """What made an output: the package's version, the command and `facts` (JSON types)."""
    return {"software": f"anomaly_viz {library.__version__}", "command": args.command, **facts}


def _png_text(record: dict[str, object]) -> dict[str, str]:
    """PNG text chunks of a provenance record: Software, and the record as JSON."""
    return {
        "Software": str(record["software"]),
        "anomaly_viz": json.dumps(record, allow_nan=False, sort_keys=True),
    }


def _look(args: argparse.Namespace) -> dict[str, Any]:
    """The keywords of the overlay (and figure) that say how the map is shown."""
    return {
        "alpha": args.alpha,
        "gamma": args.gamma,
        "colormap": args.colormap,
        "normalization": _normalization(args),
        "threshold": args.threshold,
    }


def _mask_of(scores: np.ndarray, args: argparse.Namespace) -> np.ndarray:
    return library.compute_mask(
        scores,
        args.mask_threshold,
        args.kernel_size,
        low_threshold=args.low_threshold,
        cleaning=args.cleaning,
        connectivity=args.connectivity,
        min_area=args.min_area,
    )


def _regions_of(scores: np.ndarray, mask: np.ndarray, connectivity: int) -> list[library.Region]:
    # one 2-D map: one list of regions (a list of lists is for a batch of maps)
    return cast(
        "list[library.Region]", library.measure_regions(scores, mask, connectivity=connectivity)
    )


def _finite_or_none(value: object) -> object:
    if isinstance(value, float | np.floating) and not math.isfinite(value):
        return None
    return value


def _regions_text(
    regions: list[library.Region], format_: str, record: dict[str, object] | None = None
) -> str:
    """The regions as strict JSON or CSV; a score that is not finite is null or empty.

    JSON: ``{"provenance": record, "regions": [rows]}``; CSV: the rows.
    """
    rows = [
        {column: _finite_or_none(value) for column, value in region.as_row().items()}
        for region in regions
    ]
    if format_ == "json":
        document = {"provenance": record or {}, "regions": rows}
        return json.dumps(document, indent=2, allow_nan=False) + "\n"
    columns = list(library.Region(0, 0, (0, 0, 0, 0), (0.0, 0.0), 0.0, 0.0, (0, 0)).as_row())
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)  # None is written as an empty cell
    return buffer.getvalue()


# ----------------------------------------------------------------- figures


def _headless() -> None:
    import matplotlib

    matplotlib.use("Agg")  # the command line never opens a window


def _render(figure: Figure, dpi: float, max_pixels: int) -> np.ndarray:
    """The pixels of `figure` drawn at `dpi` (then closed), if it has at most `max_pixels`.

    RGB when every pixel is opaque (the figure's white background), else RGBA.
    """
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    try:
        width, height = (round(inches * dpi) for inches in figure.get_size_inches())
        if width * height > max_pixels:
            raise ValueError(
                f"--dpi {dpi:g} makes a figure of {width} x {height} pixels, more than "
                f"--max-pixels {max_pixels}"
            )
        figure.set_dpi(dpi)
        canvas = figure.canvas
        if not isinstance(canvas, FigureCanvasAgg):
            canvas = FigureCanvasAgg(figure)
        canvas.draw()
        rgba = np.asarray(canvas.buffer_rgba())
    finally:
        plt.close(figure)
    return rgba[..., :3] if (rgba[..., 3] == 255).all() else rgba


# ------------------------------------------------------------ output format

_FORMAT_OF_SUFFIX = {".png": "png", ".jpg": "jpg", ".jpeg": "jpg"}


def _option_error(args: argparse.Namespace, option: str, problem: str) -> UsageError:
    return UsageError(f"{PROGRAM} {args.command}: argument {option}: {problem} (see --help)")


def _image_batch(batch: Batch, args: argparse.Namespace) -> Batch:
    """`batch`, once --format and --quality agree with its output names.

    With folders, the outputs are already named by --format (see
    :func:`_suffix`); with files, -o's extension names the format, and a
    --format that says otherwise is a usage error, as is a --quality for
    output that is not JPEG.
    """
    target = batch.jobs[0].target
    output_format = _FORMAT_OF_SUFFIX.get(target.suffix.lower())
    if args.format is not None and args.format != output_format:
        raise _option_error(
            args, "--format", f"{args.format} contradicts the output name {target.name} "
            "(with files, -o's extension names the format)",
        )  # fmt: skip
    if args.quality is not None and output_format != "jpg":
        where = "--format jpg" if batch.folders else "an -o ending in .jpg or .jpeg"
        raise _option_error(args, "--quality", f"is for JPEG output only ({where})")
    return batch


def _suffix(args: argparse.Namespace) -> str:
    """The extension of the images written into an output folder."""
    return f".{args.format or 'png'}"


def _write_picture(
    job: Job,
    picture: np.ndarray,
    args: argparse.Namespace,
    record: dict[str, object],
    path: Path | None = None,
) -> Path:
    """Write `picture` to `path` (default the job's target), as JPEG at --quality if so named.

    A PNG carries the provenance `record` in its text chunks.
    """
    path = job.target if path is None else path
    quality, text = None, None
    if _FORMAT_OF_SUFFIX.get(path.suffix.lower()) == "jpg":
        if picture.ndim == 3 and picture.shape[2] == 4:
            raise library.FileProblem(
                path,
                "JPEG cannot hold this picture's transparent pixels; write PNG "
                "(--format png, or -o NAME.png)",
            )
        quality = args.quality or JPEG_QUALITY
    elif path.suffix.lower() == ".png":
        text = _png_text(record)
    return library.write_image(path, picture, inputs=job.inputs, quality=quality, text=text)


# ---------------------------------------------------------------- commands
#
# Each command's work on one job is a module-level function given the parsed
# command line with functools.partial: what a worker process of --jobs runs
# must pickle (with the "spawn" start method it is sent, not inherited).


#: The demo's threshold and kernel: the inspection's scores are grey levels;
#: its sensor noise (sigma 3) scores about 5 everywhere, the defects over 100.
DEMO_THRESHOLD, DEMO_KERNEL = 15.0, 3
#: Its colour scale: fixed, 0 to four times the threshold, so that every defect
#: is at the hot end whatever the strongest one scores.
DEMO_SCALE = (0.0, 60.0)


def _demo_summary(sample: Any, mask: np.ndarray, regions: list[library.Region]) -> str:
    """One line: regions found, the defects they hit (with their ranks), the others."""
    labels, _ = library.label_regions(mask)
    rank = {region.label: index + 1 for index, region in enumerate(regions)}
    hit_ranks = []
    for defect in sample.defects:
        found = sorted(rank[label] for label in np.unique(labels[defect]) if label in rank)
        if found:
            hit_ranks.append(found[0])
    others = len(regions) - len(set(hit_ranks))
    height, width = sample.image.shape[:2]
    ranks = ", ".join(str(value) for value in hit_ranks) or "none"
    return (
        f"demo: {len(regions)} region(s) above {DEMO_THRESHOLD:g}; defects hit: "
        f"{len(hit_ranks)} of {len(sample.defects)} (ranks {ranks}); other regions: {others}; "
        f"photo, heatmap, overlay, masks and regions at the photo's {width}x{height}"
    )


def _demo_item(args: argparse.Namespace, job: Job) -> list[Path]:
    """A small real inspection (golden-template comparison), every file at the photo's size."""
    folder = job.target
    sample = library.inspection_sample()
    scores = sample.anomaly_map
    mask = library.compute_mask(scores, DEMO_THRESHOLD, DEMO_KERNEL)
    regions = _regions_of(scores, mask, 8)
    # the alpha mode: the heat's opacity follows the score, so the photo shows
    # untouched where nothing scores and the defects stand out in full colour
    spec = library.Normalization("range", *DEMO_SCALE)
    figure = library.comparison_figure(
        sample.image, scores, mask=mask, ground_truth=sample.ground_truth, mode="alpha",
        normalization=spec,
    )  # fmt: skip
    picture = _render(figure, args.dpi, args.max_pixels)
    heatmap = library.anomaly_map_to_color_map(scores, vmin=DEMO_SCALE[0], vmax=DEMO_SCALE[1])
    overlaid = library.overlay(sample.image, scores, "alpha", normalization=spec)
    scale = spec.to_dict()
    record = provenance(
        args, method="golden-template comparison", scale=scale, colormap="jet", mode="alpha",
        threshold=DEMO_THRESHOLD, kernel_size=DEMO_KERNEL,
    )  # fmt: skip
    text = _png_text(record)
    photo_text = _png_text(provenance(args))
    truth = sample.ground_truth.astype(np.uint8) * np.uint8(255)
    written = [
        library.write_image(folder / "reference.png", sample.reference, text=photo_text),
        library.write_image(folder / "image.png", sample.image, text=photo_text),
        library.write_image(folder / "heatmap.png", heatmap, text=text),
        library.write_image(folder / "overlay.png", overlaid, text=text),
        library.write_image(folder / "mask.png", mask, text=text),
        library.write_image(folder / "ground_truth.png", truth, text=photo_text),
        library.write_text(folder / "regions.csv", _regions_text(regions, "csv")),
        library.write_text(folder / "regions.json", _regions_text(regions, "json", record)),
        library.write_image(folder / "figure.png", picture, text=text),
    ]
    report([_demo_summary(sample, mask, regions)])
    return written


def demo(args: argparse.Namespace) -> tuple[Batch, MakeItem]:
    """``anomaly-viz demo``: a small real inspection of the sample photo, into one folder."""
    _headless()
    batch = Batch([Job("demo", (), output_folder(Path(args.output)))], folders=False)
    return batch, functools.partial(_demo_item, args)


def _look_record(args: argparse.Namespace, look: dict[str, Any]) -> dict[str, object]:
    """The provenance of a coloured map: its fitted scale, colormap, mode and threshold."""
    spec = look["normalization"]
    return provenance(
        args, scale=spec.to_dict(), colormap=_colormap_name(args, spec), mode=args.mode,
        alpha=look["alpha"], gamma=look["gamma"], threshold=look["threshold"],
        isoline=args.isoline,
    )  # fmt: skip


def _fitted_look(args: argparse.Namespace, scores: np.ndarray) -> dict[str, Any]:
    """:func:`_look` with the normalisation fitted to `scores` (what the picture used)."""
    look = _look(args)
    look["normalization"] = look["normalization"].fit(scores)
    return look


def _overlay_item(args: argparse.Namespace, job: Job) -> list[Path]:
    image, scores = job.inputs
    score_map = _read_map(scores, args)
    look = _fitted_look(args, score_map)
    picture = library.overlay(
        library.read_image(image, max_pixels=args.max_pixels), score_map, args.mode, **look
    )
    if args.isoline is not None:
        picture = library.draw_isoline(picture, score_map, args.isoline)
    return [_write_picture(job, picture, args, _look_record(args, look))]


def overlay(args: argparse.Namespace) -> tuple[Batch, MakeItem]:
    """``anomaly-viz overlay``: each map laid over its image (into a zarr store, lazily)."""
    if Path(args.output).suffix.lower() == ".zarr":
        return _zarr_batch(args), functools.partial(_overlay_zarr_item, _with_scale(args))
    if args.pyramid:
        raise _option_error(args, "--pyramid", "is for zarr output only (-o NAME.zarr)")
    batch = _image_batch(pair_jobs(args.image, args.map, args.output, _suffix(args)), args)
    return batch, functools.partial(_overlay_item, _with_scale(args))


def _zarr_batch(args: argparse.Namespace) -> Batch:
    """The one job of ``overlay IMAGE MAP -o NAME.zarr`` (files only)."""
    image, scores = Path(args.image), Path(args.map)
    if image.is_dir() or scores.is_dir():
        raise UsageError("-o NAME.zarr takes one IMAGE file and one MAP file, not folders")
    for option, value in (("--isoline", args.isoline), ("--format", args.format),
                          ("--quality", args.quality)):  # fmt: skip
        if value is not None:
            raise _option_error(args, option, "is not available with zarr output")
    if args.jobs != 1:
        raise _option_error(args, "--jobs", "is not used with zarr output (Dask's threads "
                            "compute the blocks; --scheduler sends them to a cluster)")  # fmt: skip
    return Batch([Job(image.stem, (image, scores), Path(args.output))], folders=False)


def _overlay_zarr_item(args: argparse.Namespace, job: Job) -> list[Path]:
    """The overlay of a large image, computed block by block into a zarr store.

    The image is read lazily (:func:`anomaly_viz.large.read_lazy`), the map
    whole (it has the detector's resolution); the blocks are computed by
    Dask's threads, or by the cluster of --scheduler.
    """
    image_path, map_path = job.inputs
    image = library.read_lazy(image_path.absolute())
    score_map = _read_map(map_path, args)
    look = _fitted_look(args, score_map)
    picture = library.overlay(image, score_map, args.mode, **look)
    record = _look_record(args, look)
    with contextlib.ExitStack() as stack:
        if args.scheduler is not None:
            stack.enter_context(contextlib.closing(connect(args.scheduler)))
        library.write_zarr(picture, job.target.absolute(), pyramid=args.pyramid,
                           attributes=record)  # fmt: skip
    return [job.target]


def _mask_facts(args: argparse.Namespace) -> dict[str, object]:
    """How a mask was made: its threshold and cleaning options."""
    return {
        "threshold": args.mask_threshold,
        "kernel_size": args.kernel_size,
        "low_threshold": args.low_threshold,
        "cleaning": args.cleaning,
        "min_area": args.min_area,
        "connectivity": args.connectivity,
    }


def _mask_record(args: argparse.Namespace) -> dict[str, object]:
    """The provenance of a mask."""
    return provenance(args, **_mask_facts(args))


def _mask_item(args: argparse.Namespace, job: Job) -> list[Path]:
    (source,) = job.inputs
    scores = _read_map(source, args)
    mask = _mask_of(scores, args)
    record = _mask_record(args)
    written = [_write_picture(job, mask, args, record)]
    if args.regions:
        regions = _regions_of(scores, mask, args.connectivity)
        table = job.target.with_name(f"{job.target.stem}_regions.{args.regions}")
        text = _regions_text(regions, args.regions, record)
        written.append(library.write_text(table, text, inputs=job.inputs))
    return written


def mask(args: argparse.Namespace) -> tuple[Batch, MakeItem]:
    """``anomaly-viz mask``: each map thresholded into a mask (and its regions table)."""
    batch = _image_batch(map_jobs(args.map, args.output, _suffix(args)), args)
    return batch, functools.partial(_mask_item, args)


def _figure_item(args: argparse.Namespace, truth: np.ndarray | None, job: Job) -> list[Path]:
    image, scores = job.inputs
    score_map = _read_map(scores, args)
    mask = _mask_of(score_map, args) if args.mask_threshold is not None else None
    look = _fitted_look(args, score_map)
    figure = library.comparison_figure(
        library.read_image(image, max_pixels=args.max_pixels), score_map, mask=mask,
        ground_truth=truth, mode=args.mode, isoline=args.isoline, **look,
    )  # fmt: skip
    picture = _render(figure, args.dpi, args.max_pixels)
    record = _look_record(args, look)
    if mask is not None:
        record["mask"] = _mask_facts(args)
    return [_write_picture(job, picture, args, record)]


def figure(args: argparse.Namespace) -> tuple[Batch, MakeItem]:
    """``anomaly-viz figure``: the comparison figure of each image and map."""
    _headless()
    batch = _image_batch(pair_jobs(args.image, args.map, args.output, _suffix(args)), args)
    truth = None
    if args.ground_truth:  # read once, for every item; an error here stops the run
        truth = library.read_map(Path(args.ground_truth), max_pixels=args.max_pixels)
    return batch, functools.partial(_figure_item, _with_scale(args), truth)


def _map_files(args: argparse.Namespace) -> list[Path]:
    """The map files of MAPS (a file, or a folder's maps by name); a folder's problem stops."""
    source = Path(args.maps)
    if not source.is_dir():
        return [library.existing_file(source)]
    found = readable_files(source, scan_maps(source))
    if not found:
        raise library.FileProblem(source, "holds no map files")
    return [found[stem] for stem in sorted(found)]


def _fit_scale_item(args: argparse.Namespace, job: Job) -> list[Path]:
    percentiles = None if args.percentiles is None else tuple(args.percentiles)
    options = {"threshold": args.threshold, "percentiles": percentiles}
    if args.scheduler is None:

        def maps() -> Iterator[np.ndarray]:
            return (_read_map(path, args) for path in job.inputs)

        spec = library.fit_scale(maps, **options)
    else:
        with contextlib.closing(connect(args.scheduler)) as client:
            spec = library.fit_visited(_cluster_visit(client, job.inputs, args), **options)
    report([f"{spec.kind} scale of {len(job.inputs)} map(s): {_scale_summary(spec)}"])
    return [library.write_text(job.target, spec.to_json() + "\n", inputs=job.inputs)]


def _cluster_visit(client: Any, paths: Sequence[Path], args: argparse.Namespace) -> library.Visit:
    """A :data:`~anomaly_viz.scale.Visit` of map files by a cluster's workers.

    Each worker reads its maps where they are and sends back only what the
    pass needs of them (two extremes, a histogram, a few values), combined
    as they arrive: the scale is one distributed reduction per pass.
    """
    from distributed import as_completed

    absolute = [path.absolute() for path in paths]

    def visit(function: Callable[[np.ndarray, np.dtype], Any]) -> Iterator[Any]:
        def one(path: Path) -> Any:
            scores = _read_map(path, args)
            return function(library.work_scores(scores, str(path)).ravel(), scores.dtype)

        futures = client.map(one, absolute, pure=False)
        try:
            for future in as_completed(futures):
                yield future.result()
        finally:
            client.cancel(futures)

    return visit


def _scale_summary(spec: library.Normalization) -> str:
    summary = f"low {spec.low:.6g}, high {spec.high:.6g}"
    return summary if spec.threshold is None else f"{summary}, threshold {spec.threshold:.6g}"


def fit_scale(args: argparse.Namespace) -> tuple[Batch, MakeItem]:
    """``anomaly-viz fit-scale``: one colour scale for every map of a folder, as JSON."""
    inputs = tuple(_map_files(args))
    target = library.check_output_file(Path(args.output))
    batch = Batch([Job(Path(args.maps).name, inputs, target)], folders=False)
    return batch, functools.partial(_fit_scale_item, args)


#: The commands by name: each gives its jobs and the work of one job.
COMMANDS: dict[str, Callable[[argparse.Namespace], tuple[Batch, MakeItem]]] = {
    "demo": demo,
    "overlay": overlay,
    "mask": mask,
    "figure": figure,
    "fit-scale": fit_scale,
}
