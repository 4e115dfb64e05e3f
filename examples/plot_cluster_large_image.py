"""
A folder on a cluster, and an image larger than memory
======================================================

Two ways to outgrow one machine, on a Dask ``LocalCluster`` of two worker
processes (a real cluster is the same code with its scheduler's address):

1. A folder of maps: one colour scale fitted over all of them as one
   distributed reduction (``anomaly-viz fit-scale --scheduler``), then the
   overlays of the folder computed by the cluster's workers
   (``anomaly-viz overlay --scale --scheduler``).
2. A synthetic 40000 x 40000 photo (4.8 GB of RGB pixels), generated
   lazily block by block, with a 2500 x 2500 anomaly map laid over it by
   :func:`~anomaly_viz.overlays.overlay` on the Dask array and written to a zarr
   store with a pyramid (:func:`anomaly_viz.large.write_zarr`): no process
   ever holds the image. The figure shows the pyramid's smallest level.

The side of the large image can be made smaller with the environment
variable ``ANOMALY_VIZ_LARGE_SIDE`` (the test suite runs this example at
2000 pixels).
"""

import os
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import dask.array as da
import matplotlib.pyplot as plt
import numpy as np
from _output import output_folder
from distributed import Client, LocalCluster

import anomaly_viz as av
from anomaly_viz.cli import main
from anomaly_viz.io import write_image
from anomaly_viz.large import write_zarr

out = output_folder()
side = int(os.environ.get("ANOMALY_VIZ_LARGE_SIDE", "40000"))
work = Path(tempfile.mkdtemp(prefix="anomaly-viz-cluster-"))


def blobs(shape, centres, width, rng):
    """A map of Gaussian blobs plus a little noise."""
    rows, cols = np.indices(shape, dtype=np.float32)
    scores = 0.05 * rng.random(shape, dtype=np.float32)
    for row, col in centres:
        scores += np.exp(-((rows - row) ** 2 + (cols - col) ** 2) / (2 * width**2))
    return scores


def photo_block(block_info=None):
    """One block of a smooth, textured grey photo, the same whoever computes it."""
    (top, bottom), (left, right), _ = block_info[None]["array-location"]
    rows, cols = np.mgrid[top:bottom, left:right].astype(np.float32)
    shade = 150 + 60 * np.sin(rows / 3000) * np.cos(cols / 4000)
    texture = 12 * np.sin(rows / 7) * np.sin(cols / 11)
    grey = np.clip(shade + texture, 0, 255).astype(np.uint8)
    return np.repeat(grey[..., np.newaxis], 3, axis=2)


if __name__ == "__main__":
    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=":0") as cluster:
        with Client(cluster) as client:
            address = cluster.scheduler_address

            # 1. a folder: one scale, then every overlay, on the cluster's workers
            rng = np.random.default_rng(0)
            for folder in ("images", "maps"):
                (work / folder).mkdir()
            for index in range(6):
                write_image(work / "images" / f"part{index}.png",
                               rng.integers(90, 160, (96, 128, 3), np.uint8))  # fmt: skip
                centres = [(rng.uniform(10, 38), rng.uniform(10, 54))] * (index % 3)
                np.save(work / "maps" / f"part{index}.npy", blobs((48, 64), centres, 5, rng))
            main(["fit-scale", str(work / "maps"), "--threshold", "0.5",
                  "-o", str(work / "scale.json"), "--scheduler", address])  # fmt: skip
            main(["overlay", str(work / "images"), str(work / "maps"), "-o", str(out / "parts"),
                  "--scale", str(work / "scale.json"), "--scheduler", address])  # fmt: skip

            # 2. a photo of side x side pixels, never held by any process
            chunk = 4096
            photo = da.map_blocks(
                photo_block,
                chunks=(da.core.normalize_chunks(chunk, (side,))[0],) * 2 + ((3,),),
                dtype=np.uint8,
                meta=np.empty((0, 0, 0), np.uint8),
            )
            small = 2500 * side // 40000
            defects = [(0.3 * small, 0.6 * small), (0.7 * small, 0.25 * small)]
            scores = blobs((small, small), defects, small / 60, rng)
            picture = av.overlay(photo, scores, "alpha", threshold=0.5)
            store = write_zarr(picture, work / "slide.zarr", pyramid=True)

    levels = sorted(int(name) for name in os.listdir(store) if name.isdigit())
    thumbnail = da.from_zarr(str(store), component=str(levels[-1])).compute()
    figure, axis = plt.subplots(figsize=(5, 5), layout="constrained")
    axis.imshow(thumbnail)
    axis.set_title(f"{side} x {side} overlay, level {levels[-1]} of its pyramid")
    axis.set_axis_off()
    figure.savefig(out / "cluster_large_image.png", dpi=100)
    print(f"{side} x {side}: {len(levels)} levels in {store}")
