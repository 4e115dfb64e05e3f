"""
One colour scale for a whole data set
=====================================

Four maps from one detector: a normal image (scores around 0.1) and three
defects of growing strength. Normalised each on its own (min-max, top row),
the normal image looks as alarming as the worst defect: its tiny noise is
stretched over the whole colormap. With one fixed range for the data set
(``vmin=0, vmax=1``, bottom row) the colours mean the same scores in every
image, and the normal image stays cold.
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from _output import output_folder

from anomaly_viz.post_process import anomaly_map_to_color_map

out = output_folder()
rng = np.random.default_rng(0)
rows, cols = np.indices((64, 64))
blob = np.exp(-((rows - 30) ** 2 + (cols - 36) ** 2) / 60.0)
maps = np.stack([0.1 + 0.02 * rng.standard_normal((64, 64)) + strength * blob
                 for strength in (0.0, 0.3, 0.6, 0.9)]).astype(np.float32)  # fmt: skip

figure, axes = plt.subplots(2, 4, figsize=(10, 5.4), layout="constrained")
per_map = anomaly_map_to_color_map(maps)  # a batch: each map normalised on its own
shared = anomaly_map_to_color_map(maps, vmin=0.0, vmax=1.0)
for column, name in enumerate(["normal", "weak", "medium", "strong"]):
    axes[0, column].imshow(per_map[column])
    axes[0, column].set_title(f"{name}: min-max", fontsize=10)
    axes[1, column].imshow(shared[column])
    axes[1, column].set_title(f"{name}: vmin=0, vmax=1", fontsize=10)
for ax in axes.flat:
    ax.set_axis_off()
figure.savefig(out / "fixed_scale.png", dpi=100)
plt.close(figure)
print(f"wrote {out / 'fixed_scale.png'}")
