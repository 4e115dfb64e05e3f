"""Sphinx configuration: ``sphinx-build -W -b html docs docs/_build/html``."""

import os
import sys
import tempfile
from pathlib import Path

import anomaly_viz

sys.path.insert(0, str(Path(__file__).parent))  # for gallery_scraper.py

project = "anomaly_viz"
author = "anomaly_viz developers"
release = version = anomaly_viz.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.doctest",
    "sphinx.ext.viewcode",  # the [source] link beside each function: its reference code
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]
exclude_patterns = ["_build"]
autosummary_generate = False
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
html_theme = "pydata_sphinx_theme"

# The gallery: every example of examples/ run at build time, headless. The
# examples write their pictures as PNG files into ANOMALY_VIZ_EXAMPLES_OUT
# (see examples/_output.py); docs/gallery_scraper.py takes each new one into
# the gallery. The cluster example runs at 2000 x 2000 instead of 40000 x 40000.
EXAMPLES_OUT = Path(tempfile.mkdtemp(prefix="anomaly-viz-gallery-"))
os.environ["ANOMALY_VIZ_EXAMPLES_OUT"] = str(EXAMPLES_OUT)
os.environ["ANOMALY_VIZ_LARGE_SIDE"] = "2000"
os.environ["MPLBACKEND"] = "Agg"


sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "ignore_pattern": r"_output\.py",
    "image_scrapers": ("gallery_scraper",),
    "download_all_examples": False,
    "remove_config_comments": True,
}

# Signatures keep the type aliases as their names (numpy's ArrayLike would
# otherwise expand into a union of some 1000 characters).
ALIASES = ("ArrayLike", "Maps", "Visit")
autodoc_type_aliases = {name: name for name in ALIASES}

# -n (nitpicky): every cross-reference must resolve. The docs build has no
# network, so other projects' inventories are not fetched; their names, which
# this package's signatures and docstrings use, are listed here instead.
nitpicky = True
nitpick_ignore = [
    ("py:class", name)
    for name in (
        "numpy.ndarray",
        "np.ndarray",
        "ndarray",
        "numpy.dtype",
        "numpy.typing.ArrayLike",
        "ArrayLike",
        "os.PathLike",
        "pathlib.Path",
        "argparse.ArgumentParser",
        "collections.abc.Callable",
        "collections.abc.Iterable",
        "collections.abc.Iterator",
        "collections.abc.Mapping",
        "collections.abc.Sequence",
        "Colormap",
        "ListedColormap",
        "Figure",
        "matplotlib.colors.Colormap",
        "matplotlib.figure.Figure",
        "dask.array.Array",
        "dask.array.core.Array",
    )
] + [("py:func", "scipy.ndimage.label"), ("py:mod", "scipy.ndimage")]


def _alias_names(app, what, name, obj, options, signature, return_annotation):
    """Show an alias inside a union by its name (Sphinx 9 writes TypeAliasForwardRef('X'))."""
    import re

    def plain(text):
        return None if text is None else re.sub(r"TypeAliasForwardRef\('([^']+)'\)", r"\1", text)

    return plain(signature), plain(return_annotation)


def setup(app):
    app.connect("autodoc-process-signature", _alias_names)
