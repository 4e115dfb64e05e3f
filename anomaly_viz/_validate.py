"""Turn what a user passes into checked arrays.

This is the one place for the package's dtype, shape and range rules and
for their error messages: every public function calls these checks first,
so that bad input fails with a ``ValueError`` or ``TypeError`` naming the
argument, never with a NumPy error from deep inside a computation.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable

import numpy as np

__all__ = [
    "MAX_SIDE",
    "as_images",
    "as_masks",
    "as_one_map",
    "as_one_mask",
    "as_score_maps",
    "check_alpha",
    "check_batch",
    "check_bool",
    "check_box_batch",
    "check_boxes",
    "check_choice",
    "check_color",
    "check_connectivity",
    "check_finite",
    "check_kernel_size",
    "check_non_negative_int",
    "check_percentiles",
    "check_positive_int",
    "check_range",
    "check_real",
    "check_same_size",
    "check_shape",
    "not_a_batch",
    "work_dtype",
]

_REAL_KINDS = "biuf"

#: The longest side an output may have (the largest int32): larger is a mistake, not an image.
MAX_SIDE = 2**31 - 1  # bool, signed int, unsigned int, float


def _as_array(value: object, name: str, *, masked: str = "nan") -> np.ndarray:
    """``np.asarray`` with errors that name the argument.

    A NumPy masked array keeps its meaning: with ``masked="nan"`` (scores)
    its masked entries become NaN, which every function of the package
    treats as "no score" (never anomalous, outside every range, the
    colormap's "bad" colour); integer and bool data are first converted to
    their float work type (:func:`work_dtype`). With ``masked="refuse"``
    (images, masks, boxes) a masked array is a TypeError: there is no NaN
    to stand for a masked pixel of an image.
    """
    if isinstance(value, np.ma.MaskedArray):
        value = _unmasked(value, name, masked)
    try:
        array = np.asarray(value)
    except (ValueError, TypeError) as error:  # ragged nested lists, say
        raise ValueError(
            f"{name} must be an array or a nested list of equal-length rows: {error}"
        ) from None
    if array.dtype.kind == "c":
        raise TypeError(f"{name} must hold real numbers, got complex dtype {array.dtype}")
    if array.dtype.kind not in _REAL_KINDS:
        raise TypeError(
            f"{name} must hold real numbers (bool, int or float), got dtype {array.dtype}"
        )
    if not array.dtype.isnative:  # big-endian data on a little-endian machine
        array = array.astype(array.dtype.newbyteorder("="))
    return array


def _unmasked(value: np.ma.MaskedArray, name: str, masked: str) -> np.ndarray:
    """A masked array's data, masked entries NaN (or a TypeError)."""
    hidden = np.ma.getmaskarray(value)
    if masked == "refuse":
        raise TypeError(
            f"{name} must not be a masked array (a masked pixel has no value here); "
            "fill it first, e.g. with np.ma.filled"
        )
    data = np.ma.getdata(value)
    if not hidden.any():
        return data
    if data.dtype.kind not in _REAL_KINDS:
        return data  # refused with the usual message by the caller
    filled = data.astype(work_dtype(data.dtype))
    filled[hidden] = np.nan
    return filled


def work_dtype(dtype: np.dtype) -> np.dtype:
    """The float dtype scores are computed in.

    float32 holds bool, 8- and 16-bit integers and float16/float32 exactly;
    everything wider is computed in float64.
    """
    dtype = np.dtype(dtype)
    if dtype == np.float32 or dtype.itemsize <= 2:
        return np.dtype(np.float32)
    return np.dtype(np.float64)


def _stack_of_2d(array: np.ndarray, name: str, *, one: bool = False) -> np.ndarray:
    """Maps or masks as a 2-D array (one) or a 3-D stack (a batch), by the layout rules.

    - ``(H, W)``: one map.
    - Leading axes of length 1 are dropped first: ``(1, H, W)`` and
      ``(1, 1, H, W)`` (a model's output for one image) are one map.
    - ``(H, W, 1)``: one map (a single-channel image).
    - ``(N, 1, H, W)``: a batch of N (anomalib's and PyTorch's layout);
      ``(N, H, W, 1)``: a batch of N, channels last.
    - ``(N, H, W)`` otherwise: a batch of N.
    """
    shape = array.shape
    while array.ndim > 2 and array.shape[0] == 1:
        array = array[0]
    if array.ndim == 4 and array.shape[1] == 1:
        array = array[:, 0]
    elif array.ndim == 4 and array.shape[3] == 1:
        array = array[..., 0]
    elif array.ndim == 3 and array.shape[2] == 1:
        array = array[..., 0]
    if one and array.ndim == 3:
        raise not_a_batch(name, shape)
    if array.ndim not in (2, 3):
        if one:
            raise ValueError(f"{name} must be one 2-D array (H, W) or (H, W, 1), got shape {shape}")
        raise ValueError(
            f"{name} must be 2-D (H, W) or (H, W, 1), or a batch (N, H, W), "
            f"(N, 1, H, W) or (N, H, W, 1), got shape {shape}"
        )
    if array.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {shape}")
    return array


def as_score_maps(
    anomaly_map: object, name: str = "anomaly_map", *, one: bool = False
) -> tuple[np.ndarray, bool]:
    """Check anomaly maps and stack them as float ``(N, H, W)``.

    The layouts are those of :func:`_stack_of_2d`: ``(H, W)``, ``(H, W, 1)``
    and ``(1, 1, H, W)`` are one map; ``(N, H, W)``, ``(N, 1, H, W)`` and
    ``(N, H, W, 1)`` a batch. A masked array's masked entries become NaN.

    Returns
    -------
    maps : ndarray, shape (N, H, W)
        float32 or float64 (see :func:`work_dtype`), native byte order; the
        input itself when no conversion was needed, so callers must not
        write into it.
    is_batch : bool
        False when the input was a single map.
    """
    array = _stack_of_2d(_as_array(anomaly_map, name), name, one=one)
    array = array.astype(work_dtype(array.dtype), copy=False)
    if array.ndim == 2:
        return array[np.newaxis], False
    return array, True


def not_a_batch(name: str, shape: tuple[int, ...]) -> ValueError:
    """The one error for a batch where one 2-D array is expected."""
    return ValueError(f"{name} must be one 2-D array (H, W), not a batch; got shape {shape}")


def as_one_map(value: object, name: str = "scores") -> np.ndarray:
    """One anomaly map as a float ``(H, W)`` array (see :func:`as_score_maps`)."""
    return as_score_maps(value, name, one=True)[0][0]


def as_one_mask(value: object, name: str = "mask") -> np.ndarray:
    """One mask as a bool ``(H, W)`` array (see :func:`as_masks`)."""
    return as_masks(value, name, one=True)[0][0]


def as_images(image: object, name: str = "image") -> tuple[np.ndarray, bool]:
    """Check images and stack them as ``(N, H, W, C)``, the values untouched.

    Accepted dtypes: uint8 (0-255), uint16 (0-65535, as 16-bit PNG and
    TIFF files hold them) and float (0-1). Accepted shapes: ``(H, W)`` and
    ``(H, W, 1)`` (grey), ``(H, W, 3)`` (RGB), ``(H, W, 4)`` (RGBA, alpha
    ignored), and 4-D batches ``(N, H, W, C)`` of the same channel counts.
    A 3-D array is always one image: a batch of grey images is
    ``(N, H, W, 1)``.

    Nothing is converted or copied here: the callers bring each block of
    rows to RGB on the 0-255 scale with :func:`anomaly_viz._engine.blocks.rgb_rows`
    (uint16 divided by 257, that is times 255 / 65535; float times 255),
    so that a large image never gets a full-size float copy.

    Returns
    -------
    images : ndarray, shape (N, H, W, C)
        The input's values and dtype (uint8, uint16 or a float dtype), C
        being 1, 3 or 4; a view of the input when it is an ndarray.
    is_batch : bool
        False when the input was a single image.
    """
    array = _as_array(image, name, masked="refuse")
    if array.dtype not in (np.uint8, np.uint16) and array.dtype.kind != "f":
        raise TypeError(
            f"{name} must be uint8 (0-255), uint16 (0-65535) or float (0-1), "
            f"got dtype {array.dtype}"
        )
    if array.ndim == 2:
        array = array[..., np.newaxis]
    if array.ndim not in (3, 4):
        raise ValueError(
            f"{name} must be (H, W), (H, W, C) or a batch (N, H, W, C), got shape {array.shape}"
        )
    channels = array.shape[-1]
    if channels not in (1, 3, 4):
        raise ValueError(
            f"{name} must have 1 (grey), 3 (RGB) or 4 (RGBA) channels, got {channels} "
            f"in shape {array.shape}"
        )
    if array.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {array.shape}")
    is_batch = array.ndim == 4
    if not is_batch:
        array = array[np.newaxis]
    if array.dtype.kind == "f":
        low, high = float(np.min(array)), float(np.max(array))
        if not (0.0 <= low and high <= 1.0):  # also catches NaN
            raise ValueError(
                f"{name}: a float image must hold values in [0, 1], got values from {low} to {high}"
            )
    return array, is_batch


def check_batch(
    count: int, other: int, name: str = "anomaly_map", other_name: str = "image"
) -> int:
    """The common batch size of two batches, where a single item (1) broadcasts."""
    if count != other and 1 not in (count, other):
        raise ValueError(
            f"{name} holds {count} items but {other_name} holds {other}: "
            "the batch sizes must match, or one of them must be a single item"
        )
    return max(count, other)


def check_same_size(
    size: tuple[int, ...], name: str, other: tuple[int, ...], other_name: str
) -> None:
    """Two arrays of one height and width ``(H, W)``."""
    if tuple(size) != tuple(other):
        raise ValueError(
            f"{name} and {other_name} must have the same height and width, "
            f"got {tuple(size)} and {tuple(other)}"
        )


def check_bool(value: object, name: str) -> bool:
    """A true bool (Python or NumPy), nothing that merely converts to one."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def check_real(value: object, name: str) -> float:
    """A finite or infinite real number (never NaN, never a bool) as a Python float."""
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {value!r}")
    try:
        number = float(value)
    except OverflowError:  # an integer beyond float64's range, such as 10**400
        raise ValueError(
            f"{name} must lie within float64's range (about 1.8e308), got an integer "
            f"of {len(str(abs(int(value))))} digits"  # type: ignore[call-overload]
        ) from None
    if math.isnan(number):
        raise ValueError(f"{name} must be a number, got NaN")
    return number


def check_finite(value: object, name: str) -> float:
    """A finite real number as a Python float."""
    value = check_real(value, name)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    return value


def check_alpha(alpha: object, name: str = "alpha") -> float:
    """A blending weight or opacity: a finite number in [0, 1]."""
    alpha = check_finite(alpha, name)
    if not 0.0 <= alpha <= 1.0:
        raise ValueError(f"{name} must lie in [0, 1], got {alpha}")
    return alpha


def check_range(vmin: object, vmax: object) -> tuple[float, float] | None:
    """A fixed score range, or None when neither end is given."""
    if vmin is None and vmax is None:
        return None
    if vmin is None or vmax is None:
        missing = "vmin" if vmin is None else "vmax"
        raise ValueError(f"vmin and vmax must be given together; {missing} is missing")
    low, high = check_finite(vmin, "vmin"), check_finite(vmax, "vmax")
    if not low < high:
        raise ValueError(f"vmin must be less than vmax, got vmin={low}, vmax={high}")
    return low, high


def check_kernel_size(kernel_size: object) -> int:
    """A non-negative integer side length for a square structuring element."""
    return check_non_negative_int(kernel_size, "kernel_size")


def check_shape(shape: object, name: str = "shape") -> tuple[int, int]:
    """An output size: two positive integers ``(height, width)``."""
    if not isinstance(shape, Iterable):
        raise TypeError(f"{name} must be two integers (height, width), got {shape!r}")
    sizes = tuple(shape)
    if len(sizes) != 2:
        raise ValueError(f"{name} must be two integers (height, width), got {shape!r}")
    integers = [
        int(size)
        for size in sizes
        if isinstance(size, numbers.Integral) and not isinstance(size, (bool, np.bool_))
    ]
    if len(integers) != 2:
        raise TypeError(f"{name} must be two integers (height, width), got {shape!r}")
    if min(integers) < 1:
        raise ValueError(f"{name} must be two positive integers, got {shape!r}")
    if max(integers) > MAX_SIDE:
        raise ValueError(f"{name} must have sides of at most {MAX_SIDE} pixels, got {shape!r}")
    return integers[0], integers[1]


def as_masks(mask: object, name: str = "mask", *, one: bool = False) -> tuple[np.ndarray, bool]:
    """Check binary masks and stack them as bool ``(N, H, W)``.

    Any real dtype is taken, non-zero meaning True, so that the 0/255 uint8
    masks of ``compute_mask`` work as they are; NaN is refused. Leading axes
    of length 1 are dropped down to 2-D, as for anomaly maps.

    Returns
    -------
    masks : ndarray of bool, shape (N, H, W)
        A new array.
    is_batch : bool
        False when the input was a single mask.
    """
    array = _stack_of_2d(_as_array(mask, name, masked="refuse"), name, one=one)
    if array.dtype.kind == "f" and np.isnan(array).any():
        raise ValueError(f"{name} must not hold NaN: a mask is True (non-zero) or False (zero)")
    binary = array.astype(bool)  # non-zero is True; a copy, and cheap for bool masks
    return (binary if array.ndim == 3 else binary[np.newaxis]), array.ndim == 3


def check_color(color: object, name: str = "color") -> np.ndarray:
    """An RGB colour as float64 (3,) in 0-255.

    A string is any colour matplotlib knows (``"red"``, ``"#ff0000"``,
    ``"C1"``, ``"0.5"`` for grey), scaled from matplotlib's 0-1 to 0-255;
    a sequence is three numbers already in 0-255 (the scale of the images
    it is drawn on, so ``(255, 0, 0)`` is red).
    """
    if isinstance(color, str):
        from matplotlib.colors import to_rgb

        try:
            return np.array(to_rgb(color), np.float64) * 255.0
        except ValueError:
            raise ValueError(
                f"{name} must be a matplotlib colour name or spec (e.g. 'red', '#ff0000') "
                f"or three numbers in 0-255, got {color!r}"
            ) from None
    try:
        rgb = np.asarray(color, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        raise TypeError(f"{name} must be three numbers (R, G, B) in 0-255, got {color!r}") from None
    if rgb.shape != (3,):
        raise ValueError(f"{name} must be three numbers (R, G, B) in 0-255, got {color!r}")
    if not np.all((rgb >= 0) & (rgb <= 255)):  # also catches NaN
        raise ValueError(f"{name} must hold values in 0-255, got {color!r}")
    return rgb


def check_positive_int(value: object, name: str) -> int:
    """A positive integer (bool refused)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a positive integer, got {value!r}")
    if int(value) < 1:
        raise ValueError(f"{name} must be a positive integer, got {value}")
    return int(value)


def check_choice(value: object, choices: tuple[str, ...], name: str) -> str:
    """One of a fixed set of strings."""
    if not isinstance(value, str) or value not in choices:
        listed = ", ".join(repr(choice) for choice in choices)
        raise ValueError(f"{name} must be one of {listed}; got {value!r}")
    return value


def check_percentiles(percentiles: object) -> tuple[float, float]:
    """Two percentiles ``(low, high)`` with ``0 <= low < high <= 100``."""
    pair = tuple(percentiles) if isinstance(percentiles, Iterable) else ()
    if len(pair) != 2:
        raise TypeError(f"percentiles must be two numbers (low, high), got {percentiles!r}")
    low, high = check_finite(pair[0], "percentiles"), check_finite(pair[1], "percentiles")
    if not 0.0 <= low < high <= 100.0:
        raise ValueError(f"percentiles must satisfy 0 <= low < high <= 100, got ({low}, {high})")
    return low, high


def check_connectivity(connectivity: object) -> int:
    """4 (edge neighbours) or 8 (edge and corner neighbours)."""
    if isinstance(connectivity, (bool, np.bool_)) or connectivity not in (4, 8):
        raise ValueError(f"connectivity must be 4 or 8, got {connectivity!r}")
    return 4 if connectivity == 4 else 8


def check_non_negative_int(value: object, name: str) -> int:
    """A non-negative integer (bool refused)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a non-negative integer, got {value!r}")
    if int(value) < 0:
        raise ValueError(f"{name} must be a non-negative integer, got {value}")
    return int(value)


def check_boxes(boxes: object, name: str = "boxes") -> list[tuple[int, int, int, int]]:
    """Boxes ``(x1, y1, x2, y2)`` as exact Python ints, one tuple per box.

    Any real dtype but bool is taken, provided every value is a whole
    number; an empty array of any shape (``[]``, say) is no boxes.
    """
    array = _as_array(boxes, name, masked="refuse")
    if array.dtype.kind == "b":
        raise TypeError(f"{name} must hold integer pixel indices, got dtype bool")
    if array.size == 0:
        return []
    if array.ndim != 2 or array.shape[1] != 4:
        raise ValueError(
            f"{name} must have shape (K, 4), one row (x1, y1, x2, y2) per box, "
            f"got shape {array.shape}"
        )
    rows = [tuple(row) for row in array.tolist()]  # Python ints or floats: no overflow
    for index, row in enumerate(rows):
        if not all(math.isfinite(value) and value == int(value) for value in row):
            raise ValueError(
                f"{name} must hold whole numbers (pixel indices), got {name}[{index}] = {row}"
            )
        x1, y1, x2, y2 = row
        if x1 > x2 or y1 > y2:
            raise ValueError(
                f"{name} must have x1 <= x2 and y1 <= y2 in each row (x1, y1, x2, y2), "
                f"got {name}[{index}] = {row}"
            )
    return [(int(x1), int(y1), int(x2), int(y2)) for x1, y1, x2, y2 in rows]


def check_box_batch(boxes: object, count: int) -> list[list[tuple[int, int, int, int]]]:
    """One set of boxes per image of a batch of `count` images."""
    items = None
    if not isinstance(boxes, (str, bytes)):
        try:
            items = list(boxes)  # type: ignore[call-overload]
        except TypeError:  # not iterable
            pass
    if items is None or len(items) != count:
        got = f"a sequence of {len(items)}" if items is not None else repr(boxes)
        raise ValueError(
            f"for a batch of {count} images, boxes must be a sequence of {count} arrays "
            f"of shape (K, 4), one per image; got {got}"
        )
    return [check_boxes(item, f"boxes[{index}]") for index, item in enumerate(items)]
