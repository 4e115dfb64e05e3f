"""The command line as a package: parser, commands and runner apart, one run loop,
the library imported in one module, figures drawn to pixels (never a PNG decoded)."""

import ast
import importlib
import io
from pathlib import Path

import imageio.v3 as iio
import numpy as np
import pytest

import anomaly_viz.cli
from anomaly_viz import comparison_figure, compute_mask
from anomaly_viz.cli import commands, runner
from anomaly_viz.cli.parser import UsageError, build_parser

CLI_FOLDER = Path(anomaly_viz.cli.__file__).parent
MODULES = ["anomaly_viz.cli", "anomaly_viz.cli.parser", "anomaly_viz.cli.commands",
           "anomaly_viz.cli.runner", "anomaly_viz.cli._library",
           "anomaly_viz.cli.evaluate", "anomaly_viz.cli.grid"]  # fmt: skip


@pytest.fixture(autouse=True)
def agg(monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "Agg")


# ----------------------------------------------------------------- shape


@pytest.mark.parametrize("name", MODULES)
def test_every_module_says_what_it_exports(name):
    module = importlib.import_module(name)
    assert module.__doc__ and module.__all__
    missing = [export for export in module.__all__ if not hasattr(module, export)]
    assert missing == []


def test_the_package_exports_main_and_build_parser():
    assert {"main", "build_parser"} <= set(anomaly_viz.cli.__all__)
    assert anomaly_viz.cli.main.__module__ == "anomaly_viz.cli"  # the console script's target


def test_files_of_the_package_are_the_listed_modules():
    names = sorted(path.stem for path in CLI_FOLDER.glob("*.py"))
    assert names == ["__init__", "_library", "commands", "evaluate", "grid", "parser", "runner"]


@pytest.mark.parametrize("path", sorted(CLI_FOLDER.glob("*.py")), ids=lambda path: path.name)
def test_the_library_is_imported_in_one_module(path):
    """Only _library.py imports from anomaly_viz; the others import from the cli package."""
    outside = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level > 1 or module.startswith("anomaly_viz"):
                outside.append(("." * node.level) + module)
        elif isinstance(node, ast.Import):
            outside += [alias.name for alias in node.names if alias.name.startswith("anomaly_viz")]
    if path.name == "_library.py":
        assert outside  # the one that does
    else:
        assert outside == []


def test_every_command_of_the_parser_has_its_function():
    lines = {
        "demo": ["demo"],
        "overlay": ["overlay", "i.png", "m.npy", "-o", "o.png"],
        "mask": ["mask", "m.npy", "--threshold", "0.5", "-o", "o.png"],
        "figure": ["figure", "i.png", "m.npy", "-o", "o.png"],
        "fit-scale": ["fit-scale", "maps", "-o", "scale.json"],
        "evaluate": ["evaluate", "maps", "gt", "--threshold", "best", "-o", "r.json"],
        "grid": ["grid", "images", "maps", "-o", "grid.png"],
    }
    assert sorted(anomaly_viz.cli.COMMANDS) == sorted(lines)
    for name, argv in lines.items():
        assert build_parser().parse_args(argv).command == name


def test_parser_error_is_one_line():
    with pytest.raises(UsageError, match=r"^anomaly-viz: argument command: invalid choice: 'x'"):
        build_parser().parse_args(["x"])


# ----------------------------------------------------------------- figures


@pytest.fixture
def files(tmp_path):
    rng = np.random.default_rng(3)
    image = rng.integers(0, 256, (12, 16, 3), dtype=np.uint8)
    scores = rng.random((6, 8))
    truth = (rng.random((12, 16)) > 0.8).astype(np.uint8) * 255
    iio.imwrite(tmp_path / "photo.png", image)
    np.save(tmp_path / "scores.npy", scores)
    iio.imwrite(tmp_path / "truth.png", truth)
    return tmp_path, image, scores, truth


def savefig_pixels(figure, dpi):
    """What matplotlib's own savefig makes of `figure`, decoded (closes it)."""
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    plt.close(figure)
    return iio.imread(buffer.getvalue(), extension=".png")


def test_figure_png_is_the_savefig_picture_without_its_opaque_alpha(files, capsys):
    folder, image, scores, truth = files
    status = anomaly_viz.cli.main([
        "figure", str(folder / "photo.png"), str(folder / "scores.npy"), "-o",
        str(folder / "f.png"), "--mask-threshold", "0.5", "--kernel-size", "0",
        "--ground-truth", str(folder / "truth.png"), "--dpi", "37.5",
    ])  # fmt: skip
    assert status == 0, capsys.readouterr().err
    written = iio.imread(folder / "f.png")
    figure = comparison_figure(
        image, scores, mask=compute_mask(scores, 0.5, 0), ground_truth=truth / 255.0
    )
    expected = savefig_pixels(figure, 37.5)
    assert expected.shape[2] == 4 and (expected[..., 3] == 255).all()
    assert written.shape == (*expected.shape[:2], 3)
    np.testing.assert_array_equal(written, expected[..., :3])


def test_figure_is_drawn_not_saved_and_decoded(files, monkeypatch, capsys):
    from matplotlib.figure import Figure

    folder, *_ = files

    def refuse(*args, **kwargs):
        raise AssertionError("the command line saved a figure")

    monkeypatch.setattr(Figure, "savefig", refuse)
    monkeypatch.setattr(iio, "imread", refuse)  # the photo is read by Pillow, not imageio
    argv = ["figure", str(folder / "photo.png"), str(folder / "scores.npy"),
            "-o", str(folder / "f.png"), "--dpi", "20"]  # fmt: skip
    assert anomaly_viz.cli.main(argv) == 0, capsys.readouterr().err
    assert (folder / "f.png").stat().st_size > 0


def test_a_transparent_figure_keeps_its_alpha():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    def drawing():
        figure = plt.figure(figsize=(1.0, 0.5))
        figure.patch.set_alpha(0.0)
        figure.add_axes((0.1, 0.1, 0.8, 0.8)).plot([0, 1], [1, 0])
        return figure

    pixels = commands._render(drawing(), 50.0, 10_000)
    expected = savefig_pixels(drawing(), 50.0)
    assert pixels.shape == (25, 50, 4) and expected.shape == (25, 50, 4)
    assert 0 < np.count_nonzero(pixels[..., 3]) < 25 * 50
    np.testing.assert_array_equal(pixels, expected)


def test_a_figure_made_without_pyplot_is_drawn_too():
    from matplotlib.figure import Figure

    def drawing():
        figure = Figure(figsize=(1.0, 0.5))  # its canvas is not Agg's
        figure.add_axes((0.1, 0.1, 0.8, 0.8)).plot([0, 1], [1, 0])
        return figure

    pixels = commands._render(drawing(), 40.0, 10_000)
    assert pixels.shape == (20, 40, 3)
    np.testing.assert_array_equal(pixels, savefig_pixels(drawing(), 40.0)[..., :3])


# ------------------------------------------------------------------ runner


def batch_of(tmp_path, folders):
    jobs = [runner.Job(name, (), tmp_path / f"{name}.txt") for name in ("a", "b", "c")]
    jobs[1].problem = "b.npy: is a broken symbolic link"
    return runner.Batch(jobs, folders=folders)


def make_failing_on_c(job):
    if job.name == "c":
        raise ValueError("c is bad\nsecond line")
    job.target.write_text(job.name)
    return [job.target]


def test_run_jobs_skips_a_folder_item_that_fails(tmp_path, capsys):
    status = runner.run_jobs(batch_of(tmp_path, True), make_failing_on_c, debug=False)
    out, err = capsys.readouterr()
    assert status == 1
    assert err.splitlines() == [
        "anomaly-viz: skipped b: b.npy: is a broken symbolic link",
        "anomaly-viz: skipped c: c is bad",
    ]
    assert out.splitlines() == [
        f"wrote {tmp_path / 'a.txt'}",
        "1 file(s) written, 2 item(s) skipped: b, c",
    ]


def test_run_jobs_stops_on_an_error_of_a_file_run(tmp_path, capsys):
    batch = runner.Batch([runner.Job("c", (), tmp_path / "c.txt")], folders=False)
    with pytest.raises(ValueError, match=r"^c is bad"):
        runner.run_jobs(batch, make_failing_on_c, debug=False)
    assert capsys.readouterr().out == ""


def test_run_jobs_with_debug_stops_a_folder_run(tmp_path, capsys):
    with pytest.raises(ValueError, match=r"^c is bad"):
        runner.run_jobs(batch_of(tmp_path, True), make_failing_on_c, debug=True)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["a.txt"]


def test_run_jobs_of_files_all_written(tmp_path, capsys):
    batch = runner.Batch([runner.Job("a", (), tmp_path / "a.txt")], folders=False)
    assert runner.run_jobs(batch, make_failing_on_c, debug=False) == 0
    assert capsys.readouterr().out == f"wrote {tmp_path / 'a.txt'}\n1 file(s) written\n"


def raises(error):
    def run():
        raise error

    return run


@pytest.mark.parametrize(
    ("run", "status", "line"),
    [(lambda: 1, 1, None),
     (raises(UsageError("anomaly-viz: bad (see --help)")), 2, "anomaly-viz: bad (see --help)"),
     (raises(ValueError("alpha must lie in [0, 1]\nmore")), 2,
      "anomaly-viz: error: alpha must lie in [0, 1]"),
     (raises(MemoryError()), 2, "anomaly-viz: error: not enough memory"),
     (raises(KeyboardInterrupt()), 130, "anomaly-viz: interrupted")],
)  # fmt: skip
def test_exit_status(run, status, line, capsys):
    assert runner.exit_status(run, debug=False) == status
    assert capsys.readouterr().err == ("" if line is None else line + "\n")


@pytest.mark.parametrize("error", [ValueError("v"), KeyboardInterrupt()])
def test_exit_status_with_debug_raises(error):
    with pytest.raises(type(error)):
        runner.exit_status(raises(error), debug=True)


def test_pair_jobs_needs_two_files_or_two_folders(tmp_path):
    with pytest.raises(UsageError, match=r"^IMAGE and MAP must both be files or both be folders$"):
        runner.pair_jobs(str(tmp_path), str(tmp_path / "m.npy"), str(tmp_path / "out"))
