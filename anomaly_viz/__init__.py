"""Anomaly maps to heatmaps, overlays, masks and regions, in pure NumPy/SciPy.

One name per idea at the top level; each stage also has its own module
(:mod:`~anomaly_viz.normalization`, :mod:`~anomaly_viz.scale`,
:mod:`~anomaly_viz.colormap`, :mod:`~anomaly_viz.resize`,
:mod:`~anomaly_viz.blending`, :mod:`~anomaly_viz.overlays`,
:mod:`~anomaly_viz.thresholds`, :mod:`~anomaly_viz.morphology`,
:mod:`~anomaly_viz.regions`, :mod:`~anomaly_viz.evaluation`,
:mod:`~anomaly_viz.draw`, :mod:`~anomaly_viz.text`,
:mod:`~anomaly_viz.plot`, :mod:`~anomaly_viz.grid`). Functions of many
maps at once (:func:`~anomaly_viz.scale.fit_scale`,
:func:`~anomaly_viz.evaluation.best_threshold`,
:func:`~anomaly_viz.grid.sample_grid`) are in their modules. anomalib's three
functions, with anomalib's argument order, are in
:mod:`anomaly_viz.post_process`.
"""

from .blending import blend
from .colormap import apply_colormap, lookup_table
from .draw import draw_boxes, draw_contours, draw_isoline, draw_masks, fill_mask
from .evaluation import draw_evaluation, evaluate
from .morphology import open_by_reconstruction, open_close, open_disk
from .normalization import Normalization
from .overlays import heatmap_rgba, overlay
from .plot import comparison_figure
from .post_process import compute_mask
from .regions import Region, label_regions, masks_to_boxes, measure_regions, remove_small_objects
from .resize import resize_bilinear, resize_nearest
from .text import draw_text
from .thresholds import apply_hysteresis_threshold, threshold_otsu

__version__ = "0.1.0"  # the only place the version is written; pyproject.toml reads it

__all__ = [
    "Normalization",
    "Region",
    "apply_colormap",
    "apply_hysteresis_threshold",
    "blend",
    "comparison_figure",
    "compute_mask",
    "draw_boxes",
    "draw_contours",
    "draw_evaluation",
    "draw_isoline",
    "draw_masks",
    "draw_text",
    "evaluate",
    "fill_mask",
    "heatmap_rgba",
    "label_regions",
    "lookup_table",
    "masks_to_boxes",
    "measure_regions",
    "open_by_reconstruction",
    "open_close",
    "open_disk",
    "overlay",
    "remove_small_objects",
    "resize_bilinear",
    "resize_nearest",
    "threshold_otsu",
]
