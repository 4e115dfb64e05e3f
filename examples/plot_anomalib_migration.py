"""
Coming from anomalib: the same three calls, without OpenCV
==========================================================

anomalib's ``utils.post_process`` offers three functions: colour an anomaly
map, lay it over the image, threshold it into a mask. ``anomaly_viz`` has
the same names and signatures, so only the import changes. With
``colormap="opencv_jet"`` the heatmaps keep anomalib's OpenCV colours; the
default is matplotlib's ``"jet"``. The picture shows both, with the overlay
and the mask, for the embedded sample photo and its anomaly map.
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from _output import output_folder

# from anomalib.utils.post_process import (
from anomaly_viz import compute_mask
from anomaly_viz.datasets import demo_sample
from anomaly_viz.post_process import anomaly_map_to_color_map, superimpose_anomaly_map

out = output_folder()
sample = demo_sample()
scores = sample.anomaly_map / sample.anomaly_map.max()  # anomalib's maps lie in [0, 1]

pictures = {
    'colormap="jet"': anomaly_map_to_color_map(scores),
    'colormap="opencv_jet"': anomaly_map_to_color_map(scores, colormap="opencv_jet"),
    "superimpose_anomaly_map": superimpose_anomaly_map(scores, sample.image, colormap="opencv_jet"),
    "compute_mask(threshold=0.5)": compute_mask(scores, threshold=0.5, kernel_size=2),
}
figure, axes = plt.subplots(1, 4, figsize=(12, 3.6), layout="constrained")
for ax, (title, picture) in zip(axes, pictures.items(), strict=True):
    ax.imshow(picture, cmap="gray", extent=(0, 512, 600, 0))
    ax.set_title(title, fontsize=10)
    ax.set_axis_off()
figure.savefig(out / "anomalib_migration.png", dpi=100)
plt.close(figure)
print(f"wrote {out / 'anomalib_migration.png'}")
