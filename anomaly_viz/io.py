"""Reading images and anomaly maps, and writing outputs safely.

Every problem with a file is raised as :class:`FileProblem` (a
``ValueError``) whose message starts with the file's path, so that the
command line can print it as one line. Outputs are written to a temporary
file in the target folder and renamed into place: an interrupted run never
leaves a half-written file, and an older file of that name stays whole
until the new one is complete.
"""

from __future__ import annotations

import os
import tempfile
import warnings
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np

#: File extensions read as maps by NumPy (the rest go through imageio).
NUMPY_MAP_SUFFIXES = (".npy", ".npz")
#: File extensions taken for images when a folder is scanned.
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".gif", ".webp")

PathLike = str | os.PathLike


class FileProblem(ValueError):
    """A file that cannot be read or written, or is not what it should be."""

    def __init__(self, path: PathLike, problem: str) -> None:
        super().__init__(f"{os.fspath(path)}: {problem}")
        self.path = os.fspath(path)


def _describe(error: BaseException) -> str:
    if type(error).__name__ == "DecompressionBombError":
        return f"image is too large, refused by Pillow's decompression-bomb guard ({error})"
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0]}" if text else type(error).__name__


def _existing_file(path: PathLike) -> Path:
    path = Path(path)
    if not path.exists():
        raise FileProblem(path, "no such file")
    if path.is_dir():
        raise FileProblem(path, "is a folder, not a file")
    if not os.access(path, os.R_OK):
        raise FileProblem(path, "cannot be read (permission denied)")
    return path


def read_image(path: PathLike) -> np.ndarray:
    """Read an image file with imageio (PNG, JPEG, TIFF, BMP, ...).

    Parameters
    ----------
    path : str or path-like

    Returns
    -------
    ndarray
        uint8 as stored; 16-bit images as float64 in [0, 1] (divided by
        65535), so that every array returned is an image this package takes.

    Raises
    ------
    FileProblem
        If the file is missing, unreadable, corrupt, not an image, or too
        large for Pillow's decompression-bomb guard.

    Examples
    --------
    >>> import imageio.v3 as iio, tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> iio.imwrite(folder / "grey.png", np.array([[0, 255]], np.uint8))
    >>> read_image(folder / "grey.png")
    array([[  0, 255]], dtype=uint8)
    """
    import imageio.v3 as iio

    path = _existing_file(path)
    try:
        with warnings.catch_warnings():
            # imageio tries its vendored tifffile plugin first for TIFF and warns
            # that it is deprecated; Pillow then reads the file.
            warnings.filterwarnings("ignore", "ImageIO's vendored tifffile", DeprecationWarning)
            image = np.asarray(iio.imread(path, index=0))
    except Exception as error:  # imageio and Pillow raise many kinds
        raise FileProblem(path, f"cannot be read as an image ({_describe(error)})") from error
    if image.dtype == np.uint16:
        return image / 65535.0
    if image.dtype == np.bool_:
        return image.astype(np.uint8) * 255
    if image.dtype != np.uint8 and image.dtype.kind != "f":
        raise FileProblem(path, f"holds {image.dtype} pixels; uint8 or 16-bit images are read")
    return image


def _read_numpy(path: Path, key: str | None) -> np.ndarray:
    try:
        if path.suffix.lower() == ".npy":
            return np.load(path, mmap_mode="r", allow_pickle=False)  # read in place
        with np.load(path, allow_pickle=False) as archive:
            names = list(archive.keys())
            if key is None:
                if len(names) != 1:
                    raise FileProblem(
                        path, f"holds {len(names)} arrays {names}; choose one with --key"
                    )
                key = names[0]
            if key not in names:
                raise FileProblem(path, f"has no array {key!r}; it holds {names}")
            return archive[key]
    except FileProblem:
        raise
    except ValueError as error:
        if "pickle" in str(error) or "Python objects" in str(error):
            raise FileProblem(
                path, "holds pickled Python objects, which are never loaded (allow_pickle=False)"
            ) from error
        raise FileProblem(path, f"cannot be read as a NumPy file ({_describe(error)})") from error
    except Exception as error:
        raise FileProblem(path, f"cannot be read as a NumPy file ({_describe(error)})") from error


def _read_raw(path: Path, shape: tuple[int, ...], dtype: str) -> np.ndarray:
    try:
        dtype_ = np.dtype(dtype)
    except TypeError:
        raise FileProblem(path, f"unknown dtype {dtype!r} for a raw file") from None
    expected = int(np.prod(shape)) * dtype_.itemsize
    size = path.stat().st_size
    if size != expected:
        raise FileProblem(
            path,
            f"holds {size} bytes, but shape {tuple(shape)} of {dtype_} needs {expected}",
        )
    return np.memmap(path, dtype=dtype_, mode="r", shape=tuple(shape))


def read_map(
    path: PathLike,
    *,
    key: str | None = None,
    shape: tuple[int, ...] | None = None,
    dtype: str | None = None,
) -> np.ndarray:
    """Read an anomaly map from a file.

    =====================  ===================================================
    file                   read as
    =====================  ===================================================
    ``.npy``               ``np.load(allow_pickle=False, mmap_mode="r")``:
                           memory-mapped, read in place
    ``.npz``               its one array, or the array named `key`
    float TIFF             the values as stored
    8-/16-bit PNG, TIFF    scaled to [0, 1] (divided by 255 or 65535)
    raw binary             ``np.memmap`` with `shape` and `dtype` (any file
                           name): a map larger than memory is read in place
    =====================  ===================================================

    Parameters
    ----------
    path : str or path-like
    key : str, optional
        The array to take from an ``.npz`` file holding several.
    shape : tuple of int, optional
        With `dtype`: read the file as raw binary of this shape.
    dtype : str, optional
        With `shape`: the raw file's dtype, e.g. ``"float32"`` or ``"<f4"``.

    Returns
    -------
    ndarray
        The map (a read-only memory map for ``.npy`` and raw files).

    Raises
    ------
    FileProblem
        If the file is missing, unreadable, corrupt, pickled, of another
        size than `shape` and `dtype` say, or an image with colour.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> np.save(folder / "map.npy", np.array([[0.25, 0.5]], np.float32))
    >>> read_map(folder / "map.npy")
    memmap([[0.25, 0.5 ]], dtype=float32)
    >>> np.array([[1, 2, 3]], "<u2").tofile(folder / "map.raw")
    >>> read_map(folder / "map.raw", shape=(1, 3), dtype="<u2")
    memmap([[1, 2, 3]], dtype=uint16)
    """
    path = _existing_file(path)
    if (shape is None) != (dtype is None):
        raise FileProblem(path, "a raw map needs both --shape and --dtype")
    if shape is not None:
        return _read_raw(path, shape, dtype)  # type: ignore[arg-type]
    if path.suffix.lower() in NUMPY_MAP_SUFFIXES:
        return _read_numpy(path, key)
    image = read_image(path)
    if image.ndim == 3 and image.shape[2] == 1:
        image = image[..., 0]
    if image.ndim != 2:
        raise FileProblem(path, f"a map must have one channel, this image has shape {image.shape}")
    return image / 255.0 if image.dtype == np.uint8 else image


def check_not_an_input(output: PathLike, inputs: Iterable[PathLike]) -> None:
    """Refuse an output path that names one of the input files.

    Parameters
    ----------
    output : str or path-like
    inputs : iterable of path-like
        Compared after resolving symbolic links and ``..``.

    Returns
    -------
    None

    Raises
    ------
    FileProblem
        If `output` is one of `inputs`.

    Examples
    --------
    >>> check_not_an_input("out.png", ["photo.png", "map.npy"])
    >>> check_not_an_input("./photo.png", ["photo.png"])
    Traceback (most recent call last):
    ...
    anomaly_viz.io.FileProblem: ./photo.png: is also an input; refusing to overwrite it
    """
    target = os.path.realpath(output)
    for source in inputs:
        if os.path.realpath(source) == target:
            raise FileProblem(output, "is also an input; refusing to overwrite it")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _write_atomically(path: PathLike, write: Callable[[str], None]) -> Path:
    """Call ``write(temporary_path)``, then rename the file into `path`."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise FileProblem(path, f"its folder {os.fspath(folder)} does not exist")
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=path.suffix, dir=folder)
    os.close(handle)
    try:
        write(temporary)
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp makes 0600; use what open() would
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
    return path


def write_image(path: PathLike, image: np.ndarray, inputs: Iterable[PathLike] = ()) -> Path:
    """Write an image (format from the extension) without ever half-writing it.

    Parameters
    ----------
    path : str or path-like
        The output; its folder must exist.
    image : ndarray
        What imageio can write in that format (uint8 for PNG).
    inputs : iterable of path-like, optional
        Input files the output must not overwrite.

    Returns
    -------
    pathlib.Path
        `path`.

    Raises
    ------
    FileProblem
        If `path` is an input, its folder is missing, or the format cannot
        hold the image.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> write_image(folder / "out.png", np.zeros((2, 2, 3), np.uint8)).name
    'out.png'
    >>> sorted(p.name for p in folder.iterdir())  # no temporary file left
    ['out.png']
    """
    import imageio.v3 as iio

    check_not_an_input(path, inputs)
    suffix = Path(path).suffix.lower()

    def write(temporary: str) -> None:
        try:
            iio.imwrite(temporary, image, extension=suffix)
        except Exception as error:
            raise FileProblem(path, f"cannot be written ({_describe(error)})") from error

    return _write_atomically(path, write)


def write_text(path: PathLike, text: str, inputs: Iterable[PathLike] = ()) -> Path:
    """Write a text file (CSV, JSON) without ever half-writing it.

    Parameters
    ----------
    path : str or path-like
    text : str
    inputs : iterable of path-like, optional
        Input files the output must not overwrite.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    FileProblem
        If `path` is an input or its folder is missing.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> write_text(folder / "table.csv", "a,b\\n1,2\\n").read_text()
    'a,b\\n1,2\\n'
    """
    check_not_an_input(path, inputs)
    return _write_atomically(path, lambda temporary: Path(temporary).write_text(text))
