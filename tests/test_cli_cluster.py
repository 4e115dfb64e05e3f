"""Folder runs on a Dask distributed cluster (--scheduler): the same as one job."""

import subprocess
import sys

import numpy as np
import pytest
from distributed import LocalCluster
from test_cli_jobs import COMMAND_LINES, ENVIRONMENT, files_in, folders  # noqa: F401

import anomaly_viz as av


@pytest.fixture(scope="module")
def address():
    """A cluster of two thread workers in this process; the command line runs beside it."""
    with LocalCluster(
        n_workers=2, processes=False, protocol="tcp", dashboard_address=":0"
    ) as cluster:
        yield cluster.scheduler_address


def run_in(folder, arguments, output="out"):
    """Run in `folder` (made here) writing to `output` in it: the written files by name."""
    folder.mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "anomaly_viz", *map(str, arguments), "-o", output],
        capture_output=True, text=True, cwd=folder, check=False, env=ENVIRONMENT,
    )  # fmt: skip
    out = folder / output
    if out.suffix == ".zarr" or not out.exists():
        return result, {}
    return result, files_in(out) if out.is_dir() else {out.name: out.read_bytes()}


@pytest.mark.parametrize("command", sorted(COMMAND_LINES))
def test_a_cluster_prints_writes_and_exits_as_one_job(folders, address, command):  # noqa: F811
    tmp_path, images, maps = folders
    arguments = COMMAND_LINES[command](images, maps)
    one, one_files = run_in(tmp_path / "one", arguments)
    cluster, cluster_files = run_in(tmp_path / "cluster", [*arguments, "--scheduler", address])
    assert one.returncode == 1  # c and e are skipped
    assert (cluster.returncode, cluster.stdout, cluster.stderr) == (
        one.returncode,
        one.stdout,
        one.stderr,
    )
    assert cluster_files == one_files and len(one_files) >= 4


def test_jobs_and_scheduler_together_are_refused(main, tmp_path):
    result = main("mask", tmp_path, "--threshold", "0.5", "-o", tmp_path / "out",
                  "--jobs", "2", "--scheduler", "tcp://127.0.0.1:1")  # fmt: skip
    assert result.returncode == 2
    assert "give --jobs or --scheduler, not both" in result.stderr


def test_a_scheduler_that_cannot_be_reached_is_one_line(folders):  # noqa: F811
    tmp_path, images, maps = folders
    result, _ = run_in(
        tmp_path / "run", ["overlay", images, maps, "--scheduler", "tcp://127.0.0.1:9"]
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "tcp://127.0.0.1:9" in lines[0]
    assert "is not a scheduler this run can reach" in lines[0]


@pytest.mark.parametrize("how", [[], ["--threshold", "0.4"], ["--percentiles", "5", "95"]], ids=str)
def test_fit_scale_on_a_cluster_is_the_scale_of_one_process(tmp_path, address, how):
    maps = tmp_path / "maps"
    maps.mkdir()
    rng = np.random.default_rng(3)
    for index in range(5):
        scores = rng.normal(size=(20, 30)).astype(rng.choice([np.float32, np.float64]))
        scores[0, index] = np.nan
        np.save(maps / f"m{index}.npy", scores)
    one, one_files = run_in(tmp_path / "one", ["fit-scale", maps, *how], "scale.json")
    cluster, cluster_files = run_in(
        tmp_path / "cluster", ["fit-scale", maps, *how, "--scheduler", address], "scale.json"
    )
    assert one.returncode == 0, one.stderr
    assert (cluster.returncode, cluster.stdout, cluster.stderr) == (0, one.stdout, one.stderr)
    assert cluster_files == one_files


def test_overlay_into_zarr_on_a_cluster(tmp_path, address):
    import tifffile
    import zarr

    rng = np.random.default_rng(4)
    pixels = rng.integers(0, 256, (200, 300, 3), np.uint8)
    tifffile.imwrite(tmp_path / "slide.tif", pixels, tile=(64, 64))
    scores = rng.random((20, 30))
    np.save(tmp_path / "map.npy", scores)
    arguments = ["overlay", tmp_path / "slide.tif", tmp_path / "map.npy", "--scheduler", address]
    result, _ = run_in(tmp_path / "run", arguments, "out.zarr")
    assert (result.returncode, result.stderr) == (0, "")
    store = zarr.open_group(str(tmp_path / "run" / "out.zarr"), mode="r")
    np.testing.assert_array_equal(store["0"][:], av.overlay(pixels, scores))
