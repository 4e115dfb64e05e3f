"""Folder runs on a Dask distributed cluster (--scheduler): the same as one job."""

import subprocess
import sys

import pytest
from distributed import LocalCluster
from test_cli_jobs import COMMAND_LINES, ENVIRONMENT, files_in, folders  # noqa: F401


@pytest.fixture(scope="module")
def address():
    """A cluster of two thread workers in this process; the command line runs beside it."""
    with LocalCluster(
        n_workers=2, processes=False, protocol="tcp", dashboard_address=None
    ) as cluster:
        yield cluster.scheduler_address


def run_in(folder, arguments):
    folder.mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "anomaly_viz", *map(str, arguments), "-o", "out"],
        capture_output=True, text=True, cwd=folder, check=False, env=ENVIRONMENT,
    )  # fmt: skip
    return result, files_in(folder / "out")


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
