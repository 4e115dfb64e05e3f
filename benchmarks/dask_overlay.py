"""Large images on Dask: peak memory of a 20000 x 20000 overlay, throughput, folders.

``python benchmarks/dask_overlay.py [--quick]`` (the ``dask`` extra; ``--quick``
makes everything small, for the test suite's smoke test: its numbers mean
nothing). Three measurements, each against a comparison made in the same run:

1. Memory. A 20000 x 20000 RGB photo generated lazily block by block (never
   held), a 2500 x 2500 float32 map laid over it by :func:`anomaly_viz.overlay`
   and written to zarr by :func:`anomaly_viz.large.write_zarr`, on a
   ``LocalCluster`` of 2 single-threaded worker processes. The cluster's
   process memory is sampled (``distributed``'s ``MemorySampler``); its peak
   above the idle cluster is reported, as a multiple of one output chunk's
   bytes and as a share of the whole output's bytes, for chunk sides of
   1024, 2048 and 4096.
2. Throughput on an image that still fits in memory (8000 x 8000, a 1000 x
   1000 map): the NumPy call against the same call on a Dask array of 2048 x
   2048 chunks computed into memory by 2 threads, and by the 2 worker
   processes (the image read there from a ``.npy`` file by
   :func:`~anomaly_viz.large.read_lazy`, the result gathered back); median
   of 3. The issue's target: at least 1.6 times the NumPy call's
   throughput with 2 workers.
3. Folders: ``anomaly-viz overlay`` of 30 photo-like 1024 x 1024 images with
   ``--jobs 2`` against ``--scheduler`` of a running 2-worker LocalCluster,
   whole processes timed from outside, and whether both write the same
   bytes.
"""

# ruff: noqa: E402 (the package is imported from this checkout, after sys.path is set)
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import dask
import dask.array as da
from distributed import Client, LocalCluster
from distributed.diagnostics import MemorySampler

import anomaly_viz as av
from anomaly_viz.io import write_image
from anomaly_viz.large import read_lazy, write_zarr

ENVIRONMENT = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}


def photo_block(block_info=None):
    """One block of a smooth, textured RGB photo, the same whoever computes it."""
    (top, bottom), (left, right), _ = block_info[None]["array-location"]
    rows, cols = np.mgrid[top:bottom, left:right].astype(np.float32)
    grey = 140 + 50 * np.sin(rows / 2500) * np.cos(cols / 3300) + 10 * np.sin(rows / 7 + cols / 9)
    pixels = np.clip(grey, 0, 255).astype(np.uint8)
    return np.stack([pixels, pixels // 2 + 60, 255 - pixels], axis=2)


def lazy_photo(side, chunk):
    chunks = da.core.normalize_chunks(chunk, (side,))[0]
    return da.map_blocks(
        photo_block, chunks=(chunks, chunks, (3,)), dtype=np.uint8,
        meta=np.empty((0, 0, 0), np.uint8),
    )  # fmt: skip


def blob_map(side, rng):
    rows, cols = np.indices((side, side), dtype=np.float32) / side
    scores = 0.05 * rng.random((side, side), dtype=np.float32)
    for row, col in ((0.3, 0.6), (0.7, 0.2), (0.5, 0.5)):
        scores += np.exp(-((rows - row) ** 2 + (cols - col) ** 2) / 0.002)
    return scores


def cluster():
    return LocalCluster(
        n_workers=2, threads_per_worker=1, dashboard_address=":0", memory_limit="8GiB"
    )


def median_seconds(function, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


# ------------------------------------------------------------------ memory


def memory(client, work, side, map_side, chunks):
    rng = np.random.default_rng(0)
    scores = blob_map(map_side, rng)
    output_bytes = side * side * 3
    sampler = MemorySampler()
    with sampler.sample("idle", client=client, interval=0.1):
        time.sleep(1.0)
    idle = max(memory for _, memory in sampler.samples["idle"])
    for chunk in chunks:
        client.run(lambda: __import__("gc").collect())
        picture = av.overlay(lazy_photo(side, chunk), scores, "blend")
        start = time.perf_counter()
        with sampler.sample(str(chunk), client=client, interval=0.1):
            write_zarr(picture, work / f"overlay{chunk}.zarr")
        seconds = time.perf_counter() - start
        peak = max(memory for _, memory in sampler.samples[str(chunk)]) - idle
        chunk_bytes = chunk * chunk * 3
        print(
            f"- memory, {side}x{side} overlay of a {map_side}x{map_side} map to zarr, "
            f"chunks {chunk}x{chunk}: peak {peak / 2**20:.0f} MiB above the idle cluster "
            f"= {peak / chunk_bytes:.1f} output chunks = {peak / output_bytes:.3f} of the "
            f"output's {output_bytes / 2**30:.2f} GiB ({seconds:.1f} s, "
            f"{side * side / seconds / 1e6:.0f} Mpixel/s)"
        )
        shutil.rmtree(work / f"overlay{chunk}.zarr")


# -------------------------------------------------------------- throughput


def throughput(client, work, side, map_side, chunk, repeat):
    rng = np.random.default_rng(1)
    image = lazy_photo(side, chunk).compute(scheduler="threads")
    scores = blob_map(map_side, rng)
    np.save(work / "photo.npy", image)
    expected = av.overlay(image, scores)
    numpy_seconds = median_seconds(lambda: av.overlay(image, scores), repeat)
    lazy = da.from_array(image, chunks=(chunk, chunk, 3))
    with dask.config.set(scheduler="threads", num_workers=2):
        threads_seconds = median_seconds(lambda: av.overlay(lazy, scores).compute(), repeat)
        same_threads = np.array_equal(av.overlay(lazy, scores).compute(), expected)

    def on_cluster():
        return client.compute(av.overlay(read_lazy(work / "photo.npy"), scores)).result()

    cluster_seconds = median_seconds(on_cluster, repeat)
    same_cluster = np.array_equal(on_cluster(), expected)
    print(f"- throughput, {side}x{side} overlay of a {map_side}x{map_side} map, NumPy: "
          f"{numpy_seconds:.2f} s")  # fmt: skip
    for name, seconds, same in (
        ("2 threads", threads_seconds, same_threads),
        ("2 worker processes (image read there, result gathered)", cluster_seconds,
         same_cluster),
    ):  # fmt: skip
        ratio = numpy_seconds / seconds
        verdict = "met" if ratio >= 1.6 else "NOT met"
        print(
            f"- throughput, Dask {name}, chunks {chunk}: {seconds:.2f} s, "
            f"{ratio:.2f} x NumPy's (target >= 1.6 {verdict}); same bytes: "
            f"{'yes' if same else 'NO'}"
        )


# ----------------------------------------------------------------- folders


def folders(client, work, count, side):
    rng = np.random.default_rng(2)
    images, maps = work / "images", work / "maps"
    images.mkdir()
    maps.mkdir()
    for index in range(count):
        block = lazy_photo(side, side)[:side, :side].compute(scheduler="threads")
        write_image(images / f"{index:03d}.png", block)
        np.save(maps / f"{index:03d}.npy", blob_map(side // 4, rng))
    base = [sys.executable, "-m", "anomaly_viz", "overlay", str(images), str(maps)]
    runs = {
        "--jobs 2": [*base, "-o", str(work / "jobs"), "--jobs", "2"],
        "--scheduler (2 workers)": [*base, "-o", str(work / "cluster"), "--scheduler",
                                    client.scheduler.address],
    }  # fmt: skip
    seconds = {}
    for name, command in runs.items():
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, env=ENVIRONMENT)
        seconds[name] = time.perf_counter() - start
    same = all(
        (work / "jobs" / path.name).read_bytes() == path.read_bytes()
        for path in (work / "cluster").iterdir()
    )
    for name, value in seconds.items():
        print(f"- folder of {count} {side}x{side} images, {name}: {value:.2f} s "
              f"({value / count * 1000:.0f} ms per image)")  # fmt: skip
    ratio = seconds["--scheduler (2 workers)"] / seconds["--jobs 2"]
    print(f"- folder, --scheduler / --jobs 2: {ratio:.2f}; same bytes: {'yes' if same else 'NO'}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, for the smoke test")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="anomaly-viz-dask-bench-"))
    try:
        with cluster() as local, Client(local) as client:
            if args.quick:
                memory(client, work, 600, 75, [256])
                throughput(client, work, 500, 60, 128, 1)
                folders(client, work, 3, 64)
            else:
                memory(client, work, 20000, 2500, [1024, 2048, 4096])
                throughput(client, work, 8000, 1000, 2048, 3)
                folders(client, work, 30, 1024)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
