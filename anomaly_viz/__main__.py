"""``python -m anomaly_viz``: the command line."""

from .cli import main

raise SystemExit(main())
