"""
Erosion, dilation, opening, closing, reconstruction, step by step
=================================================================

One small mask: a 6 x 6 defect with a one-pixel hole, a thin arm and a
speck. With a 3 x 3 square (outside the image neutral): the erosion keeps
the pixels whose whole square is inside the mask, the dilation every pixel
whose square touches it; the opening (erosion, then dilation) removes the
speck and the arm, and eats into the corner beside the hole; the closing
(dilation, then erosion) fills the hole and keeps the speck.
The opening by reconstruction lets the eroded seeds grow back inside the
original mask: the speck goes, as in the opening, but the arm stays.
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from _output import output_folder
from scipy import ndimage

from anomaly_viz.morphology import open_by_reconstruction

out = output_folder()
mask = np.zeros((14, 14), bool)
mask[2:8, 2:8] = True
mask[4, 4] = False  # a hole
mask[8:12, 4] = True  # a thin arm
mask[11, 11] = True  # a speck
square = np.ones((3, 3), bool)


def erode(m):
    return ndimage.binary_erosion(m, square, border_value=1)


def dilate(m):
    return ndimage.binary_dilation(m, square, border_value=0)


steps = [
    ("mask", mask),
    ("erosion", erode(mask)),
    ("dilation", dilate(mask)),
    ("opening", dilate(erode(mask))),
    ("closing", erode(dilate(mask))),
    ("opening by reconstruction", open_by_reconstruction(mask, 3)),
]
figure, axes = plt.subplots(1, 6, figsize=(13, 2.8), layout="constrained")
for ax, (title, picture) in zip(axes, steps, strict=True):
    ax.imshow(picture, cmap="gray_r", vmin=0, vmax=1)
    ax.imshow(np.ma.masked_where(~mask, mask), cmap="Reds", alpha=0.25, vmin=0, vmax=1)
    ax.set_title(f"{title}\n{int(picture.sum())} pixels", fontsize=10)
    ax.set_xticks(np.arange(-0.5, 14, 1), minor=True)
    ax.set_yticks(np.arange(-0.5, 14, 1), minor=True)
    ax.grid(which="minor", color="0.8", linewidth=0.5)
    ax.tick_params(which="both", length=0, labelbottom=False, labelleft=False)
figure.savefig(out / "morphology_steps.png", dpi=100)
plt.close(figure)
