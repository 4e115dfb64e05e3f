"""Every equivalence the docs claim with OpenCV, scikit-image, matplotlib, SciPy, PIL and torch.

``python benchmarks/parity.py`` needs ``pip install -e ".[bench]"`` (OpenCV and scikit-image,
imported only here); the torch line needs ``pip install torch``. The inputs are real photos
bundled with scikit-image (``skimage.data``: astronaut, coffee, chelsea, rocket, camera; nothing
is downloaded), anomaly maps made from them (smoothed local differences) and maps drawn as
Gaussian blobs plus noise, float32 and float64, of several sizes, odd ones included.

One line per claim: ``PASS <claim> (<what was measured>)`` or ``FAIL <claim>: <what differed>``,
then ``N passed, N failed`` alone on the last line. Exit status 0 if every claim passed, 1 if
any failed, 2 if not run: OpenCV or scikit-image missing (nothing is checked), or a claim
skipped because torch is missing. ``--pure`` checks only the claims that need nothing beyond
the package's own dependencies (matplotlib, SciPy, Pillow) on matplotlib's sample photo: the
test suite's smoke test.
"""

# ruff: noqa: E402 (the thread variables must be set before numpy loads)
import os

for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_variable] = "1"

import argparse
import importlib.metadata
import importlib.util
import platform
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import matplotlib
import numpy as np
import PIL
import scipy
from PIL import Image
from scipy import ndimage

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from anomaly_viz import (
    apply_colormap,
    blend,
    compute_mask,
    draw_boxes,
    lookup_table,
    resize_bilinear,
)
from anomaly_viz.colormap import opencv_jet
from anomaly_viz.draw import mask_contour
from anomaly_viz.post_process import anomaly_map_to_color_map, superimpose_anomaly_map
from anomaly_viz.thresholds import threshold_otsu

INSTALL_HINT = 'pip install -e ".[bench]"'
OPENCV_WHEELS = ("opencv-python-headless", "opencv-python", "opencv-contrib-python")
SEED = 20240601
# tab10 has 10 entries: the rule min(floor(v * N), N - 1) with N != 256
COLORMAPS = ("jet", "viridis", "magma", "inferno", "plasma", "gray", "turbo", "coolwarm")
COLORMAPS += ("twilight", "tab10")
ALPHAS = (0.4, 0.5, 0.3, 0.7, 0.0, 1.0, 0.1, 0.9, 0.25, 0.75)
GAMMAS = (0.0, 10.0, -25.0, 0.5, 1.5, 100.7)
QUANTILES = (0.8, 0.95)  # mask thresholds: the scores above which 20% and 5% of pixels lie
BLOB_SIZES = ((37, 53), (64, 64), (101, 149))
RESIZE_SOURCES = ((37, 53), (64, 64), (7, 5), (1, 9), (100, 151))
SMALL_MAPS = ((1, 1), (1, 6), (2, 2), (3, 4), (5, 7), (6, 1), (9, 9))


# ---- inputs: real photos and the anomaly maps made from them ----


@dataclass
class Inputs:
    """Photos (uint8 RGB) with a map of their size each, and maps of other sizes (float32)."""

    photos: dict[str, np.ndarray]
    photo_maps: dict[str, np.ndarray]
    blob_maps: dict[str, np.ndarray]

    @property
    def maps(self) -> dict[str, np.ndarray]:
        return {**self.photo_maps, **self.blob_maps}


def local_differences(photo: np.ndarray) -> np.ndarray:
    """A detector-like map: |grey - its 9x9 mean|, smoothed (sigma 2), float32."""
    grey = photo.astype(np.float32).mean(axis=2)
    detail = np.abs(grey - ndimage.uniform_filter(grey, 9))
    return ndimage.gaussian_filter(detail, 2.0).astype(np.float32)


def blob_map(rng: np.random.Generator, height: int, width: int) -> np.ndarray:
    """Raw scores (not in [0, 1]): five Gaussian blobs plus noise on an offset, float32."""
    rows, cols = np.arange(height)[:, np.newaxis], np.arange(width)
    scores = 3.0 + rng.normal(0.0, 0.3, (height, width))
    for _ in range(5):
        sigma = rng.uniform(0.05, 0.2) * min(height, width) + 0.5
        row, col = rng.uniform(0, height), rng.uniform(0, width)
        distance = ((rows - row) ** 2 + (cols - col) ** 2) / (2 * sigma**2)
        scores += rng.uniform(2.0, 6.0) * np.exp(-distance)
    return scores.astype(np.float32)


def bundled_photos() -> dict[str, np.ndarray]:
    """scikit-image's bundled photos (no download), grey ones as grey RGB."""
    from skimage import data

    photos = {name: getattr(data, name)() for name in ("astronaut", "coffee", "chelsea", "rocket")}
    photos["camera"] = np.repeat(data.camera()[..., np.newaxis], 3, axis=2)
    return photos


def sample_photos() -> dict[str, np.ndarray]:
    """matplotlib's sample photo, cropped to an odd size (for --pure)."""
    from anomaly_viz.datasets import sample_photo

    return {"grace_hopper 201x173": np.ascontiguousarray(sample_photo()[100:301, 150:323])}


def make_inputs(pure: bool) -> Inputs:
    rng = np.random.default_rng(SEED)
    photos = sample_photos() if pure else bundled_photos()
    photo_maps = {name: local_differences(photo) for name, photo in photos.items()}
    sizes = BLOB_SIZES[:2] if pure else BLOB_SIZES
    blob_maps = {f"blobs {h}x{w}": blob_map(rng, h, w) for h, w in sizes}
    return Inputs(photos, photo_maps, blob_maps)


def both_dtypes(maps: dict[str, np.ndarray]) -> Iterator[tuple[str, np.ndarray]]:
    for label, scores in maps.items():
        yield f"{label} float32", scores.astype(np.float32)
        yield f"{label} float64", scores.astype(np.float64)


def minmax(scores: np.ndarray) -> np.ndarray:
    """``(x - min) / (max - min)`` in the scores' own dtype, as anomalib writes it."""
    return (scores - scores.min()) / (scores.max() - scores.min())


def thresholded(maps: dict[str, np.ndarray]) -> Iterator[tuple[str, np.ndarray, float]]:
    """(label, map, threshold) for each map and each of QUANTILES."""
    for label, scores in maps.items():
        for quantile in QUANTILES:
            yield f"{label} > q{quantile}", scores, float(np.quantile(scores, quantile))


# ---- outcomes ----


@dataclass
class Outcome:
    """What differed (empty: the claim holds) and what was measured."""

    problems: list[str] = field(default_factory=list)
    measured: str = ""


def differing_pixels(ours: np.ndarray, theirs: np.ndarray, where: str) -> list[str]:
    """[] if equal, else one problem naming `where` and how many pixels (or shapes) differ."""
    if ours.shape != theirs.shape:
        return [f"{where}: shape {ours.shape} against {theirs.shape}"]
    differ = ours != theirs
    if ours.ndim == 3:
        differ = differ.any(axis=2)
    count = int(np.count_nonzero(differ))
    return [f"{where}: {count} of {differ.size} pixels differ"] if count else []


def relative_error(ours: np.ndarray, theirs: np.ndarray, scale: float) -> float:
    if ours.shape != theirs.shape:
        return np.inf
    return float(np.max(np.abs(ours.astype(np.float64) - theirs.astype(np.float64))) / scale)


def border_distance(shape: tuple[int, int]) -> np.ndarray:
    """Each pixel's distance to the nearest image edge (0 on the border)."""
    rows = np.minimum(np.arange(shape[0]), np.arange(shape[0])[::-1])[:, np.newaxis]
    cols = np.minimum(np.arange(shape[1]), np.arange(shape[1])[::-1])[np.newaxis, :]
    return np.minimum(rows, cols)


# ---- 1. colours: matplotlib ----


def check_colours(inputs: Inputs) -> Outcome:
    problems, pairs = [], 0
    for label, scores in both_dtypes(inputs.maps):
        values = minmax(scores)
        for name in COLORMAPS:
            expected = matplotlib.colormaps[name](values, bytes=True)[..., :3]
            ours = anomaly_map_to_color_map(scores, colormap=name)
            problems += differing_pixels(ours, expected, f"{name} on {label}")
            pairs += 1
    return Outcome(problems, f"{pairs} map and colormap pairs")


def check_nan_colours(inputs: Inputs) -> Outcome:
    rng = np.random.default_rng(SEED)
    viridis = matplotlib.colormaps["viridis"]
    colormaps = [matplotlib.colormaps["jet"], viridis, viridis.with_extremes(bad="magenta")]
    colormaps.append(opencv_jet())
    problems, holes = [], 0
    for label, scores in both_dtypes(inputs.maps):
        holed = scores.copy()
        holed[rng.random(scores.shape) < 0.01] = np.nan
        holed[:3, :3] = np.nan
        holes += int(np.isnan(holed).sum())
        low, high = np.nanmin(holed), np.nanmax(holed)
        values = (holed - low) / (high - low)
        for cmap in colormaps:
            expected = cmap(values, bytes=True)[..., :3]
            ours = anomaly_map_to_color_map(holed, colormap=cmap)
            problems += differing_pixels(ours, expected, f"{cmap.name} on {label}")
    return Outcome(problems, f"{holes} NaN pixels, min and max over the finite scores")


def check_fixed_range_colours(inputs: Inputs) -> Outcome:
    problems, count = [], 0
    vmin, vmax = -0.2, 1.3
    for label, scores in both_dtypes(inputs.maps):
        unit = minmax(scores) * scores.dtype.type(1.4) - scores.dtype.type(0.2)  # in [-0.2, 1.2]
        for name in ("jet", "viridis", "tab10"):
            cmap = matplotlib.colormaps[name]
            clipped = cmap(np.clip(unit, 0, 1), bytes=True)[..., :3]
            ours = anomaly_map_to_color_map(unit, normalize=False, colormap=name)
            problems += differing_pixels(ours, clipped, f"normalize=False, {name} on {label}")
            ranged = cmap(np.clip((unit - vmin) / (vmax - vmin), 0, 1), bytes=True)[..., :3]
            ours = anomaly_map_to_color_map(unit, vmin=vmin, vmax=vmax, colormap=name)
            problems += differing_pixels(ours, ranged, f"vmin/vmax, {name} on {label}")
            count += 2
    return Outcome(
        problems, f"{count} comparisons, scores in [-0.2, 1.2], vmin={vmin}, vmax={vmax}"
    )


def check_apply_colormap(inputs: Inputs) -> Outcome:
    rng = np.random.default_rng(SEED)
    steps = np.arange(257) / 256
    problems, count = [], 0
    for dtype in (np.float32, np.float64):
        edges = steps.astype(dtype)
        near = [np.nextafter(edges, dtype(-1)), edges, np.nextafter(edges, dtype(2))]
        values = np.concatenate([*near, rng.random(100_000).astype(dtype), [np.nan]])
        values = values[np.isnan(values) | ((values >= 0) & (values <= 1))]
        for name in (*COLORMAPS, "opencv_jet"):
            cmap = opencv_jet() if name == "opencv_jet" else matplotlib.colormaps[name]
            expected = cmap(values, bytes=True)[..., :3]
            where = f"{name}, {np.dtype(dtype).name}"
            problems += differing_pixels(
                apply_colormap(values, name)[:, None], expected[:, None], where
            )
            count += values.size
    return Outcome(problems, f"{count} values, at, just below and just above every i / 256")


# ---- 2. opencv_jet: OpenCV and anomalib's recipe ----


def check_opencv_table(inputs: Inputs) -> Outcome:
    import cv2

    bgr = cv2.applyColorMap(np.arange(256, dtype=np.uint8)[:, np.newaxis], cv2.COLORMAP_JET)
    expected = bgr[:, 0, ::-1]
    ours = lookup_table("opencv_jet")[:256]
    problems = differing_pixels(ours[:, None], expected[:, None], "table rows")
    return Outcome(problems, f"256 entries, OpenCV {cv2.__version__}")


def packed_rgb(colours: np.ndarray) -> np.ndarray:
    """Each RGB colour as one integer, 0xRRGGBB."""
    return colours.astype(np.int64) @ np.array([1 << 16, 1 << 8, 1])


def check_opencv_jet_index(inputs: Inputs) -> Outcome:
    """Recover each pixel's table index from its colour (the 256 colours are distinct)."""
    import cv2

    table = lookup_table("opencv_jet")[:256]
    keys = packed_rgb(table)
    if np.unique(keys).size != 256:
        return Outcome(["the opencv_jet table has repeated colours: indices cannot be recovered"])
    order = np.argsort(keys)
    problems, one_up, total, channel = [], 0, 0, 0
    for label, scores in both_dtypes(inputs.maps):
        values = (scores - scores.min()) / np.ptp(scores)  # anomalib's anomaly_map_to_color_map
        theirs_index = (values * 255).astype(np.uint8)
        bgr = cv2.applyColorMap(theirs_index, cv2.COLORMAP_JET)
        theirs = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
        ours = anomaly_map_to_color_map(scores, colormap="opencv_jet")
        position = np.minimum(np.searchsorted(keys[order], packed_rgb(ours)), 255)
        ours_index = order[position]
        if not np.array_equal(keys[ours_index], packed_rgb(ours)):
            problems.append(f"{label}: a colour not in the table")
            continue
        step = ours_index.astype(np.int64) - theirs_index
        if step.min() < 0 or step.max() > 1:
            problems.append(f"{label}: index steps from {step.min()} to {step.max()}")
        one_up += int(np.count_nonzero(step == 1))
        total += step.size
        channel = max(channel, int(np.abs(ours.astype(np.int64) - theirs).max()))
    measured = (
        f"{one_up} of {total} pixels ({one_up / max(total, 1):.1%}) one entry above anomalib's, "
        f"the rest the same entry; up to {channel} apart in a channel"
    )
    return Outcome(problems, measured)


# ---- 3. blends: cv2.addWeighted ----


def random_alphas() -> tuple[float, ...]:
    return tuple(float(a) for a in np.random.default_rng(SEED).uniform(0, 1, 4))


def check_blend_within_one(inputs: Inputs) -> Outcome:
    import cv2

    problems, differing, total = [], 0, 0
    inexact: dict[float, set[str]] = {}  # alpha -> "integer" and/or "fractional" gammas
    for label, photo in inputs.photos.items():
        heat = anomaly_map_to_color_map(inputs.photo_maps[label])
        for alpha in ALPHAS + random_alphas():
            inexact.setdefault(round(alpha, 3), set())
            for gamma in GAMMAS:
                ours = blend(heat, photo, alpha, gamma)
                theirs = cv2.addWeighted(heat, alpha, photo, 1 - alpha, gamma)
                difference = np.abs(ours.astype(np.int16) - theirs)
                if difference.max() > 1:
                    problems.append(f"{label}, alpha {alpha}, gamma {gamma}: {difference.max()}")
                differing += int(np.count_nonzero(difference))
                total += difference.size
                if difference.any():
                    kind = "integer" if float(gamma).is_integer() else "fractional"
                    inexact[round(alpha, 3)].add(kind)
    exact = sorted(alpha for alpha, kinds in inexact.items() if not kinds)
    integer_only = sorted(alpha for alpha, kinds in inexact.items() if kinds == {"fractional"})
    neither = sorted(alpha for alpha, kinds in inexact.items() if "integer" in kinds)
    measured = (
        f"{differing} of {total} bytes differ, by 1; byte-identical for alpha {exact} with "
        f"every gamma, {integer_only} with integer gammas only, not for {neither}"
    )
    return Outcome(problems, measured)


def all_pairs() -> tuple[np.ndarray, np.ndarray]:
    """Two 256x256 grey images holding every (heatmap, image) pair of bytes once."""
    values = np.arange(256, dtype=np.uint8)
    return np.repeat(values, 256).reshape(256, 256), np.tile(values, 256).reshape(256, 256)


def check_blend_exact(inputs: Inputs) -> Outcome:
    import cv2

    heat, image = all_pairs()
    problems, count = [], 0
    for alpha in (0.4, 0.5):
        for gamma in range(-255, 256):
            ours = blend(heat, image, alpha, gamma)[..., 0]
            theirs = cv2.addWeighted(heat, alpha, image, 1 - alpha, gamma)
            problems += differing_pixels(ours, theirs, f"alpha {alpha}, gamma {gamma}")
            count += 1
    return Outcome(problems, f"{count} (alpha, gamma) settings x 65,536 pairs")


def check_blend_ties(inputs: Inputs) -> Outcome:
    import cv2

    heat, image = all_pairs()
    problems, ties = [], 0
    for alpha in (0.25, 0.5, 0.75):
        for gamma in (0.0, 0.5, -0.5, 0.25, 10.5):
            exact_sum = alpha * heat + (1 - alpha) * image + gamma  # exact: all dyadic
            in_range = (exact_sum > 0) & (exact_sum < 255)
            ties += int(np.count_nonzero((exact_sum % 1 == 0.5) & in_range))
            ours = blend(heat, image, alpha, gamma)[..., 0]
            theirs = cv2.addWeighted(heat, alpha, image, 1 - alpha, gamma)
            problems += differing_pixels(ours, theirs, f"alpha {alpha}, gamma {gamma}")
    return Outcome(problems, f"{ties} exact .5 sums among 15 x 65,536 pairs, all rounded alike")


def check_superimpose(inputs: Inputs) -> Outcome:
    import cv2

    problems, default_differing = [], 0
    for label, photo in inputs.photos.items():
        scores = inputs.photo_maps[label]
        unit = minmax(scores) * np.float32(1.2)  # some scores above 1 for normalize=False
        for normalize, values in ((True, scores), (False, unit)):
            for colormap in ("jet", "opencv_jet"):
                heat = anomaly_map_to_color_map(values, normalize, colormap=colormap)
                for alpha, gamma in ((0.4, 0.0), (0.3, 10.0), (0.7, -5.5)):
                    where = f"{label}, normalize={normalize}, {colormap}, alpha {alpha}"
                    ours = superimpose_anomaly_map(
                        values, photo, alpha, gamma, normalize, colormap=colormap
                    )
                    problems += differing_pixels(ours, blend(heat, photo, alpha, gamma), where)
                    theirs = cv2.addWeighted(heat, alpha, photo, 1 - alpha, gamma)
                    difference = np.abs(ours.astype(np.int16) - theirs)
                    if difference.max() > 1:
                        problems.append(f"{where}: {difference.max()} from cv2.addWeighted")
                    if (alpha, gamma) == (0.4, 0.0):
                        default_differing += int(np.count_nonzero(difference))
    return Outcome(problems, f"{default_differing} bytes differ from cv2 at alpha 0.4, gamma 0")


# ---- 4. the resize rule: scipy, PIL, OpenCV, torch ----


def resize_targets(height: int, width: int) -> list[tuple[int, int]]:
    """Enlarging, shrinking (by 2, by 3, by odd factors, to one pixel) and mixed."""
    targets = [
        (4 * height, 4 * width),
        (2 * height + 3, (27 * width) // 10),
        (400, 600),
        (max(1, height // 2), max(1, width // 2)),
        (max(1, height // 3), max(1, width // 3)),
        (max(1, round(0.61 * height)), max(1, round(0.37 * width))),
        (1, 1),
        (2 * height, max(1, width // 2)),
    ]
    return [target for target in targets if target != (height, width)]


def resize_cases(inputs: Inputs) -> Iterator[tuple[str, np.ndarray, tuple[int, int]]]:
    """(label, float64 map in [0, 1], target shape) for every source and target."""
    rng = np.random.default_rng(SEED)
    sources = {f"blobs {h}x{w}": blob_map(rng, h, w) for h, w in RESIZE_SOURCES}
    name, scores = next(iter(inputs.photo_maps.items()))
    sources[f"{name} {scores.shape[0]}x{scores.shape[1]}"] = scores
    for label, scores in sources.items():
        unit = minmax(scores.astype(np.float64))
        for target in resize_targets(*unit.shape):
            yield f"{label} to {target[0]}x{target[1]}", unit, target


def enlarging(source: tuple[int, ...], target: tuple[int, int]) -> bool:
    return target[0] >= source[0] and target[1] >= source[1]


def zoom(scores: np.ndarray, target: tuple[int, int]) -> np.ndarray:
    factors = (target[0] / scores.shape[0], target[1] / scores.shape[1])
    return ndimage.zoom(scores, factors, order=1, grid_mode=True, mode="nearest")


def compare_resize(
    inputs: Inputs,
    theirs: Callable[[np.ndarray, tuple[int, int]], np.ndarray],
    dtype: type,
    tolerance: float,
    which: Callable[[tuple[int, ...], tuple[int, int]], bool] = lambda source, target: True,
) -> Outcome:
    """resize_bilinear against another resize, on maps in [0, 1] (the error is relative to 1)."""
    problems, worst, count = [], 0.0, 0
    for label, unit, target in resize_cases(inputs):
        if not which(unit.shape, target):
            continue
        scores = unit.astype(dtype)
        error = relative_error(resize_bilinear(scores, target), theirs(scores, target), 1.0)
        if error > tolerance:
            problems.append(f"{label}: {error:.2e}")
        worst, count = max(worst, error), count + 1
    return Outcome(problems, f"{count} size pairs, largest difference {worst:.2e}")


def check_zoom_float64(inputs: Inputs) -> Outcome:
    return compare_resize(inputs, zoom, np.float64, 1e-12)


def check_zoom_float32(inputs: Inputs) -> Outcome:
    return compare_resize(inputs, zoom, np.float32, 1e-6)


def pil_bilinear(scores: np.ndarray, target: tuple[int, int]) -> np.ndarray:
    image = Image.fromarray(scores.astype(np.float32))  # mode "F"
    return np.asarray(image.resize((target[1], target[0]), Image.Resampling.BILINEAR))


def check_pil_enlarging(inputs: Inputs) -> Outcome:
    return compare_resize(inputs, pil_bilinear, np.float32, 1e-6, enlarging)


def check_pil_shrinking(inputs: Inputs) -> Outcome:
    problems, smallest, count = [], np.inf, 0
    for label, unit, target in resize_cases(inputs):
        if enlarging(unit.shape, target):
            continue
        scores = unit.astype(np.float32)
        difference = relative_error(
            resize_bilinear(scores, target), pil_bilinear(scores, target), 1
        )
        if difference <= 1e-4:
            problems.append(f"{label}: PIL agrees within {difference:.1e}")
        smallest, count = min(smallest, difference), count + 1
    return Outcome(problems, f"{count} size pairs, each differing by at least {smallest:.1e}")


def opencv_linear(scores: np.ndarray, target: tuple[int, int]) -> np.ndarray:
    import cv2

    return cv2.resize(scores, (target[1], target[0]), interpolation=cv2.INTER_LINEAR)


def check_opencv_resize(inputs: Inputs) -> Outcome:
    return compare_resize(inputs, opencv_linear, np.float32, 1e-6)


def torch_bilinear(scores: np.ndarray, target: tuple[int, int]) -> np.ndarray:
    import torch

    tensor = torch.from_numpy(np.ascontiguousarray(scores))[None, None]
    resized = torch.nn.functional.interpolate(
        tensor, size=target, mode="bilinear", align_corners=False, antialias=False
    )
    return resized[0, 0].numpy()


def check_torch_resize(inputs: Inputs) -> Outcome:
    import torch

    torch.set_num_threads(1)
    wide = compare_resize(inputs, torch_bilinear, np.float64, 1e-12)
    narrow = compare_resize(inputs, torch_bilinear, np.float32, 1e-4)
    problems = [f"float64 {p}" for p in wide.problems] + [f"float32 {p}" for p in narrow.problems]
    measured = f"torch {torch.__version__}; float64: {wide.measured}; float32: {narrow.measured}"
    return Outcome(problems, measured)


# ---- 5. both mask rules: scikit-image, OpenCV, SciPy ----


def mask_maps(inputs: Inputs) -> dict[str, np.ndarray]:
    """The blob maps and the photo maps shrunk by 2 (skimage's disk opening is slow)."""
    shrunk = {f"{label} halved": scores[::2, ::2] for label, scores in inputs.photo_maps.items()}
    return {**inputs.blob_maps, **shrunk}


def anomalib_mask(scores: np.ndarray, threshold: float, kernel_size: int) -> np.ndarray:
    """anomalib's compute_mask (anomalib.utils.post_process)."""
    from skimage import morphology

    mask = (scores > threshold).astype(np.uint8)
    return morphology.opening(mask, morphology.disk(kernel_size)) * 255


def check_anomalib_mask(inputs: Inputs) -> Outcome:
    problems, count = [], 0
    for label, scores, threshold in thresholded(mask_maps(inputs)):
        for kernel_size in range(11):
            expected = anomalib_mask(scores, threshold, kernel_size)
            ours = compute_mask(scores, threshold, kernel_size, cleaning="anomalib")
            if ours.dtype != np.uint8:
                problems.append(f"{label}: dtype {ours.dtype}")
            problems += differing_pixels(ours, expected, f"{label}, k={kernel_size}")
            count += 1
    return Outcome(problems, f"{count} masks, k = 0..10")


def claimed_radii(height: int, width: int) -> range:
    """Radii below 4 times each side longer than one pixel (0..10 for a 1x1 map)."""
    sides = [side for side in (height, width) if side > 1]
    return range(4 * min(sides) if sides else 11)


def check_anomalib_mask_small(inputs: Inputs) -> Outcome:
    rng = np.random.default_rng(SEED)
    problems, count = [], 0
    for height, width in SMALL_MAPS:
        for _ in range(5):
            scores = rng.random((height, width))
            for kernel_size in claimed_radii(height, width):
                expected = anomalib_mask(scores, 0.4, kernel_size)
                ours = compute_mask(scores, 0.4, kernel_size, cleaning="anomalib")
                problems += differing_pixels(ours, expected, f"{height}x{width}, k={kernel_size}")
                count += 1
    return Outcome(problems, f"{count} masks of {len(SMALL_MAPS)} sizes from 1x1 to 9x9")


def skimage_open_close(mask: np.ndarray, kernel_size: int) -> np.ndarray:
    """Opening then closing with a square, outside the image neutral (mode="ignore")."""
    from skimage import morphology

    if kernel_size <= 1:
        return mask
    square = np.ones((kernel_size, kernel_size), bool)
    opened = morphology.opening(mask, square, mode="ignore")
    return morphology.closing(opened, square, mode="ignore")


def opencv_open_close(mask: np.ndarray, kernel_size: int) -> np.ndarray:
    """MORPH_OPEN then MORPH_CLOSE with np.ones((k, k), uint8), OpenCV's default border."""
    import cv2

    kernel = np.ones((kernel_size, kernel_size), np.uint8)
    opened = cv2.morphologyEx(mask.astype(np.uint8), cv2.MORPH_OPEN, kernel)
    return cv2.morphologyEx(opened, cv2.MORPH_CLOSE, kernel).astype(bool)


def compare_with_skimage(inputs: Inputs, kernel_sizes: tuple[int, ...]) -> Outcome:
    problems, count = [], 0
    for label, scores, threshold in thresholded(mask_maps(inputs)):
        mask = scores > threshold
        for kernel_size in kernel_sizes:
            expected = skimage_open_close(mask, kernel_size).astype(np.uint8) * 255
            ours = compute_mask(scores, threshold, kernel_size)
            where = f"{label}, k={kernel_size}"
            for problem in differing_pixels(ours, expected, where):
                depth = border_distance(mask.shape)[ours != expected].max()
                problems.append(f"{problem}, up to {depth} pixels from the border")
            count += 1
    return Outcome(problems, f"{count} masks")


def check_default_mask_skimage_odd(inputs: Inputs) -> Outcome:
    return compare_with_skimage(inputs, (0, 1, 3, 5, 7, 9))


def skimage_open_close_other_centre(mask: np.ndarray, kernel_size: int) -> np.ndarray:
    """scikit-image's opening with the square padded by a row and a column at its end.

    scikit-image's grey opening centres an even square on the other middle
    pixel than scipy.ndimage does; padding the square by one empty row and
    column at the bottom and right moves its centre to scipy's.
    """
    from skimage import morphology

    square = np.ones((kernel_size, kernel_size), bool)
    padded = np.pad(square, ((0, 1), (0, 1)))
    opened = morphology.opening(mask, padded, mode="ignore")
    return morphology.closing(opened, square, mode="ignore")


def check_default_mask_skimage_even(inputs: Inputs) -> Outcome:
    problems, count = [], 0
    for label, scores, threshold in thresholded(mask_maps(inputs)):
        mask = scores > threshold
        for kernel_size in (2, 4, 6, 8):
            expected = skimage_open_close_other_centre(mask, kernel_size).astype(np.uint8) * 255
            ours = compute_mask(scores, threshold, kernel_size)
            problems += differing_pixels(ours, expected, f"{label}, k={kernel_size}")
            count += 1
    return Outcome(problems, f"{count} masks")


def scipy_open_close(mask: np.ndarray, kernel_size: int) -> np.ndarray:
    """The rule as compute_mask states it, with scipy.ndimage's binary erosion and dilation."""
    from scipy import ndimage

    if kernel_size <= 1:
        return mask
    square = np.ones((kernel_size, kernel_size), bool)

    def erode(m: np.ndarray) -> np.ndarray:
        return ndimage.binary_erosion(m, square, border_value=1)

    def dilate(m: np.ndarray) -> np.ndarray:
        return ndimage.binary_dilation(m, square, border_value=0)

    return erode(dilate(dilate(erode(mask))))


def check_default_mask_scipy(inputs: Inputs) -> Outcome:
    problems, count = [], 0
    for label, scores, threshold in thresholded(mask_maps(inputs)):
        for kernel_size in range(10):
            expected = scipy_open_close(scores > threshold, kernel_size).astype(np.uint8) * 255
            ours = compute_mask(scores, threshold, kernel_size)
            problems += differing_pixels(ours, expected, f"{label}, k={kernel_size}")
            count += 1
    return Outcome(problems, f"{count} masks")


def check_default_mask_opencv_odd(inputs: Inputs) -> Outcome:
    problems, count = [], 0
    for label, scores, threshold in thresholded(mask_maps(inputs)):
        for kernel_size in (3, 5, 7, 9):
            expected = opencv_open_close(scores > threshold, kernel_size).astype(np.uint8) * 255
            ours = compute_mask(scores, threshold, kernel_size)
            problems += differing_pixels(ours, expected, f"{label}, k={kernel_size}")
            count += 1
    return Outcome(problems, f"{count} masks")


def shifted_differences(theirs: np.ndarray, ours: np.ndarray, shift: int) -> np.ndarray:
    """Distances to the border of the pixels where ``theirs[p + shift] != ours[p]``."""
    differ = theirs[shift:, shift:] != ours[:-shift, :-shift]
    return border_distance(theirs.shape)[shift:, shift:][differ]


def check_opencv_even_open_close(inputs: Inputs) -> Outcome:
    """Each of the four steps spreads a difference born at the border by k / 2 pixels at most."""
    problems, near_border, deepest, count = [], 0, (0, 0), 0
    for label, scores, threshold in thresholded(mask_maps(inputs)):
        for kernel_size in (2, 4, 6, 8):
            theirs = opencv_open_close(scores > threshold, kernel_size)
            ours = compute_mask(scores, threshold, kernel_size) > 0
            distances = shifted_differences(theirs, ours, 2)
            far = np.count_nonzero(distances > 2 * kernel_size)
            if far:
                problems.append(f"{label}, k={kernel_size}: {far} pixels differ farther inside")
            near_border += distances.size
            deepest = max(deepest, (int(distances.max(initial=0)), kernel_size))
            count += 1
    measured = (
        f"{count} masks; {near_border} pixels differ near the border, the deepest "
        f"{deepest[0]} pixels in (k = {deepest[1]})"
    )
    return Outcome(problems, measured)


def check_opencv_even_open(inputs: Inputs) -> Outcome:
    import cv2
    from skimage import morphology

    problems, moved, count = [], 0, 0
    for label, scores, threshold in thresholded(mask_maps(inputs)):
        mask = scores > threshold
        for kernel_size in (2, 4, 6, 8):
            kernel = np.ones((kernel_size, kernel_size), np.uint8)
            once = cv2.morphologyEx(mask.astype(np.uint8), cv2.MORPH_OPEN, kernel)
            twice = cv2.morphologyEx(once, cv2.MORPH_OPEN, kernel)
            true_opening = morphology.opening(mask, kernel.astype(bool), mode="ignore")
            where = f"{label}, k={kernel_size}"
            if shifted_differences(once > 0, true_opening, 1).max(initial=0) > kernel_size:
                problems.append(f"{where}: not a true opening shifted by one pixel")
            if shifted_differences(twice > 0, once > 0, 1).max(initial=0) > 2 * kernel_size:
                problems.append(f"{where}: opening again does not shift by one more pixel")
            moved += int(not np.array_equal(twice, once))
            count += 1
    return Outcome(problems, f"{count} masks; opening again changed {moved} of them")


def check_scipy_even_opening(inputs: Inputs) -> Outcome:
    problems, count = [], 0
    for label, scores, threshold in thresholded(mask_maps(inputs)):
        for kernel_size in (2, 4, 6, 8):
            square = np.ones((kernel_size, kernel_size), bool)
            once = ndimage.binary_opening(scores > threshold, square)
            twice = ndimage.binary_opening(once, square)
            problems += differing_pixels(twice, once, f"{label}, k={kernel_size}")
            count += 1
    return Outcome(problems, f"{count} masks")


# ---- 6. Otsu: scikit-image ----


def otsu_maps(inputs: Inputs) -> dict[str, np.ndarray]:
    greys = {f"{label} grey": photo.mean(axis=2) for label, photo in inputs.photos.items()}
    blobs = {label: scores.astype(np.float64) for label, scores in inputs.blob_maps.items()}
    return {**inputs.photo_maps, **greys, **blobs}


def otsu_split(scores: np.ndarray) -> tuple[float, float, np.ndarray, int]:
    """Both thresholds, the 256-bin histogram's edges and the bin whose centre skimage returns."""
    from skimage.filters import threshold_otsu as skimage_threshold_otsu

    ours, theirs = threshold_otsu(scores), float(skimage_threshold_otsu(scores, nbins=256))
    edges = np.histogram_bin_edges(scores.ravel(), 256, range=(scores.min(), scores.max()))
    centres = (edges[:-1] + edges[1:]) / 2
    return ours, theirs, edges, int(np.argmin(np.abs(centres - theirs)))


def check_otsu_bin(inputs: Inputs) -> Outcome:
    problems, maps = [], otsu_maps(inputs)
    for label, scores in maps.items():
        ours, theirs, edges, split = otsu_split(scores)
        if theirs != (edges[split] + edges[split + 1]) / 2:
            problems.append(f"{label}: skimage's threshold_otsu {theirs} is not a bin centre")
        ours_bin = min(int(np.searchsorted(edges, ours, side="right")) - 1, 255)
        if ours_bin != split:
            problems.append(f"{label}: ours in bin {ours_bin}, skimage's in {split}")
    return Outcome(problems, f"{len(maps)} maps")


def check_otsu_classes(inputs: Inputs) -> Outcome:
    problems, upper_half = [], 0
    for label, scores in otsu_maps(inputs).items():
        ours, theirs, edges, split = otsu_split(scores)
        above_split = scores >= edges[split + 1]
        if not np.array_equal(scores > ours, above_split):
            problems.append(f"{label}: scores > threshold_otsu is not the bins above the split")
        in_split_above_centre = ~above_split & (scores > theirs)
        if not np.array_equal(scores > theirs, above_split | in_split_above_centre):
            problems.append(f"{label}: skimage's mask is not that plus the bin's upper half")
        upper_half += int(np.count_nonzero(in_split_above_centre))
    return Outcome(problems, f"skimage's threshold_otsu also takes {upper_half} scores in all")


# ---- 7. other claims: contours and boxes (OpenCV) ----


def check_contours(inputs: Inputs) -> Outcome:
    import cv2

    cross = ndimage.generate_binary_structure(2, 1)
    problems, extra, count = [], 0, 0
    for label, scores, threshold in thresholded(mask_maps(inputs)):
        mask = scores > threshold
        contours, _ = cv2.findContours(mask.astype(np.uint8), cv2.RETR_LIST, cv2.CHAIN_APPROX_NONE)
        drawn = np.zeros(mask.shape, np.uint8)
        cv2.drawContours(drawn, contours, -1, 1, 1)
        theirs, ours = drawn > 0, mask_contour(mask)
        border = border_distance(mask.shape) == 0
        if (theirs & ~ours).any():
            problems.append(f"{label}: {np.count_nonzero(theirs & ~ours)} OpenCV pixels missing")
        problems += differing_pixels(ours[border], theirs[border], f"{label} on the border")
        four_neighbour = mask & ~ndimage.binary_erosion(mask, cross, border_value=0)
        problems += differing_pixels(theirs, four_neighbour, f"{label}: OpenCV vs the cross rule")
        extra += int(np.count_nonzero(ours & ~theirs))
        count += 1
    return Outcome(problems, f"{count} masks; mask_contour has {extra} pixels more in all")


def random_boxes(rng: np.random.Generator, height: int, width: int, margin: int) -> np.ndarray:
    """Boxes (x1, y1, x2, y2), inclusive, with corners up to `margin` past the border."""
    xs = np.sort(rng.integers(-margin, width + margin, (300, 2)), axis=1)
    ys = np.sort(rng.integers(-margin, height + margin, (300, 2)), axis=1)
    return np.stack([xs[:, 0], ys[:, 0], xs[:, 1], ys[:, 1]], axis=1)


def opencv_boxes(image: np.ndarray, boxes: np.ndarray, thickness: int) -> np.ndarray:
    import cv2

    drawn = image.copy()
    for x1, y1, x2, y2 in boxes.tolist():
        cv2.rectangle(drawn, (x1, y1), (x2, y2), (255, 0, 0), thickness)
    return drawn


def check_boxes_thin(inputs: Inputs) -> Outcome:
    rng = np.random.default_rng(SEED)
    problems, count = [], 0
    for label, photo in inputs.photos.items():
        boxes = random_boxes(rng, *photo.shape[:2], margin=20)
        for box in boxes:
            ours = draw_boxes(photo, box[np.newaxis], color=(255, 0, 0), thickness=1)
            problems += differing_pixels(ours, opencv_boxes(photo, box[np.newaxis], 1), label)
        ours = draw_boxes(photo, boxes[:20], color=(255, 0, 0), thickness=1)
        problems += differing_pixels(ours, opencv_boxes(photo, boxes[:20], 1), f"{label}, 20 boxes")
        count += len(boxes) + 1
    return Outcome(problems, f"{count} drawings, boxes inside and across the border")


def check_boxes_thick(inputs: Inputs) -> Outcome:
    rng = np.random.default_rng(SEED)
    problems, count = [], 0
    label, photo = next(iter(inputs.photos.items()))
    canvas = np.zeros_like(photo)
    for box in random_boxes(rng, *photo.shape[:2], margin=-10):  # wholly inside, 10 pixels in
        x1, y1, x2, y2 = box.tolist()
        outside = np.ones(photo.shape[:2], bool)
        outside[y1 : y2 + 1, x1 : x2 + 1] = False
        for thickness in (2, 3):
            ours = draw_boxes(canvas, box[np.newaxis], color=(255, 0, 0), thickness=thickness)
            theirs = opencv_boxes(canvas, box[np.newaxis], thickness)
            if ours[outside].any():
                problems.append(f"{label}, box {box.tolist()}: draw_boxes paints outside")
            if not theirs[outside].any():
                problems.append(f"{label}, box {box.tolist()}, t={thickness}: OpenCV stays inside")
            count += 1
    return Outcome(problems, f"{count} drawings, thickness 2 and 3")


# ---- the claims, in the order they are printed ----


@dataclass(frozen=True)
class Claim:
    text: str
    check: Callable[[Inputs], Outcome]
    needs: tuple[str, ...] = ()  # modules beyond the package's own dependencies


CV, SK = ("cv2",), ("skimage",)
CLAIMS = [
    Claim(
        "anomaly_map_to_color_map(m, colormap=name) == matplotlib.colormaps[name](v, bytes=True)"
        "[..., :3], v = (m - m.min()) / (m.max() - m.min()) in m's dtype, byte for byte "
        f"(float32 and float64 maps; {', '.join(COLORMAPS)})",
        check_colours,
    ),
    Claim(
        "NaN scores take the colormap's bad colour: == cmap(v, bytes=True)[..., :3] with min and "
        "max over the finite scores (jet, viridis, viridis with bad='magenta', opencv_jet)",
        check_nan_colours,
    ),
    Claim(
        "normalize=False == cmap(clip(m, 0, 1)); vmin, vmax == cmap(clip((m - vmin) / "
        "(vmax - vmin), 0, 1)) in m's dtype, byte for byte",
        check_fixed_range_colours,
    ),
    Claim(
        "apply_colormap(v, name) == cmap(v, bytes=True)[..., :3] for v in [0, 1] and NaN, "
        "float32 and float64",
        check_apply_colormap,
    ),
    Claim(
        "the opencv_jet table == cv2.applyColorMap(np.arange(256, dtype=np.uint8)[:, None], "
        "cv2.COLORMAP_JET), BGR to RGB",
        check_opencv_table,
        CV,
    ),
    Claim(
        "colormap='opencv_jet' against anomalib's cv2.applyColorMap((v * 255).astype(np.uint8), "
        "cv2.COLORMAP_JET) (BGR to RGB): each pixel takes anomalib's table entry or the next one "
        "up (floor(v * 256) against floor(v * 255)), never another",
        check_opencv_jet_index,
        CV,
    ),
    Claim(
        "blend(h, i, alpha, gamma) is within 1 of cv2.addWeighted(h, alpha, i, 1 - alpha, gamma) "
        "on every byte (photos, 14 alphas, 6 gammas)",
        check_blend_within_one,
        CV,
    ),
    Claim(
        "blend == cv2.addWeighted byte for byte for alpha 0.4 (anomalib's default) and 0.5 with "
        "any integer gamma (-255..255), over all 65,536 pairs of bytes",
        check_blend_exact,
        CV,
    ),
    Claim(
        "sums ending in .5 round half to even, as in cv2.addWeighted: byte for byte over all "
        "pairs for alpha 0.25, 0.5, 0.75 and gamma 0, 0.5, -0.5, 0.25, 10.5",
        check_blend_ties,
        CV,
    ),
    Claim(
        "superimpose_anomaly_map(m, image, alpha, gamma, normalize) on a map of the image's size "
        "== blend(anomaly_map_to_color_map(m, normalize), image, alpha, gamma), within 1 of "
        "cv2.addWeighted (jet and opencv_jet)",
        check_superimpose,
        CV,
    ),
    Claim(
        "resize_bilinear(m, (H, W)) == scipy.ndimage.zoom(m, (H / h, W / w), order=1, "
        "grid_mode=True, mode='nearest') within 1e-12 of the map's range, float64, enlarging, "
        "shrinking and non-integer factors",
        check_zoom_float64,
    ),
    Claim(
        "resize_bilinear == scipy.ndimage.zoom(... same ...) within 1e-6 of the range for "
        "float32 maps (float32 rounding)",
        check_zoom_float32,
    ),
    Claim(
        "enlarging: resize_bilinear == PIL Image.fromarray(float32 map).resize((W, H), "
        "BILINEAR) within 1e-6 of the range (float32 rounding)",
        check_pil_enlarging,
    ),
    Claim(
        "shrinking: PIL's BILINEAR differs from resize_bilinear (PIL averages over the shrink "
        "factor), by more than 1e-4 of the range on every size pair",
        check_pil_shrinking,
    ),
    Claim(
        "resize_bilinear == cv2.resize(m32, (W, H), interpolation=cv2.INTER_LINEAR) within 1e-6 "
        "of the range, float32, enlarging and shrinking",
        check_opencv_resize,
        CV,
    ),
    Claim(
        "resize_bilinear == torch.nn.functional.interpolate(mode='bilinear', "
        "align_corners=False, antialias=False): float64 within 1e-12 of the range, float32 "
        "within 1e-4 (torch computes the sampling positions in float32)",
        check_torch_resize,
        ("torch",),
    ),
    Claim(
        "compute_mask(m, t, k, cleaning='anomalib') == skimage.morphology.opening((m > t)"
        ".astype(np.uint8), skimage.morphology.disk(k)) * 255, uint8, k = 0..10",
        check_anomalib_mask,
        SK,
    ),
    Claim(
        "compute_mask(..., cleaning='anomalib') == anomalib's scikit-image recipe on small maps "
        "too (1x1 to 9x9), for every k below 4 times each side longer than one pixel",
        check_anomalib_mask_small,
        SK,
    ),
    Claim(
        "k = 0, 1, 3, 5, 7, 9: compute_mask(m, t, k) == skimage.morphology.closing("
        "skimage.morphology.opening(m > t, np.ones((k, k), bool), mode='ignore'), same, "
        "mode='ignore') * 255 (outside the image neutral; k <= 1: no cleaning)",
        check_default_mask_skimage_odd,
        SK,
    ),
    Claim(
        "k = 2, 4, 6, 8: scikit-image centres an even square on the other middle pixel; "
        "compute_mask(m, t, k) == the same scikit-image closing(opening(...)) with the "
        "opening's square padded by one row and column at its bottom and right",
        check_default_mask_skimage_even,
        SK,
    ),
    Claim(
        "k = 0..9: compute_mask(m, t, k) == binary_erosion(border_value=1) then "
        "binary_dilation(border_value=0), twice each (open, close), scipy.ndimage, square",
        check_default_mask_scipy,
    ),
    Claim(
        "odd k: compute_mask(m, t, k) == cv2.morphologyEx MORPH_OPEN then MORPH_CLOSE with "
        "np.ones((k, k), np.uint8) and OpenCV's default border, k = 3, 5, 7, 9",
        check_default_mask_opencv_odd,
        CV,
    ),
    Claim(
        "even k: OpenCV's MORPH_OPEN then MORPH_CLOSE is compute_mask's mask shifted two pixels "
        "down and right, except within 2k pixels of the image border, k = 2, 4, 6, 8",
        check_opencv_even_open_close,
        CV + SK,
    ),
    Claim(
        "even k: OpenCV's MORPH_OPEN is a true opening shifted one pixel down and right "
        "(away from the border), and opening its result again shifts it once more",
        check_opencv_even_open,
        CV + SK,
    ),
    Claim(
        "even k: scipy.ndimage.binary_opening with np.ones((k, k)) is a true opening: opening "
        "its result again changes nothing",
        check_scipy_even_opening,
    ),
    Claim(
        "anomaly_viz's threshold_otsu(s) lies in the bin of the 256-bin histogram (min to max) "
        "whose centre skimage.filters.threshold_otsu(s, nbins=256) returns",
        check_otsu_bin,
        SK,
    ),
    Claim(
        "s > threshold_otsu(s) is exactly the scores in the bins above Otsu's split; "
        "s > skimage.filters.threshold_otsu(s) also takes the scores of the split bin above its "
        "centre",
        check_otsu_classes,
        SK,
    ),
    Claim(
        "mask_contour(mask) holds OpenCV's outline (cv2.drawContours of cv2.findContours(mask, "
        "RETR_LIST, CHAIN_APPROX_NONE), thickness 1) and equals it on the image border; "
        "OpenCV's outline is the mask minus its erosion by a 3x3 cross, mask_contour's by a "
        "3x3 square",
        check_contours,
        CV,
    ),
    Claim(
        "draw_boxes(image, boxes, color, thickness=1) == cv2.rectangle(image, (x1, y1), "
        "(x2, y2), color, 1), boxes inside and across the image border",
        check_boxes_thin,
        CV,
    ),
    Claim(
        "thickness 2 and 3: cv2.rectangle also paints outside the box (its lines straddle the "
        "box edge), draw_boxes only inside: they differ",
        check_boxes_thick,
        CV,
    ),
]


# ---- running ----


def installed(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def version(*distributions: str) -> str:
    """The version of the first of `distributions` installed (one module, several wheels)."""
    for distribution in distributions:
        try:
            return importlib.metadata.version(distribution)
        except importlib.metadata.PackageNotFoundError:
            pass
    return "not installed"


def versions() -> str:
    return (
        f"python {platform.python_version()}, numpy {np.__version__}, scipy {scipy.__version__}, "
        f"matplotlib {matplotlib.__version__}, Pillow {PIL.__version__}, "
        f"opencv {version(*OPENCV_WHEELS)}, scikit-image {version('scikit-image')}, "
        f"torch {version('torch')}"
    )


def run(claim: Claim, inputs: Inputs) -> bool:
    """Print the claim's line; True if it holds."""
    try:
        outcome = claim.check(inputs)
    except Exception as error:  # a crash is a failed claim, said on its line
        outcome = Outcome([f"{type(error).__name__}: {error}"])
    if outcome.problems:
        shown = "; ".join(outcome.problems[:3])
        more = f" (and {len(outcome.problems) - 3} more)" if len(outcome.problems) > 3 else ""
        print(f"FAIL {claim.text}: {shown}{more}", flush=True)
        return False
    print(f"PASS {claim.text} ({outcome.measured})", flush=True)
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--pure",
        action="store_true",
        help="only the claims needing neither OpenCV, scikit-image nor torch (a smoke test)",
    )
    args = parser.parse_args(argv)
    missing = [] if args.pure else [name for name in ("cv2", "skimage") if not installed(name)]
    if missing:
        print(
            f"benchmarks/parity.py: not run, {' and '.join(missing)} missing: {INSTALL_HINT}",
            file=sys.stderr,
        )
        return 2
    print(versions())
    inputs = make_inputs(args.pure)
    claims = [claim for claim in CLAIMS if not (args.pure and claim.needs)]
    passed = failed = skipped = 0
    for claim in claims:
        absent = [name for name in claim.needs if not installed(name)]
        if absent:
            print(f"SKIP {claim.text}: {', '.join(absent)} not installed", flush=True)
            skipped += 1
        elif run(claim, inputs):
            passed += 1
        else:
            failed += 1
    if skipped:
        print(f"{skipped} claim(s) not checked: their library is not installed")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 2 if skipped else 0


if __name__ == "__main__":
    sys.exit(main())
