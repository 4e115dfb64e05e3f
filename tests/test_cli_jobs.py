"""Folder runs with worker processes (--jobs) and JPEG output (--format, --quality).

Every run with workers must print, write and exit exactly as the run with one
job; a signal stops every worker and leaves no temporary file behind.
"""

import argparse
import io
import os
import pickle
import signal
import subprocess
import sys
import time
from pathlib import Path

import imageio.v3 as iio
import numpy as np
import pytest
from PIL import Image

from anomaly_viz import compute_mask
from anomaly_viz.cli import main, runner
from anomaly_viz.cli.commands import COMMANDS, _write_picture
from anomaly_viz.cli.parser import build_parser
from anomaly_viz.cli.runner import Job, usable_cores
from anomaly_viz.io import TEMPORARY_PREFIX, FileProblem, write_image

ENVIRONMENT = {**os.environ, "MPLBACKEND": "Agg"}


def run(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "anomaly_viz", *map(str, args)],
        capture_output=True, text=True, cwd=cwd, check=False, env=ENVIRONMENT,
    )  # fmt: skip


def files_in(folder):
    return {path.name: path.read_bytes() for path in sorted(Path(folder).iterdir())}


@pytest.fixture
def folders(tmp_path):
    """Images and maps a..f: e has no map, c's map is not a NumPy file."""
    images, maps = tmp_path / "images", tmp_path / "maps"
    images.mkdir()
    maps.mkdir()
    rng = np.random.default_rng(7)
    for name in "abcdef":
        iio.imwrite(images / f"{name}.png", rng.integers(0, 256, (24, 32, 3), dtype=np.uint8))
        if name != "e":
            np.save(maps / f"{name}.npy", rng.random((12, 16)).astype(np.float32))
    (maps / "c.npy").write_bytes(b"not a numpy file")
    return tmp_path, images, maps


COMMAND_LINES = {
    "overlay": lambda images, maps: ["overlay", images, maps, "--mode", "alpha"],
    "mask": lambda images, maps: ["mask", maps, "--threshold", "0.6", "--regions", "csv"],
    "figure": lambda images, maps: ["figure", images, maps, "--mask-threshold", "0.5",
                                    "--dpi", "30"],
}  # fmt: skip


def run_in(folder, arguments):
    """Run in `folder` (made here) writing to its `out`, so that what is printed can match."""
    folder.mkdir()
    result = run(*arguments, "-o", "out", cwd=folder)
    return result, files_in(folder / "out")


# ------------------------------------------------- the same as one job


@pytest.mark.parametrize("command", sorted(COMMAND_LINES))
def test_two_jobs_print_write_and_exit_as_one(folders, command):
    tmp_path, images, maps = folders
    arguments = COMMAND_LINES[command](images, maps)
    one, one_files = run_in(tmp_path / "one", [*arguments, "--jobs", "1"])
    two, two_files = run_in(tmp_path / "two", [*arguments, "--jobs", "2"])
    assert one.returncode == 1, one.stderr
    assert "skipped c:" in one.stderr
    assert ("skipped e: no map named e.*" in one.stderr) == (command != "mask")
    assert (two.returncode, two.stdout, two.stderr) == (one.returncode, one.stdout, one.stderr)
    assert two_files == one_files
    assert len(one_files) == 4 * (2 if command == "mask" else 1)


def test_all_cores_and_more_jobs_than_items(folders):
    tmp_path, images, maps = folders
    one, one_files = run_in(tmp_path / "one", ["overlay", images, maps])
    for jobs in ("0", "9"):
        many, many_files = run_in(tmp_path / f"jobs{jobs}", ["overlay", images, maps, "-j", jobs])
        assert (many.returncode, many.stdout, many.stderr) == (1, one.stdout, one.stderr)
        assert many_files == one_files


def test_jobs_with_files_is_accepted(folders):
    tmp_path, images, maps = folders
    result = run("overlay", images / "a.png", maps / "a.npy", "-o", tmp_path / "a.png", "-j", "2")
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"wrote {tmp_path / 'a.png'}\n1 file(s) written\n"


def test_usable_cores():
    assert 1 <= usable_cores() <= (os.cpu_count() or 1)


@pytest.mark.parametrize(
    ("value", "fragment"),
    [("-1", "must be 0 (all cores) or more, got '-1'"),
     ("two", "expected a whole number, got 'two'"),
     ("1.5", "expected a whole number, got '1.5'")],
)  # fmt: skip
def test_bad_jobs(folders, value, fragment):
    tmp_path, images, maps = folders
    result = run("overlay", images, maps, "-o", tmp_path / "out", "--jobs", value)
    assert result.returncode == 2
    assert result.stderr == f"anomaly-viz overlay: argument -j/--jobs: {fragment} (see --help)\n"
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("before", [True, False], ids=["before", "after"])
def test_debug_runs_one_job_here_and_raises(folders, before):
    tmp_path, images, maps = folders
    line = ["overlay", images, maps, "-o", tmp_path / "out", "--jobs", "2"]
    result = run(*(["--debug", *line] if before else [*line, "--debug"]))
    assert result.returncode == 1
    assert "Traceback" in result.stderr and "FileProblem:" in result.stderr
    assert "c.npy" in result.stderr.strip().splitlines()[-1]
    assert sorted(files_in(tmp_path / "out")) == ["a.png", "b.png"]  # stopped at c


def test_debug_before_the_command_name_stops_a_folder_run(folders):
    tmp_path, images, maps = folders
    result = run("--debug", "overlay", images, maps, "-o", tmp_path / "out")
    assert result.returncode == 1 and "Traceback" in result.stderr
    assert "skipped" not in result.stderr and result.stdout == ""


def test_what_is_sent_to_workers_pickles(folders):
    tmp_path, images, maps = folders
    for command, line in COMMAND_LINES.items():
        arguments = [*map(str, line(images, maps)), "-o", str(tmp_path / command)]
        batch, make_item = COMMANDS[command](build_parser().parse_args(arguments))
        copy = pickle.loads(pickle.dumps(make_item))
        job = pickle.loads(pickle.dumps(batch.jobs[0]))
        assert job == batch.jobs[0]
        written = copy(job)
        assert written == make_item(job)
        assert written[0] == tmp_path / command / "a.png"


def test_spawned_workers_give_the_same_run(folders, monkeypatch, capsys):
    # fork is the start method on Linux; spawn (macOS, Windows) must work too
    tmp_path, _, maps = folders
    arguments = ["mask", str(maps), "--threshold", "0.6", "--regions", "json"]
    assert main([*arguments, "-o", str(tmp_path / "one")]) == 1
    one = capsys.readouterr()
    monkeypatch.setattr(runner, "_START_METHOD", "spawn")
    assert main([*arguments, "-o", str(tmp_path / "two"), "--jobs", "2"]) == 1
    two = capsys.readouterr()
    assert two.out == one.out.replace(str(tmp_path / "one"), str(tmp_path / "two"))
    assert two.err == one.err
    assert files_in(tmp_path / "two") == files_in(tmp_path / "one")


# ---------------------------------------------------- when a worker fails

# Runs the command line with read_map replaced: item b kills its own process
# (SIGKILL) or raises an unexpected error.
FAILING_ITEM = """
import os, signal, sys
from anomaly_viz.cli import _library, main

real = _library.read_map
def read_map(path, **options):
    if path.stem == "b":
        if sys.argv[1] == "kill":
            os.kill(os.getpid(), signal.SIGKILL)
        raise RuntimeError("a bug")
    return real(path, **options)

_library.read_map = read_map
sys.exit(main(sys.argv[2:]))
"""


def test_a_worker_that_dies_skips_its_item_only(folders):
    tmp_path, images, maps = folders
    result = subprocess.run(
        [sys.executable, "-c", FAILING_ITEM, "kill", "overlay", images, maps,
         "-o", tmp_path / "out", "--jobs", "2"],
        capture_output=True, text=True, check=False, env=ENVIRONMENT,
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        "anomaly-viz: skipped b: its worker process stopped (killed by SIGKILL)"
    )
    assert sorted(files_in(tmp_path / "out")) == ["a.png", "d.png", "f.png"]
    assert "3 file(s) written, 3 item(s) skipped: b, c, e" in result.stdout


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_an_unexpected_error_stops_the_run_with_its_traceback(folders, jobs):
    tmp_path, images, maps = folders
    result = subprocess.run(
        [sys.executable, "-c", FAILING_ITEM, "raise", "overlay", images, maps,
         "-o", tmp_path / "out", "--jobs", jobs],
        capture_output=True, text=True, check=False, env=ENVIRONMENT,
    )  # fmt: skip
    assert result.returncode == 1
    assert "Traceback" in result.stderr and "RuntimeError: a bug" in result.stderr
    assert result.stdout == ""


# ----------------------------------------------------------- signals

# Item a is written; every other item half-writes its temporary file, notes
# the worker's process id and the temporary's name, and waits. (The package's
# own writing is replaced, whatever encoder it calls.)
SLOW_ITEMS = """
import os, sys, time
import anomaly_viz.io

real = anomaly_viz.io._write_atomically
def write_or_wait(path, write):
    if os.path.basename(path) == "a.png":
        return real(path, write)

    def half_then_wait(temporary):
        with open(temporary, "wb") as handle:
            handle.write(b"half a PNG")
        note = os.path.join(sys.argv[1], str(os.getpid()))
        with open(note + ".part", "w") as handle:
            handle.write(temporary)
        os.replace(note + ".part", note + ".txt")
        time.sleep(120)

    return real(path, half_then_wait)

anomaly_viz.io._write_atomically = write_or_wait
from anomaly_viz.cli import main
sys.exit(main(sys.argv[2:]))
"""


def wait_until(condition, seconds=120):
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("the run never got there")
        time.sleep(0.05)


@pytest.mark.parametrize("whole_group", [False, True], ids=["process", "group"])
@pytest.mark.parametrize(
    ("signal_number", "status", "message"),
    [(signal.SIGINT, 130, "anomaly-viz: interrupted"),
     (signal.SIGTERM, 143, "anomaly-viz: terminated")],
)  # fmt: skip
def test_signal_stops_every_worker_cleanly(folders, signal_number, status, message, whole_group):
    tmp_path, images, maps = folders
    for name in "ce":  # every item computable
        np.save(maps / f"{name}.npy", np.eye(4))
    notes, out = tmp_path / "notes", tmp_path / "out"
    notes.mkdir()
    process = subprocess.Popen(
        [sys.executable, "-c", SLOW_ITEMS, str(notes), "overlay", str(images), str(maps),
         "-o", str(out), "--jobs", "2"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENVIRONMENT,
        start_new_session=True,  # its own process group, as a terminal gives a command
    )  # fmt: skip
    try:
        wait_until(lambda: (out / "a.png").exists() and len(list(notes.glob("*.txt"))) == 2)
        workers_seen = {int(note.stem): note.read_text() for note in notes.glob("*.txt")}
        were_there = all(os.path.exists(path) for path in workers_seen.values())
        if whole_group:  # what Ctrl-C in a terminal does
            os.killpg(process.pid, signal_number)
        else:
            process.send_signal(signal_number)
        stdout, stderr = process.communicate(timeout=120)
    finally:  # never leave anything waiting, whatever failed
        with_group_killed(process)
    assert were_there and all(
        os.path.basename(path).startswith(TEMPORARY_PREFIX) for path in workers_seen.values()
    )
    assert process.returncode == status
    assert stderr.splitlines() == [message]
    assert stdout == ""
    assert sorted(path.name for path in out.iterdir()) == ["a.png"]  # no temporary left
    assert [pid for pid in workers_seen if os.path.exists(f"/proc/{pid}")] == []


def with_group_killed(process):
    """Kill whatever is left of the run's process group (workers hold its pipes)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.communicate()


# ------------------------------------------------------------------ JPEG


def jpeg_of(picture, quality):
    buffer = io.BytesIO()
    Image.fromarray(picture).save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_format_jpg_into_a_folder(folders, jobs):
    tmp_path, images, maps = folders
    result = run("overlay", images, maps, "-o", tmp_path / "out", "--format", "jpg", "-j", jobs)
    assert result.returncode == 1
    assert sorted(files_in(tmp_path / "out")) == ["a.jpg", "b.jpg", "d.jpg", "f.jpg"]
    run("overlay", images, maps, "-o", tmp_path / "png")
    for name in ("a", "b", "d", "f"):
        expected = iio.imread(tmp_path / "png" / f"{name}.png")
        written = (tmp_path / "out" / f"{name}.jpg").read_bytes()
        assert written == jpeg_of(expected, 90)  # the default quality
        with Image.open(tmp_path / "out" / f"{name}.jpg") as picture:
            assert (picture.format, picture.mode, picture.size) == ("JPEG", "RGB", (32, 24))


def test_quality_is_honoured(folders):
    tmp_path, _, maps = folders
    sizes = {}
    for quality in ("20", "95"):
        out = tmp_path / quality
        result = run("mask", maps, "--threshold", "0.5", "-o", out, "--format", "jpg",
                     "--quality", quality)  # fmt: skip
        assert result.returncode == 1
        mask = compute_mask(np.load(maps / "a.npy"), 0.5)
        assert (out / "a.jpg").read_bytes() == jpeg_of(mask, int(quality))
        sizes[quality] = sum(path.stat().st_size for path in out.iterdir())
    assert sizes["20"] < sizes["95"]


def test_jpeg_file_named_by_its_extension(folders):
    tmp_path, images, maps = folders
    for name in ("o.jpeg", "p.jpg"):
        result = run("overlay", images / "a.png", maps / "a.npy", "-o", tmp_path / name,
                     "--quality", "50", "--format", "jpg")  # fmt: skip
        assert result.returncode == 0, result.stderr
        with Image.open(tmp_path / name) as picture:
            assert picture.format == "JPEG"


@pytest.mark.parametrize(
    ("options", "output", "message"),
    [(["--format", "jpg"], "o.png",
      "argument --format: jpg contradicts the output name o.png (with files, -o's extension "
      "names the format)"),
     (["--format", "png"], "o.tif",
      "argument --format: png contradicts the output name o.tif (with files, -o's extension "
      "names the format)"),
     (["--quality", "50"], "o.png",
      "argument --quality: is for JPEG output only (an -o ending in .jpg or .jpeg)"),
     (["--quality", "50"], "folder",
      "argument --quality: is for JPEG output only (--format jpg)"),
     (["--quality", "0", "--format", "jpg"], "folder", "argument --quality: must lie in 1-95"),
     (["--quality", "96", "--format", "jpg"], "folder", "argument --quality: must lie in 1-95"),
     (["--quality", "high"], "o.jpg", "argument --quality: expected a whole number"),
     (["--format", "gif"], "folder", "argument --format: invalid choice: 'gif'")],
)  # fmt: skip
def test_bad_format_options(folders, options, output, message):
    tmp_path, images, maps = folders
    if output == "folder":
        image, scores = images, maps
    else:
        image, scores = images / "a.png", maps / "a.npy"
    result = run("overlay", image, scores, "-o", tmp_path / output, *options)
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("anomaly-viz overlay: "), result.stderr
    assert message in lines[0]
    assert not (tmp_path / output).exists() or output == "folder"


def test_transparent_picture_is_not_written_as_jpeg(tmp_path):
    args = argparse.Namespace(quality=None)
    job = Job("a", (), tmp_path / "a.jpg")
    with pytest.raises(FileProblem, match=r"a\.jpg: JPEG cannot hold this picture's transparent"):
        _write_picture(job, np.zeros((2, 2, 4), np.uint8), args, {})
    assert list(tmp_path.iterdir()) == []


def test_mask_help_says_jpeg_is_lossy():
    result = run("mask", "--help")
    assert "lossy" in result.stdout and "--jobs" in result.stdout and "--quality" in result.stdout


# -------------------------------------------------------- write_image quality


def test_write_image_quality_is_passed_to_the_writer(tmp_path):
    picture = np.random.default_rng(3).integers(0, 256, (16, 16, 3), dtype=np.uint8)
    assert write_image(tmp_path / "a.jpg", picture, quality=33).read_bytes() == jpeg_of(picture, 33)


@pytest.mark.parametrize(
    ("quality", "suffix", "error", "message"),
    [(0, ".jpg", ValueError, "quality must lie in 1-95, got 0"),
     (96, ".jpeg", ValueError, "quality must lie in 1-95, got 96"),
     (50, ".png", ValueError, r"quality is for JPEG files \(\.jpg, \.jpeg\), not \.png"),
     (50.0, ".jpg", TypeError, "quality must be a whole number from 1 to 95, got 50.0"),
     (True, ".jpg", TypeError, "quality must be a whole number from 1 to 95, got True")],
)  # fmt: skip
def test_write_image_bad_quality(tmp_path, quality, suffix, error, message):
    with pytest.raises(error, match=message):
        write_image(tmp_path / f"a{suffix}", np.zeros((2, 2, 3), np.uint8), quality=quality)
    assert list(tmp_path.iterdir()) == []
