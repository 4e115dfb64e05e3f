"""The batch runner: the jobs of files or folders, the one run loop, exit statuses.

A command's inputs become a :class:`Batch` of :class:`Job` items (one for
files; one per name stem for folders, with the stems that cannot be read
kept as skipped items). :func:`run_jobs` computes each item with the
command's function, shows progress on a terminal, reports skipped items and
prints what was written; :func:`exit_status` turns what stops a run (an
error, Ctrl-C, SIGTERM) into one line on stderr and the exit status.

Worker processes (``--jobs N``). N processes compute the items of a folder,
each one item at a time, and the outcomes are taken in input order, so that
what is printed is what one job prints. Only the job (names and paths) goes
to a worker, and only the paths written or the reason for a skip come back,
never an image. The start method is ``fork`` on Linux: a worker starts in
about a millisecond with everything already imported, and the command line
starts no threads of its own, so forking it is safe. Elsewhere it is
``spawn`` (macOS's system libraries are not safe to fork), where a worker
imports the package itself; what a worker runs pickles for it (a module-level
function bound to the parsed command line, and the :class:`Job`).

Stopping workers. A worker ignores SIGINT: Ctrl-C in a terminal reaches every
process of the group, and the parent alone decides. When the run stops
(Ctrl-C, SIGTERM, an error), the parent sends SIGTERM to every worker; a
worker turns it into ``SystemExit`` where it is, so that the temporary file
it is writing is removed on the way out, and the parent waits for all of them
before it reports (a second Ctrl-C meanwhile kills them at once). A worker
whose parent dies finishes its item and exits when it finds its pipe closed.
A worker that dies by itself (killed by the system for memory, say) skips its
item, and a new worker takes its place.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
import threading
import traceback
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection
from multiprocessing.context import ForkContext, SpawnContext
from multiprocessing.process import BaseProcess
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any

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
    "Outcome",
    "WorkerError",
    "cluster_outcomes",
    "connect",
    "exit_status",
    "item_outcome",
    "map_jobs",
    "output_folder",
    "pair_jobs",
    "readable_files",
    "report",
    "run_jobs",
    "scan_images",
    "scan_maps",
    "usable_cores",
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

#: What a job gave: the files it wrote, or why it was skipped.
Outcome = list[Path] | str


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


def scan_maps(folder: Path) -> tuple[dict[str, Path], dict[str, str]]:
    """The map files of `folder` by stem, and why some stems cannot be read."""
    return _scan(folder, _MAP_SUFFIXES)


def scan_images(folder: Path) -> tuple[dict[str, Path], dict[str, str]]:
    """The image files of `folder` by stem, and why some stems cannot be read."""
    return _scan(folder, IMAGE_SUFFIXES)


def readable_files(folder: Path, scan: tuple[dict[str, Path], dict[str, str]]) -> dict[str, Path]:
    """The files of a scan of `folder`, or a FileProblem naming the first that cannot be read.

    For commands whose one output depends on every input (a scale, a report,
    a grid): a file left out would silently change it.
    """
    found, problems = scan
    if problems:
        _stem, problem = sorted(problems.items())[0]
        raise FileProblem(folder, f"has a file that cannot be read ({problem})")
    return found


def output_folder(path: Path) -> Path:
    """`path` as an output folder, made if missing; a FileProblem if it is a file."""
    if path.exists() and not path.is_dir():
        raise FileProblem(path, "exists and is not a folder, but the inputs are folders")
    path.mkdir(parents=True, exist_ok=True)
    return path


def pair_jobs(image: str, scores: str, output: str, suffix: str = ".png") -> Batch:
    """The (image, map) jobs of IMAGE and MAP (two files or two folders).

    With folders, the outputs are named ``OUTPUT/STEM{suffix}``; with files,
    the output is OUTPUT.
    """
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
        jobs.append(Job(name, inputs, folder / f"{name}{suffix}", problem))
    return Batch(jobs, folders=True)


def map_jobs(scores: str, output: str, suffix: str = ".png") -> Batch:
    """The jobs of MAP (a file or a folder); with a folder, to ``OUTPUT/STEM{suffix}``."""
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
        jobs.append(Job(name, inputs, folder / f"{name}{suffix}", problems.get(name)))
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


def usable_cores() -> int:
    """How many cores this process may run on: what ``--jobs 0`` means."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on every system (macOS, Windows)
        return os.cpu_count() or 1


def item_outcome(make: MakeItem, job: Job, skip_errors: bool) -> Outcome:
    """What `make` gives for `job`: the files written, or (`skip_errors`) why it is skipped."""
    try:
        return make(job)
    except _ITEM_ERRORS as error:
        if not skip_errors:
            raise
        return _message(error)


def _outcomes_here(jobs: Sequence[Job], make: MakeItem, skip_errors: bool) -> Iterator[Outcome]:
    """What each job gives, computed in this process when it is asked for."""
    for job in jobs:
        yield job.problem if job.problem is not None else item_outcome(make, job, skip_errors)


def run_jobs(
    batch: Batch, make: MakeItem, debug: bool, jobs: int = 1, scheduler: str | None = None
) -> int:
    """Compute every job with `make`; the exit status (1 if a folder item was skipped).

    An error in an item of a folder run skips that item (named on stderr);
    in a run of files, or with `debug`, it stops the run. With folders and
    `jobs` above 1 (0: :func:`usable_cores`), that many worker processes
    compute the items (see the module's notes), and what is
    printed, in input order, and the exit status are those of one job;
    `debug` always computes the items here, one at a time, so that an error
    stops the run with its traceback. With a `scheduler` (the address of a
    ``distributed`` scheduler), the workers of that cluster compute the
    items of a folder instead, with the same outputs, messages and exit
    status (see :func:`cluster_outcomes`).
    """
    progress = _Progress(len(batch.jobs))
    to_compute = sum(job.problem is None for job in batch.jobs)
    count = min(jobs or usable_cores(), to_compute) if batch.folders and not debug else 1
    with contextlib.ExitStack() as stack:
        if scheduler is not None and batch.folders and not debug:
            outcomes = stack.enter_context(cluster_outcomes(scheduler, make, batch.jobs))
        elif count > 1:
            outcomes = stack.enter_context(_Workers(make, count)).outcomes(batch.jobs)
        else:
            outcomes = _outcomes_here(batch.jobs, make, batch.folders and not debug)
        for job in batch.jobs:
            progress.step(job.name)
            outcome = next(outcomes)
            if isinstance(outcome, str):
                progress.skip(job.name, outcome)
            else:
                progress.written += outcome
    return progress.finish()


def connect(address: str) -> Any:
    """A ``distributed.Client`` of the scheduler at `address`; one line if that fails."""
    try:
        from distributed import Client
    except ImportError:
        raise UsageError(
            '--scheduler needs the distributed package: pip install "anomaly_viz[dask]"'
        ) from None
    try:
        return Client(address, timeout="10s")
    except (OSError, TimeoutError, ValueError) as error:
        raise FileProblem(address, f"is not a scheduler this run can reach ({error})") from None


@contextlib.contextmanager
def cluster_outcomes(
    address: str, make: MakeItem, jobs: Sequence[Job]
) -> Iterator[Iterator[Outcome]]:
    """What each job gives, computed by the workers of the cluster at `address`.

    Every job to compute is submitted at once (``Client.map``; the
    scheduler balances them over its workers) and the outcomes are taken
    in input order. As with ``--jobs``, only the job goes to a worker and
    only the paths written or the reason for a skip come back; the workers
    must see the inputs and outputs at the same paths (a shared file
    system) and have this package installed. The paths go to the workers
    made absolute (a worker's working folder is its own), and those written
    come back as they are printed for one job. When the run stops, the
    futures not yet done are cancelled and the client closed.
    """
    here = Path.cwd()

    def as_given(job: Job, outcome: Outcome) -> Outcome:
        if isinstance(outcome, str) or job.target.is_absolute():
            return outcome
        return [path.relative_to(here) if path.is_relative_to(here) else path for path in outcome]

    client = connect(address)
    pending: deque[Any] = deque()
    try:
        todo = [
            replace(job, inputs=tuple(path.absolute() for path in job.inputs),
                    target=job.target.absolute())
            for job in jobs
            if job.problem is None
        ]  # fmt: skip
        pending.extend(
            client.map(
                item_outcome, [make] * len(todo), todo, [True] * len(todo), pure=False,
                key=[f"anomaly-viz-{index}-{job.name}" for index, job in enumerate(todo)],
            )
        )  # fmt: skip

        def outcomes() -> Iterator[Outcome]:
            for job in jobs:
                if job.problem is not None:
                    yield job.problem
                else:
                    yield as_given(job, pending.popleft().result())

        yield outcomes()
    finally:
        client.cancel(list(pending))
        client.close()


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


# ------------------------------------------------ worker processes (--jobs)

#: How worker processes start (see the module's notes).
_START_METHOD = "fork" if sys.platform.startswith("linux") else "spawn"

#: Signals held while a worker starts, until it has its own handlers.
_STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}


def _context(method: str) -> ForkContext | SpawnContext:
    if method == "fork":
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


class WorkerError(RuntimeError):
    """An unexpected error (a bug) in a worker: stops the run, with the worker's traceback."""


def _exit_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)  # unwinds through the writer's clean-up


def _serve(connection: Connection, make: MakeItem) -> None:
    """A worker's life: compute the jobs it is sent until it is sent None."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)
    while True:
        try:
            job = connection.recv()
        except EOFError:  # the parent is gone
            return
        if job is None:
            return
        try:
            message: tuple[str, object] = ("done", item_outcome(make, job, skip_errors=True))
        except Exception:
            message = ("failed", f"{job.name}: {traceback.format_exc()}")
        try:
            connection.send(message)
        except OSError:  # the parent is gone
            return


@contextlib.contextmanager
def _stop_signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM (they wait, they are not lost) while a worker starts."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


@dataclass
class _Worker:
    process: BaseProcess
    connection: Connection
    index: int | None = None  # the job it computes, None when idle


def _how_it_ended(process: BaseProcess) -> str:
    code = process.exitcode
    if code is not None and code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit status {code}"


class _Workers:
    """`count` worker processes computing jobs with `make`, one job each at a time.

    Use as a context manager: leaving it normally lets the workers finish;
    leaving it by an exception (Ctrl-C, SIGTERM, an error) stops them; either
    way no worker outlives it.
    """

    def __init__(self, make: MakeItem, count: int) -> None:
        self.make, self.count = make, count
        self.context = _context(_START_METHOD)
        self.workers: list[_Worker] = []

    def __enter__(self) -> _Workers:
        try:
            for _ in range(self.count):
                self._start()
        except BaseException:  # __exit__ is not called when __enter__ fails
            self._stop()
            raise
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if kind is None:
            self._finish()
        else:
            self._stop()

    def outcomes(self, jobs: Sequence[Job]) -> Iterator[Outcome]:
        """What each job gave, in the order of `jobs` (a job's problem is its outcome)."""
        pending = deque(index for index, job in enumerate(jobs) if job.problem is None)
        done: dict[int, Outcome] = {}
        for index, job in enumerate(jobs):
            if job.problem is not None:
                yield job.problem
                continue
            while index not in done:
                self._hand_out(jobs, pending)
                self._collect(done)
            yield done.pop(index)

    # ---------------------------------------------------------- internals

    def _start(self) -> None:
        parent_end, worker_end = self.context.Pipe()
        process = self.context.Process(
            target=_serve, args=(worker_end, self.make), name="anomaly-viz worker", daemon=True
        )
        with _stop_signals_held():  # a signal now waits until the worker is on the list
            process.start()
            worker_end.close()
            self.workers.append(_Worker(process, parent_end))

    def _hand_out(self, jobs: Sequence[Job], pending: deque[int]) -> None:
        for worker in list(self.workers):
            if worker.index is None and pending:
                index = pending.popleft()
                try:
                    worker.connection.send(jobs[index])
                except OSError:  # it died while idle: its job goes to the next one
                    pending.appendleft(index)
                    self._replace(worker)
                    continue
                worker.index = index

    def _collect(self, done: dict[int, Outcome]) -> None:
        """Wait until some worker has finished its job (or died), and note its outcome."""
        busy = [worker for worker in self.workers if worker.index is not None]
        if not busy:  # every job handed out went back to the pending ones
            return
        ready = multiprocessing.connection.wait(
            [worker.connection for worker in busy] + [worker.process.sentinel for worker in busy]
        )
        for worker in busy:
            if worker.connection not in ready and worker.process.sentinel not in ready:
                continue
            assert worker.index is not None
            index, worker.index = worker.index, None
            try:
                status, outcome = worker.connection.recv()
            except (EOFError, OSError):  # it died without a word
                self._replace(worker)
                reason = _how_it_ended(worker.process)
                done[index] = f"its worker process stopped ({reason})"
                continue
            if status == "failed":
                raise WorkerError(str(outcome))
            done[index] = outcome

    def _replace(self, worker: _Worker) -> None:
        worker.process.join()
        worker.connection.close()
        self.workers.remove(worker)
        self._start()

    def _finish(self) -> None:
        try:
            for worker in self.workers:
                with contextlib.suppress(OSError):  # one that died idle
                    worker.connection.send(None)
            self._join()
        except BaseException:  # Ctrl-C while they leave
            self._stop()
            raise

    def _stop(self) -> None:
        for worker in self.workers:
            if worker.process.is_alive():
                worker.process.terminate()  # SIGTERM: see _exit_on_sigterm
        try:
            self._join()
        finally:  # a second Ctrl-C while they stop: no more waiting
            for worker in self.workers:
                if worker.process.is_alive():
                    worker.process.kill()
                    worker.process.join()

    def _join(self) -> None:
        for worker in self.workers:
            worker.process.join()
            worker.connection.close()


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
