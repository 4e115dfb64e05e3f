"""
Resize the scores, not the colours; and where the samples sit
=============================================================

Left: a 2 x 2 checkerboard of scores 0 and 1 enlarged to 16 x 16. Resizing
its jet **colours** channel by channel makes purples and greys that jet
never shows (crossed pixels: no jet colour within 6 levels); resizing the
**scores**, then colouring them, gives only colours of the map. Right:
where an output pixel samples the input when 2 samples become 8. With
half-pixel centres (this package, OpenCV, scipy's ``grid_mode=True``,
torch's ``align_corners=False``) each pixel is a square whose centre is the
sample; with corner alignment (``align_corners=True``) the first and last
samples are pinned to the corners and the others spread between them.
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from _output import output_folder

from anomaly_viz import resize_bilinear
from anomaly_viz.colormap import lookup_table
from anomaly_viz.post_process import anomaly_map_to_color_map

out = output_folder()
checker = np.array([[0.0, 1.0], [1.0, 0.0]])
jet = lookup_table("jet")[:256].astype(int)
colours = anomaly_map_to_color_map(checker, normalize=False)
channels = [resize_bilinear(colours[..., c].astype(float), (16, 16)) for c in range(3)]
by_colour = np.rint(np.stack(channels, axis=-1)).astype(np.uint8)
by_score = anomaly_map_to_color_map(resize_bilinear(checker, (16, 16)), normalize=False)

figure, axes = plt.subplots(1, 3, figsize=(11, 3.8), layout="constrained")
for ax, picture, title in ((axes[0], by_colour, "colours resized"),
                           (axes[1], by_score, "scores resized, then coloured")):  # fmt: skip
    ax.imshow(picture)
    nearest = np.abs(picture.astype(int)[:, :, None] - jet[None, None]).sum(-1).min(-1)
    rows, cols = np.nonzero(nearest > 6)
    ax.plot(cols, rows, "x", color="white", markersize=5)
    ax.set_title(f"{title}: {rows.size} off the colormap", fontsize=10)
    ax.set_axis_off()

n_in, n_out = 2, 8
o = np.arange(n_out)
half = np.clip((o + 0.5) * n_in / n_out - 0.5, 0, n_in - 1)
corner = o * (n_in - 1) / (n_out - 1)
axes[2].plot(o, half, "o-", label="half-pixel centres")
axes[2].plot(o, corner, "s--", label="corner alignment")
axes[2].set_xlabel("output pixel")
axes[2].set_ylabel("input position sampled")
axes[2].set_title("2 samples to 8", fontsize=10)
axes[2].legend()
axes[2].grid(alpha=0.3)
figure.savefig(out / "resize_rules.png", dpi=100)
plt.close(figure)
