"""
Prediction against ground truth
===============================

The demo photo has two painted defects (the ground truth). A detector's
map, at a quarter of the photo's resolution, finds the round one, raises a
false alarm on the flag and only whispers over the scratch. Thresholded at
0.4, the mask's regions are drawn in three colour-blind-safe colours: found
(bluish green), false alarm (vermillion) and missed (sky blue), with the
threshold's iso-line in white. The figures of :func:`~anomaly_viz.evaluation.evaluate`
are printed in the title.
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from _output import output_folder

import anomaly_viz as av
from anomaly_viz.datasets import demo_sample
from anomaly_viz.evaluation import best_threshold

out = output_folder()
sample = demo_sample()
rows, cols = np.indices((150, 128))  # the map's grid: a quarter of the 600 x 512 photo


def blob(row, col, radius):
    return np.exp(-((rows - row) ** 2 + (cols - col) ** 2) / (2 * radius**2))


rng = np.random.default_rng(7)
scores = (
    0.9 * blob(170 / 4, 440 / 4, 3)  # the round defect: found
    + 0.8 * blob(80 / 4, 60 / 4, 5)  # a false alarm on the flag
    + 0.25 * blob(475 / 4, 330 / 4, 8)  # the scratch: too weak
    + 0.05 * rng.random((150, 128))
)
threshold = 0.4
result = av.evaluate(scores, sample.ground_truth, threshold, kernel_size=3)
mask = av.compute_mask(av.resize_bilinear(scores, (600, 512)), threshold, 3)
best = best_threshold([scores], [sample.ground_truth])  # the F1-optimal one, for the title

shown = av.overlay(sample.image, scores, "alpha", colormap="magma")
shown = av.draw_isoline(shown, scores, threshold, thickness=2)
picture = av.draw_evaluation(shown, mask, sample.ground_truth, thickness=3)

figure, ax = plt.subplots(figsize=(5.4, 6.4), layout="constrained")
ax.imshow(picture)
pixel, regions = result.pixel, result.regions
ax.set_title(
    f"threshold {threshold}: pixel F1 {pixel.f1:.2f}, IoU {pixel.iou:.2f}, PRO {result.pro:.2f}\n"
    f"regions: {regions.true_positive} found, {regions.false_positive} false, "
    f"{regions.missed} missed; best F1 {best.f1:.2f} at {best.threshold:.3f}",
    fontsize=10,
)
ax.set_axis_off()
figure.savefig(out / "evaluation.png", dpi=120)
plt.close(figure)
print(f"wrote {out / 'evaluation.png'}")
