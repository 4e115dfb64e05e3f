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
from .draw import draw_contours, draw_masks, fill_mask, mask_contour
from .mask import open_close, threshold_mask
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
from .resize import resize_bilinear, resize_nearest

__version__ = "0.1.0"

__all__ = [
    "Normalization",
    "anomaly_map_to_color_map",
    "apply_colormap",
    "blend",
    "comparison_figure",
    "compute_mask",
    "draw_contours",
    "draw_masks",
    "fill_mask",
    "finite_range",
    "fit_normalization",
    "get_colormap",
    "heatmap_rgba",
    "lookup_table",
    "mask_contour",
    "normalize_clip",
    "normalize_minmax",
    "normalize_range",
    "normalize_scores",
    "open_close",
    "opencv_jet",
    "overlay",
    "rescale",
    "resize_bilinear",
    "resize_nearest",
    "superimpose_anomaly_map",
    "threshold_mask",
]
