"""The command line: ``anomaly-viz`` (or ``python -m anomaly_viz``).

Commands: ``demo``, ``overlay``, ``mask``, ``figure``, ``fit-scale``,
``evaluate``, ``grid``; ``--help`` on each.
IMAGE and MAP may be files or folders (matched by file-name stem); with
folders, ``-o`` is a folder too. In a folder, hidden files (names starting
with a dot, among them this package's temporary files) and sub-folders are
not inputs; two inputs with one stem (``a.jpg`` and ``a.png``), a broken
symbolic link, and a named pipe or device are reported and skipped, never
read or waited on.

Folder runs: ``--jobs N`` computes N items at a time in worker processes
(``0``: one per usable core); what is printed, in input order, the files
written and the exit status are those of one job, and ``--debug`` always
runs one job, in this process. ``--format jpg`` writes JPEG files into the
output folder, at ``--quality`` (1-95, default 90); with files, ``-o``'s
extension names the format.

Images and ``.npz`` arrays are limited to ``--max-pixels`` pixels
(default :data:`anomaly_viz.io.MAX_PIXELS`, Pillow's own limit, about 89.5
million), checked before decoding, and so is the figure, before it is drawn;
``.npy`` and raw maps are read in place and not limited. The regions table
is strict JSON (RFC 8259) or CSV: a score that is not a finite number is
``null`` in JSON and an empty cell in CSV.

Exit status: 0 when everything was written; 1 when a folder run skipped
some items (each reported on stderr, the others written); 2 for an error
that stops the run (a missing or corrupt file, a bad option value, a full
disk, not enough memory), reported as one line on stderr without a
traceback (``--debug`` shows it); 130 when interrupted by Ctrl-C (SIGINT)
and 143 when terminated (SIGTERM), after removing the file being written.

The package keeps the parts apart: ``anomaly_viz.cli.parser`` (options
and sub-commands), ``anomaly_viz.cli.commands`` (what each command
computes for one item), ``anomaly_viz.cli.evaluate`` (the evaluation
report), ``anomaly_viz.cli.grid`` (pages of samples) and
``anomaly_viz.cli.runner`` (files and folders paired into jobs, the run
loop and its worker processes, exit statuses and signals).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from . import commands, evaluate, grid
from .parser import UsageError, build_parser
from .runner import exit_status, run_jobs

__all__ = ["COMMANDS", "UsageError", "build_parser", "main"]

#: The commands by name: each gives its jobs and the work of one job.
COMMANDS = {**commands.COMMANDS, "evaluate": evaluate.evaluate, "grid": grid.grid}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments (default ``sys.argv[1:]``).

    Returns
    -------
    int
        0: done; 1: a folder run skipped some items; 2: an error; 130:
        interrupted (Ctrl-C, SIGINT); 143: terminated (SIGTERM).

    Raises
    ------
    Exception
        Only with ``--debug``: the error that stopped the run, with its
        traceback; without it every error is one line on stderr and status 2.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> import numpy as np
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> np.save(folder / "map.npy", np.eye(3))
    >>> main(["mask", str(folder / "map.npy"), "--threshold", "0.5", "-o", str(folder / "m.png")])
    wrote .../m.png
    1 file(s) written
    0
    >>> main(["mask", "no-such-map.npy", "--threshold", "0.5", "-o", "mask.png"])  # see stderr
    2
    """
    arguments = list(sys.argv[1:] if argv is None else argv)

    def run() -> int:
        args = build_parser().parse_args(arguments)
        jobs, scheduler = getattr(args, "jobs", 1), getattr(args, "scheduler", None)
        if scheduler is not None and jobs != 1:
            raise UsageError("give --jobs or --scheduler, not both")
        batch, make = COMMANDS[args.command](args)
        debug = getattr(args, "debug", False)  # before or after the command's name
        return run_jobs(batch, make, debug, jobs, scheduler)

    return exit_status(run, debug="--debug" in arguments)
