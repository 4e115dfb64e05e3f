"""Colour lookup tables sampled from matplotlib colormaps, and applying them.

A colormap with N entries becomes a ``(N + 1, 3)`` uint8 table: rows
``0 .. N-1`` are its colours, row ``N`` its "bad" colour for NaN. A value
``v`` in [0, 1] picks row ``min(floor(v * N), N - 1)``, matplotlib's own rule
in ``Colormap.__call__``, so the result is exactly
``cmap(v, bytes=True)[..., :3]``.

matplotlib is imported inside the functions that need it, so that
``import anomaly_viz`` stays light.
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import TYPE_CHECKING, Union

import numpy as np
from numpy.typing import ArrayLike

from . import _engine
from ._engine.colour import colors_at
from ._validate import _as_array
from .normalization import quantize

__all__ = [
    "DEFAULT_COLORMAP",
    "OPENCV_JET",
    "apply_colormap",
    "get_colormap",
    "lookup_table",
    "opencv_jet",
]

if TYPE_CHECKING:
    from matplotlib.colors import Colormap, ListedColormap

#: A colormap: a name matplotlib or this package knows, or a matplotlib ``Colormap``.
ColormapLike = Union[str, "Colormap"]

OPENCV_JET = "opencv_jet"


@functools.cache
def _opencv_jet_rgb() -> np.ndarray:
    text = resources.files(__package__).joinpath("opencv_jet.txt").read_text()
    table = np.loadtxt(text.splitlines(), dtype=np.uint8)
    table.setflags(write=False)
    return table


def opencv_jet() -> ListedColormap:
    """OpenCV's ``COLORMAP_JET`` as a matplotlib colormap.

    anomalib colours its heatmaps with ``cv2.applyColorMap(...,
    COLORMAP_JET)``, whose 256 colours differ from matplotlib's ``"jet"``
    (a darker blue at the bottom, a different ramp). The table is stored in
    the package as data (``opencv_jet.txt``), so OpenCV is not needed. Use
    it by name, ``colormap="opencv_jet"``, wherever a colormap is taken.

    The table equals OpenCV's (``benchmarks/parity.py`` checks it against
    the installed OpenCV). Indexing follows matplotlib, entry
    ``floor(v * 256)``, where anomalib takes ``floor(v * 255)``: each pixel
    takes anomalib's entry or the next one up.

    Returns
    -------
    matplotlib.colors.ListedColormap
        A new colormap named ``"opencv_jet"`` with 256 entries.

    Examples
    --------
    >>> cmap = opencv_jet()
    >>> cmap.N
    256
    >>> cmap([0.0, 0.5, 1.0], bytes=True)[:, :3]
    array([[  0,   0, 128],
           [130, 255, 126],
           [128,   0,   0]], dtype=uint8)
    """
    from matplotlib.colors import ListedColormap

    return ListedColormap(_opencv_jet_rgb() / 255.0, name=OPENCV_JET)


DEFAULT_COLORMAP = "jet"


def get_colormap(colormap: ColormapLike | None) -> Colormap:
    """Resolve a colormap name or object.

    Parameters
    ----------
    colormap : str, matplotlib.colors.Colormap or None
        A name registered with matplotlib (``"jet"``, ``"viridis"``, ...),
        ``"opencv_jet"``, or a ``Colormap`` object, returned as it is;
        None means the default, ``"jet"``.

    Returns
    -------
    matplotlib.colors.Colormap

    Raises
    ------
    TypeError
        If `colormap` is neither a string nor a ``Colormap``.
    ValueError
        If no colormap has that name.

    Examples
    --------
    >>> get_colormap("viridis").N
    256
    >>> get_colormap("opencv_jet").name
    'opencv_jet'
    """
    from matplotlib import colormaps
    from matplotlib.colors import Colormap

    if isinstance(colormap, Colormap):
        return colormap
    if colormap is None:
        colormap = DEFAULT_COLORMAP
    if not isinstance(colormap, str):
        raise TypeError(
            f"colormap must be a colormap name or a matplotlib Colormap, got {colormap!r}"
        )
    if colormap == OPENCV_JET:
        return opencv_jet()
    try:
        return colormaps[colormap]
    except KeyError:
        raise ValueError(
            f"colormap {colormap!r} is not a matplotlib colormap nor {OPENCV_JET!r}; "
            "see matplotlib.colormaps for the names"
        ) from None


def _sample(cmap: Colormap) -> np.ndarray:
    table = np.empty((cmap.N + 1, 3), np.uint8)
    table[:-1] = cmap(np.arange(cmap.N), bytes=True)[:, :3]
    table[-1] = cmap(np.array([np.nan]), bytes=True)[0, :3]
    table.setflags(write=False)
    return table


@functools.lru_cache(maxsize=64)
def _named_table(name: str) -> np.ndarray:
    if name == OPENCV_JET:  # the stored colours and black for NaN, without importing matplotlib
        table = np.vstack([_opencv_jet_rgb(), np.zeros((1, 3), np.uint8)])
        table.setflags(write=False)
        return table
    return _sample(get_colormap(name))


def lookup_table(colormap: ColormapLike | None = DEFAULT_COLORMAP) -> np.ndarray:
    """A colormap sampled into an RGB lookup table.

    Tables of named colormaps are built once and cached (read-only);
    ``"opencv_jet"``'s is read from the package's data without importing
    matplotlib (the table :func:`opencv_jet` samples to). A
    ``Colormap`` object is sampled on every call: such objects can be
    changed in place (``set_bad``) and cannot be hashed, and sampling is
    only N + 1 look-ups.

    Parameters
    ----------
    colormap : str, matplotlib.colors.Colormap or None, default "jet"
        See :func:`get_colormap`.

    Returns
    -------
    ndarray, shape (N + 1, 3), uint8
        Rows ``0 .. N-1``: ``cmap(i, bytes=True)[:3]``; row ``N``: the
        colormap's "bad" colour (without its alpha).

    Raises
    ------
    TypeError, ValueError
        As :func:`get_colormap`.

    Examples
    --------
    >>> table = lookup_table("gray")
    >>> table.shape
    (257, 3)
    >>> table[[0, 1, 128, 255, 256]]
    array([[  0,   0,   0],
           [  1,   1,   1],
           [128, 128, 128],
           [255, 255, 255],
           [  0,   0,   0]], dtype=uint8)
    """
    if colormap is None or isinstance(colormap, str):
        return _named_table(colormap or DEFAULT_COLORMAP)
    return _sample(get_colormap(colormap))


def apply_colormap(
    values: ArrayLike, colormap: ColormapLike | None = DEFAULT_COLORMAP
) -> np.ndarray:
    """Colour values in [0, 1] through a colormap's lookup table.

    Value ``v`` takes table row ``min(floor(v * N), N - 1)``; NaN takes the
    "bad" colour. Values outside [0, 1] are clipped to the end colours.

    Parameters
    ----------
    values : array_like
        Normalised scores, any shape; a single number gives one colour of
        shape (3,), as matplotlib's ``cmap(0.5)`` gives one colour.
    colormap : str, matplotlib.colors.Colormap or None, default "jet"
        See :func:`get_colormap`.

    Returns
    -------
    ndarray, shape ``values.shape + (3,)``, uint8
        RGB colours, equal to ``cmap(values, bytes=True)[..., :3]`` for
        values in [0, 1] or NaN.

    Raises
    ------
    TypeError
        If `values` is not real-valued, or as :func:`get_colormap`.
    ValueError
        As :func:`get_colormap`.

    Examples
    --------
    >>> apply_colormap([[0.0, 0.5, 1.0], [0.999, np.nan, 1.5]], "gray")
    array([[[  0,   0,   0],
            [128, 128, 128],
            [255, 255, 255]],
    <BLANKLINE>
           [[255, 255, 255],
            [  0,   0,   0],
            [255, 255, 255]]], dtype=uint8)
    >>> apply_colormap(0.5, "gray")
    array([128, 128, 128], dtype=uint8)
    """
    table = lookup_table(colormap)
    array = _as_array(values, "values")
    index = quantize(array.reshape(-1), len(table) - 1).reshape(array.shape)
    if _engine.ENABLED:
        return colors_at(index, table)
    return table[index]
