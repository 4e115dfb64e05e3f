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
    operations = ("color map", "superimpose", "compute_mask", "compute_mask anomalib")
    for operation in (*operations, "superimpose resized"):
        assert any(line.startswith(f"{operation}  ") for line in lines), operation
    assert any(line.startswith("- scaling, superimpose") for line in lines)
    memory = [line for line in lines if line.startswith("- memory, ")]
    cases = [
        "uint8 image",
        "map with one NaN",
        "64x48 map with one NaN, resized",
        "float32 image",
        "float64 image",
        "uint16 image",
    ]
    for case in cases:
        assert any(
            line.startswith(f"- memory, superimpose at 128x96, {case}: peak traced allocation ")
            and line.endswith(("(target <= 3.00 met)", "(target <= 3.00 NOT met)"))
            for line in memory
        ), case
    assert any(
        line.startswith("- memory, measure_regions of one 10x10 region in a 200x200 float32 map")
        and line.endswith(("x map (target <= 3.00 met)", "x map (target <= 3.00 NOT met)"))
        for line in memory
    )
    assert any(
        line.startswith("- memory, compute_mask with k=100000 on a 10x10 map") for line in memory
    )
    for bomb in ("bomb.tif", "bomb.npz"):
        assert any(
            line.startswith(f"- memory, refusing {bomb} (") and ": refused, peak traced" in line
            for line in memory
        ), bomb
