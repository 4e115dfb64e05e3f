"""
One scale for a data set, centred on the threshold
==================================================

Four maps of one detector: a normal image (scores around 0.1) and three
defects of growing strength, with the anomaly threshold 0.5. Normalised
each on its own (top row), the normal image is as red as the worst defect.
With anomalib's normalisation fitted once over the data set
(:func:`anomaly_viz.scale.fit_scale` with ``threshold=0.5``, bottom row),
``clip((x - t) / (max - min) + 0.5, 0, 1)`` puts the threshold in the
middle of the colormap for every map: only scores above it are on the warm
half, and the white iso-line shows where each map crosses it. The colorbar
marks the threshold.
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from _output import output_folder
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Normalize

import anomaly_viz as av
from anomaly_viz.scale import fit_scale

out = output_folder()
rng = np.random.default_rng(0)
rows, cols = np.indices((64, 64))
blob = np.exp(-((rows - 30) ** 2 + (cols - 36) ** 2) / 60.0)
maps = [0.1 + 0.02 * rng.standard_normal((64, 64)) + strength * blob
        for strength in (0.0, 0.3, 0.6, 0.9)]  # fmt: skip
threshold = 0.5
scale = fit_scale(maps, threshold=threshold)
blank = np.zeros((64, 64), np.uint8)

figure, axes = plt.subplots(2, 4, figsize=(10, 5.6), layout="constrained")
names = ["normal", "weak", "medium", "strong"]
for column, (name, scores) in enumerate(zip(names, maps, strict=True)):
    axes[0, column].imshow(av.overlay(blank, scores, alpha=1.0))  # min-max of each map
    axes[0, column].set_title(f"{name}: its own min-max", fontsize=10)
    shared = av.overlay(blank, scores, alpha=1.0, normalization=scale)
    axes[1, column].imshow(av.draw_isoline(shared, scores, threshold))
    axes[1, column].set_title(f"{name}: one scale, t = {threshold}", fontsize=10)
for ax in axes.flat:
    ax.set_axis_off()
low, high = scale.colorbar_range
colorbar = figure.colorbar(
    ScalarMappable(Normalize(low, high), cmap="jet"), ax=axes[1, :], label="anomaly score"
)
colorbar.ax.axhline(threshold, color="white", linewidth=2)
colorbar.ax.axhline(threshold, color="black", linewidth=0.6)
figure.savefig(out / "dataset_scale.png", dpi=100)
plt.close(figure)
print(f"wrote {out / 'dataset_scale.png'}")
