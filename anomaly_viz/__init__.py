"""Anomaly maps to heatmaps, overlays and masks, in pure NumPy/SciPy.

The three anomalib-compatible functions are at the top level, beside the
overlay toolkit; each stage also has its own module
(:mod:`~anomaly_viz.normalize`, :mod:`~anomaly_viz.colormap`,
:mod:`~anomaly_viz.resize`, :mod:`~anomaly_viz.blend`,
:mod:`~anomaly_viz.overlay`, :mod:`~anomaly_viz.mask`,
:mod:`~anomaly_viz.draw`, :mod:`~anomaly_viz.plot`).
"""

from .blend import blend
from .colormap import apply_colormap, get_colormap, lookup_table, opencv_jet
from .draw import draw_boxes, draw_contours, draw_masks, fill_mask, mask_contour
from .mask import (
    hysteresis_mask,
    open_by_reconstruction,
    open_close,
    open_disk,
    otsu_threshold,
    threshold_mask,
)
from .normalize import (
    Normalization,
    finite_range,
    fit_normalization,
    normalize_clip,
    normalize_minmax,
    normalize_range,
    normalize_scores,
    rescale,
)
from .overlay import heatmap_rgba, overlay
from .plot import comparison_figure
from .post_process import anomaly_map_to_color_map, compute_mask, superimpose_anomaly_map
from .regions import Region, label_regions, masks_to_boxes, measure_regions, remove_small_regions
from .resize import resize_bilinear, resize_nearest

__version__ = "0.1.0"  # the only place the version is written; pyproject.toml reads it

__all__ = [
    "Normalization",
    "Region",
    "anomaly_map_to_color_map",
    "apply_colormap",
    "blend",
    "comparison_figure",
    "compute_mask",
    "draw_boxes",
    "draw_contours",
    "draw_masks",
    "fill_mask",
    "finite_range",
    "fit_normalization",
    "get_colormap",
    "heatmap_rgba",
    "hysteresis_mask",
    "label_regions",
    "lookup_table",
    "mask_contour",
    "masks_to_boxes",
    "measure_regions",
    "normalize_clip",
    "normalize_minmax",
    "normalize_range",
    "normalize_scores",
    "open_by_reconstruction",
    "open_close",
    "open_disk",
    "opencv_jet",
    "otsu_threshold",
    "overlay",
    "remove_small_regions",
    "rescale",
    "resize_bilinear",
    "resize_nearest",
    "superimpose_anomaly_map",
    "threshold_mask",
]
