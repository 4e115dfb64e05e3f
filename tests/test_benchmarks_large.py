"""The Dask benchmark scripts run (``--quick``); their timings are not checked."""

import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def quick(script):
    result = subprocess.run(
        [sys.executable, os.path.join("benchmarks", script), "--quick"],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_the_dask_overlay_benchmark_reports_memory_throughput_and_folders():
    lines = quick("dask_overlay.py")
    assert any(line.startswith("- memory, 600x600 overlay") and "output chunks" in line
               for line in lines)  # fmt: skip
    throughput = [line for line in lines if line.startswith("- throughput, Dask")]
    assert len(throughput) == 2 and all(line.endswith("same bytes: yes") for line in throughput)
    assert any(line.startswith("- folder, --scheduler / --jobs 2") and line.endswith("yes")
               for line in lines)  # fmt: skip


def test_the_labels_benchmark_finds_the_same_regions():
    lines = quick("dask_labels.py")
    ours = [line for line in lines if line.strip().startswith("anomaly_viz")]
    assert len(ours) == 2 and all(line.endswith("same regions: yes") for line in ours)
