"""The command line as a package: parser, commands and runner apart, one run loop,
the library imported in one module."""

import ast
import importlib
from pathlib import Path

import pytest

import anomaly_viz.cli
from anomaly_viz.cli import commands, runner
from anomaly_viz.cli.parser import UsageError, build_parser

CLI_FOLDER = Path(anomaly_viz.cli.__file__).parent
MODULES = ["anomaly_viz.cli", "anomaly_viz.cli.parser", "anomaly_viz.cli.commands",
           "anomaly_viz.cli.runner", "anomaly_viz.cli._library"]  # fmt: skip


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
    assert names == ["__init__", "_library", "commands", "parser", "runner"]


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
    }
    assert sorted(commands.COMMANDS) == sorted(lines)
    for name, argv in lines.items():
        assert build_parser().parse_args(argv).command == name


def test_parser_error_is_one_line():
    with pytest.raises(UsageError, match=r"^anomaly-viz: argument command: invalid choice: 'x'"):
        build_parser().parse_args(["x"])


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
