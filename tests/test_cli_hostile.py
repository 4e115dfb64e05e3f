"""The command line on hostile input: every error one line and status 2, every
skipped folder item named, no input waited on, no temporary name shown."""

import errno
import json
import os
import pathlib
import subprocess
import sys

import imageio.v3 as iio
import numpy as np
import pytest

import anomaly_viz.io
from anomaly_viz import cli, compute_mask
from anomaly_viz.cli import _library
from anomaly_viz.io import TEMPORARY_PREFIX


def run(*args, stdout=subprocess.PIPE):
    """The command in a subprocess, for what must be seen from outside."""
    return subprocess.run(
        [sys.executable, "-m", "anomaly_viz", *map(str, args)],
        stdout=stdout, stderr=subprocess.PIPE, text=True, check=False, timeout=120,
        env={**os.environ, "MPLBACKEND": "Agg"},
    )  # fmt: skip


def one_error_line(stderr, *fragments):
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


def assert_one_line_error(result, *fragments):
    assert result.returncode == 2, result
    return one_error_line(result.stderr, *fragments)


@pytest.fixture
def files(tmp_path):
    rng = np.random.default_rng(0)
    iio.imwrite(tmp_path / "photo.png", rng.integers(0, 256, (12, 16, 3), dtype=np.uint8))
    scores = rng.random((6, 8)).astype(np.float32)
    np.save(tmp_path / "scores.npy", scores)
    return tmp_path, scores


# ---------------------------------------------------------------- the limit


def test_max_pixels_refuses_a_larger_photo(files, main):
    folder, _ = files
    result = main("overlay", folder / "photo.png", folder / "scores.npy", "-o", folder / "o.png",
                 "--max-pixels", "191")  # fmt: skip
    assert_one_line_error(result, "photo.png: declares 16 x 12 pixels (192 pixels)", "191")
    assert not (folder / "o.png").exists()
    result = main("overlay", folder / "photo.png", folder / "scores.npy", "-o", folder / "o.png",
                 "--max-pixels", "192")  # fmt: skip
    assert result.returncode == 0, result.stderr


def test_max_pixels_on_an_npz_map(tmp_path, main):
    np.savez(tmp_path / "m.npz", np.zeros((6, 8)))
    result = main("mask", tmp_path / "m.npz", "--threshold", "0.5", "-o", tmp_path / "m.png",
                 "--max-pixels", "47")  # fmt: skip
    assert_one_line_error(result, "m.npz: declares an array of shape (6, 8) (48 values)")


def test_max_pixels_on_the_ground_truth(files, main):
    folder, _ = files
    iio.imwrite(folder / "truth.png", np.zeros((30, 40), np.uint8))
    result = main("figure", folder / "photo.png", folder / "scores.npy", "-o", folder / "f.png",
                 "--ground-truth", folder / "truth.png", "--max-pixels", "1000")  # fmt: skip
    assert_one_line_error(result, "truth.png: declares 40 x 30 pixels")


@pytest.mark.parametrize(
    ("value", "fragment"),
    [("0", "must be at least 1, got '0'"), ("many", "expected a whole number, got 'many'")],
)
def test_bad_max_pixels(files, value, fragment, main):
    folder, _ = files
    result = main("mask", folder / "scores.npy", "--threshold", "0.5", "-o", folder / "m.png",
                 "--max-pixels", value)  # fmt: skip
    assert_one_line_error(result, "argument --max-pixels", fragment)


def test_figure_larger_than_the_limit_is_refused_before_drawing(files, main):
    folder, _ = files
    result = main("figure", folder / "photo.png", folder / "scores.npy", "-o", folder / "f.png",
                 "--dpi", "1e6")  # fmt: skip
    assert_one_line_error(result, "--dpi 1e+06 makes a figure of", "more than --max-pixels")


@pytest.mark.parametrize("dpi", ["nan", "inf", "0", "-5", "abc"])
def test_bad_dpi(files, dpi, main):
    folder, _ = files
    result = main("figure", folder / "photo.png", folder / "scores.npy", "-o", folder / "f.png",
                 "--dpi", dpi)  # fmt: skip
    assert_one_line_error(result, "argument --dpi")
    assert not (folder / "f.png").exists()


# ------------------------------------------------------------------- maps


@pytest.mark.parametrize(
    ("stored", "expected"),
    [((1, 1), (1, 1)), ((1, 8), (1, 8)), ((6, 1), (6, 1)), ((1, 6, 8, 1), (6, 8)),
     ((6, 8, 1), (6, 8)), ((1, 1, 8), (1, 8))],
)  # fmt: skip
def test_maps_with_sides_of_one(tmp_path, stored, expected, main):
    scores = np.linspace(0, 1, int(np.prod(stored))).reshape(stored)
    np.save(tmp_path / "m.npy", scores)
    result = main("mask", tmp_path / "m.npy", "--threshold", "0.4", "--kernel-size", "0",
                 "-o", tmp_path / "m.png")  # fmt: skip
    assert result.returncode == 0, result.stderr
    written = iio.imread(tmp_path / "m.png")
    np.testing.assert_array_equal(written, compute_mask(scores.reshape(expected), 0.4, 0))


def test_sixteen_bit_photo_read_as_uint16(tmp_path, main):
    from anomaly_viz import overlay

    photo = np.arange(12 * 16, dtype=np.uint16).reshape(12, 16) * 300
    iio.imwrite(tmp_path / "deep.png", photo)
    scores = np.linspace(0, 1, 48).reshape(6, 8)
    np.save(tmp_path / "m.npy", scores)
    result = main("overlay", tmp_path / "deep.png", tmp_path / "m.npy", "-o", tmp_path / "o.png")
    assert result.returncode == 0, result.stderr
    np.testing.assert_array_equal(iio.imread(tmp_path / "o.png"), overlay(photo, scores))


def test_npz_named_npy(tmp_path, main):
    np.savez(tmp_path / "m.npz", np.zeros((2, 2)))
    os.rename(tmp_path / "m.npz", tmp_path / "m.npy")
    result = main("mask", tmp_path / "m.npy", "--threshold", "0.5", "-o", tmp_path / "m.png")
    assert_one_line_error(result, "m.npy: is an .npz archive (a zip file), not an .npy file")


def test_raw_map_without_shape(tmp_path, main):
    np.zeros(4, np.float32).tofile(tmp_path / "m.raw")
    result = main("mask", tmp_path / "m.raw", "--threshold", "0.5", "-o", tmp_path / "m.png")
    assert_one_line_error(result, "m.raw: a raw map needs both --shape and --dtype")


def test_shape_whose_product_overflows(tmp_path, main):
    np.zeros(4, np.float32).tofile(tmp_path / "m.raw")
    result = main("mask", tmp_path / "m.raw", "--threshold", "0.5", "-o", tmp_path / "m.png",
                 "--shape", f"{2**40},{2**40}", "--dtype", "float32")  # fmt: skip
    assert_one_line_error(result, "m.raw: holds 16 bytes, but shape", "4835703278458516698824704")


# ----------------------------------------------------------------- outputs


def test_output_that_is_an_existing_folder(files, main):
    folder, _ = files
    (folder / "out").mkdir()
    result = main("overlay", folder / "photo.png", folder / "scores.npy", "-o", folder / "out")
    assert_one_line_error(result, "out: is a folder; the output must be a file name")
    assert list((folder / "out").iterdir()) == []


def test_output_without_an_extension(files, main):
    folder, _ = files
    result = main("mask", folder / "scores.npy", "--threshold", "0.5", "-o", folder / "mask")
    assert_one_line_error(result, "mask: has no extension to name its format, e.g. mask.png")


def test_regions_json_is_strict(tmp_path, main):
    scores = np.zeros((5, 6))
    scores[1:3, 1:3] = np.inf  # a region without one finite score
    np.save(tmp_path / "m.npy", scores)
    for table in ("json", "csv"):
        result = main("mask", tmp_path / "m.npy", "--threshold", "0.5", "--kernel-size", "0",
                     "-o", tmp_path / "m.png", "--regions", table)  # fmt: skip
        assert result.returncode == 0, result.stderr

    def refuse(token):
        raise AssertionError(f"not strict JSON: {token}")

    document = json.loads((tmp_path / "m_regions.json").read_text(), parse_constant=refuse)
    (row,) = document["regions"]
    assert row["area"] == 4 and row["max_score"] is None and row["mean_score"] is None
    header, line = (tmp_path / "m_regions.csv").read_text().splitlines()
    assert dict(zip(header.split(","), line.split(","), strict=True))["max_score"] == ""


# --------------------------------------------------------- in process: I/O


@pytest.fixture
def in_process(files, monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "Agg")
    return files


def test_full_disk_is_one_line_naming_the_output(in_process, monkeypatch, capsys):
    folder, _ = in_process

    def full(path, image, *args, **kwargs):
        with open(path, "wb") as handle:
            handle.write(b"half")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), path)

    monkeypatch.setattr(anomaly_viz.io, "_encode", full)
    status = cli.main(["overlay", str(folder / "photo.png"), str(folder / "scores.npy"),
                       "-o", str(folder / "o.png")])  # fmt: skip
    assert status == 2
    line = one_error_line(capsys.readouterr().err)
    assert (
        line
        == f"anomaly-viz: error: {folder / 'o.png'}: cannot be written (No space left on device)"
    )
    assert sorted(p.name for p in folder.iterdir()) == ["photo.png", "scores.npy"]


def test_full_disk_on_the_regions_table(in_process, monkeypatch, capsys):
    folder, _ = in_process

    def full(self, text, *args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))

    monkeypatch.setattr(pathlib.Path, "write_text", full)
    status = cli.main(["mask", str(folder / "scores.npy"), "--threshold", "0.5",
                       "-o", str(folder / "m.png"), "--regions", "json"])  # fmt: skip
    assert status == 2
    line = one_error_line(capsys.readouterr().err)
    assert line == (
        f"anomaly-viz: error: {folder / 'm_regions.json'}: cannot be written "
        "(No space left on device)"
    )
    assert not any(p.name.startswith(TEMPORARY_PREFIX) for p in folder.iterdir())


def test_memory_error_is_one_line(in_process, monkeypatch, capsys):
    folder, _ = in_process

    def too_big(*args, **kwargs):
        raise MemoryError("Unable to allocate 7.45 GiB for an array with shape (1000000000,)")

    monkeypatch.setattr(_library, "read_map", too_big)
    status = cli.main(["mask", str(folder / "scores.npy"), "--threshold", "0.5",
                       "-o", str(folder / "m.png")])  # fmt: skip
    assert status == 2
    one_error_line(capsys.readouterr().err, "anomaly-viz: error: not enough memory (Unable to")


def test_memory_error_skips_one_folder_item(tmp_path, monkeypatch, capsys):
    maps = tmp_path / "maps"
    maps.mkdir()
    np.save(maps / "a.npy", np.eye(4))
    np.save(maps / "b.npy", np.eye(4))
    real = _library.read_map

    def too_big_for_a(path, **kwargs):
        if path.stem == "a":
            raise MemoryError
        return real(path, **kwargs)

    monkeypatch.setattr(_library, "read_map", too_big_for_a)
    status = cli.main(["mask", str(maps), "--threshold", "0.5", "-o", str(tmp_path / "out")])
    assert status == 1
    one_error_line(capsys.readouterr().err, "skipped a: not enough memory")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["b.png"]


def test_stdout_on_a_full_device(files):
    folder, _ = files
    with open("/dev/full", "w") as full:
        result = run("mask", folder / "scores.npy", "--threshold", "0.5", "-o", folder / "m.png",
                     stdout=full)  # fmt: skip
    assert_one_line_error(result, "standard output: cannot be written (No space left on device)")
    assert "Exception ignored" not in result.stderr


# ------------------------------------------------------------ special files


def test_fifo_input_refused_not_waited_on(files):
    folder, _ = files
    os.mkfifo(folder / "pipe.npy")
    result = run("mask", folder / "pipe.npy", "--threshold", "0.5", "-o", folder / "m.png")
    assert_one_line_error(result, "pipe.npy: is a named pipe (FIFO), not a regular file")


def test_device_input_refused(files, main):
    folder, _ = files
    result = main("overlay", "/dev/zero", folder / "scores.npy", "-o", folder / "o.png")
    assert_one_line_error(result, "/dev/zero: is a character device, not a regular file")


# ------------------------------------------------------------------ folders


@pytest.fixture
def folders(tmp_path):
    images, maps = tmp_path / "images", tmp_path / "maps"
    images.mkdir()
    maps.mkdir()
    rng = np.random.default_rng(2)
    for name in ("a", "b", "c"):
        iio.imwrite(images / f"{name}.png", rng.integers(0, 256, (8, 8, 3), dtype=np.uint8))
        np.save(maps / f"{name}.npy", rng.random((4, 4)))
    return tmp_path, images, maps


def test_two_images_with_one_stem_are_reported(folders, main):
    tmp_path, images, maps = folders
    iio.imwrite(images / "a.jpg", np.zeros((8, 8, 3), np.uint8))
    result = main("overlay", images, maps, "-o", tmp_path / "out")
    assert result.returncode == 1
    one_error_line(result.stderr, "skipped a:", "a.jpg and a.png in", "share the name a")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["b.png", "c.png"]


def test_two_maps_with_one_stem_are_reported(folders, main):
    tmp_path, _, maps = folders
    iio.imwrite(maps / "b.png", np.zeros((4, 4), np.uint8))
    result = main("mask", maps, "--threshold", "0.5", "-o", tmp_path / "out")
    assert result.returncode == 1
    one_error_line(result.stderr, "skipped b:", "b.npy and b.png in", "share the name b")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a.png", "c.png"]


def test_hidden_and_temporary_files_are_never_inputs(folders, main):
    tmp_path, images, maps = folders
    iio.imwrite(images / ".d.png", np.zeros((8, 8, 3), np.uint8))
    iio.imwrite(images / f"{TEMPORARY_PREFIX}1a2b3c4d-e.png", np.zeros((8, 8, 3), np.uint8))
    (maps / f"{TEMPORARY_PREFIX}5e6f7a8b-a.npy").write_bytes(b"a killed run's half")
    (maps / ".a.npy").write_bytes(b"hidden")
    result = main("overlay", images, maps, "-o", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a.png", "b.png", "c.png"]


def test_dangling_symlink_is_reported(folders, main):
    tmp_path, images, maps = folders
    (maps / "b.npy").unlink()
    (maps / "b.npy").symlink_to(tmp_path / "nowhere.npy")
    (images / "d.png").symlink_to(tmp_path / "gone.png")
    result = main("overlay", images, maps, "-o", tmp_path / "out")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2, result.stderr
    assert "skipped b:" in lines[0] and "b.npy: is a broken symbolic link" in lines[0]
    assert "skipped d:" in lines[1] and "d.png: is a broken symbolic link" in lines[1]
    assert "2 file(s) written, 2 item(s) skipped: b, d" in result.stdout


def test_fifo_in_a_folder_is_refused_not_waited_on(folders):
    tmp_path, _, maps = folders
    (maps / "c.npy").unlink()
    os.mkfifo(maps / "c.npy")
    result = run("mask", maps, "--threshold", "0.5", "-o", tmp_path / "out")
    assert result.returncode == 1
    one_error_line(result.stderr, "skipped c:", "c.npy: is a named pipe (FIFO)")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a.png", "b.png"]
