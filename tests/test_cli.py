"""The command line, through its entry point in subprocesses, on files made here."""

import json
import os
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import imageio.v3 as iio
import numpy as np
import pytest

import anomaly_viz
from anomaly_viz import Normalization, compute_mask, overlay

SCRIPT = Path(sys.executable).with_name("anomaly-viz")


def run(*args, cwd=None):
    result = subprocess.run(
        [sys.executable, "-m", "anomaly_viz", *map(str, args)],
        capture_output=True, text=True, cwd=cwd, check=False,
        env={**os.environ, "MPLBACKEND": "Agg"},
    )  # fmt: skip
    return result


def assert_one_line_error(result, *fragments):
    assert result.returncode == 2, result
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


@pytest.fixture
def files(tmp_path):
    rng = np.random.default_rng(0)
    image = rng.integers(0, 256, (12, 16, 3), dtype=np.uint8)
    scores = rng.random((6, 8)).astype(np.float32)
    iio.imwrite(tmp_path / "photo.png", image)
    np.save(tmp_path / "scores.npy", scores)
    return tmp_path, image, scores


# --------------------------------------------------------------------- help


@pytest.mark.parametrize("command", [[], ["demo"], ["overlay"], ["mask"], ["figure"]])
def test_help_on_every_command(command):
    result = run(*command, "--help")
    assert result.returncode == 0
    assert result.stdout.startswith("usage: anomaly-viz")


def test_console_script_is_installed():
    result = subprocess.run([str(SCRIPT), "--version"], capture_output=True, text=True, check=False)
    assert result.returncode == 0 and result.stdout.startswith("anomaly-viz ")


# --------------------------------------------------------------------- demo


def test_demo_writes_a_small_inspection_at_the_photos_size(tmp_path):
    result = run("demo", "-o", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    names = ["reference.png", "image.png", "heatmap.png", "overlay.png", "mask.png",
             "ground_truth.png", "regions.csv", "regions.json", "figure.png"]  # fmt: skip
    for name in names:
        assert f"wrote {tmp_path / 'out' / name}" in result.stdout
        assert (tmp_path / "out" / name).stat().st_size > 0
    summary = result.stdout.splitlines()[0]
    assert summary == (
        "demo: 2 region(s) above 15; defects hit: 2 of 2 (ranks 1, 2); other regions: 0; "
        "photo, heatmap, overlay, masks and regions at the photo's 512x600"
    )
    for name in names[:6]:
        assert iio.imread(tmp_path / "out" / name).shape[:2] == (600, 512), name
    mask = iio.imread(tmp_path / "out" / "mask.png")
    truth = iio.imread(tmp_path / "out" / "ground_truth.png")
    assert set(np.unique(mask)) == set(np.unique(truth)) == {0, 255}
    assert (mask[truth > 0] == 255).mean() > 0.9  # (the white scratch crosses a white collar)
    regions = json.loads((tmp_path / "out" / "regions.json").read_text())["regions"]
    assert len(regions) == 2
    for region in regions:  # photo coordinates: each box holds defect pixels
        box = truth[region["y1"] : region["y2"] + 1, region["x1"] : region["x2"] + 1]
        assert box.any()
    figure = iio.imread(tmp_path / "out" / "figure.png")
    assert figure.shape[1] > figure.shape[0] and np.ptp(figure) > 0


def test_the_demos_defects_use_no_colour_of_its_colormap():
    from anomaly_viz.colormap import lookup_table
    from anomaly_viz.inspection import SCRATCH_COLOUR, SPOT_COLOUR

    table = lookup_table("jet").astype(int)
    for colour in (SCRATCH_COLOUR, SPOT_COLOUR):
        distance = np.abs(table - np.array(colour)).sum(axis=1).min()
        assert distance > 150, colour


# ------------------------------------------------------------------ overlay


def test_overlay_equals_the_library(files):
    folder, image, scores = files
    result = run("overlay", folder / "photo.png", folder / "scores.npy", "-o", folder / "out.png",
                 "--mode", "alpha", "--alpha", "0.8", "--colormap", "opencv_jet")  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert f"wrote {folder / 'out.png'}" in result.stdout
    expected = overlay(image, scores, "alpha", alpha=0.8, colormap="opencv_jet")
    np.testing.assert_array_equal(iio.imread(folder / "out.png"), expected)


def test_overlay_fixed_range_and_threshold(files):
    folder, image, scores = files
    result = run("overlay", folder / "photo.png", folder / "scores.npy", "-o", folder / "out.png",
                 "--vmin", "0", "--vmax", "2", "--threshold", "0.5", "--gamma", "5")  # fmt: skip
    assert result.returncode == 0, result.stderr
    expected = overlay(
        image, scores, normalization=Normalization("range", low=0, high=2), threshold=0.5, gamma=5
    )
    np.testing.assert_array_equal(iio.imread(folder / "out.png"), expected)


def test_overlay_signed_with_captums_outlier_rule(files):
    folder, image, scores = files
    signed = scores - 0.5
    np.save(folder / "signed.npy", signed)
    result = run("overlay", folder / "photo.png", folder / "signed.npy", "-o", folder / "out.png",
                 "--normalization", "signed", "--outlier-perc", "10")  # fmt: skip
    assert result.returncode == 0, result.stderr
    expected = overlay(image, signed, normalization=Normalization("signed", outlier_perc=10))
    np.testing.assert_array_equal(iio.imread(folder / "out.png"), expected)
    assert not np.array_equal(expected, overlay(image, signed, normalization="signed"))


@pytest.mark.parametrize("kind", ["npz", "npz-key", "tiff", "png8", "png16", "raw"])
def test_map_formats(files, kind):
    folder, image, scores = files
    extra = []
    if kind == "npz":
        path, expected = folder / "m.npz", scores
        np.savez(path, scores)
    elif kind == "npz-key":
        path, expected = folder / "m.npz", scores
        np.savez(path, other=np.zeros(3), wanted=scores)
        extra = ["--key", "wanted"]
    elif kind == "tiff":
        path, expected = folder / "m.tif", scores
        iio.imwrite(path, scores, plugin="pillow")
    elif kind == "png8":
        path = folder / "m.png"
        stored = (scores * 255).astype(np.uint8)
        iio.imwrite(path, stored)
        expected = stored / 255.0
    elif kind == "png16":
        path = folder / "m.png"
        stored = (scores * 65535).astype(np.uint16)
        iio.imwrite(path, stored)
        expected = stored / 65535.0
    else:
        path, expected = folder / "m.raw", scores
        scores.astype("<f4").tofile(path)
        extra = ["--shape", "6,8", "--dtype", "<f4"]
    result = run("overlay", folder / "photo.png", path, "-o", folder / "out.png", *extra)
    assert result.returncode == 0, result.stderr
    np.testing.assert_array_equal(iio.imread(folder / "out.png"), overlay(image, expected))


# --------------------------------------------------------------------- mask


@pytest.mark.parametrize("table", ["csv", "json"])
def test_mask_and_regions(files, table):
    folder, _, scores = files
    result = run("mask", folder / "scores.npy", "--threshold", "0.6", "--kernel-size", "2",
                 "-o", folder / "mask.png", "--regions", table)  # fmt: skip
    assert result.returncode == 0, result.stderr
    expected = compute_mask(scores, 0.6, 2)
    np.testing.assert_array_equal(iio.imread(folder / "mask.png"), expected)
    text = (folder / f"mask_regions.{table}").read_text()
    if table == "json":
        document = json.loads(text)
        rows = document["regions"]
        assert sum(row["area"] for row in rows) == (expected > 0).sum()
        assert document["provenance"] == {
            "software": f"anomaly_viz {anomaly_viz.__version__}", "command": "mask",
            "threshold": 0.6, "kernel_size": 2, "low_threshold": None,
            "cleaning": "open_close", "min_area": 0, "connectivity": 8,
        }  # fmt: skip
    else:
        header, *rows = text.strip().splitlines()
        assert header.startswith("label,area,x1,y1,x2,y2")
        assert sum(int(row.split(",")[1]) for row in rows) == (expected > 0).sum()


def test_mask_otsu(files):
    folder, _, scores = files
    result = run("mask", folder / "scores.npy", "--threshold", "otsu", "-o", folder / "m.png")
    assert result.returncode == 0, result.stderr
    np.testing.assert_array_equal(iio.imread(folder / "m.png"), compute_mask(scores, "otsu"))


# ------------------------------------------------------------------- figure


def test_figure(files):
    folder, _, _ = files
    iio.imwrite(folder / "truth.png", np.zeros((12, 16), np.uint8))
    result = run("figure", folder / "photo.png", folder / "scores.npy", "-o", folder / "f.png",
                 "--mask-threshold", "0.5", "--ground-truth", folder / "truth.png",
                 "--dpi", "40")  # fmt: skip
    assert result.returncode == 0, result.stderr
    picture = iio.imread(folder / "f.png")
    assert picture.ndim == 3 and np.ptp(picture) > 0


# ------------------------------------------------------------------ folders


def test_folders_matched_by_stem_with_one_map_missing(tmp_path):
    images, maps, out = tmp_path / "images", tmp_path / "maps", tmp_path / "out"
    images.mkdir()
    maps.mkdir()
    rng = np.random.default_rng(1)
    for name in ("a", "b", "c"):
        iio.imwrite(images / f"{name}.png", rng.integers(0, 256, (8, 8, 3), dtype=np.uint8))
    np.save(maps / "a.npy", rng.random((4, 4)))
    np.save(maps / "c.npy", rng.random((4, 4)))
    result = run("overlay", images, maps, "-o", out)
    assert result.returncode == 1
    assert "skipped b: no map named b.*" in result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["a.png", "c.png"]
    assert "2 file(s) written, 1 item(s) skipped: b" in result.stdout


def test_mask_folder(tmp_path):
    maps, out = tmp_path / "maps", tmp_path / "masks"
    maps.mkdir()
    np.save(maps / "x.npy", np.eye(6))
    (maps / "y.npy").write_bytes(b"not a numpy file")
    result = run("mask", maps, "--threshold", "0.5", "--kernel-size", "0", "-o", out)
    assert result.returncode == 1
    assert "skipped y:" in result.stderr and "y.npy" in result.stderr
    np.testing.assert_array_equal(iio.imread(out / "x.png"), np.eye(6, dtype=np.uint8) * 255)


# ------------------------------------------------------------------- errors


def test_missing_file(files):
    folder, _, _ = files
    result = run("overlay", folder / "nope.png", folder / "scores.npy", "-o", folder / "o.png")
    assert_one_line_error(result, "nope.png", "no such file")


def test_corrupt_png(files):
    folder, _, _ = files
    (folder / "bad.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"garbage" * 20)
    result = run("overlay", folder / "bad.png", folder / "scores.npy", "-o", folder / "o.png")
    assert_one_line_error(result, "bad.png", "cannot be read as an image")
    assert not (folder / "o.png").exists()


def test_truncated_png(files):
    folder, _, _ = files
    data = (folder / "photo.png").read_bytes()
    (folder / "cut.png").write_bytes(data[: len(data) // 2])
    result = run("overlay", folder / "cut.png", folder / "scores.npy", "-o", folder / "o.png")
    assert_one_line_error(result, "cut.png", "cannot be read as an image")


def test_pickled_npy_refused(files):
    folder, _, _ = files
    np.save(folder / "evil.npy", np.array([{"a": 1}], dtype=object), allow_pickle=True)
    result = run("overlay", folder / "photo.png", folder / "evil.npy", "-o", folder / "o.png")
    assert_one_line_error(result, "evil.npy", "pickled Python objects")


def test_unsupported_format(files):
    folder, _, _ = files
    (folder / "map.txt").write_text("0.1 0.2\n")
    result = run("overlay", folder / "photo.png", folder / "map.txt", "-o", folder / "o.png")
    assert_one_line_error(result, "map.txt", "cannot be read")


def test_raw_of_the_wrong_size(files):
    folder, _, _ = files
    np.zeros(10, np.float32).tofile(folder / "m.raw")
    result = run("overlay", folder / "photo.png", folder / "m.raw", "-o", folder / "o.png",
                 "--shape", "6,8", "--dtype", "float32")  # fmt: skip
    assert_one_line_error(result, "m.raw", "holds 40 bytes, but shape (6, 8) of float32 needs 192")


def test_map_that_does_not_fit(files):
    folder, _, _ = files
    np.save(folder / "stack.npy", np.zeros((3, 6, 8)))
    result = run("overlay", folder / "photo.png", folder / "stack.npy", "-o", folder / "o.png")
    assert_one_line_error(result, "stack.npy", "a map must be 2-D")


def test_npz_with_several_arrays_needs_a_key(files):
    folder, _, _ = files
    np.savez(folder / "two.npz", a=np.zeros((2, 2)), b=np.ones((2, 2)))
    result = run("overlay", folder / "photo.png", folder / "two.npz", "-o", folder / "o.png")
    assert_one_line_error(result, "two.npz", "holds 2 arrays", "--key")


@pytest.mark.parametrize(
    ("option", "fragment"),
    [
        (["--alpha", "2"], "alpha must lie in [0, 1], got 2.0"),
        (["--alpha", "abc"], "argument --alpha: invalid float value: 'abc'"),
        (["--mode", "screen"], "argument --mode: invalid choice: 'screen'"),
        (["--vmin", "1", "--vmax", "0"], "vmin must be less than vmax"),
        (["--colormap", "nope"], "colormap 'nope' is not a matplotlib colormap"),
    ],
)
def test_bad_option_values(files, option, fragment):
    folder, _, _ = files
    result = run("overlay", folder / "photo.png", folder / "scores.npy", "-o", folder / "o.png",
                 *option)  # fmt: skip
    assert_one_line_error(result, fragment)


def test_bad_mask_threshold():
    result = run("mask", "m.npy", "--threshold", "high", "-o", "m.png")
    assert_one_line_error(result, "--threshold", "expected a number or 'otsu'")


def test_output_equal_to_an_input_is_refused(files):
    folder, _, _ = files
    before = (folder / "photo.png").read_bytes()
    result = run("overlay", folder / "photo.png", folder / "scores.npy", "-o", folder / "photo.png")
    assert_one_line_error(result, "photo.png", "is also an input")
    assert (folder / "photo.png").read_bytes() == before


def test_debug_shows_the_traceback(files):
    folder, _, _ = files
    result = run("--debug", "overlay", folder / "nope.png", folder / "scores.npy", "-o", "o.png")
    assert result.returncode != 0 and "Traceback" in result.stderr


def test_decompression_bomb_guard_stays_on(tmp_path):
    # A valid 1-bit PNG of 15000 x 15000 pixels (225 M > 2 x Pillow's limit), a few KB.
    width = height = 15000

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = (b"\x00" + b"\x00" * (width // 8)) * height
    png = b"\x89PNG\r\n\x1a\n" + chunk(
        b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    )
    png += chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")
    (tmp_path / "bomb.png").write_bytes(png)
    np.save(tmp_path / "m.npy", np.zeros((2, 2)))
    result = run("overlay", tmp_path / "bomb.png", tmp_path / "m.npy", "-o", tmp_path / "o.png")
    assert_one_line_error(
        result,
        "bomb.png",
        "declares an image (225,000,000 pixels), more than the limit of 89,478,485",
    )


# ---------------------------------------------------------- interrupted write

INTERRUPT = """
import sys, anomaly_viz.io
def broken(path, image, *args, **kwargs):
    with open(path, "wb") as handle:
        handle.write(b"\\x89PNG half")
    raise KeyboardInterrupt
anomaly_viz.io._encode = broken
from anomaly_viz.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_interrupted_write_leaves_no_half_written_file(files):
    folder, _, _ = files
    (folder / "out.png").write_bytes(b"the old, complete file")
    result = subprocess.run(
        [sys.executable, "-c", INTERRUPT, "overlay", str(folder / "photo.png"),
         str(folder / "scores.npy"), "-o", str(folder / "out.png")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode != 0
    assert (folder / "out.png").read_bytes() == b"the old, complete file"
    assert sorted(p.name for p in folder.iterdir()) == ["out.png", "photo.png", "scores.npy"]


def test_progress_line_only_on_a_terminal(tmp_path):
    import pty

    images, maps = tmp_path / "images", tmp_path / "maps"
    images.mkdir()
    maps.mkdir()
    for name in ("a", "b"):
        iio.imwrite(images / f"{name}.png", np.zeros((4, 4, 3), np.uint8))
        np.save(maps / f"{name}.npy", np.eye(4))
    command = [sys.executable, "-m", "anomaly_viz", "overlay", str(images), str(maps), "-o"]
    piped = subprocess.run([*command, str(tmp_path / "o1")], capture_output=True, text=True)
    assert piped.returncode == 0 and piped.stderr == ""
    leader, follower = pty.openpty()
    with subprocess.Popen(
        [*command, str(tmp_path / "o2")], stdout=subprocess.DEVNULL, stderr=follower
    ) as process:
        os.close(follower)
        seen = b""
        while True:
            try:
                chunk = os.read(leader, 1024)
            except OSError:  # the terminal closed with the process
                break
            if not chunk:
                break
            seen += chunk
    os.close(leader)
    assert process.returncode == 0
    assert b"[1/2] a" in seen and b"[2/2] b" in seen
