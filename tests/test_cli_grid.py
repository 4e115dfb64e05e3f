"""``anomaly-viz grid``: pages of samples on one colour scale, as a new user runs it."""

import json
from pathlib import Path

import imageio.v3 as iio
import numpy as np
import pytest
from PIL import Image

from anomaly_viz import Normalization
from anomaly_viz.cli.grid import page_names
from anomaly_viz.grid import sample_grid


@pytest.fixture
def folder(tmp_path):
    rng = np.random.default_rng(0)
    for sub in ("images", "maps", "gt"):
        (tmp_path / sub).mkdir()
    for index in range(5):
        iio.imwrite(
            tmp_path / "images" / f"s{index}.png", rng.integers(0, 256, (12, 16, 3), np.uint8)
        )
        np.save(tmp_path / "maps" / f"s{index}.npy", rng.random((6, 8)) * (index + 1))
        if index % 2 == 0:
            truth = (rng.random((12, 16)) > 0.8).astype(np.uint8) * 255
            iio.imwrite(tmp_path / "gt" / f"s{index}_mask.png", truth)
    return tmp_path


def maps_of(folder):
    return [np.load(folder / "maps" / f"s{index}.npy") for index in range(5)]


def test_one_page_equals_sample_grid_on_the_data_sets_scale(folder, main):
    argv = ("grid", folder / "images", folder / "maps", "-o", folder / "grid.png")
    result = main(*argv, "--cell-height", "30", "--mask-threshold", "2")
    assert result.returncode == 0, result.stderr
    maps = maps_of(folder)
    scores = np.concatenate([m.ravel() for m in maps])
    images = [iio.imread(folder / "images" / f"s{index}.png") for index in range(5)]
    expected = sample_grid(
        images, maps, names=[f"s{index}" for index in range(5)], threshold=2.0, cell_height=30,
        normalization=Normalization("minmax", scores.min(), scores.max()),
    )  # fmt: skip
    np.testing.assert_array_equal(iio.imread(folder / "grid.png"), expected)


def test_pages_share_the_scale_and_are_numbered(folder, main):
    argv = ("grid", folder / "images", folder / "maps", "-o", folder / "grid.png")
    result = main(*argv, "--per-page", "2", "--cell-height", "20")
    assert result.returncode == 0, result.stderr
    names = sorted(path.name for path in folder.glob("grid*.png"))
    assert names == ["grid-1.png", "grid-2.png", "grid-3.png"]
    scales = set()
    for name in names:
        with Image.open(folder / name) as page:
            record = json.loads(page.info["anomaly_viz"])
        scales.add(json.dumps(record["scale"], sort_keys=True))
        assert record["command"] == "grid"
    assert len(scales) == 1
    assert record["samples"] == ["s4"]


def test_ground_truth_column_with_normal_samples(folder, main):
    argv = ("grid", folder / "images", folder / "maps", folder / "gt", "-o", folder / "g.png")
    result = main(*argv, "--truth-suffix", "_mask", "--missing-truth-is-normal")
    assert result.returncode == 0, result.stderr
    missing = main(*argv, "--truth-suffix", "_mask")
    assert missing.returncode == 2
    assert "has no ground truth named s1_mask.*" in missing.stderr


def test_a_saved_scale_is_used_as_it_is(folder, main):
    (folder / "scale.json").write_text(Normalization("range", low=0.0, high=1.0).to_json())
    argv = ("grid", folder / "images" / "s0.png", folder / "maps" / "s0.npy")
    result = main(*argv, "-o", folder / "g.png", "--scale", folder / "scale.json")
    assert result.returncode == 0, result.stderr
    with Image.open(folder / "g.png") as page:
        assert json.loads(page.info["anomaly_viz"])["scale"]["high"] == 1.0


def test_output_must_be_png(folder, main):
    result = main("grid", folder / "images", folder / "maps", "-o", folder / "g.jpg")
    assert result.returncode == 2
    assert "-o must name a .png file" in result.stderr


def test_page_names():
    output = Path("a/g.png")
    assert page_names(output, 1) == [output]
    assert [path.name for path in page_names(output, 3)] == ["g-1.png", "g-2.png", "g-3.png"]
