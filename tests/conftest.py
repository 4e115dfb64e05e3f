import os
import sys

import pytest
from hypothesis import settings

sys.path.insert(0, os.path.dirname(__file__))  # for tests/strategies.py

settings.register_profile("default", deadline=None, max_examples=60)
# HYPOTHESIS_PROFILE=stress python -m pytest tests: many more examples, for a hunt.
settings.register_profile("stress", deadline=None, max_examples=1000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


class Result:
    """What a command line run gave: its exit status, stdout and stderr."""

    def __init__(self, returncode, stdout, stderr):
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr

    def __repr__(self):
        return f"Result({self.returncode}, stdout={self.stdout!r}, stderr={self.stderr!r})"


@pytest.fixture
def main(capsys, monkeypatch):
    """cli.main in this process (faster than a subprocess), with its status and output."""
    from anomaly_viz import cli

    monkeypatch.setenv("MPLBACKEND", "Agg")
    capsys.readouterr()

    def call(*args):
        status = cli.main([str(arg) for arg in args])
        out, err = capsys.readouterr()
        return Result(status, out, err)

    return call
