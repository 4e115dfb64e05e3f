"""One scale for a folder on the command line (fit-scale, --scale) and provenance in outputs."""

import json

import imageio.v3 as iio
import numpy as np
import pytest
from PIL import Image

import anomaly_viz
from anomaly_viz import Normalization, overlay


@pytest.fixture
def folder(tmp_path):
    """Three maps of different ranges, and one image, in tmp_path."""
    maps = tmp_path / "maps"
    maps.mkdir()
    rng = np.random.default_rng(0)
    for index, top in enumerate((1.0, 2.0, 4.0)):
        np.save(maps / f"m{index}.npy", rng.random((6, 8)) * top)
    iio.imwrite(tmp_path / "image.png", rng.integers(0, 256, (12, 16, 3), np.uint8))
    return tmp_path


def all_scores(folder):
    return np.concatenate([np.load(path).ravel() for path in sorted(folder.glob("maps/*.npy"))])


def provenance_of(path):
    with Image.open(path) as picture:
        info = dict(picture.info)
    return info["Software"], json.loads(info["anomaly_viz"])


def test_fit_scale_with_a_threshold_writes_anomalibs_scale(folder, main):
    result = main("fit-scale", folder / "maps", "-o", folder / "scale.json", "--threshold", "0.5")
    assert result.returncode == 0, result.stderr
    scores = all_scores(folder)
    spec = Normalization.from_json((folder / "scale.json").read_text())
    assert spec == Normalization("threshold", scores.min(), scores.max(), threshold=0.5)
    assert result.stdout.startswith("threshold scale of 3 map(s): low ")


def test_fit_scale_percentiles_are_those_of_every_score(folder, main):
    result = main("fit-scale", folder / "maps", "-o", folder / "p.json", "--percentiles", "5", "95")
    assert result.returncode == 0, result.stderr
    spec = Normalization.from_json((folder / "p.json").read_text())
    expected = np.percentile(all_scores(folder), [5, 95])
    assert (spec.kind, spec.low, spec.high) == ("percentile", *expected)


def test_fit_scale_of_one_file_is_its_minimum_and_maximum(folder, main):
    result = main("fit-scale", folder / "maps" / "m1.npy", "-o", folder / "s.json")
    assert result.returncode == 0, result.stderr
    scores = np.load(folder / "maps" / "m1.npy")
    spec = Normalization.from_json((folder / "s.json").read_text())
    assert (spec.kind, spec.low, spec.high) == ("minmax", scores.min(), scores.max())


def test_overlay_with_a_saved_scale_colours_every_map_alike(folder, main):
    main("fit-scale", folder / "maps", "-o", folder / "scale.json", "--threshold", "0.5")
    spec = Normalization.from_json((folder / "scale.json").read_text())
    image = iio.imread(folder / "image.png")
    for name in ("m0", "m2"):
        output = folder / f"{name}.png"
        argv = ("overlay", folder / "image.png", folder / "maps" / f"{name}.npy")
        result = main(*argv, "--scale", folder / "scale.json", "-o", output)
        assert result.returncode == 0, result.stderr
        expected = overlay(image, np.load(folder / "maps" / f"{name}.npy"), normalization=spec)
        np.testing.assert_array_equal(iio.imread(output), expected)


def test_figure_takes_a_saved_scale(folder, main):
    main("fit-scale", folder / "maps", "-o", folder / "scale.json")
    argv = ("figure", folder / "image.png", folder / "maps" / "m0.npy", "-o", folder / "f.png")
    result = main(*argv, "--scale", folder / "scale.json")
    assert result.returncode == 0, result.stderr
    _, record = provenance_of(folder / "f.png")
    assert record["scale"] == Normalization.from_json((folder / "scale.json").read_text()).to_dict()


@pytest.mark.parametrize(
    ("options", "named"),
    [
        (["--vmin", "0", "--vmax", "1"], "--vmin"),
        (["--normalization", "sigmoid"], "--normalization"),
    ],
)
def test_a_saved_scale_and_other_scale_options_are_a_usage_error(folder, main, options, named):
    main("fit-scale", folder / "maps", "-o", folder / "scale.json")
    argv = ("overlay", folder / "image.png", folder / "maps" / "m0.npy", "-o", folder / "o.png")
    result = main(*argv, "--scale", folder / "scale.json", *options)
    assert result.returncode == 2
    assert f"argument --scale: a saved scale replaces {named}" in result.stderr
    assert not (folder / "o.png").exists()


def test_a_scale_file_that_is_not_a_scale_is_named(folder, main):
    (folder / "bad.json").write_text('{"kind": "minmax"}')
    argv = ("overlay", folder / "image.png", folder / "maps" / "m0.npy", "-o", folder / "o.png")
    result = main(*argv, "--scale", folder / "bad.json")
    assert result.returncode == 2
    assert f"{folder / 'bad.json'}: is not a saved scale" in result.stderr


def test_fit_scale_threshold_and_percentiles_exclude_each_other(folder, main):
    argv = ("fit-scale", folder / "maps", "-o", folder / "s.json", "--threshold", "1")
    result = main(*argv, "--percentiles", "1", "99")
    assert result.returncode == 2
    assert "not allowed with argument --threshold" in result.stderr


def test_fit_scale_stops_at_a_map_that_cannot_be_read(folder, main):
    (folder / "maps" / "broken.npy").write_bytes(b"not numpy")
    result = main("fit-scale", folder / "maps", "-o", folder / "s.json")
    assert result.returncode == 2
    assert "broken.npy" in result.stderr
    assert not (folder / "s.json").exists()


def test_fit_scale_of_an_empty_folder(tmp_path, main):
    result = main("fit-scale", tmp_path, "-o", tmp_path / "s.json")
    assert result.returncode == 2
    assert f"{tmp_path}: holds no map files" in result.stderr


# ---------------------------------------------------------------- provenance


def test_overlay_png_records_version_scale_and_colormap(folder, main):
    argv = ("overlay", folder / "image.png", folder / "maps" / "m2.npy", "-o", folder / "o.png")
    result = main(*argv, "--colormap", "viridis", "--threshold", "0.25")
    assert result.returncode == 0, result.stderr
    software, record = provenance_of(folder / "o.png")
    scores = np.load(folder / "maps" / "m2.npy")
    assert software == f"anomaly_viz {anomaly_viz.__version__}"
    assert record["software"] == software and record["command"] == "overlay"
    assert record["scale"] == Normalization("minmax", scores.min(), scores.max()).to_dict()
    assert (record["colormap"], record["threshold"], record["mode"]) == ("viridis", 0.25, "blend")


def test_mask_png_records_how_it_was_made(folder, main):
    argv = ("mask", folder / "maps" / "m0.npy", "--threshold", "0.5", "-o", folder / "m.png")
    assert main(*argv, "--kernel-size", "3").returncode == 0
    _, record = provenance_of(folder / "m.png")
    assert (record["command"], record["threshold"], record["kernel_size"]) == ("mask", 0.5, 3)


def test_jpeg_output_carries_no_text_chunk_and_is_written(folder, main):
    argv = ("overlay", folder / "image.png", folder / "maps" / "m0.npy", "-o", folder / "o.jpg")
    assert main(*argv).returncode == 0
    with Image.open(folder / "o.jpg") as picture:
        assert "anomaly_viz" not in picture.info


def test_a_new_users_session_in_a_shell(folder):
    """fit-scale, overlay --scale, evaluate and grid, each run as the installed command."""
    import subprocess
    import sys
    from pathlib import Path

    script = Path(sys.executable).with_name("anomaly-viz")
    truths = folder / "gt"
    truths.mkdir()
    for path in sorted((folder / "maps").glob("*.npy")):
        iio.imwrite(truths / f"{path.stem}.png", (np.load(path) > 1.5).astype(np.uint8) * 255)
    images = folder / "images"
    images.mkdir()
    for path in sorted((folder / "maps").glob("*.npy")):
        iio.imwrite(images / f"{path.stem}.png", iio.imread(folder / "image.png"))
    lines = [
        ["fit-scale", "maps", "--threshold", "1.5", "-o", "scale.json"],
        ["overlay", "images", "maps", "--scale", "scale.json", "--isoline", "1.5", "-o", "out"],
        ["evaluate", "maps", "gt", "--threshold", "best", "--kernel-size", "0", "-o", "r.json"],
        ["grid", "images", "maps", "gt", "--scale", "scale.json", "-o", "grid.png"],
    ]
    for line in lines:
        result = subprocess.run(
            [str(script), *line], cwd=folder, capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, (line, result.stderr)
    assert sorted(p.name for p in (folder / "out").iterdir()) == ["m0.png", "m1.png", "m2.png"]
    report = json.loads((folder / "r.json").read_text())
    assert report["total"]["pixel"]["f1"] == 1.0  # the truths are the maps above 1.5
    assert iio.imread(folder / "grid.png").shape[2] == 3
