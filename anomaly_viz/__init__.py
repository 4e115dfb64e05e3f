"""Anomaly maps to heatmaps, overlays and masks, in pure NumPy/SciPy.

The three anomalib-compatible functions are at the top level; each stage
also has its own module (:mod:`~anomaly_viz.normalize`,
:mod:`~anomaly_viz.colormap`, :mod:`~anomaly_viz.resize`,
:mod:`~anomaly_viz.blend`, :mod:`~anomaly_viz.mask`).
"""

from .blend import blend
from .colormap import apply_colormap, get_colormap, lookup_table, opencv_jet
from .mask import open_close, threshold_mask
from .normalize import finite_range, normalize_clip, normalize_minmax, normalize_range, rescale
from .post_process import anomaly_map_to_color_map, compute_mask, superimpose_anomaly_map
from .resize import resize_bilinear

__version__ = "0.1.0"

__all__ = [
    "anomaly_map_to_color_map",
    "apply_colormap",
    "blend",
    "compute_mask",
    "finite_range",
    "get_colormap",
    "lookup_table",
    "normalize_clip",
    "normalize_minmax",
    "normalize_range",
    "open_close",
    "opencv_jet",
    "rescale",
    "resize_bilinear",
    "superimpose_anomaly_map",
    "threshold_mask",
]
