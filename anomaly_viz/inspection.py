"""A small real inspection: golden-template comparison, the demo's anomaly map.

The classical industrial method: photograph a part known to be good (the
*golden template*), then compare every new photo with it. The new photo is
never taken exactly as the template was: the part sits a few pixels off,
the light is a little brighter or darker, the sensor adds noise. So:

1. **Register**: find the shift between the photos by phase correlation,
   the peak of the inverse FFT of the normalised cross-power spectrum
   ``F(a) conj(F(b)) / |F(a) conj(F(b))|`` (:func:`register`).
2. **Normalise**: fit the new photo's brightness as ``gain * template +
   offset`` by least squares, and undo it.
3. **Compare**: the colour distance between the two, pixel by pixel,
   smoothed by a Gaussian of ``sigma`` pixels (noise averages out, a defect
   does not). Pixels the shifted template does not cover score 0.

The anomaly map has the photo's own size and coordinates
(:func:`golden_template_score`). :func:`inspection_sample` builds the demo:
a template from matplotlib's sample photo, a new photo shifted by (3, -2)
pixels, darker (``0.92 x + 4``) and noisy (sigma 3), with two defects
painted in colours the jet colormap never uses (a white scratch, a magenta
spot), so that paint and heat cannot be confused.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .datasets import defect_shapes, sample_photo

__all__ = ["Inspection", "golden_template_score", "inspection_sample", "register"]

#: The demo's defects: a scratch from (430, 300) to (520, 360), 5 pixels wide,
#: and a spot of radius 9 at (170, 440), painted in colours jet never uses.
SCRATCH_COLOUR = (235, 235, 235)
SPOT_COLOUR = (200, 40, 200)


@dataclass(frozen=True)
class Inspection:
    """A golden template, a new photo of the part, its anomaly map and its defects.

    Attributes
    ----------
    reference : ndarray, uint8, shape (H, W, 3)
        The golden template.
    image : ndarray, uint8, shape (H, W, 3)
        The new photo: shifted, relit, noisy, with the defects.
    anomaly_map : ndarray, float32, shape (H, W)
        :func:`golden_template_score` of `image` against `reference`.
    ground_truth : ndarray of bool, shape (H, W)
        Where the defects were painted.
    defects : list of ndarray of bool
        Each defect's own pixels.
    """

    reference: np.ndarray
    image: np.ndarray
    anomaly_map: np.ndarray
    ground_truth: np.ndarray
    defects: list[np.ndarray]


def _grey(image: np.ndarray) -> np.ndarray:
    return image.astype(np.float64).mean(axis=2)


def register(image: np.ndarray, reference: np.ndarray) -> tuple[int, int]:
    """The whole-pixel shift ``(dy, dx)`` that carries `reference` onto `image`.

    Phase correlation: the inverse FFT of the cross-power spectrum,
    normalised to unit magnitude, peaks at the shift (a circular one; shifts
    above half a side are read as negative).

    Parameters
    ----------
    image, reference : ndarray, shape (H, W, 3) or (H, W)
        Two photos of the same scene, the same size.

    Returns
    -------
    tuple of two ints

    Raises
    ------
    ValueError
        If the photos differ in size.

    Examples
    --------
    >>> reference = np.zeros((32, 32))
    >>> reference[8:14, 10:20] = 1.0
    >>> register(np.roll(reference, (3, -2), axis=(0, 1)), reference)
    (3, -2)
    """
    if image.shape[:2] != reference.shape[:2]:
        raise ValueError(
            f"image and reference must have the same size, got {image.shape} and {reference.shape}"
        )
    a = _grey(image) if image.ndim == 3 else image.astype(np.float64)
    b = _grey(reference) if reference.ndim == 3 else reference.astype(np.float64)
    cross = np.fft.fft2(a) * np.conj(np.fft.fft2(b))
    peak = np.fft.ifft2(cross / np.maximum(np.abs(cross), 1e-12)).real
    dy, dx = (int(v) for v in np.unravel_index(np.argmax(peak), peak.shape))
    height, width = peak.shape
    return (dy - height if dy > height // 2 else dy, dx - width if dx > width // 2 else dx)


def golden_template_score(
    image: np.ndarray, reference: np.ndarray, *, sigma: float = 2.0
) -> np.ndarray:
    """The anomaly map of a photo against its golden template, at the photo's size.

    Register (:func:`register`), shift the template onto the photo, fit the
    photo's brightness as ``gain * template + offset`` (least squares on
    the grey levels) and undo it, then smooth the colour distance
    ``||photo - template||`` with a Gaussian of `sigma` pixels. The score is
    in grey levels: sensor noise of standard deviation s per channel scores
    about 1.6 s everywhere (the mean length of a 3-channel noise vector;
    smoothing steadies it rather than removing it), a defect the length of
    its colour difference.

    Parameters
    ----------
    image, reference : ndarray, uint8, shape (H, W, 3)
    sigma : float, default 2.0

    Returns
    -------
    ndarray, float32, shape (H, W)
        0 where the shifted template does not reach.

    Raises
    ------
    ValueError
        If the photos are not RGB of the same size.

    Examples
    --------
    A flat template, the same part one pixel lower, brighter, with one
    dark pixel: only the dark pixel's neighbourhood scores.

    >>> reference = np.full((9, 9, 3), 100, np.uint8)
    >>> reference[2:4, 2:4] = 200
    >>> image = np.roll(reference, 1, axis=0) + 20
    >>> image[6, 6] = 0
    >>> score = golden_template_score(image, reference, sigma=1.0)
    >>> [int(v) for v in np.unravel_index(score.argmax(), score.shape)]
    [6, 6]
    """
    if image.ndim != 3 or image.shape[2] != 3 or image.shape != reference.shape:
        raise ValueError(
            f"image and reference must be RGB of the same size, got {image.shape} and "
            f"{reference.shape}"
        )
    from scipy import ndimage

    dy, dx = register(image, reference)
    template = np.roll(reference.astype(np.float64), (dy, dx), axis=(0, 1))
    covered = np.zeros(image.shape[:2], bool)
    covered[max(dy, 0) : image.shape[0] + min(dy, 0), max(dx, 0) : image.shape[1] + min(dx, 0)] = (
        True
    )
    photo = image.astype(np.float64)
    grey, template_grey = _grey(photo)[covered], _grey(template)[covered]
    design = np.stack([template_grey, np.ones_like(template_grey)], axis=1)
    gain, offset = np.linalg.lstsq(design, grey, rcond=None)[0]
    distance = np.sqrt((((photo - offset) / gain - template) ** 2).sum(axis=2))
    distance[~covered] = 0.0
    return ndimage.gaussian_filter(distance, sigma).astype(np.float32)


def inspection_sample(seed: int = 7) -> Inspection:
    """The demo's inspection: a template, a new photo with two defects, the anomaly map.

    Parameters
    ----------
    seed : int, default 7
        Of the sensor noise.

    Returns
    -------
    Inspection

    Raises
    ------
    OSError
        If matplotlib's sample data is missing (a broken installation).

    Examples
    --------
    >>> sample = inspection_sample()
    >>> sample.image.shape, sample.anomaly_map.shape, int(sample.ground_truth.sum())
    ((600, 512, 3), (600, 512), 844)
    >>> register(sample.image, sample.reference)
    (3, -2)
    """
    reference = sample_photo()
    height, width = reference.shape[:2]
    rng = np.random.default_rng(seed)
    moved = np.roll(reference.astype(np.float64), (3, -2), axis=(0, 1))
    photo = moved * 0.92 + 4.0 + rng.normal(0.0, 3.0, moved.shape)
    defects = list(defect_shapes((height, width)))
    photo[defects[0]] = SCRATCH_COLOUR
    photo[defects[1]] = SPOT_COLOUR
    image = np.clip(np.rint(photo), 0, 255).astype(np.uint8)
    truth = defects[0] | defects[1]
    return Inspection(reference, image, golden_template_score(image, reference), truth, defects)
