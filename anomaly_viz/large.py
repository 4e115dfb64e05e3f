"""Images larger than memory: read lazily, write to zarr, with a pyramid.

A whole-slide or wafer image of 10^9 pixels does not fit in memory twice.
:func:`read_lazy` opens it as a Dask array whose blocks are read from the
file only when they are computed (a tiled TIFF through tifffile's zarr
store, a zarr array, a ``.npy`` file mapped into memory); the package's
functions take that array and return lazy results (see
``anomaly_viz._dask``); :func:`write_zarr` computes a result block by
block into a chunked, compressed zarr store, with, on request, a pyramid of
halved levels for viewers that show a large image at any zoom (napari's
``add_image`` takes the list of levels as one multiscale image).

Dask, zarr and tifffile are the optional ``dask`` extra
(``pip install "anomaly_viz[dask]"``); this module imports them only when
a function is called.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from pathlib import Path
from typing import Any

import numpy as np

from .io import TEMPORARY_PREFIX, FileProblem, PathLike, existing_file

__all__ = ["pyramid_levels", "read_lazy", "write_zarr"]

INSTALL = 'pip install "anomaly_viz[dask]"'

#: Suffixes read lazily (anything else that read_image reads is read whole).
TIFF_SUFFIXES = (".tif", ".tiff")


def _need(module: str) -> Any:
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        raise ImportError(f"{module} is needed for large images: {INSTALL}") from None


def _zarr_level(node: Any) -> Any:
    """The full-resolution array of a zarr node: the array itself, or level "0" of a group."""
    if hasattr(node, "shape"):
        return node
    if "0" in node:
        return node["0"]
    raise ValueError("holds a zarr group without an array '0' (the full-resolution level)")


def read_lazy(path: PathLike, *, chunks: Any = "auto") -> Any:
    """An image or map as a Dask array whose blocks are read when computed.

    Parameters
    ----------
    path : str or path-like
        A TIFF (``.tif``, ``.tiff``; its first series, full resolution,
        read tile by tile through tifffile's zarr store), a zarr store
        (``.zarr``; an array, or level ``"0"`` of a pyramid that
        :func:`write_zarr` wrote), or a ``.npy`` file (mapped into memory).
        Any other image that :func:`~anomaly_viz.io.read_image` reads is
        read whole, then wrapped.
    chunks : int, tuple or "auto", default "auto"
        Dask's chunks; ``"auto"`` makes blocks of about Dask's
        ``array.chunk-size`` (128 MiB) made of whole chunks of the file.

    Returns
    -------
    dask.array.Array
        The pixels (or scores) as stored, colour axis last and in one chunk.

    Raises
    ------
    FileProblem
        If `path` is missing or is not such a file (one line naming it).
    ImportError
        If Dask (or zarr, tifffile for those files) is not installed.

    Examples
    --------
    >>> import tempfile, tifffile
    >>> path = Path(tempfile.mkdtemp()) / "slide.tif"
    >>> tifffile.imwrite(path, np.arange(48, dtype=np.uint8).reshape(4, 4, 3), tile=(16, 16))
    >>> image = read_lazy(path)
    >>> image.shape, image.dtype.name, type(image).__name__
    ((4, 4, 3), 'uint8', 'Array')
    >>> image[1, 2].compute()
    array([18, 19, 20], dtype=uint8)
    """
    da = _need("dask.array")
    source = Path(path)
    suffix = source.suffix.lower()
    if suffix == ".zarr":
        if not source.is_dir():
            raise FileProblem(source, "does not exist or is not a zarr store (a folder)")
        zarr = _need("zarr")
        try:
            array = _zarr_level(zarr.open(str(source), mode="r"))
        except ValueError as error:
            raise FileProblem(source, str(error)) from None
        except Exception as error:  # zarr's many errors for what is not a store
            raise FileProblem(source, f"cannot be read as zarr ({error})") from None
        lazy = da.from_zarr(array, chunks=chunks)
    elif suffix in TIFF_SUFFIXES:
        lazy = _read_tiff(existing_file(source).absolute(), chunks)  # for any worker
    elif suffix == ".npy":
        existing_file(source)
        try:
            mapped = np.load(source, mmap_mode="r", allow_pickle=False)
        except (OSError, ValueError) as error:
            raise FileProblem(source, f"cannot be read as a .npy file ({error})") from None
        lazy = da.from_array(mapped, chunks=chunks)
    else:
        from .io import read_image

        lazy = da.from_array(read_image(source), chunks=chunks)
    return lazy.rechunk({2: -1}) if lazy.ndim == 3 else lazy


def _read_tiff(source: Path, chunks: Any) -> Any:
    """A TIFF's first series as a Dask array, each block read through a store of its own.

    Every block opens the file, reads its window through tifffile's zarr
    store (only the tiles it covers) and closes it: no file stays open, and
    the array can be sent to other processes (a cluster's workers).
    """
    da = _need("dask.array")
    tifffile, zarr = _need("tifffile"), _need("zarr")

    def window(region: tuple[slice, ...]) -> np.ndarray:
        with tifffile.imread(source, aszarr=True) as store:
            return np.asarray(_zarr_level(zarr.open(store, mode="r"))[region])

    try:
        with tifffile.imread(source, aszarr=True) as store:
            array = _zarr_level(zarr.open(store, mode="r"))
            shape, dtype, stored = array.shape, array.dtype, array.chunks
    except Exception as error:  # tifffile's and zarr's errors for a bad file
        raise FileProblem(source, f"cannot be read as a TIFF ({error})") from None
    blocks = da.core.normalize_chunks(chunks, shape, dtype=dtype, previous_chunks=stored)

    def block(block_info: dict[Any, Any] | None = None) -> np.ndarray:
        assert block_info is not None  # map_blocks gives it
        location = block_info[None]["array-location"]
        return window(tuple(slice(start, stop) for start, stop in location))

    return da.map_blocks(block, chunks=blocks, dtype=dtype, meta=np.empty((0,) * len(shape), dtype))


def pyramid_levels(image: Any, *, smallest: int = 512) -> list[Any]:
    """The image, then halved again and again until its longer side is at most `smallest`.

    Each level's pixel is the mean of a 2 x 2 block of the level before,
    rounded half up (``(a + b + c + d + 2) // 4`` for integers); a last
    odd row or column is left out, as a viewer's pyramid does.

    Parameters
    ----------
    image : dask.array.Array or ndarray, shape (H, W) or (H, W, C)
        Integers or floats.
    smallest : int, default 512

    Returns
    -------
    list of dask.array.Array
        Level 0 (the image) first.

    Raises
    ------
    ValueError
        If `smallest` is less than 1.

    Examples
    --------
    >>> levels = pyramid_levels(np.arange(16, dtype=np.uint8).reshape(4, 4), smallest=1)
    >>> [level.shape for level in levels]
    [(4, 4), (2, 2), (1, 1)]
    >>> levels[1].compute()
    array([[ 3,  5],
           [11, 13]], dtype=uint8)
    """
    da = _need("dask.array")
    if isinstance(smallest, bool) or not isinstance(smallest, int) or smallest < 1:
        raise ValueError(f"smallest must be a whole number of at least 1, got {smallest!r}")
    level = image if type(image).__module__.startswith("dask") else da.from_array(image)
    levels = [level]
    while _halves(level, smallest):
        level = _halved(level)
        levels.append(level)
    return levels


def _halves(level: Any, smallest: int = 512) -> bool:
    """Whether a pyramid goes on below `level`: its longer side above `smallest`, both >= 2."""
    return max(level.shape[:2]) > smallest and min(level.shape[:2]) >= 2


def _halved(level: Any) -> Any:
    """One level down: even rows and columns kept, in chunks of even sides, each halved."""
    da = _need("dask.array")
    height, width = (size - size % 2 for size in level.shape[:2])
    even = {axis: level.chunksize[axis] + level.chunksize[axis] % 2 for axis in (0, 1)}
    trimmed = level[:height, :width].rechunk(even)
    chunks = (
        tuple(size // 2 for size in trimmed.chunks[0]),
        tuple(size // 2 for size in trimmed.chunks[1]),
        *trimmed.chunks[2:],
    )
    return da.map_blocks(_half, trimmed, chunks=chunks, dtype=level.dtype)


def _half(block: np.ndarray) -> np.ndarray:
    """The mean of each 2 x 2 block of pixels, rounded half up for integers."""
    quads = block.reshape(block.shape[0] // 2, 2, block.shape[1] // 2, 2, *block.shape[2:])
    if block.dtype.kind == "f":
        return quads.mean(axis=(1, 3), dtype=block.dtype)
    total = quads.sum(axis=(1, 3), dtype=np.int64)
    return ((total + 2) // 4).astype(block.dtype)


def write_zarr(
    image: Any,
    path: PathLike,
    *,
    pyramid: bool = False,
    attributes: dict[str, Any] | None = None,
) -> Path:
    """Compute `image` block by block into a zarr store at `path`, whole or not at all.

    The store is a zarr group: the image is its array ``"0"`` (chunked as
    the Dask array, compressed with zarr's default codec); with `pyramid`,
    arrays ``"1"``, ``"2"``, ... hold :func:`pyramid_levels`. The store is
    written under a hidden temporary name beside `path` and renamed into
    place when complete, so that a failed or interrupted run leaves no
    half-written store (an existing store at `path` is replaced).

    Parameters
    ----------
    image : dask.array.Array or ndarray
        Computed now, with Dask's current scheduler (a ``distributed``
        client, if one is active).
    path : str or path-like
        The store, a folder whose name ends in ``.zarr``.
    pyramid : bool, default False
        Also write the halved levels.
    attributes : dict, optional
        JSON-serialisable facts stored in the group's attributes under
        ``"anomaly_viz"`` (the command line stores its provenance there).

    Returns
    -------
    Path
        `path`.

    Raises
    ------
    ValueError
        If `path` does not end in ``.zarr``.
    FileProblem
        If the store cannot be written (one line naming `path`).

    Examples
    --------
    >>> import tempfile, zarr
    >>> path = Path(tempfile.mkdtemp()) / "out.zarr"
    >>> picture = np.full((600, 700, 3), 200, np.uint8)
    >>> write_zarr(picture, path, pyramid=True).name
    'out.zarr'
    >>> store = zarr.open_group(path, mode="r")
    >>> [store[name].shape for name in sorted(store.array_keys())]
    [(600, 700, 3), (300, 350, 3)]
    >>> read_lazy(path)[0, 0].compute()
    array([200, 200, 200], dtype=uint8)
    """
    da, zarr = _need("dask.array"), _need("zarr")
    target = Path(path)
    if target.suffix.lower() != ".zarr":
        raise ValueError(f"path must name a zarr store ending in .zarr, got {str(path)!r}")
    if target.exists() and not target.is_dir():
        raise FileProblem(target, "exists and is not a zarr store (a folder)")
    level = image if type(image).__module__.startswith("dask") else da.from_array(image)
    temporary = target.absolute().parent / f"{TEMPORARY_PREFIX}{uuid.uuid4().hex}{target.name}"
    try:
        group = zarr.open_group(str(temporary), mode="w")
        group.attrs["anomaly_viz"] = json.loads(json.dumps(attributes or {}))
        da.to_zarr(level, str(temporary), component="0", overwrite=True)
        count = 1
        # each level from the one just written (read back, a quarter of the work
        # each time), never by computing the image again
        written = da.from_zarr(str(temporary), component="0")
        while pyramid and _halves(written):
            da.to_zarr(_halved(written), str(temporary), component=str(count), overwrite=True)
            written = da.from_zarr(str(temporary), component=str(count))
            count += 1
        group.attrs["levels"] = [str(index) for index in range(count)]
        _replace(temporary, target)
    except OSError as error:
        raise FileProblem(target, f"cannot be written ({error.strerror or error})") from None
    finally:
        shutil.rmtree(temporary, ignore_errors=True)
    return target


def _replace(temporary: Path, target: Path) -> None:
    """Rename the finished store into place, replacing an older one there."""
    if not target.exists():
        os.replace(temporary, target)
        return
    old = target.parent / f"{TEMPORARY_PREFIX}{uuid.uuid4().hex}{target.name}"
    os.replace(target, old)
    os.replace(temporary, target)
    shutil.rmtree(old, ignore_errors=True)
