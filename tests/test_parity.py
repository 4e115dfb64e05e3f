"""The parity script runs: its pure lines pass, and without OpenCV it says it did not run.

Only ``--pure`` claims run here (matplotlib, SciPy, Pillow): the test suite needs neither
OpenCV nor scikit-image. CI runs the whole script with the ``bench`` extra installed.
"""

import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPT = os.path.join("benchmarks", "parity.py")


def run(*command):
    return subprocess.run(
        [sys.executable, *command], cwd=ROOT, capture_output=True, text=True, timeout=300
    )


def test_pure_claims_pass_one_line_each():
    result = run(SCRIPT, "--pure")
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    claims = lines[1:-1]  # between the versions line and the closing count
    assert claims and all(line.startswith("PASS ") for line in claims), result.stdout
    assert lines[-1] == f"{len(claims)} passed, 0 failed"
    for subject in ("matplotlib.colormaps[name]", "bad colour", "scipy.ndimage.zoom", "PIL"):
        assert any(subject in line for line in claims), subject
    assert not any(re.search(r"cv2\.|skimage\.|torch\.", line) for line in claims)


def test_without_opencv_nothing_runs_and_the_status_says_so():
    # Hidden as if not installed (installed or not): find_spec() answers None for a None entry.
    hide_them = (
        "import runpy, sys; sys.modules['cv2'] = sys.modules['skimage'] = None; "
        f"sys.argv = ['parity.py']; runpy.run_path({SCRIPT!r}, run_name='__main__')"
    )
    result = run("-c", hide_them)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip() == (
        'benchmarks/parity.py: not run, cv2 and skimage missing: pip install -e ".[bench]"'
    )


def test_a_failed_or_crashed_claim_is_a_fail_line_and_status_1():
    replace_claims = (
        f"import runpy, sys; script = runpy.run_path({SCRIPT!r}); "
        "Claim, Outcome = script['Claim'], script['Outcome']; "
        "script['CLAIMS'][:] = [Claim('a holds', lambda inputs: Outcome([], '3 checked')), "
        "Claim('b holds', lambda inputs: Outcome(['4 pixels differ'])), "
        "Claim('c holds', lambda inputs: 1 / 0)]; "
        "sys.exit(script['main'](['--pure']))"
    )
    result = run("-c", replace_claims)
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines()[1:] == [
        "PASS a holds (3 checked)",
        "FAIL b holds: 4 pixels differ",
        "FAIL c holds: ZeroDivisionError: division by zero",
        "1 passed, 2 failed",
    ]
