"""The package as a user meets it: import, README snippet, examples."""

import importlib.metadata
import os
import re
import subprocess
import sys
from pathlib import Path

import imageio.v3 as iio
import numpy as np
import pytest

import anomaly_viz

ROOT = Path(__file__).resolve().parent.parent


def run_python(code, cwd):
    return subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, check=False
    )


def test_import_pulls_in_neither_opencv_nor_pyplot(tmp_path):
    code = (
        "import sys, anomaly_viz\n"
        "heavy = ('cv2', 'matplotlib.pyplot', 'skimage', 'torch')\n"
        "heavy = [name for name in heavy if name in sys.modules]\n"
        "print(heavy)\n"
    )
    result = run_python(code, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_calls_do_not_import_pyplot_either(tmp_path):
    code = (
        "import sys, numpy as np, anomaly_viz as av\n"
        "image = np.zeros((6, 6, 3), np.uint8)\n"
        "av.post_process.superimpose_anomaly_map(np.eye(3), image, colormap='opencv_jet')\n"
        "av.compute_mask(np.eye(3), 0.5)\n"
        "print('matplotlib.pyplot' in sys.modules, 'cv2' in sys.modules)\n"
    )
    result = run_python(code, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False False"


def test_overlays_in_opencv_jet_do_not_import_matplotlib(tmp_path):
    # a command-line run in anomalib's colours starts without matplotlib's import time
    code = (
        "import sys, numpy as np\n"
        "from anomaly_viz.cli import main\n"
        "from anomaly_viz.post_process import superimpose_anomaly_map\n"
        "superimpose_anomaly_map(np.eye(3), np.zeros((6, 6, 3), np.uint8), colormap='opencv_jet')\n"
        "print('matplotlib' in sys.modules)\n"
    )
    result = run_python(code, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def readme_main_job():
    text = (ROOT / "README.rst").read_text()
    block = re.search(r"\.\. code-block:: python\n\n((?:   .*\n|\n)+)", text)
    assert block, "README.rst has no python code block for the main job"
    return "\n".join(line[3:] for line in block.group(1).splitlines())


def test_readme_main_job_writes_an_overlay(tmp_path):
    result = run_python(readme_main_job(), tmp_path)
    assert result.returncode == 0, result.stderr
    overlay = iio.imread(tmp_path / "overlay.png")
    from matplotlib.cbook import get_sample_data

    photo = iio.imread(get_sample_data("grace_hopper.jpg", asfileobj=False))
    assert overlay.shape == photo.shape and overlay.dtype == np.uint8
    assert not np.array_equal(overlay, photo)


def test_readme_commands_are_the_ones_ci_runs():
    text = (ROOT / "README.rst").read_text()
    assert '$ python -m pip install -e ".[test]"' in text
    assert "$ python -m pytest" in text
    ci = (ROOT / ".ci" / "run").read_text()
    assert "python -m pip install" in ci and "python -m pytest" in ci


@pytest.mark.parametrize(
    "script", sorted((ROOT / "examples").glob("plot_*.py")), ids=lambda p: p.name
)
def test_example_writes_non_blank_pngs(script, tmp_path):
    result = subprocess.run(
        [sys.executable, str(script), str(tmp_path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        # the cluster example's 40000 x 40000 image at a test's size
        env={**os.environ, "MPLBACKEND": "Agg", "ANOMALY_VIZ_LARGE_SIDE": "2000"},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    pngs = sorted(tmp_path.glob("*.png"))
    assert pngs, "the example wrote no PNG"
    for png in pngs:
        picture = iio.imread(png)
        assert picture.size and np.ptp(picture) > 0, f"{png.name} is blank"


def test_readme_demo_command_runs(tmp_path):
    text = (ROOT / "README.rst").read_text()
    assert "$ anomaly-viz demo -o demo" in text
    script = Path(sys.executable).with_name("anomaly-viz")
    result = subprocess.run(
        [str(script), "demo", "-o", "demo"], cwd=tmp_path, capture_output=True, text=True,
        env={**os.environ, "MPLBACKEND": "Agg"}, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "demo" / "figure.png").exists()


def test_pictures_in_the_docs_exist_and_come_from_the_examples():
    sources = " ".join(p.read_text() for p in (ROOT / "examples").glob("plot_*.py"))
    referenced = set()
    for document in [ROOT / "README.rst", *sorted((ROOT / "docs").glob("*.rst"))]:
        for target in re.findall(
            r"^\.\. (?:image|figure):: (\S+)", document.read_text(), re.MULTILINE
        ):
            path = (document.parent / target).resolve()
            assert path.is_file(), f"{document.name} shows a missing picture {target}"
            referenced.add(path.name)
    assert referenced, "no pictures referenced"
    for name in referenced - {"demo_figure.png"}:  # that one is `anomaly-viz demo`'s figure.png
        assert f'"{name}"' in sources, f"{name} is not written by any example"


def test_version_is_the_installed_distributions():
    installed = importlib.metadata.version("anomaly_viz")
    assert anomaly_viz.__version__ == installed, "reinstall: python -m pip install -e ."


def test_command_line_prints_the_version(tmp_path):
    script = Path(sys.executable).with_name("anomaly-viz")
    result = subprocess.run(
        [str(script), "--version"], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"anomaly-viz {anomaly_viz.__version__}\n"


def test_version_is_written_once():
    pyproject = (ROOT / "pyproject.toml").read_text()
    project = re.search(r"^\[project\]\n(.*?)^\[", pyproject, re.MULTILINE | re.DOTALL).group(1)
    assert re.search(r'^dynamic = \[.*"version".*\]$', project, re.MULTILINE)
    assert not re.search(r"^version\s*=", project, re.MULTILINE)
    assert 'version = { attr = "anomaly_viz.__version__" }' in pyproject
    init = (ROOT / "anomaly_viz" / "__init__.py").read_text()
    assert re.findall(r"^__version__ = \"(.+?)\"", init, re.MULTILINE) == [anomaly_viz.__version__]


def test_contributing_installs_declared_extras_and_names_cis_mypy_switch():
    pyproject = (ROOT / "pyproject.toml").read_text()
    section = re.search(
        r"^\[project\.optional-dependencies\]\n(.*?)^\[", pyproject, re.MULTILINE | re.DOTALL
    ).group(1)
    declared = set(re.findall(r"^(\w+) = \[", section, re.MULTILINE))
    contributing = (ROOT / "CONTRIBUTING.md").read_text()
    install = re.search(r'^\$ python -m pip install -e "\.\[(.+)\]"$', contributing, re.MULTILINE)
    assert install, "CONTRIBUTING.md has no install command"
    assert set(install.group(1).split(",")) <= declared
    assert (
        ".ci/mypy-enforced" in contributing
        and ".ci/mypy-enforced" in (ROOT / ".ci/run").read_text()
    )
