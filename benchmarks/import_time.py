"""How long ``import anomaly_viz`` takes in a fresh interpreter (warm disk cache).

Run: ``python benchmarks/import_time.py``. Prints the median of several runs
beside the median for ``import numpy`` alone, which the package needs anyway.
"""

import statistics
import subprocess
import sys

RUNS = 7


def median_seconds(module: str) -> float:
    code = (
        "import time; start = time.perf_counter(); "
        f"import {module}; print(time.perf_counter() - start)"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)  # warm-up
    times = [
        float(
            subprocess.run(
                [sys.executable, "-c", code], check=True, capture_output=True, text=True
            ).stdout
        )
        for _ in range(RUNS)
    ]
    return statistics.median(times)


if __name__ == "__main__":
    numpy_time = median_seconds("numpy")
    package_time = median_seconds("anomaly_viz")
    print(f"import numpy       {numpy_time * 1e3:7.1f} ms")
    print(f"import anomaly_viz {package_time * 1e3:7.1f} ms (budget 500 ms)")
