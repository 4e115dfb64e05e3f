"""The batch runner: the jobs of files or folders, the one run loop, exit statuses.

A command's inputs become a :class:`Batch` of :class:`Job` items (one for
files; one per name stem for folders, with the stems that cannot be read
kept as skipped items). :func:`run_jobs` computes each item with the
command's function, shows progress on a terminal, reports skipped items and
prints what was written; :func:`exit_status` turns what stops a run (an
error, Ctrl-C, SIGTERM) into one line on stderr and the exit status.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from ._library import (
    IMAGE_SUFFIXES,
    NUMPY_MAP_SUFFIXES,
    RAW_MAP_SUFFIXES,
    FileProblem,
    check_output_file,
    existing_file,
)
from .parser import PROGRAM, UsageError

__all__ = [
    "Batch",
    "Job",
    "MakeItem",
    "exit_status",
    "map_jobs",
    "output_folder",
    "pair_jobs",
    "report",
    "run_jobs",
]

#: What a map may be read from.
_MAP_SUFFIXES = (*NUMPY_MAP_SUFFIXES, *IMAGE_SUFFIXES, *RAW_MAP_SUFFIXES)

#: Errors that skip one item of a folder run, or stop a run of one item.
_ITEM_ERRORS = (FileProblem, ValueError, TypeError, OSError, MemoryError)


@dataclass
class Job:
    """One item of a run: its name, input files, output, or why it is skipped."""

    name: str
    inputs: tuple[Path, ...]
    target: Path
    problem: str | None = None


@dataclass
class Batch:
    """The jobs of a run, and whether its inputs are folders (then an item may be skipped)."""

    jobs: list[Job]
    folders: bool


#: A command's work on one job: the files it wrote.
MakeItem = Callable[[Job], list[Path]]


# ------------------------------------------------------------ file pairing


def _scan(folder: Path, suffixes: Sequence[str]) -> tuple[dict[str, Path], dict[str, str]]:
    """The input files of `folder` by stem, and why some stems cannot be read.

    Hidden names (this package's temporary files among them) and sub-folders
    are passed over; a broken link, a pipe or device, or a stem shared by
    two files is a problem of that stem.
    """
    try:
        entries = sorted(folder.iterdir())
    except OSError as error:
        raise FileProblem(folder, f"cannot be listed ({error.strerror or error})") from None
    found: dict[str, list[Path]] = {}
    problems: dict[str, str] = {}
    for entry in entries:
        if entry.name.startswith(".") or entry.suffix.lower() not in suffixes or entry.is_dir():
            continue
        try:
            existing_file(entry)
        except FileProblem as problem:
            problems.setdefault(entry.stem, str(problem))
            continue
        found.setdefault(entry.stem, []).append(entry)
    for stem, paths in found.items():
        if len(paths) > 1:
            names = " and ".join(path.name for path in paths)
            problems.setdefault(stem, f"{names} in {folder} share the name {stem}; rename one")
    return {stem: paths[0] for stem, paths in found.items() if stem not in problems}, problems


def output_folder(path: Path) -> Path:
    """`path` as an output folder, made if missing; a FileProblem if it is a file."""
    if path.exists() and not path.is_dir():
        raise FileProblem(path, "exists and is not a folder, but the inputs are folders")
    path.mkdir(parents=True, exist_ok=True)
    return path


def pair_jobs(image: str, scores: str, output: str) -> Batch:
    """The (image, map) jobs of IMAGE and MAP (two files or two folders), to PNG files."""
    image_path, map_path, out = Path(image), Path(scores), Path(output)
    if image_path.is_dir() != map_path.is_dir():
        raise UsageError("IMAGE and MAP must both be files or both be folders")
    if not image_path.is_dir():
        job = Job(image_path.stem, (image_path, map_path), check_output_file(out))
        return Batch([job], folders=False)
    images, image_problems = _scan(image_path, IMAGE_SUFFIXES)
    maps, map_problems = _scan(map_path, _MAP_SUFFIXES)
    names = sorted(images.keys() | image_problems.keys())
    if not names:
        raise FileProblem(image_path, "holds no image files")
    folder = output_folder(out)
    jobs = []
    for name in names:
        problem = image_problems.get(name) or map_problems.get(name)
        if problem is None and name not in maps:
            problem = f"no map named {name}.* in {scores}"
        inputs = tuple(path for path in (images.get(name), maps.get(name)) if path is not None)
        jobs.append(Job(name, inputs, folder / f"{name}.png", problem))
    return Batch(jobs, folders=True)


def map_jobs(scores: str, output: str) -> Batch:
    """The jobs of MAP (a file or a folder), to PNG files."""
    source, out = Path(scores), Path(output)
    if not source.is_dir():
        return Batch([Job(source.stem, (source,), check_output_file(out))], folders=False)
    maps, problems = _scan(source, _MAP_SUFFIXES)
    names = sorted(maps.keys() | problems.keys())
    if not names:
        raise FileProblem(source, "holds no map files")
    folder = output_folder(out)
    jobs = []
    for name in names:
        inputs = (maps[name],) if name in maps else ()
        jobs.append(Job(name, inputs, folder / f"{name}.png", problems.get(name)))
    return Batch(jobs, folders=True)


# ---------------------------------------------------------------- the loop


class _Progress:
    """Counts, progress (only on a terminal) and the closing summary."""

    def __init__(self, total: int) -> None:
        self.total, self.done = total, 0
        self.written: list[Path] = []
        self.skipped: list[str] = []
        self.tty = sys.stderr.isatty()

    def step(self, name: str) -> None:
        self.done += 1
        if self.tty and self.total > 1:
            print(f"\r[{self.done}/{self.total}] {name}\033[K", end="", file=sys.stderr)

    def skip(self, name: str, problem: str) -> None:
        if self.tty:
            print("\r\033[K", end="", file=sys.stderr)
        print(f"{PROGRAM}: skipped {name}: {problem}", file=sys.stderr)
        self.skipped.append(name)

    def finish(self) -> int:
        if self.tty and self.total > 1:
            print("\r\033[K", end="", file=sys.stderr)
        summary = f"{len(self.written)} file(s) written"
        if self.skipped:
            summary += f", {len(self.skipped)} item(s) skipped: {', '.join(self.skipped)}"
        report([*(f"wrote {path}" for path in self.written), summary])
        return 1 if self.skipped else 0


def run_jobs(batch: Batch, make: MakeItem, debug: bool) -> int:
    """Compute every job with `make`; the exit status (1 if a folder item was skipped).

    An error in an item of a folder run skips that item (named on stderr);
    in a run of files, or with `debug`, it stops the run.
    """
    progress = _Progress(len(batch.jobs))
    for job in batch.jobs:
        progress.step(job.name)
        if job.problem is not None:
            progress.skip(job.name, job.problem)
            continue
        try:
            progress.written += make(job)
        except _ITEM_ERRORS as error:
            if not batch.folders or debug:
                raise
            progress.skip(job.name, _message(error))
    return progress.finish()


def report(lines: Sequence[str]) -> None:
    """Print `lines` on stdout; a stdout that cannot be written is a FileProblem."""
    try:
        for line in lines:
            print(line)
        sys.stdout.flush()
    except OSError as error:
        _discard_stdout()
        raise FileProblem("standard output", f"cannot be written ({error.strerror})") from None


def _discard_stdout() -> None:
    """Point stdout at the null device, so that Python's flush at exit cannot fail again."""
    try:
        descriptor = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # not a real file (a test's capture)
        return
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, descriptor)
    os.close(null)


# ------------------------------------------------------ how a run stops


class _Terminated(BaseException):
    """SIGTERM, raised where the run is, so that the file being written is removed."""


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    raise _Terminated


@contextlib.contextmanager
def _sigterm_raises() -> Iterator[None]:
    """Turn SIGTERM into :class:`_Terminated` (in the main thread, where signals go)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _message(error: BaseException) -> str:
    """The first line of an error's message (MemoryError's may be empty)."""
    lines = str(error).strip().splitlines()
    if isinstance(error, MemoryError):
        return "not enough memory" + (f" ({lines[0]})" if lines else "")
    return lines[0] if lines else type(error).__name__


def exit_status(run: Callable[[], int], debug: bool) -> int:
    """The exit status of `run`, with what stopped it as one line on stderr.

    `run`'s own status if it returns; 2 for a bad command line or an error;
    130 for Ctrl-C (SIGINT) and 143 for SIGTERM (raised where the run is,
    so the file being written is removed). With `debug`, errors, Ctrl-C and
    SIGTERM are raised with their traceback instead (a bad command line is
    still one line).
    """
    with _sigterm_raises():
        try:
            return run()
        except UsageError as error:
            print(error, file=sys.stderr)
            return 2
        except KeyboardInterrupt:
            if debug:
                raise
            print(f"{PROGRAM}: interrupted", file=sys.stderr)
            return 130
        except _Terminated:
            if debug:
                raise
            print(f"{PROGRAM}: terminated", file=sys.stderr)
            return 143
        except _ITEM_ERRORS as error:
            if debug:
                raise
            print(f"{PROGRAM}: error: {_message(error)}", file=sys.stderr)
            return 2
