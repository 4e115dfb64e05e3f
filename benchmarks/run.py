"""anomaly_viz against anomalib's OpenCV recipes, timed side by side.

``python benchmarks/run.py [--repeat N] [--rst | --markdown]`` needs
``pip install -e ".[bench]"`` (OpenCV and scikit-image, imported only here).
One process, one thread, the same inputs for everyone (float32 maps of
Gaussian blobs plus noise scaled to [0, 1], random uint8 RGB images, fixed
seed); one warm-up call, then medians of the timed calls in ms, each comparison's
two functions called alternately (side by side: a slow spell of a noisy
machine slows both). ratio =
anomaly_viz / other: below 1, anomaly_viz is faster. Memory is the peak
allocation traced by ``tracemalloc`` during one call, over the output's
bytes, for superimpose at the largest size on every path (uint8, float32,
float64 and uint16 images, a map with a NaN, as it is and resized), for
measure_regions of a map with one small region (over the map's bytes); and,
in bytes, for compute_mask with a kernel far wider than its map and for
refusing a TIFF and an .npz decompression bomb.
``--quick`` runs tiny sizes once without needing OpenCV (the test suite's
smoke test).
"""

# ruff: noqa: E402 (the thread variables must be set before numpy and cv2 load)
import os

for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_variable] = "1"

import argparse
import datetime
import functools
import gc
import platform
import statistics
import sys
import tempfile
import time
import tracemalloc

import matplotlib
import numpy as np
import scipy

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import folder as folder_run  # benchmarks/folder.py: the CLI on a folder vs the OpenCV script

from anomaly_viz import compute_mask, measure_regions
from anomaly_viz.io import MAX_PIXELS
from anomaly_viz.post_process import anomaly_map_to_color_map, superimpose_anomaly_map

try:
    import cv2

    cv2.setNumThreads(1)
except ImportError:
    cv2 = None
try:
    import skimage
    from skimage import morphology
except ImportError:
    skimage = morphology = None

INSTALL_HINT = 'pip install -e ".[bench]"'
SEED = 20240601
ALPHA, GAMMA, THRESHOLD, KERNEL_SIZE = 0.4, 0.0, 0.5, 4
OURS = "anomaly_viz"
PURE = "matplotlib naive"  # the only baseline that needs neither OpenCV nor scikit-image

# (height, width). Targets are checked at the second size, scaling compares the third with it,
# and a map of the first size is also laid over an image of the second.
FULL_SIZES = [(256, 256), (1024, 1024), (2160, 3840)]
QUICK_SIZES = [(32, 32), (64, 64), (96, 128)]
# The side of the square map of the measure_regions memory case (one 10x10 region in it).
FULL_REGIONS_SIDE, QUICK_REGIONS_SIDE = 10000, 200

# (operation, baseline, size): the largest acceptable ratio; "reference" and "large" are the
# second and third sizes, "resized" the map of the first size over the image of the second.
TARGETS = {
    ("color map", "anomalib cv2", "reference"): 0.9,
    ("superimpose", "anomalib cv2", "reference"): 1.05,
    ("superimpose", "anomalib cv2", "large"): 0.85,
    ("superimpose resized", "resize + anomalib cv2", "resized"): 1.3,
    ("compute_mask", "cv2 open+close", "reference"): 1.4,
    ("compute_mask anomalib", "anomalib skimage", "reference"): 0.3,
    ("superimpose", "matplotlib naive", "reference"): 1 / 3,
}
SCALING_SLACK, MEMORY_TARGET = 1.25, 3.0
# measure_regions: memory in proportion to the map (its label image), not to every pixel sorted.
REGIONS_MEMORY_TARGET = 3.0
# A kernel far wider than the map costs no more than one as wide as the map.
WIDE_KERNEL, WIDE_KERNEL_MAP, WIDE_KERNEL_MEMORY_TARGET = 100_000, (10, 10), 1 << 20
# Decompression bombs are refused from their headers: peak memory a small fraction of the bomb.
BOMB_SIDE, BOMB_MEMORY_TARGET = 30_000, 16 << 20


# ---- anomalib's recipes (anomalib.utils.post_process) and the naive matplotlib path ----


def anomalib_color_map(anomaly_map):
    anomaly_map = (anomaly_map - anomaly_map.min()) / np.ptp(anomaly_map)
    anomaly_map = (anomaly_map * 255).astype(np.uint8)
    return cv2.cvtColor(cv2.applyColorMap(anomaly_map, cv2.COLORMAP_JET), cv2.COLOR_BGR2RGB)


def anomalib_superimpose(anomaly_map, image):
    heat = anomalib_color_map(anomaly_map)
    return cv2.addWeighted(heat, ALPHA, image, 1 - ALPHA, GAMMA)


def resized_anomalib_superimpose(anomaly_map, image):
    height, width = image.shape[:2]
    resized = cv2.resize(anomaly_map, (width, height), interpolation=cv2.INTER_LINEAR)
    return anomalib_superimpose(resized, image)


def anomalib_compute_mask(anomaly_map, threshold):
    mask = np.zeros_like(anomaly_map).astype(np.uint8)
    mask[anomaly_map > threshold] = 1
    kernel = morphology.disk(KERNEL_SIZE)
    mask = morphology.opening(mask, kernel)
    mask *= 255
    return mask


def opencv_open_close(anomaly_map, threshold):
    """The raw lower bound: threshold, then OpenCV's opening and closing."""
    mask = (anomaly_map > threshold).astype(np.uint8)
    mask *= 255
    kernel = np.ones((KERNEL_SIZE, KERNEL_SIZE), np.uint8)
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, kernel)
    return cv2.morphologyEx(mask, cv2.MORPH_CLOSE, kernel)


def naive_mpl(anomaly_map, image):
    scores = anomaly_map.astype(np.float64)
    normalized = (scores - scores.min()) / (scores.max() - scores.min())
    heat = matplotlib.colormaps["jet"](normalized, bytes=True)[..., :3]
    total = ALPHA * heat.astype(np.float64) + (1 - ALPHA) * image.astype(np.float64) + GAMMA
    return np.clip(total, 0, 255).astype(np.uint8)


# ---- inputs, timing, memory ----


def make_inputs(rng, height, width):
    """A float32 map in [0, 1] (five Gaussian blobs plus noise) and a uint8 RGB image."""
    rows, cols = np.arange(height)[:, np.newaxis], np.arange(width)
    scores = rng.normal(0.0, 0.05, (height, width))
    for _ in range(5):
        sigma = rng.uniform(0.03, 0.15) * min(height, width)
        row, col = rng.uniform(0, height), rng.uniform(0, width)
        scores += (
            rng.uniform(0.3, 1.0)
            * np.exp(-((rows - row) ** 2) / (2 * sigma**2))
            * np.exp(-((cols - col) ** 2) / (2 * sigma**2))
        )
    scores = (scores - scores.min()) / np.ptp(scores)
    image = rng.integers(0, 256, (height, width, 3), dtype=np.uint8)
    return scores.astype(np.float32), image


def measure(fn, repeat):
    """Median seconds of `repeat` calls of `fn()` after one warm-up call, garbage collector off."""
    return measure_side_by_side([fn], repeat)[0]


def measure_side_by_side(fns, repeat):
    """Median seconds of each of `fns`, called in turn `repeat` times after one warm-up each.

    Calling them alternately, rather than one after the other, spreads a
    noisy machine's slow spells over all of them: their ratio is what counts.
    """
    for fn in fns:
        fn()
    gc.collect()
    gc.disable()
    times = [[] for _ in fns]
    try:
        for _ in range(repeat):
            for fn, spent in zip(fns, times, strict=True):
                start = time.perf_counter()
                fn()
                spent.append(time.perf_counter() - start)
    finally:
        gc.enable()
    return [statistics.median(spent) for spent in times]


def peak_memory(fn):
    """The result of `fn()` and the peak memory traced while it ran, in bytes."""
    gc.collect()
    tracemalloc.start()
    try:
        result = fn()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def superimpose_memory_cases(anomaly_map, image):
    """(description, map, image) for every overlay path whose memory is checked.

    The inputs are made here, before tracing starts: only what superimpose
    allocates is counted. One NaN sends the map through the rules for
    non-finite scores; a half-size map is also resized; float and uint16
    images are scaled to 0-255 as the blend goes.
    """
    with_nan = anomaly_map.copy()
    with_nan[with_nan.shape[0] // 3, with_nan.shape[1] // 3] = np.nan
    half_with_nan = with_nan[::2, ::2].copy()
    height, width = half_with_nan.shape
    return [
        ("uint8 image", anomaly_map, image),
        ("map with one NaN", with_nan, image),
        (f"{label((height, width))} map with one NaN, resized", half_with_nan, image),
        ("float32 image", anomaly_map, (image / 255.0).astype(np.float32)),
        ("float64 image", anomaly_map, image / 255.0),
        ("uint16 image", anomaly_map, image.astype(np.uint16) * 257),
    ]


def superimpose_memory_ratio(anomaly_map, image):
    """Peak traced allocation of one superimpose call over the size of its output."""
    out, peak = peak_memory(lambda: superimpose_anomaly_map(anomaly_map, image, normalize=True))
    return peak / out.nbytes


def wide_kernel_memory():
    """Peak traced bytes of compute_mask with a kernel far wider than a small map."""
    anomaly_map = np.random.default_rng(SEED).random(WIDE_KERNEL_MAP).astype(np.float32)
    _, peak = peak_memory(lambda: compute_mask(anomaly_map, THRESHOLD, WIDE_KERNEL))
    return peak


def _rows_of(count, step):
    """Counts of rows, `step` at a time, adding up to `count`."""
    return [min(step, count - top) for top in range(0, count, step)]


def bomb_memory(folder, side, max_pixels):
    """Peak traced bytes of refusing a small TIFF and a small .npz that decode to side x side.

    The TIFF is one strip of zeros, deflate-compressed, written by hand (no
    tifffile needed); the .npz holds one zero uint8 array, deflated. Both
    are a few MB or less on disk and ``side**2`` bytes once decoded; read_image
    and read_map must refuse them (above `max_pixels`) from their headers.
    """
    import struct
    import zipfile
    import zlib

    from anomaly_viz.io import FileProblem, read_image, read_map

    tiff = os.path.join(folder, "bomb.tif")
    compressor, zeros = zlib.compressobj(1), bytes(side * 1000)
    strip = b"".join(compressor.compress(zeros[: side * rows]) for rows in _rows_of(side, 1000))
    strip += compressor.flush()
    entries = [  # tag, type (3 short, 4 long), value
        (256, 4, side),
        (257, 4, side),
        (258, 3, 8),
        (259, 3, 8),  # deflate
        (262, 3, 1),
        (273, 4, 8),  # the strip right after the header
        (277, 3, 1),
        (278, 4, side),
        (279, 4, len(strip)),
    ]
    directory = struct.pack("<H", len(entries))
    for tag, kind, value in entries:
        directory += struct.pack("<HHI", tag, kind, 1) + struct.pack("<I", value)
    directory += struct.pack("<I", 0)
    with open(tiff, "wb") as stream:
        stream.write(b"II*\x00" + struct.pack("<I", 8 + len(strip)) + strip + directory)
    npz = os.path.join(folder, "bomb.npz")
    with zipfile.ZipFile(npz, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        with archive.open("scores.npy", "w", force_zip64=True) as member:
            header = {"descr": "|u1", "fortran_order": False, "shape": (side, side)}
            np.lib.format.write_array_header_1_0(member, header)
            for rows in _rows_of(side, 1000):
                member.write(zeros[: side * rows])
    peaks = []
    for read, path in ((read_image, tiff), (read_map, npz)):

        def refuse(read=read, path=path):
            try:
                read(path, max_pixels=max_pixels)
            except FileProblem:
                return True
            return False

        refused, peak = peak_memory(refuse)
        peaks.append((os.path.basename(path), os.path.getsize(path), refused, peak))
    return peaks


def regions_memory_ratio(side):
    """Peak traced allocation of measure_regions over the map's size: one 10x10 region."""
    anomaly_map = np.zeros((side, side), np.float32)
    anomaly_map[side // 2 : side // 2 + 10, side // 3 : side // 3 + 10] = 1.0
    mask = anomaly_map > 0.5
    _, peak = peak_memory(lambda: measure_regions(anomaly_map, mask))
    return peak / anomaly_map.nbytes


# ---- the table ----

# Every function takes (map, image); baselines are (name, function).
OPERATIONS = [
    (
        "color map",
        lambda m, i: anomaly_map_to_color_map(m),
        [("anomalib cv2", lambda m, i: anomalib_color_map(m))],
    ),
    (
        "superimpose",
        lambda m, i: superimpose_anomaly_map(m, i, normalize=True),
        [("anomalib cv2", anomalib_superimpose), (PURE, naive_mpl)],
    ),
    (
        "compute_mask",
        lambda m, i: compute_mask(m, THRESHOLD, KERNEL_SIZE),
        [("cv2 open+close", lambda m, i: opencv_open_close(m, THRESHOLD))],
    ),
    (
        "compute_mask anomalib",
        lambda m, i: compute_mask(m, THRESHOLD, KERNEL_SIZE, cleaning="anomalib"),
        [("anomalib skimage", lambda m, i: anomalib_compute_mask(m, THRESHOLD))],
    ),
]
RESIZED = (
    "superimpose resized",
    lambda m, i: superimpose_anomaly_map(m, i, normalize=True),
    [("resize + anomalib cv2", resized_anomalib_superimpose)],
)


def label(size):
    return f"{size[1]}x{size[0]}"


def cases(inputs):
    """(operation, size label, size, inputs, our function, baselines) for every row group."""
    for size, pair in inputs.items():
        for operation in OPERATIONS:
            yield (operation[0], label(size), size, pair, *operation[1:])
    small, big = list(inputs)[:2]
    pair = inputs[small][0], inputs[big][1]
    yield (RESIZED[0], f"{label(small)} on {label(big)}", big, pair, *RESIZED[1:])


def verdict(value, target):
    return f"<= {target:.2f} {'met' if value <= target else 'NOT met'}"


def which_size(operation, size, reference, large):
    if operation == RESIZED[0]:
        return "resized"
    return {reference: "reference", large: "large"}.get(size)


def format_table(header, rows, style):
    """Plain aligned columns, an RST simple table or a Markdown table."""
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    if style == "markdown":
        return "\n".join(
            "| " + " | ".join(r) + " |" for r in [header, ["---"] * len(header), *rows]
        )
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in [header, *rows]]
    lines = [line.rstrip() for line in lines]
    if style == "rst":
        rule = "  ".join("=" * w for w in widths)
        return "\n".join([rule, lines[0], rule, *lines[1:], rule])
    return "\n".join([lines[0], "-" * len(lines[0]), *lines[1:]])


def versions():
    def version(module):
        return getattr(module, "__version__", "not installed")

    return (
        f"date: {datetime.datetime.now().isoformat(timespec='seconds')}\n"
        f"machine: {os.cpu_count()} cores, {platform.processor() or platform.machine()}, "
        f"{platform.platform()}\n"
        f"python {platform.python_version()}, numpy {np.__version__}, scipy {scipy.__version__}, "
        f"matplotlib {matplotlib.__version__}, opencv {version(cv2)}, "
        f"scikit-image {version(skimage)}"
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, one call: a smoke test")
    parser.add_argument("--repeat", type=int, default=15, help="timed calls per function (15)")
    parser.add_argument(
        "--no-folder", action="store_true", help="leave out the folder run (benchmarks/folder.py)"
    )
    style = parser.add_mutually_exclusive_group()
    style.add_argument("--rst", dest="style", action="store_const", const="rst")
    style.add_argument("--markdown", dest="style", action="store_const", const="markdown")
    args = parser.parse_args(argv)
    have_opencv = cv2 is not None and skimage is not None
    if not (have_opencv or args.quick):
        print(f"benchmarks/run.py needs OpenCV and scikit-image: {INSTALL_HINT}", file=sys.stderr)
        return 2
    sizes, repeat = (QUICK_SIZES, 1) if args.quick else (FULL_SIZES, max(1, args.repeat))
    reference, large = sizes[1], sizes[2]
    rng = np.random.default_rng(SEED)
    inputs = {size: make_inputs(rng, *size) for size in sizes}
    print(versions())
    print(
        f"one thread; median of {repeat} call(s) after one warm-up, each pair called "
        f"alternately; ratio = {OURS} / other"
    )
    if args.quick:
        print("quick run: tiny sizes, the timings and targets mean nothing")
    if not have_opencv:
        print(f"skipped: the OpenCV and scikit-image comparisons ({INSTALL_HINT})")
    rows, ours_ms, checks = [], {}, []
    for operation, size_label, size, pair, ours, baselines in cases(inputs):
        baselines = [(name, fn) for name, fn in baselines if have_opencv or name == PURE]
        if not baselines:
            mine = measure(functools.partial(ours, *pair), repeat) * 1e3
            rows.append([operation, size_label, f"{mine:.2f}", "(skipped)", "-", "-", "-"])
            ours_ms[operation, size] = mine
        which = which_size(operation, size, reference, large)
        for name, fn in baselines:
            mine, other = (
                seconds * 1e3
                for seconds in measure_side_by_side(
                    [functools.partial(ours, *pair), functools.partial(fn, *pair)], repeat
                )
            )
            ours_ms.setdefault((operation, size), mine)  # for the scaling lines
            ratio, target = mine / other, TARGETS.get((operation, name, which))
            if target is not None:
                checks.append(ratio <= target)
            met = verdict(ratio, target) if target else "-"
            cells = [f"{mine:.2f}", name, f"{other:.2f}", f"{ratio:.2f}", met]
            rows.append([operation, size_label, *cells])
    header = ["operation", "size", f"{OURS} ms", "compared with", "other ms", "ratio", "target"]
    print(format_table(header, rows, args.style))
    pixels = (large[0] * large[1]) / (reference[0] * reference[1])
    limit = SCALING_SLACK * pixels
    for operation in ("superimpose", "color map"):
        scaling = ours_ms[operation, large] / ours_ms[operation, reference]
        checks.append(scaling <= limit)
        print(
            f"- scaling, {operation} {label(large)} / {label(reference)}: {scaling:.2f} "
            f"(pixel ratio {pixels:.2f}; target {verdict(scaling, limit)})"
        )
    for case, anomaly_map, image in superimpose_memory_cases(*inputs[large]):
        memory = superimpose_memory_ratio(anomaly_map, image)
        checks.append(memory <= MEMORY_TARGET)
        print(
            f"- memory, superimpose at {label(large)}, {case}: peak traced allocation "
            f"{memory:.2f} x output (target {verdict(memory, MEMORY_TARGET)})"
        )
    side = QUICK_REGIONS_SIDE if args.quick else FULL_REGIONS_SIDE
    memory = regions_memory_ratio(side)
    checks.append(memory <= REGIONS_MEMORY_TARGET)
    print(
        f"- memory, measure_regions of one 10x10 region in a {side}x{side} float32 map: "
        f"peak traced allocation {memory:.2f} x map "
        f"(target {verdict(memory, REGIONS_MEMORY_TARGET)})"
    )
    peak = wide_kernel_memory()
    checks.append(peak <= WIDE_KERNEL_MEMORY_TARGET)
    print(
        f"- memory, compute_mask with k={WIDE_KERNEL} on a {label(WIDE_KERNEL_MAP)} map: peak "
        f"traced allocation {peak / 1024:.1f} KiB (target <= {WIDE_KERNEL_MEMORY_TARGET >> 10} "
        f"KiB {'met' if peak <= WIDE_KERNEL_MEMORY_TARGET else 'NOT met'})"
    )
    # quick: a tiny bomb, refused by a pixel limit just under its size
    bomb_side = QUICK_REGIONS_SIDE if args.quick else BOMB_SIDE
    limit = bomb_side**2 - 1 if args.quick else MAX_PIXELS
    with tempfile.TemporaryDirectory() as folder:
        for name, size_on_disk, refused, peak in bomb_memory(folder, bomb_side, limit):
            ok = refused and peak <= BOMB_MEMORY_TARGET
            checks.append(ok)
            print(
                f"- memory, refusing {name} ({size_on_disk / 1e6:.2f} MB on disk, "
                f"{bomb_side}x{bomb_side} decoded): {'refused' if refused else 'read'}, peak "
                f"traced allocation {peak / 2**20:.1f} MiB (target refused and <= "
                f"{BOMB_MEMORY_TARGET >> 20} MiB {'met' if ok else 'NOT met'})"
            )
    if not args.no_folder:
        count = folder_run.QUICK_COUNT if args.quick else folder_run.FULL_COUNT
        for line in folder_run.folder_figures(count, repeat if args.quick else 3, args.quick):
            print(line)
            if line.startswith("- ") and line.endswith("met)"):
                checks.append(not line.endswith("NOT met)"))
    print(f"- targets met: {sum(checks)} of {len(checks)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
