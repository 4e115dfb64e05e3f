"""The embedded sample: a real photo, a synthetic defect, and its anomaly map.

Nothing is downloaded: the photo (Grace Hopper, 600x512) ships inside
matplotlib's own sample data. Two defects are drawn into it, a green
scratch on the jacket and an orange spot on the background, and a simple
*local-contrast* score stands in for a model's anomaly map.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "SAMPLE_PHOTO",
    "Sample",
    "defect_shapes",
    "demo_sample",
    "draw_defects",
    "local_contrast_score",
    "sample_photo",
]

#: The photo's file name in matplotlib's sample data.
SAMPLE_PHOTO = "grace_hopper.jpg"

# Window sides (pixels) of the local-contrast score and its output stride.
_MEAN_WINDOW = 31
_TYPICAL_WINDOW = 61
_STRIDE = 4


@dataclass(frozen=True)
class Sample:
    """A photo with a defect, its anomaly map and the true defect mask.

    Attributes
    ----------
    image : ndarray, uint8, shape (600, 512, 3)
        The photo with the defects drawn in.
    anomaly_map : ndarray, float32, shape (150, 128)
        :func:`local_contrast_score` of `image`, at a quarter of its size
        as a patch-based model's output would be.
    ground_truth : ndarray of bool, shape (600, 512)
        Where the defects were drawn.
    """

    image: np.ndarray
    anomaly_map: np.ndarray
    ground_truth: np.ndarray


def sample_photo() -> np.ndarray:
    """The photo from matplotlib's sample data, as uint8 RGB (600, 512, 3).

    Returns
    -------
    ndarray
        A new array.

    Raises
    ------
    OSError
        If matplotlib's sample data is missing (a broken installation).

    Examples
    --------
    >>> photo = sample_photo()
    >>> photo.shape, photo.dtype
    ((600, 512, 3), dtype('uint8'))
    """
    import imageio.v3 as iio
    from matplotlib.cbook import get_sample_data

    return np.asarray(iio.imread(get_sample_data(SAMPLE_PHOTO, asfileobj=False)))


def draw_defects(image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Draw the two synthetic defects into a copy of a 600x512 photo.

    A scratch 5 pixels wide from (row 430, col 300) to (row 520, col 360),
    in green (60, 235, 90), and a spot of radius 9 at (170, 440), in orange
    (250, 160, 40).

    Parameters
    ----------
    image : ndarray, uint8, shape (H, W, 3)
        At least 530 x 450 pixels.

    Returns
    -------
    image : ndarray
        A copy with the defects.
    mask : ndarray of bool, shape (H, W)
        The defect pixels.

    Raises
    ------
    ValueError
        If the image is too small for the defects.

    Examples
    --------
    >>> image, mask = draw_defects(np.zeros((600, 512, 3), np.uint8))
    >>> int(mask.sum()), image[170, 440].tolist()
    (844, [250, 160, 40])
    """
    if image.ndim != 3 or image.shape[0] < 530 or image.shape[1] < 450:
        raise ValueError(f"image must be RGB and at least 530 x 450, got shape {image.shape}")
    scratch, spot = defect_shapes(image.shape[:2])
    out = image.copy()
    out[scratch] = (60, 235, 90)
    out[spot] = (250, 160, 40)
    return out, scratch | spot


def defect_shapes(shape: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    """The pixels of the two synthetic defects in an image of `shape` (H, W).

    A scratch 5 pixels wide from (row 430, col 300) to (row 520, col 360)
    (the pixels within 2.5 of the segment: project, clamp, measure) and a
    spot of radius 9 at (170, 440).

    Parameters
    ----------
    shape : tuple of int
        The image's height and width (at least 530 x 450 to hold both).

    Returns
    -------
    scratch, spot : ndarray of bool, shape (H, W)

    Examples
    --------
    >>> scratch, spot = defect_shapes((600, 512))
    >>> int(scratch.sum()), int(spot.sum())
    (591, 253)
    """
    rows, cols = np.indices(shape[:2])
    along = ((rows - 430) * 90 + (cols - 300) * 60) / (90**2 + 60**2)
    along = np.clip(along, 0, 1)
    scratch = np.hypot(rows - (430 + 90 * along), cols - (300 + 60 * along)) <= 2.5
    spot = (rows - 170) ** 2 + (cols - 440) ** 2 <= 9**2
    return scratch, spot


def local_contrast_score(image: np.ndarray, stride: int = _STRIDE) -> np.ndarray:
    """A simple anomaly score: colour contrast against the neighbourhood.

    For each pixel, the distance of its colour from the mean colour of the
    31x31 window around it, ``r = ||I - mean_31(I)||``, divided by how much
    such distances usually are in the 61x61 window around it,
    ``z = r / (mean_61(r) + 10)``: a colour that stands out from a calm
    neighbourhood scores high, busy texture (flags, medals) is damped. The
    map is averaged over `stride` x `stride` blocks, the coarse output of a
    patch-based detector. Means by ``scipy.ndimage.uniform_filter``.

    Parameters
    ----------
    image : ndarray, uint8, shape (H, W, 3)
    stride : int, default 4
        Block size; H and W are cropped to multiples of it.

    Returns
    -------
    ndarray, float32, shape (H // stride, W // stride)

    Raises
    ------
    ValueError
        If `image` is not (H, W, 3) with H and W at least `stride`.

    Examples
    --------
    A flat grey image with one red block: the block stands out.

    >>> image = np.full((16, 16, 3), 120, np.uint8)
    >>> image[8:12, 4:8] = (255, 0, 0)
    >>> score = local_contrast_score(image)
    >>> score.shape, [int(v) for v in np.unravel_index(score.argmax(), score.shape)]
    ((4, 4), [2, 1])
    """
    from scipy import ndimage

    if image.ndim != 3 or image.shape[2] != 3 or min(image.shape[:2]) < stride:
        raise ValueError(f"image must be (H, W, 3) and at least {stride} pixels, got {image.shape}")
    colour = image.astype(np.float32)
    local_mean = ndimage.uniform_filter(colour, size=(_MEAN_WINDOW, _MEAN_WINDOW, 1))
    distance = np.sqrt(((colour - local_mean) ** 2).sum(axis=-1))
    typical = ndimage.uniform_filter(distance, size=_TYPICAL_WINDOW)
    score = distance / (typical + 10.0)
    height, width = (size // stride * stride for size in score.shape)
    blocks = score[:height, :width].reshape(height // stride, stride, width // stride, stride)
    return blocks.mean(axis=(1, 3), dtype=np.float32)


def demo_sample() -> Sample:
    """The photo with its defects, their anomaly map and the true mask.

    Returns
    -------
    Sample

    Raises
    ------
    OSError
        If matplotlib's sample data is missing (a broken installation).

    Examples
    --------
    >>> sample = demo_sample()
    >>> sample.image.shape, sample.anomaly_map.shape, int(sample.ground_truth.sum())
    ((600, 512, 3), (150, 128), 844)
    >>> round(float(sample.anomaly_map.max()), 2)
    6.2
    """
    image, truth = draw_defects(sample_photo())
    return Sample(image, local_contrast_score(image), truth)
