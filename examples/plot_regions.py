"""
From a map to a list of defects: mask, regions and boxes
========================================================

The embedded sample's anomaly map is thresholded with hysteresis (seeds
above 3, grown through scores above 1.5), regions of fewer than 4 pixels
are dropped, and each remaining region is measured: area, box, peak and
maximum score. The boxes and the mask's contours are drawn into the photo
(in NumPy, no OpenCV) and each box is labelled with its maximum score by
matplotlib.
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from _output import output_folder

from anomaly_viz import compute_mask, draw_boxes, draw_contours, measure_regions, resize_nearest
from anomaly_viz.datasets import demo_sample

out = output_folder()
sample = demo_sample()
mask = compute_mask(sample.anomaly_map, 3.0, 0, low_threshold=1.5, min_area=4)
regions = measure_regions(sample.anomaly_map, mask)

scale = 4  # the map is a quarter of the photo's size
full_mask = resize_nearest(mask, sample.image.shape[:2])
boxes = np.array([[x1 * scale, y1 * scale, (x2 + 1) * scale - 1, (y2 + 1) * scale - 1]
                  for x1, y1, x2, y2 in (region.box for region in regions)])  # fmt: skip
picture = draw_contours(sample.image, full_mask, color=(255, 255, 0))
picture = draw_boxes(picture, boxes, color=(255, 0, 0), thickness=2)

figure, ax = plt.subplots(figsize=(5, 5.6), layout="constrained")
ax.imshow(picture)
for region, (x1, y1, _, _) in zip(regions, boxes, strict=True):
    ax.text(x1, y1 - 4, f"{region.max_score:.1f}", color="red", fontsize=8)
ax.set_title(f"{len(regions)} regions, highest score first", fontsize=10)
ax.set_axis_off()
figure.savefig(out / "regions.png", dpi=100)
plt.close(figure)
for region in regions[:3]:
    print(region.label, region.area, region.box, round(region.max_score, 2))
print(f"wrote {out / 'regions.png'}")
