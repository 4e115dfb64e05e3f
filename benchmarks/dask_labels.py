"""Regions across chunks: dask-image's ``label`` against the package's, and SciPy's.

``python benchmarks/dask_labels.py [--quick]`` (the ``bench`` extra for
dask-image; ``--quick`` runs a small mask without it, for the smoke test).

A 2000 x 2000 mask of blobs (a smoothed noise field above a level) is split
into 2 x 2 up to 12 x 12 chunks and labelled by
``dask_image.ndmeasure.label`` and by
``anomaly_viz._dask.labels.label_across_chunks``: for each, the seconds to
build the graph, the number of tasks and the seconds to compute the labels;
``scipy.ndimage.label`` of the whole mask in memory is the reference, and
each result must be the same partition of the pixels (the same regions,
numbered in any order). dask-image is skipped above a grid once it took
more than a minute.
"""

# ruff: noqa: E402 (the package is imported from this checkout, after sys.path is set)
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from scipy import ndimage

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import dask
import dask.array as da

from anomaly_viz._dask.labels import label_across_chunks

EIGHT = np.ones((3, 3), bool)


def blob_mask(side, seed=0):
    noise = np.random.default_rng(seed).standard_normal((side, side))
    return ndimage.gaussian_filter(noise, 4) > 0.08


def same_partition(labels, reference, count):
    """Whether `labels` and `reference` group the pixels into the same regions."""
    pairs = np.unique(np.stack([labels.ravel(), reference.ravel()]), axis=1)
    return pairs.shape[1] == count + 1 and len(np.unique(pairs[0])) == count + 1


def measure(name, label, mask, reference, count):
    start = time.perf_counter()
    labels, found = label(mask)
    built = time.perf_counter() - start
    tasks = len(labels.__dask_graph__())
    start = time.perf_counter()
    computed, found = dask.compute(labels, found)
    seconds = time.perf_counter() - start
    same = int(found) == count and same_partition(computed, reference, count)
    print(f"  {name:<12} build {built:7.2f} s  tasks {tasks:7d}  compute {seconds:7.2f} s  "
          f"same regions: {'yes' if same else 'NO'}")  # fmt: skip
    return built + seconds


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small mask, no dask-image")
    args = parser.parse_args(argv)
    side, grids = (200, [2, 4]) if args.quick else (2000, [2, 4, 8, 12])
    try:
        from dask_image.ndmeasure import label as dask_image_label
    except ImportError:
        if not args.quick:
            raise SystemExit('dask-image is needed: pip install -e ".[bench]"') from None
        dask_image_label = None
    mask = blob_mask(side)
    start = time.perf_counter()
    reference, count = ndimage.label(mask, EIGHT)
    print(f"{side}x{side} mask, {count} regions; scipy.ndimage.label in memory: "
          f"{time.perf_counter() - start:.3f} s")  # fmt: skip
    slow = False
    with dask.config.set(scheduler="threads", num_workers=2):
        for grid in grids:
            lazy = da.from_array(mask, chunks=-(-side // grid))
            print(f"{grid}x{grid} chunks:")
            measure("anomaly_viz", lambda m: label_across_chunks(m, 8), lazy, reference, count)
            if dask_image_label is None:
                continue
            if slow:
                print("  dask-image   skipped (the grid before took more than a minute)")
                continue
            seconds = measure("dask-image", lambda m: dask_image_label(m, EIGHT), lazy,
                              reference, count)  # fmt: skip
            slow = seconds > 60


if __name__ == "__main__":
    main()
