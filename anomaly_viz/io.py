"""Reading images and anomaly maps, and writing outputs safely.

Every problem with a file is raised as :class:`FileProblem` (a
``ValueError``) whose message starts with the user's path, so that the
command line can print it as one line.

Reading. Only regular files are read: a folder, a broken symbolic link, a
named pipe (FIFO) or a device is refused with its own message, never waited
on. Images are read through Pillow as a photo viewer shows them (EXIF
orientation applied, CMYK and palette images as RGB). A file whose decoded
size is not its size on disk (an image, an ``.npz`` archive) is checked
against a pixel limit, :data:`MAX_PIXELS` unless `max_pixels` says
otherwise, from its header and before anything is decoded, so that a small
file declaring a huge image (a "decompression bomb") is refused at once.
``.npy`` and raw maps are memory-mapped: read in place, their size on disk
is their size, and they are not limited.

Writing. Outputs are written to a temporary file in the target folder,
named with :data:`TEMPORARY_PREFIX`, and renamed into place: an interrupted
run never leaves a half-written file, an older file of that name stays
whole until the new one is complete, and a temporary file left by a killed
run is hidden and never taken for an input. A new file gets the permissions
``open()`` would give it (0o666 less the umask, which is never changed); an
overwritten file keeps its permissions. 8-bit PNGs (grey, grey + alpha, RGB,
RGBA) are encoded by the package's own lossless writer (the Sub row filter,
zlib level 1 with the run-length strategy; several times faster than
Pillow's defaults), every other image by imageio.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import stat
import threading
import warnings
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import numpy as np

from . import _png

if TYPE_CHECKING:
    from PIL import Image

__all__ = [
    "IMAGE_SUFFIXES",
    "MAX_PIXELS",
    "NUMPY_MAP_SUFFIXES",
    "RAW_MAP_SUFFIXES",
    "TEMPORARY_PREFIX",
    "FileProblem",
    "check_not_an_input",
    "check_output_file",
    "existing_file",
    "read_image",
    "read_map",
    "write_image",
    "write_text",
]

#: File extensions read as maps by NumPy (the rest are read as images).
NUMPY_MAP_SUFFIXES = (".npy", ".npz")
#: File extensions of raw binary maps when a folder is scanned (need a shape and dtype).
RAW_MAP_SUFFIXES = (".raw", ".bin")
#: File extensions taken for images when a folder is scanned.
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".gif", ".webp")
#: Largest image (width x height) or ``.npz`` array (number of values) read
#: unless `max_pixels` says otherwise: Pillow's own default limit,
#: ``PIL.Image.MAX_IMAGE_PIXELS`` (2**30 // 12, about 89.5 million pixels,
#: e.g. 9459 x 9459).
MAX_PIXELS = 89_478_485
#: Start of the names of the temporary files outputs are written to (a
#: hidden name: folder scans skip every name starting with a dot).
TEMPORARY_PREFIX = ".anomaly-viz-tmp-"

#: A file or folder: a ``str`` or an ``os.PathLike`` (such as ``pathlib.Path``).
PathLike = str | os.PathLike

_NUMPY_MAGIC = b"\x93NUMPY"
_ZIP_MAGIC = b"PK\x03\x04"
_TIFF_MAGICS = (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")
# Grey and colour modes of Pillow read as they are; the other modes are
# converted as a photo viewer shows them ("P", a palette, depends on transparency).
_KEPT_MODES = ("L", "RGB", "RGBA", "I;16", "I;16L", "I;16B", "I;16N", "F", "I")
_CONVERTED_MODES = {
    "1": "L",
    "LA": "RGBA",
    "PA": "RGBA",
    "RGBa": "RGBA",
    "RGBX": "RGB",
    "CMYK": "RGB",
    "YCbCr": "RGB",
    "LAB": "RGB",
    "HSV": "RGB",
}
# Pillow's guard is process-wide; reads that raise it do so one at a time.
_PILLOW_LIMIT_LOCK = threading.Lock()


class FileProblem(ValueError):
    """A file that cannot be read or written, or is not what it should be.

    Parameters
    ----------
    path : str or path-like
        The user's path, which starts the message.
    problem : str
        What is wrong with it.

    Examples
    --------
    >>> str(FileProblem("map.npy", "no such file"))
    'map.npy: no such file'
    """

    def __init__(self, path: PathLike, problem: str) -> None:
        super().__init__(f"{os.fspath(path)}: {problem}")
        self.path = os.fspath(path)


def _describe(error: BaseException) -> str:
    """One line for an error, without a file name (an OSError's own reason)."""
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0]}" if text else type(error).__name__


def _check_max_pixels(max_pixels: int) -> int:
    if isinstance(max_pixels, bool) or not isinstance(max_pixels, int | np.integer):
        raise TypeError(f"max_pixels must be an integer, got {type(max_pixels).__name__}")
    if max_pixels < 1:
        raise ValueError(f"max_pixels must be at least 1, got {max_pixels}")
    return int(max_pixels)


def _too_large(what: str, count: int, limit: int, unit: str = "pixels") -> str:
    return (
        f"{what} ({count:,} {unit}), more than the limit of {limit:,}; refused unread as a "
        "possible decompression bomb (for a trusted file raise --max-pixels, max_pixels in Python)"
    )


_FILE_KINDS = {
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
}


def existing_file(path: PathLike) -> Path:
    """`path` as a Path if it names a readable regular file.

    Parameters
    ----------
    path : str or path-like

    Returns
    -------
    pathlib.Path

    Raises
    ------
    FileProblem
        If the file is missing, a broken symbolic link, a folder, a pipe or
        device (never waited on), or cannot be read.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> (folder / "map.npy").write_bytes(b"")
    0
    >>> existing_file(folder / "map.npy").name
    'map.npy'
    >>> existing_file(folder)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    anomaly_viz.io.FileProblem: ...: is a folder, not a file
    """
    path = Path(path)
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        if path.is_symlink():
            raise FileProblem(path, f"is a broken symbolic link (to {os.readlink(path)})") from None
        raise FileProblem(path, "no such file") from None
    except OSError as error:  # a loop of links, a folder that cannot be searched
        raise FileProblem(path, f"cannot be read ({_describe(error)})") from None
    if stat.S_ISDIR(mode):
        raise FileProblem(path, "is a folder, not a file")
    if not stat.S_ISREG(mode):
        kind = _FILE_KINDS.get(stat.S_IFMT(mode), "not a regular file")
        raise FileProblem(path, f"is {kind}, not a regular file; refusing to read it")
    if not os.access(path, os.R_OK):
        raise FileProblem(path, "cannot be read (permission denied)")
    return path


def _magic(path: Path) -> bytes:
    with open(path, "rb") as handle:
        return handle.read(8)


# ------------------------------------------------------------------ images


@contextlib.contextmanager
def _pillow_allows(limit: int) -> Iterator[None]:
    """Let Pillow's own guard accept images up to `limit` pixels while reading.

    Pillow warns above ``PIL.Image.MAX_IMAGE_PIXELS`` and refuses above twice
    that; the warning is silenced (this module checks the size itself) and,
    only when `limit` is larger, the process-wide setting is raised for the
    read and restored after it.
    """
    from PIL import Image

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        pillow_limit = Image.MAX_IMAGE_PIXELS
        if pillow_limit is None or pillow_limit >= limit:
            yield
            return
        with _PILLOW_LIMIT_LOCK:
            saved = Image.MAX_IMAGE_PIXELS
            Image.MAX_IMAGE_PIXELS = limit if saved is not None else None
            try:
                yield
            finally:
                Image.MAX_IMAGE_PIXELS = saved


def _refused_by_pillow(error: Exception, limit: int) -> str:
    declared = re.search(r"\((\d+) pixels\)", str(error))
    if declared is None:
        return f"is larger than the limit of {limit:,} pixels ({_describe(error)})"
    return _too_large("declares an image", int(declared.group(1)), limit)


def _viewer_pixels(picture: Image.Image) -> np.ndarray:
    """The pixels of an opened Pillow image as a photo viewer shows them."""
    from PIL import ImageOps

    ImageOps.exif_transpose(picture, in_place=True)
    mode = picture.mode
    if mode == "P":
        picture = picture.convert("RGBA" if "transparency" in picture.info else "RGB")
    elif mode in _CONVERTED_MODES:
        picture = picture.convert(_CONVERTED_MODES[mode])
    elif mode not in _KEPT_MODES:
        raise ValueError(f"Pillow mode {mode!r} is not read")
    pixels = np.array(picture)  # a writeable copy
    if pixels.dtype.kind == "u" and not pixels.dtype.isnative:  # "I;16B"
        pixels = pixels.astype(pixels.dtype.newbyteorder("="))
    return pixels


def _read_pillow(path: Path, limit: int) -> np.ndarray:
    from PIL import Image

    with _pillow_allows(limit):
        try:
            with Image.open(path) as picture:
                width, height = picture.size
                if width * height > limit:
                    raise FileProblem(
                        path,
                        _too_large(f"declares {width} x {height} pixels", width * height, limit),
                    )
                return _viewer_pixels(picture)
        except Image.DecompressionBombError as error:
            raise FileProblem(path, _refused_by_pillow(error, limit)) from None


def _read_tifffile(path: Path, limit: int) -> np.ndarray:
    """A TIFF Pillow cannot decode (float64, multi-channel float), with tifffile."""
    try:
        import tifffile
    except ImportError:
        raise FileProblem(
            path,
            "cannot be read as an image (Pillow cannot decode this TIFF; float64 and "
            "multi-channel float TIFFs are read with the tifffile package, not installed)",
        ) from None
    with tifffile.TiffFile(path) as tiff:
        page = tiff.pages[0]
        width, height, depth = page.imagewidth, page.imagelength, max(1, page.imagedepth)
        if width * height * depth > limit:
            size = f"{width} x {height}" + (f" x {depth}" if depth > 1 else "")
            count = width * height * depth
            raise FileProblem(path, _too_large(f"declares {size} pixels", count, limit))
        if page.samplesperpixel > 4:
            raise FileProblem(path, f"has {page.samplesperpixel} samples per pixel; at most 4")
        return np.asarray(page.asarray())


def _image_pixels(path: Path, limit: int) -> np.ndarray:
    from PIL import UnidentifiedImageError

    try:
        return _read_pillow(path, limit)
    except UnidentifiedImageError:
        if _magic(path)[:4] not in _TIFF_MAGICS:
            raise
    return _read_tifffile(path, limit)


def read_image(path: PathLike, *, max_pixels: int = MAX_PIXELS) -> np.ndarray:
    """Read an image file as a photo viewer shows it (PNG, JPEG, TIFF, BMP, ...).

    The image is read with Pillow: its EXIF orientation is applied; CMYK,
    YCbCr and LAB images are converted to RGB, palette images to RGB
    (RGBA if they have transparency), grey + alpha to RGBA (the grey
    repeated), 1-bit images to 0/255. Only the first frame of an animation
    or the first page of a multi-page TIFF is read. A TIFF that Pillow
    cannot decode (float64, multi-channel float) is read with the tifffile
    package when it is installed.

    Parameters
    ----------
    path : str or path-like
    max_pixels : int, optional
        Refuse an image of more pixels (width x height), from its header,
        before decoding it. Default :data:`MAX_PIXELS`. A larger value than
        Pillow's own ``PIL.Image.MAX_IMAGE_PIXELS`` raises that process-wide
        setting for the read (one such read at a time) and restores it after.

    Returns
    -------
    ndarray
        (H, W) grey, (H, W, 3) RGB or (H, W, 4) RGBA; uint8, or uint16 for
        16-bit images (unchanged, 0-65535), or float as stored for float
        TIFFs.

    Raises
    ------
    FileProblem
        If the file is missing, not a regular file, unreadable, corrupt, not
        an image, of more than `max_pixels` pixels, or of 32-bit integers.
    TypeError
        If `max_pixels` is not an integer.
    ValueError
        If `max_pixels` is less than 1.

    Examples
    --------
    >>> import imageio.v3 as iio, tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> iio.imwrite(folder / "grey.png", np.array([[0, 255]], np.uint8))
    >>> read_image(folder / "grey.png")
    array([[  0, 255]], dtype=uint8)
    >>> iio.imwrite(folder / "deep.png", np.array([[0, 300, 65535]], np.uint16))
    >>> read_image(folder / "deep.png")
    array([[    0,   300, 65535]], dtype=uint16)
    >>> read_image(folder / "deep.png", max_pixels=2)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    anomaly_viz.io.FileProblem: ...deep.png: declares 3 x 1 pixels (3 pixels), more than ...
    """
    path = existing_file(path)
    limit = _check_max_pixels(max_pixels)
    try:
        image = _image_pixels(path, limit)
    except (FileProblem, MemoryError):
        raise
    except Exception as error:  # Pillow and tifffile raise many kinds
        raise FileProblem(path, f"cannot be read as an image ({_describe(error)})") from error
    if image.dtype == np.bool_:
        return image.astype(np.uint8) * np.uint8(255)
    if image.dtype not in (np.uint8, np.uint16) and image.dtype.kind != "f":
        raise FileProblem(path, f"holds {image.dtype} pixels; 8-, 16-bit or float images are read")
    return image


# -------------------------------------------------------------------- maps


def _check_numbers(path: Path, dtype: np.dtype) -> None:
    if dtype.kind == "O":
        raise FileProblem(
            path, "holds pickled Python objects, which are never loaded (allow_pickle=False)"
        )
    if dtype.kind not in "biufc" or dtype.shape:
        raise FileProblem(path, f"holds {dtype} values; a map is an array of numbers")


def _read_npy(path: Path) -> np.ndarray:
    try:
        scores = np.load(path, mmap_mode="r", allow_pickle=False)  # read in place
    except ValueError as error:
        if "pickle" in str(error) or "Python objects" in str(error):
            raise FileProblem(
                path, "holds pickled Python objects, which are never loaded (allow_pickle=False)"
            ) from error
        raise FileProblem(path, f"cannot be read as a NumPy file ({_describe(error)})") from error
    _check_numbers(path, scores.dtype)
    return scores


def _npz_member(path: Path, archive: zipfile.ZipFile, key: str | None) -> str:
    names = [name[: -len(".npy")] for name in archive.namelist() if name.endswith(".npy")]
    if key is None:
        if len(names) != 1:
            raise FileProblem(path, f"holds {len(names)} arrays {names}; choose one with --key")
        key = names[0]
    if key not in names:
        raise FileProblem(path, f"has no array {key!r}; it holds {names}")
    return f"{key}.npy"


def _check_npy_header(path: Path, stream: IO[bytes], limit: int) -> None:
    """Check the shape and dtype an .npy stream declares, before its data is read."""
    from numpy.lib import format as npy_format

    version = npy_format.read_magic(stream)
    if version == (1, 0):
        shape, _, dtype = npy_format.read_array_header_1_0(stream)
    elif version == (2, 0):
        shape, _, dtype = npy_format.read_array_header_2_0(stream)
    else:  # 3.0 is only for structured arrays with non-Latin-1 field names
        raise FileProblem(path, f"uses .npy format {version}; a map is an array of numbers")
    _check_numbers(path, dtype)
    count = math.prod(shape)
    if count > limit:
        raise FileProblem(
            path, _too_large(f"declares an array of shape {shape}", count, limit, "values")
        )


def _read_npz(path: Path, key: str | None, limit: int) -> np.ndarray:
    from numpy.lib import format as npy_format

    with zipfile.ZipFile(path) as archive:
        member = _npz_member(path, archive, key)
        with archive.open(member) as stream:
            _check_npy_header(path, stream, limit)
        with archive.open(member) as stream:
            return npy_format.read_array(stream, allow_pickle=False)


def _read_numpy(path: Path, key: str | None, limit: int) -> np.ndarray:
    magic = _magic(path)
    is_npz = path.suffix.lower() == ".npz"
    if not is_npz and magic.startswith(_ZIP_MAGIC):
        raise FileProblem(path, "is an .npz archive (a zip file), not an .npy file; rename it")
    if is_npz and magic.startswith(_NUMPY_MAGIC):
        raise FileProblem(path, "is an .npy file, not an .npz archive; rename it")
    try:
        return _read_npz(path, key, limit) if is_npz else _read_npy(path)
    except (FileProblem, MemoryError):
        raise
    except Exception as error:
        raise FileProblem(path, f"cannot be read as a NumPy file ({_describe(error)})") from error


def _read_raw(path: Path, shape: tuple[int, ...], dtype: str) -> np.ndarray:
    try:
        dtype_ = np.dtype(dtype)
    except TypeError:
        raise FileProblem(path, f"unknown dtype {dtype!r} for a raw file") from None
    _check_numbers(path, dtype_)
    expected = math.prod(shape) * dtype_.itemsize  # Python integers: no overflow
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
    max_pixels: int = MAX_PIXELS,
) -> np.ndarray:
    """Read an anomaly map from a file.

    =====================  ===================================================
    file                   read as
    =====================  ===================================================
    ``.npy``               ``np.load(allow_pickle=False, mmap_mode="r")``:
                           memory-mapped, read in place, not limited
    ``.npz``               its one array, or the array named `key`
    float TIFF             the values as stored (float64 TIFFs with the
                           tifffile package, when installed)
    8-/16-bit PNG, TIFF    scaled to [0, 1] (divided by 255 or 65535)
    raw binary             ``np.memmap`` with `shape` and `dtype` (any file
                           name): read in place, not limited
    =====================  ===================================================

    Images are read by :func:`read_image` (EXIF orientation applied). An
    ``.npz`` archive named ``.npy`` (or the other way round) is refused, as
    is a ``.raw`` or ``.bin`` file without `shape` and `dtype`.

    Parameters
    ----------
    path : str or path-like
    key : str, optional
        The array to take from an ``.npz`` file holding several.
    shape : tuple of int, optional
        With `dtype`: read the file as raw binary of this shape.
    dtype : str, optional
        With `shape`: the raw file's dtype, e.g. ``"float32"`` or ``"<f4"``.
    max_pixels : int, optional
        Refuse an image of more pixels, or an ``.npz`` array of more values,
        from its header, before decoding it. Default :data:`MAX_PIXELS`.

    Returns
    -------
    ndarray
        The map, as stored (any number of dimensions); a read-only memory
        map for ``.npy`` and raw files.

    Raises
    ------
    FileProblem
        If the file is missing, not a regular file, unreadable, corrupt,
        pickled, not numbers, too large, of another size than `shape` and
        `dtype` say, or an image with colour.
    TypeError
        If `max_pixels` is not an integer.
    ValueError
        If `max_pixels` is less than 1.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> np.save(folder / "map.npy", np.array([[0.25, 0.5]], np.float32))
    >>> read_map(folder / "map.npy")
    memmap([[0.25, 0.5 ]], dtype=float32)
    >>> np.savez(folder / "maps.npz", a=np.zeros((2, 3)), b=np.ones((2, 2)))
    >>> read_map(folder / "maps.npz", key="b")
    array([[1., 1.],
           [1., 1.]])
    >>> read_map(folder / "maps.npz", key="a", max_pixels=5)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    anomaly_viz.io.FileProblem: ...maps.npz: declares an array of shape (2, 3) (6 values), ...
    >>> np.array([[1, 2, 3]], "<u2").tofile(folder / "map.raw")
    >>> read_map(folder / "map.raw", shape=(1, 3), dtype="<u2")
    memmap([[1, 2, 3]], dtype=uint16)
    """
    path = existing_file(path)
    limit = _check_max_pixels(max_pixels)
    if (shape is None) != (dtype is None) or (
        shape is None and path.suffix.lower() in RAW_MAP_SUFFIXES
    ):
        raise FileProblem(path, "a raw map needs both --shape and --dtype")
    if shape is not None:
        return _read_raw(path, shape, dtype)  # type: ignore[arg-type]
    if path.suffix.lower() in NUMPY_MAP_SUFFIXES:
        return _read_numpy(path, key, limit)
    image = read_image(path, max_pixels=limit)
    if image.ndim == 3 and image.shape[2] == 1:
        image = image[..., 0]
    if image.ndim != 2:
        raise FileProblem(path, f"a map must have one channel, this image has shape {image.shape}")
    if image.dtype == np.uint8:
        return image / 255.0
    if image.dtype == np.uint16:
        return image / 65535.0
    return image


# ----------------------------------------------------------------- writing


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


def check_output_file(path: PathLike, *, needs_extension: bool = True) -> Path:
    """Refuse an output path that is a folder, or has no extension to name its format.

    Parameters
    ----------
    path : str or path-like
    needs_extension : bool, optional
        Whether the name must end in an extension such as ``.png``.

    Returns
    -------
    pathlib.Path
        `path`.

    Raises
    ------
    FileProblem
        If `path` is an existing folder, its folder does not exist, or it has
        no extension (when `needs_extension`).

    Examples
    --------
    >>> check_output_file("overlay.png").name
    'overlay.png'
    >>> check_output_file("overlay")
    Traceback (most recent call last):
    ...
    anomaly_viz.io.FileProblem: overlay: has no extension to name its format, e.g. overlay.png
    """
    path = Path(path)
    if path.is_dir():
        raise FileProblem(path, "is a folder; the output must be a file name, e.g. out.png")
    if needs_extension and not path.suffix:
        raise FileProblem(path, f"has no extension to name its format, e.g. {path.name}.png")
    folder = path.parent
    if not folder.is_dir():
        raise FileProblem(path, f"its folder {os.fspath(folder)} does not exist")
    return path


def _new_temporary(folder: Path, name: str) -> Path:
    """Create an empty file for `name` in `folder`; the kernel applies the umask."""
    stem, suffix = os.path.splitext(name)
    while True:
        token = os.urandom(4).hex()  # not the secrets module: it costs 20 ms of start-up
        temporary = folder / f"{TEMPORARY_PREFIX}{token}-{stem[:64]}{suffix[:16]}"
        try:
            os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        except FileExistsError:
            continue
        return temporary


def _permissions_to_keep(path: Path) -> int | None:
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return None


def _write_atomically(path: PathLike, write: Callable[[str], None]) -> Path:
    """Call ``write(temporary_path)``, then rename the file into `path`."""
    path = check_output_file(path, needs_extension=False)
    permissions = _permissions_to_keep(path)
    temporary: Path | None = None
    try:
        temporary = _new_temporary(path.parent, path.name)
        write(os.fspath(temporary))
        if permissions is not None:
            os.chmod(temporary, permissions)
        os.replace(temporary, path)
        temporary = None
    except MemoryError:
        raise
    except Exception as error:  # imageio and Pillow raise many kinds
        reason = _describe(error)
        if temporary is not None:  # never show the temporary name
            reason = reason.replace(os.fspath(temporary), os.fspath(path))
            reason = reason.replace(temporary.name, path.name)
        raise FileProblem(path, f"cannot be written ({reason})") from error
    finally:  # also on KeyboardInterrupt and the command line's SIGTERM
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
    return path


def _encode(temporary: str, image: np.ndarray, suffix: str, **options: Any) -> None:
    """Write `image` into the file `temporary` in the format of `suffix`.

    8-bit PNGs (grey, grey + alpha, RGB, RGBA) are written by the package's
    own writer, :mod:`anomaly_viz._png`; everything else by imageio, with
    `options` (the JPEG quality).
    """
    if suffix == ".png" and _png.supports(image):
        with open(temporary, "wb") as handle:
            _png.write_png(handle, image, text=options.get("text"))
        return
    import imageio.v3 as iio

    iio.imwrite(temporary, image, extension=suffix, **options)


def write_image(
    path: PathLike,
    image: np.ndarray,
    inputs: Iterable[PathLike] = (),
    *,
    quality: int | None = None,
    text: Mapping[str, str] | None = None,
) -> Path:
    """Write an image (format from the extension) without ever half-writing it.

    Parameters
    ----------
    path : str or path-like
        The output; its folder must exist.
    image : ndarray
        What imageio can write in that format (uint8 for PNG).
    inputs : iterable of path-like, optional
        Input files the output must not overwrite.
    quality : int, optional
        JPEG only (``.jpg`` or ``.jpeg``): the quality, 1 (smallest file) to
        95 (best); default the writer's own (Pillow's 75).
    text : mapping of str to str, optional
        8-bit PNG only: text chunks (keyword to text), e.g. how the picture
        was made; a viewer's "properties" or ``PIL.Image.open(path).info``
        shows them.

    Returns
    -------
    pathlib.Path
        `path`.

    Raises
    ------
    FileProblem
        If `path` is an input or a folder, has no extension, its folder is
        missing, or the format cannot hold the image, or the disk is full.
    TypeError
        If `quality` is not a whole number.
    ValueError
        If `quality` is outside 1-95 or given for a format other than JPEG,
        or `text` is given for anything but an 8-bit PNG, or a key of `text`
        is not a PNG keyword (1-79 printable Latin-1 characters).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> write_image(folder / "out.png", np.zeros((2, 2, 3), np.uint8)).name
    'out.png'
    >>> sorted(p.name for p in folder.iterdir())  # no temporary file left
    ['out.png']
    >>> picture = np.random.default_rng(0).integers(0, 256, (64, 64, 3), np.uint8)
    >>> small = write_image(folder / "small.jpg", picture, quality=20).stat().st_size
    >>> large = write_image(folder / "large.jpg", picture, quality=95).stat().st_size
    >>> small < large
    True
    >>> write_image(folder / "out.png", picture, quality=90)
    Traceback (most recent call last):
    ...
    ValueError: quality is for JPEG files (.jpg, .jpeg), not .png
    >>> from PIL import Image
    >>> path = write_image(folder / "noted.png", picture, text={"Software": "anomaly_viz"})
    >>> with Image.open(path) as written:
    ...     written.info
    {'Software': 'anomaly_viz'}
    """
    check_not_an_input(path, inputs)
    suffix = check_output_file(path).suffix.lower()
    options: dict[str, Any] = {}
    if quality is not None:
        if isinstance(quality, bool) or not isinstance(quality, int):
            raise TypeError(f"quality must be a whole number from 1 to 95, got {quality!r}")
        if suffix not in (".jpg", ".jpeg"):
            raise ValueError(f"quality is for JPEG files (.jpg, .jpeg), not {suffix}")
        if not 1 <= quality <= 95:
            raise ValueError(f"quality must lie in 1-95, got {quality}")
        options["quality"] = quality
    if text is not None:
        if suffix != ".png" or not _png.supports(image):
            raise ValueError(
                f"text is written into 8-bit PNG files only, not {suffix} of "
                f"{getattr(image, 'dtype', type(image).__name__)} {np.shape(image)}"
            )
        for key, value in text.items():
            _png.text_chunk(key, value)  # a bad keyword or value: an error before any file
        options["text"] = text
    return _write_atomically(path, lambda temporary: _encode(temporary, image, suffix, **options))


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
        If `path` is an input or a folder, its folder is missing, or the disk
        is full.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> write_text(folder / "table.csv", "a,b\\n1,2\\n").read_text()
    'a,b\\n1,2\\n'
    """
    check_not_an_input(path, inputs)

    def write(temporary: str) -> None:
        Path(temporary).write_text(text)

    return _write_atomically(path, write)
