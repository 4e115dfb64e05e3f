"""Sphinx configuration: ``sphinx-build -W -b html docs docs/_build/html``."""

import anomaly_viz

project = "anomaly_viz"
author = "anomaly_viz developers"
release = version = anomaly_viz.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.doctest",
    "sphinx.ext.viewcode",  # the [source] link beside each function: its reference code
    "numpydoc",
]
exclude_patterns = ["_build"]
autosummary_generate = False
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
html_theme = "alabaster"
