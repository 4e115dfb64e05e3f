"""The benchmark script runs (``--quick``, with or without OpenCV); timings are not checked."""

import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_quick_benchmark_prints_the_table():
    result = subprocess.run(
        [sys.executable, os.path.join("benchmarks", "run.py"), "--quick"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert any(line.split()[:2] == ["operation", "size"] for line in lines if line.strip())
    for operation in ("color map", "superimpose", "compute_mask", "superimpose resized"):
        assert any(line.startswith(f"{operation}  ") for line in lines), operation
    assert any(line.startswith("- memory, superimpose") for line in lines)
    assert any(line.startswith("- scaling, superimpose") for line in lines)
