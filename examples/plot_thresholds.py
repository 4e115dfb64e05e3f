"""
Otsu's threshold, and hysteresis
================================

Left: the histogram of a map's scores, 256 bins, with the between-class
variance ``w0 * w1 * (m0 - m1) ** 2`` of every split between bins; Otsu's
threshold (:func:`~anomaly_viz.thresholds.threshold_otsu`) is where it
peaks. Right: hysteresis on the demo's golden-template map (crop around
the scratch): pixels above 30 are seeds (red), and the regions grow
through every connected pixel above 8 (orange); a single threshold of 8
lets the sensor noise in, one of 30 breaks the scratch.
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from _output import output_folder

from anomaly_viz.inspection import inspection_sample
from anomaly_viz.thresholds import apply_hysteresis_threshold, threshold_otsu

out = output_folder()
rng = np.random.default_rng(0)
scores = np.concatenate([rng.normal(0.2, 0.05, 5000), rng.normal(0.8, 0.05, 1000)])
counts, edges = np.histogram(scores, bins=256)
centres = (edges[:-1] + edges[1:]) / 2
w0 = np.cumsum(counts)[:-1]
w1 = counts.sum() - w0
below = np.cumsum(counts * centres)[:-1]
variance = w0 * w1 * (below / w0 - ((counts * centres).sum() - below) / w1) ** 2
threshold = threshold_otsu(scores)

figure, axes = plt.subplots(1, 2, figsize=(11, 4), layout="constrained")
axes[0].bar(centres, counts, width=edges[1] - edges[0], color="0.6", label="scores")
twin = axes[0].twinx()
twin.plot(edges[1:-1], variance / variance.max(), color="C0", label="between-class variance")
twin.set_ylabel("between-class variance (scaled)")
axes[0].axvline(threshold, color="C3", linestyle="--", label=f"Otsu: {threshold:.3f}")
axes[0].set_xlabel("score")
axes[0].set_ylabel("count")
axes[0].legend(loc="upper center")

sample = inspection_sample()
crop = (slice(400, 540), slice(270, 390))
part = sample.anomaly_map[crop]
seeds = part > 30
grown = apply_hysteresis_threshold(part, low=8, high=30)
picture = np.full((*part.shape, 3), 255, np.uint8)
picture[part > 8] = (225, 225, 225)  # above 8, not reached
picture[grown] = (240, 150, 40)
picture[seeds] = (200, 30, 30)
axes[1].imshow(picture)
axes[1].set_title("seeds > 30 (red), grown through > 8 (orange),\nabove 8 but unconnected (grey)",
                  fontsize=10)  # fmt: skip
axes[1].set_axis_off()
figure.savefig(out / "thresholds.png", dpi=100)
plt.close(figure)
