"""Where the examples write their pictures (shared by every example).

The first command-line argument, else the ``ANOMALY_VIZ_EXAMPLES_OUT``
environment variable, else the current folder.
"""

import os
import sys
from pathlib import Path


def output_folder() -> Path:
    folder = Path(
        sys.argv[1] if len(sys.argv) > 1 else os.environ.get("ANOMALY_VIZ_EXAMPLES_OUT", ".")
    )
    folder.mkdir(parents=True, exist_ok=True)
    return folder
