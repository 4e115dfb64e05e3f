"""
The three anomalib calls, without OpenCV
========================================

anomalib's ``utils.post_process`` offers three functions: colour an anomaly
map, lay it over the image, threshold it into a mask. ``anomaly_viz`` has
the same names and signatures. This example runs all three on the photo
that ships with matplotlib (Grace Hopper) and a synthetic defect map of
another size, and writes the heatmap, the overlay and the mask as PNGs.

The output folder is the first command-line argument, else the
``ANOMALY_VIZ_EXAMPLES_OUT`` environment variable, else the current folder.
"""

import os
import sys
from pathlib import Path

import imageio.v3 as iio
import numpy as np
from matplotlib.cbook import get_sample_data

from anomaly_viz import anomaly_map_to_color_map, compute_mask, superimpose_anomaly_map

out = Path(sys.argv[1] if len(sys.argv) > 1 else os.environ.get("ANOMALY_VIZ_EXAMPLES_OUT", "."))
out.mkdir(parents=True, exist_ok=True)

image = iio.imread(get_sample_data("grace_hopper.jpg", asfileobj=False))

# A 64x48 map with one hot spot, as a model's low-resolution output would be.
y, x = np.mgrid[:64, :48]
anomaly_map = np.exp(-((x - 30) ** 2 + (y - 22) ** 2) / 30.0)

heatmap = anomaly_map_to_color_map(anomaly_map, colormap="opencv_jet")
overlay = superimpose_anomaly_map(anomaly_map, image, alpha=0.4, normalize=True)
mask = compute_mask(anomaly_map, threshold=0.5, kernel_size=4)

iio.imwrite(out / "anomalib_heatmap.png", heatmap)
iio.imwrite(out / "anomalib_overlay.png", overlay)
iio.imwrite(out / "anomalib_mask.png", mask)
print(
    f"wrote {out / 'anomalib_heatmap.png'}, {out / 'anomalib_overlay.png'}, "
    f"{out / 'anomalib_mask.png'}"
)
