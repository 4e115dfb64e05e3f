"""The folder run, timed from outside: ``anomaly-viz overlay`` against an OpenCV script.

``python benchmarks/folder.py [--count N] [--repeat N] [--quick]`` needs
``pip install -e ".[bench]"`` (OpenCV, imported only here and in the script it writes).

A temporary folder gets `count` photo-like 1024 x 1024 RGB PNGs (smooth shading,
texture and sensor noise; written once by OpenCV) and same-size float32 ``.npy``
maps (Gaussian blobs plus noise). Then whole processes are timed from outside
(``time.perf_counter`` around ``subprocess.run``), interleaved, median of
`repeat` rounds:

- the OpenCV script a user would write: per image ``cv2.imread`` (BGR to RGB,
  as anomalib reads images), ``np.load``, anomalib's recipe (min-max normalise,
  ``* 255`` to uint8, ``applyColorMap(JET)``, BGR to RGB,
  ``addWeighted(heat, 0.4, image, 0.6, 0)``), RGB to BGR, ``cv2.imwrite`` PNG
  (OpenCV's defaults: zlib level 1, run-length strategy, Sub filter);
- ``anomaly-viz overlay IMAGES MAPS -o OUT --colormap opencv_jet``: the same
  work (blend mode, alpha 0.4, min-max per map, OpenCV's jet colours), run as
  ``python -m anomaly_viz`` with this checkout first on ``PYTHONPATH``;
- the same with ``--jobs 2`` when ``anomaly-viz overlay --help`` lists it.

Then every output of the command line is read by Pillow, imageio and OpenCV,
which must all give the pixels the library computes in memory, and the size
of its files is compared with OpenCV's. Last, the PNG encoders are timed in
this process on an overlay, a mask and an RGBA heatmap. ``--quick`` makes three small images, runs
once and needs no OpenCV (the test suite's smoke test): its timings mean
nothing.
"""

# ruff: noqa: E402 (the package is imported from this checkout, after sys.path is set)
from __future__ import annotations

import argparse
import io
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from scipy import ndimage

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from anomaly_viz import _png, compute_mask, heatmap_rgba, overlay
from anomaly_viz.io import read_image, write_image

try:
    import cv2
except ImportError:
    cv2 = None

INSTALL_HINT = 'pip install -e ".[bench]"'
SEED = 20240612
FULL_SIZE, QUICK_SIZE = (1024, 1024), (48, 64)
FULL_COUNT, QUICK_COUNT = 30, 3
ALPHA = 0.4
# Targets of issue 12: whole folder run, 2 jobs on 2 cores, output size.
FOLDER_TARGET, JOBS_TARGET, SIZE_TOLERANCE = 1.1, 0.65, 0.15

OPENCV_SCRIPT = '''\
"""The OpenCV script: anomalib's overlay recipe on every image of a folder."""
import sys
from pathlib import Path

import cv2
import numpy as np

images, maps, out = (Path(argument) for argument in sys.argv[1:4])
for path in sorted(images.glob("*.png")):
    image = cv2.cvtColor(cv2.imread(str(path)), cv2.COLOR_BGR2RGB)
    anomaly_map = np.load(maps / f"{path.stem}.npy")
    anomaly_map = (anomaly_map - anomaly_map.min()) / np.ptp(anomaly_map)
    anomaly_map = (anomaly_map * 255).astype(np.uint8)
    heat = cv2.cvtColor(cv2.applyColorMap(anomaly_map, cv2.COLORMAP_JET), cv2.COLOR_BGR2RGB)
    blended = cv2.addWeighted(heat, __ALPHA__, image, __REST__, 0)
    cv2.imwrite(str(out / path.name), cv2.cvtColor(blended, cv2.COLOR_RGB2BGR))
'''


# ---- inputs ----


def _smooth_noise(rng: np.random.Generator, shape: tuple[int, int], sigma: float) -> np.ndarray:
    """Gaussian-filtered noise scaled to [0, 1]."""
    field = ndimage.gaussian_filter(rng.standard_normal(shape).astype(np.float32), sigma)
    field -= field.min()
    return field / max(float(field.max()), 1e-12)


def photo_like(rng: np.random.Generator, height: int, width: int) -> np.ndarray:
    """A uint8 RGB image with a photo's statistics: shading, texture, sensor noise."""
    coarse = (max(1, height // 8), max(1, width // 8))
    shading = ndimage.zoom(_smooth_noise(rng, coarse, 6), 8, order=1)[:height, :width]
    shading = np.pad(shading, ((0, height - shading.shape[0]), (0, width - shading.shape[1])))
    texture = _smooth_noise(rng, (height, width), 2.0)
    tint = rng.uniform(0.6, 1.0, 3).astype(np.float32)
    image = 255 * (0.65 * shading[..., np.newaxis] * tint + 0.35 * texture[..., np.newaxis])
    image += rng.normal(0.0, 3.0, image.shape).astype(np.float32)
    return np.clip(np.rint(image), 0, 255).astype(np.uint8)


def blob_map(rng: np.random.Generator, height: int, width: int) -> np.ndarray:
    """A float32 anomaly map: five Gaussian blobs plus noise."""
    rows, cols = np.arange(height, dtype=np.float32)[:, np.newaxis], np.arange(width)
    scores = rng.normal(0.0, 0.05, (height, width)).astype(np.float32)
    for _ in range(5):
        sigma = rng.uniform(0.03, 0.15) * min(height, width)
        row, col = rng.uniform(0, height), rng.uniform(0, width)
        scores += (
            rng.uniform(0.3, 1.0)
            * np.exp(-((rows - row) ** 2) / (2 * sigma**2))
            * np.exp(-((cols - col) ** 2) / (2 * sigma**2))
        ).astype(np.float32)
    return scores


def make_folder(root: Path, count: int, size: tuple[int, int]) -> tuple[Path, Path]:
    """`count` photo-like PNGs in ``root/images`` and their ``.npy`` maps in ``root/maps``."""
    images, maps = root / "images", root / "maps"
    images.mkdir()
    maps.mkdir()
    rng = np.random.default_rng(SEED)
    for index in range(count):
        name = f"item{index:03d}"
        image = photo_like(rng, *size)
        if cv2 is not None:
            cv2.imwrite(str(images / f"{name}.png"), np.ascontiguousarray(image[..., ::-1]))
        else:
            write_image(images / f"{name}.png", image)
        np.save(maps / f"{name}.npy", blob_map(rng, *size))
    return images, maps


# ---- timing ----


def _cli_command(images: Path, maps: Path, out: Path, jobs: int | None) -> list[str]:
    command = [sys.executable, "-m", "anomaly_viz", "overlay", str(images), str(maps)]
    command += ["-o", str(out), "--colormap", "opencv_jet", "--alpha", str(ALPHA)]
    return command + ([] if jobs is None else ["--jobs", str(jobs)])


def _environment() -> dict[str, str]:
    """This checkout first on the path; one thread per process for the BLAS libraries."""
    environment = dict(os.environ, PYTHONPATH=str(ROOT))
    for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        environment[variable] = "1"
    return environment


def _has_jobs_option() -> bool:
    help_text = subprocess.run(
        [sys.executable, "-m", "anomaly_viz", "overlay", "--help"],
        capture_output=True, text=True, env=_environment(), check=True,
    ).stdout  # fmt: skip
    return "--jobs" in help_text


def _timed_run(command: list[str], out: Path) -> float:
    """Seconds of one whole process writing into a fresh, empty `out`."""
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, env=_environment())
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{result.stderr}")
    return seconds


def time_runs(commands: dict[str, tuple[list[str], Path]], repeat: int) -> dict[str, float]:
    """Median seconds of each command, the rounds interleaved (the order turns each round)."""
    names = list(commands)
    seconds: dict[str, list[float]] = {name: [] for name in names}
    for round_ in range(repeat):
        turned = names[round_ % len(names) :] + names[: round_ % len(names)]
        for name in turned:
            seconds[name].append(_timed_run(*commands[name]))
    return {name: statistics.median(values) for name, values in seconds.items()}


# ---- what was written ----


def _readers() -> dict[str, object]:
    import imageio.v3 as iio
    from PIL import Image

    readers = {
        "Pillow": lambda path: np.asarray(Image.open(path)),
        "imageio": lambda path: np.asarray(iio.imread(path)),
    }
    if cv2 is not None:
        readers["OpenCV"] = lambda path: cv2.imread(str(path), cv2.IMREAD_UNCHANGED)[..., ::-1]
    return readers


def check_outputs(images: Path, maps: Path, out: Path) -> tuple[int, list[str]]:
    """How many outputs every reader reads as the library's pixels; the mismatches."""
    readers, problems, good = _readers(), [], 0
    for source in sorted(images.glob("*.png")):
        expected = overlay(
            read_image(source), np.load(maps / f"{source.stem}.npy"),
            alpha=ALPHA, colormap="opencv_jet",
        )  # fmt: skip
        target = out / source.name
        wrong = [
            name
            for name, read in readers.items()
            if not np.array_equal(read(target), expected)  # type: ignore[operator]
        ]
        if wrong:
            problems.append(f"{target.name}: {', '.join(wrong)} read other pixels")
        else:
            good += 1
    return good, problems


def folder_bytes(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.glob("*.png"))


def _verdict(value: float, target: str, met: bool) -> str:
    return f"{value:.2f} (target {target} {'met' if met else 'NOT met'})"


# ---- PNG encoders, in this process ----


def _bgr(image: np.ndarray) -> np.ndarray:
    """OpenCV's channel order: BGR, BGRA (grey as it is)."""
    if image.ndim == 2:
        return image
    order = [2, 1, 0, 3][: image.shape[2]]
    return np.ascontiguousarray(image[..., order])


def _opencv_png(image: np.ndarray) -> bytes:
    return cv2.imencode(".png", _bgr(image))[1].tobytes()


def _encoders() -> dict[str, object]:
    import imageio.v3 as iio
    from PIL import Image

    def pillow(image: np.ndarray, **options: int) -> bytes:
        buffer = io.BytesIO()
        Image.fromarray(image).save(buffer, format="PNG", **options)
        return buffer.getvalue()

    def ours(image: np.ndarray) -> bytes:
        buffer = io.BytesIO()
        _png.write_png(buffer, image)
        return buffer.getvalue()

    encoders = {
        "anomaly_viz._png": ours,
        "imageio/Pillow defaults": lambda image: iio.imwrite("<bytes>", image, extension=".png"),
        "Pillow level 1, RLE": lambda image: pillow(image, compress_level=1, compress_type=3),
    }
    if cv2 is not None:
        encoders["cv2.imencode (defaults)"] = _opencv_png
    return encoders


def encode_figures(images: dict[str, np.ndarray], repeat: int) -> list[str]:
    """Median ms and bytes of each PNG encoder on each image, interleaved, against OpenCV's."""
    encoders = _encoders()
    reference = "cv2.imencode (defaults)" if cv2 is not None else next(iter(encoders))
    lines = [
        f"PNG encoding in this process, median of {max(3, repeat)} (x = ratio to {reference}):"
    ]
    for label, image in images.items():
        seconds: dict[str, list[float]] = {name: [] for name in encoders}
        sizes = {}
        for _ in range(max(3, repeat)):
            for name, encode in encoders.items():
                start = time.perf_counter()
                sizes[name] = len(encode(image))  # type: ignore[operator]
                seconds[name].append(time.perf_counter() - start)
        base_ms = statistics.median(seconds[reference]) * 1e3
        lines.append(f"- {label}, {image.shape[1]}x{image.shape[0]}:")
        for name in encoders:
            ms = statistics.median(seconds[name]) * 1e3
            lines.append(
                f"  {name}: {ms:.2f} ms (x{ms / base_ms:.2f}), {sizes[name] / 1e6:.3f} MB "
                f"(x{sizes[name] / sizes[reference]:.2f})"
            )
    return lines


def encode_cases(overlaid: np.ndarray, scores: np.ndarray) -> dict[str, np.ndarray]:
    """The three kinds of PNG the package writes: an overlay, a mask, an RGBA heatmap."""
    middle = float(scores.min() + scores.max()) / 2
    return {
        "RGB overlay": overlaid,
        "grey 0/255 mask": compute_mask(scores, middle, 4),
        "RGBA heatmap": heatmap_rgba(scores, colormap="jet"),
    }


# ---- the figures ----


def _commands(root: Path, images: Path, maps: Path) -> dict[str, tuple[list[str], Path]]:
    """The processes to time, by name, each with its output folder."""
    commands = {"anomaly-viz": (_cli_command(images, maps, root / "cli", None), root / "cli")}
    if _has_jobs_option():
        jobs = root / "jobs2"
        commands["anomaly-viz --jobs 2"] = (_cli_command(images, maps, jobs, 2), jobs)
    if cv2 is not None:
        script = root / "opencv_overlay.py"
        code = OPENCV_SCRIPT.replace("__ALPHA__", str(ALPHA))
        script.write_text(code.replace("__REST__", str(1 - ALPHA)))
        out = root / "opencv"
        commands["OpenCV script"] = (
            [sys.executable, str(script), *map(str, (images, maps, out))],
            out,
        )
    return commands


def _against_opencv(root: Path, seconds: dict[str, float]) -> list[str]:
    if "OpenCV script" not in seconds:
        return [f"- anomaly-viz / OpenCV script: skipped (no OpenCV; {INSTALL_HINT})"]
    ratio = seconds["anomaly-viz"] / seconds["OpenCV script"]
    size_ratio = folder_bytes(root / "cli") / folder_bytes(root / "opencv")
    within = abs(size_ratio - 1) <= SIZE_TOLERANCE
    return [
        "- anomaly-viz / OpenCV script: "
        + _verdict(ratio, f"<= {FOLDER_TARGET}", ratio <= FOLDER_TARGET),
        "- output bytes, anomaly-viz / OpenCV: "
        + _verdict(size_ratio, f"within {SIZE_TOLERANCE:.0%}", within),
    ]


def _two_jobs(root: Path, seconds: dict[str, float]) -> tuple[list[str], bool]:
    """The lines on --jobs 2, and whether it wrote the same bytes as one job."""
    if "anomaly-viz --jobs 2" not in seconds:
        return ["- anomaly-viz --jobs 2 / 1 job: skipped (no --jobs)"], True
    ratio = seconds["anomaly-viz --jobs 2"] / seconds["anomaly-viz"]
    one, two = (sorted((root / name).iterdir()) for name in ("cli", "jobs2"))
    same = [path.name for path in one] == [path.name for path in two] and all(
        first.read_bytes() == second.read_bytes() for first, second in zip(one, two, strict=True)
    )
    return [
        f"- anomaly-viz --jobs 2 / 1 job ({os.cpu_count()} cores): "
        + _verdict(ratio, f"<= {JOBS_TARGET}", ratio <= JOBS_TARGET),
        f"- --jobs 2 writes the same bytes as 1 job: {'yes' if same else 'NO'}",
    ], same


def folder_figures(count: int, repeat: int, quick: bool) -> list[str]:
    """The folder-run figures, one line each with its target and whether it is met.

    Parameters
    ----------
    count : int
        Number of images in the folder.
    repeat : int
        Timed rounds (median).
    quick : bool
        Small images; the timings mean nothing.

    Returns
    -------
    list of str

    Raises
    ------
    AssertionError
        If a reader reads an output other than the library computes, or
        ``--jobs 2`` writes other bytes than one job (a bug, not a slow run);
        its message holds every line so far.
    """
    size = QUICK_SIZE if quick else FULL_SIZE
    lines = [
        f"folder run: {count} photo-like {size[1]}x{size[0]} RGB PNGs and float32 .npy maps; "
        f"whole processes, median of {repeat} interleaved round(s)"
    ]
    if quick:
        lines.append("quick run: tiny images, the timings and targets mean nothing")
    with tempfile.TemporaryDirectory(prefix="anomaly-viz-folder-") as temporary:
        root = Path(temporary)
        images, maps = make_folder(root, count, size)
        seconds = time_runs(_commands(root, images, maps), repeat)
        for name, value in seconds.items():
            lines.append(f"- {name}: {value:.2f} s ({value / count * 1e3:.0f} ms per image)")
        lines += _against_opencv(root, seconds)
        jobs_lines, same = _two_jobs(root, seconds)
        lines += jobs_lines
        good, problems = check_outputs(images, maps, root / "cli")
        lines.append(
            f"- outputs read by {', '.join(_readers())} as the library's pixels: "
            f"{good} of {count} ({'met' if good == count else 'NOT met'})"
        )
        lines += [f"  {problem}" for problem in problems[:5]]
        assert same and good == count, "\n".join(lines)
        overlaid = read_image(root / "cli" / "item000.png")
        lines += encode_figures(encode_cases(overlaid, np.load(maps / "item000.npy")), repeat)
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="three tiny images, one round")
    parser.add_argument("--count", type=int, help=f"images in the folder ({FULL_COUNT})")
    parser.add_argument("--repeat", type=int, default=3, help="timed rounds (3)")
    args = parser.parse_args(argv)
    if cv2 is None and not args.quick:
        print(f"benchmarks/folder.py needs OpenCV: {INSTALL_HINT}", file=sys.stderr)
        return 2
    count = args.count or (QUICK_COUNT if args.quick else FULL_COUNT)
    repeat = 1 if args.quick else max(1, args.repeat)
    for line in folder_figures(count, repeat, args.quick):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
