"""
Three ways to lay a feature map over a photo
============================================

A classic question: a 2-D feature map of another size than the photo, and
three answers. Variant 1 multiplies the photo by the normalised map, so
only hot regions stay visible (``mode="multiply"``). Variant 2 blends the
map as grey (``mode="gray"``). Variant 3 blends its colours through a
colormap (``mode="blend"``). The map's *scores* are resized to the photo
(bilinear, half-pixel centres), then normalised and coloured. The last
panel is what the question's first attempt did, ``np.uint8(feature +
image)``: the sum wraps around past 255 and the colours turn to noise.
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from _output import output_folder

from anomaly_viz import overlay
from anomaly_viz.datasets import demo_sample, sample_photo

out = output_folder()
photo = sample_photo()
feature = demo_sample().anomaly_map  # a 150x128 map, a quarter of the photo's size

feature_255 = np.repeat(
    (255 * feature / feature.max()).astype(np.uint8).repeat(4, 0).repeat(4, 1)[..., None], 3, 2
)
panels = {
    "photo": photo,
    'variant 1: "multiply"': overlay(photo, feature, "multiply"),
    'variant 2: "gray"': overlay(photo, feature, "gray"),
    'variant 3: "blend", jet': overlay(photo, feature, "blend", alpha=0.5),
    "np.uint8(feature + image)": np.uint8(feature_255.astype(int) + photo),
}
figure, axes = plt.subplots(1, len(panels), figsize=(15, 3.8), layout="constrained")
for ax, (title, picture) in zip(axes, panels.items(), strict=True):
    ax.imshow(picture)
    ax.set_title(title, fontsize=10)
    ax.set_axis_off()
figure.savefig(out / "seed_variants.png", dpi=100)
plt.close(figure)
print(f"wrote {out / 'seed_variants.png'}")
