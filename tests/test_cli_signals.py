"""Interrupted runs: a run signalled while it writes removes its temporary file,
keeps the older output whole, and exits with one line (130 for Ctrl-C, 143 for
SIGTERM)."""

import os
import signal
import subprocess
import sys
import time

import imageio.v3 as iio
import numpy as np
import pytest

from anomaly_viz.io import TEMPORARY_PREFIX

# The writer stops half-way through the temporary file and says where it is.
SLOW_WRITE = """
import os, sys, time
import anomaly_viz.io

def half_then_wait(path, image, *args, **kwargs):
    with open(path, "wb") as handle:
        handle.write(b"half a PNG")
    with open(sys.argv[1] + ".part", "w") as note:
        note.write(path)
    os.replace(sys.argv[1] + ".part", sys.argv[1])
    time.sleep(120)

anomaly_viz.io._encode = half_then_wait
from anomaly_viz.cli import main
sys.exit(main(sys.argv[2:]))
"""


def wait_for(path, seconds=120):
    deadline = time.monotonic() + seconds
    while not path.exists():
        if time.monotonic() > deadline:
            raise AssertionError(f"{path} never appeared")
        time.sleep(0.05)
    return path.read_text()


@pytest.mark.parametrize(
    ("signal_number", "status", "message"),
    [(signal.SIGINT, 130, "anomaly-viz: interrupted"),
     (signal.SIGTERM, 143, "anomaly-viz: terminated")],
)  # fmt: skip
def test_signal_while_writing(tmp_path, signal_number, status, message):
    work = tmp_path / "work"
    work.mkdir()
    iio.imwrite(work / "photo.png", np.zeros((4, 4, 3), np.uint8))
    np.save(work / "scores.npy", np.eye(4))
    (work / "out.png").write_bytes(b"the old, complete file")
    note = tmp_path / "temporary.txt"
    process = subprocess.Popen(
        [sys.executable, "-c", SLOW_WRITE, str(note), "overlay", str(work / "photo.png"),
         str(work / "scores.npy"), "-o", str(work / "out.png")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        temporary = wait_for(note)
        was_there = os.path.exists(temporary)
        process.send_signal(signal_number)
        stdout, stderr = process.communicate(timeout=120)
    finally:  # never leave the writer waiting, whatever failed
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert was_there and os.path.basename(temporary).startswith(TEMPORARY_PREFIX)
    assert process.returncode == status
    assert stderr.strip().splitlines() == [message]
    assert stdout == ""
    assert (work / "out.png").read_bytes() == b"the old, complete file"
    assert sorted(p.name for p in work.iterdir()) == ["out.png", "photo.png", "scores.npy"]


def test_sigterm_handler_is_restored_after_main(tmp_path):
    from anomaly_viz.cli import main

    before = signal.getsignal(signal.SIGTERM)
    np.save(tmp_path / "m.npy", np.eye(3))
    assert main(["mask", str(tmp_path / "m.npy"), "--threshold", "0.5",
                 "-o", str(tmp_path / "m.png")]) == 0  # fmt: skip
    assert signal.getsignal(signal.SIGTERM) is before
