"""``python -m anomaly_viz``: the command line."""

try:
    from .cli import main
except KeyboardInterrupt:  # Ctrl-C while the modules load: no traceback either
    raise SystemExit(130) from None

raise SystemExit(main())
