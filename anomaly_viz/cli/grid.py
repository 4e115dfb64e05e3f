"""``anomaly-viz grid``: many samples in one picture (or a few pages), one colour scale.

IMAGES and MAPS (and GT, the ground truths) are files or folders matched by
name stem, as for ``overlay`` and ``evaluate``. The scale is ``--scale``'s,
or else fitted once over every map of the run, so that every page shares
it; ``--per-page N`` puts N samples on a page, written as ``OUTPUT`` when
one page is enough and as ``STEM-1.png``, ``STEM-2.png``... beside it
otherwise.
"""

from __future__ import annotations

import argparse
import functools
import math
from pathlib import Path

import numpy as np

from . import _library as library
from .commands import (
    _as_2d,
    _colormap_name,
    _normalization,
    _read_map,
    _with_scale,
    _write_picture,
    provenance,
)
from .parser import UsageError
from .runner import Batch, Job, MakeItem, readable_files, scan_images, scan_maps

__all__ = ["grid", "page_names"]

Sample = tuple[str, Path, Path, Path | None]


def _samples(args: argparse.Namespace) -> list[Sample]:
    """(name, image, map, ground truth or None) of every sample, in name order."""
    images, maps = Path(args.images), Path(args.maps)
    truths = None if args.ground_truth is None else Path(args.ground_truth)
    folders = {path.is_dir() for path in (images, maps, truths) if path is not None}
    if len(folders) > 1:
        raise UsageError("IMAGES, MAPS and GT must all be files or all be folders")
    if not images.is_dir():
        truth = None if truths is None else library.existing_file(truths)
        return [(images.stem, library.existing_file(images), library.existing_file(maps), truth)]
    found_images = readable_files(images, scan_images(images))
    found_maps = readable_files(maps, scan_maps(maps))
    found_truths = {} if truths is None else readable_files(truths, scan_maps(truths))
    if not found_images:
        raise library.FileProblem(images, "holds no image files")
    samples = []
    for stem in sorted(found_images):
        if stem not in found_maps:
            raise library.FileProblem(maps, f"has no map named {stem}.*")
        truth = found_truths.get(stem + args.truth_suffix)
        if truths is not None and truth is None and not args.missing_truth_is_normal:
            raise library.FileProblem(
                truths,
                f"has no ground truth named {stem}{args.truth_suffix}.* "
                "(--missing-truth-is-normal shows such samples with an empty mask)",
            )
        samples.append((stem, found_images[stem], found_maps[stem], truth))
    return samples


def page_names(output: Path, pages: int) -> list[Path]:
    """OUTPUT for one page; ``STEM-1.png``... (numbers padded to one width) for more.

    >>> [path.name for path in page_names(Path("out/grid.png"), 12)][:2]
    ['grid-01.png', 'grid-02.png']
    """
    if pages == 1:
        return [output]
    width = len(str(pages))
    return [
        output.with_name(f"{output.stem}-{number:0{width}d}{output.suffix}")
        for number in range(1, pages + 1)
    ]


def _page_item(
    args: argparse.Namespace, spec: library.Normalization, samples: list[Sample], job: Job
) -> list[Path]:
    images, maps, truths = [], [], []
    for _, image, scores, truth in samples:
        images.append(library.read_image(image, max_pixels=args.max_pixels))
        maps.append(_read_map(scores, args))
        if truth is not None:
            truths.append(_as_2d(truth, library.read_map(truth, max_pixels=args.max_pixels)) != 0)
        elif args.ground_truth is not None:  # a normal sample: an empty mask, scaled up
            truths.append(np.zeros((1, 1), bool))
    picture = library.sample_grid(
        images, maps, truths if args.ground_truth is not None else None,
        names=[name for name, *_ in samples], normalization=spec, colormap=args.colormap,
        mode=args.mode, threshold=args.mask_threshold, kernel_size=args.kernel_size,
        cell_height=args.cell_height, isoline=args.isoline,
    )  # fmt: skip
    record = provenance(
        args, scale=spec.to_dict(), colormap=_colormap_name(args, spec), mode=args.mode,
        threshold=args.mask_threshold, kernel_size=args.kernel_size, isoline=args.isoline,
        samples=[name for name, *_ in samples],
    )  # fmt: skip
    return [_write_picture(job, picture, args, record)]


def grid(args: argparse.Namespace) -> tuple[Batch, MakeItem]:
    """``anomaly-viz grid``: the samples on one page or several, one shared scale."""
    args = _with_scale(args)
    samples = _samples(args)
    output = library.check_output_file(Path(args.output))
    if output.suffix.lower() != ".png":
        raise UsageError(f"anomaly-viz grid: -o must name a .png file, got {output.name}")
    spec = _normalization(args)
    if not spec.is_fitted:  # one scale for every page: fitted over every map first
        spec = spec.fit_stream(_read_map(scores, args) for _, _, scores, _ in samples)
    pages = math.ceil(len(samples) / args.per_page)
    jobs, parts = [], {}
    for index, target in enumerate(page_names(output, pages)):
        part = samples[index * args.per_page : (index + 1) * args.per_page]
        inputs = tuple(path for _, *paths in part for path in paths if path is not None)
        jobs.append(Job(target.stem, inputs, target))
        parts[target] = part
    return Batch(jobs, folders=False), functools.partial(_grid_page, args, spec, parts)


def _grid_page(
    args: argparse.Namespace,
    spec: library.Normalization,
    parts: dict[Path, list[Sample]],
    job: Job,
) -> list[Path]:
    return _page_item(args, spec, parts[job.target], job)
