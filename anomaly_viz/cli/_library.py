"""Everything the command line takes from the library, imported here only.

The other modules of :mod:`anomaly_viz.cli` import these names from this
module, so that a renamed or moved library function is one edit here.
"""

from .. import __version__
from .._validate import check_range
from ..blending import MODES
from ..datasets import demo_sample
from ..draw import draw_isoline
from ..evaluation import best_threshold, evaluate, pool_evaluations
from ..grid import sample_grid
from ..inspection import inspection_sample
from ..io import (
    IMAGE_SUFFIXES,
    MAX_PIXELS,
    NUMPY_MAP_SUFFIXES,
    RAW_MAP_SUFFIXES,
    FileProblem,
    check_output_file,
    existing_file,
    read_image,
    read_map,
    write_image,
    write_text,
)
from ..large import read_lazy, write_zarr
from ..normalization import KINDS, SIGNS, Normalization
from ..normalization import _work_scores as work_scores
from ..overlays import default_colormap, overlay
from ..plot import comparison_figure
from ..post_process import CLEANINGS, anomaly_map_to_color_map, compute_mask
from ..regions import Region, label_regions, measure_regions
from ..scale import Visit, fit_scale, fit_visited, read_scale

__all__ = [
    "CLEANINGS",
    "IMAGE_SUFFIXES",
    "KINDS",
    "MAX_PIXELS",
    "MODES",
    "NUMPY_MAP_SUFFIXES",
    "RAW_MAP_SUFFIXES",
    "SIGNS",
    "FileProblem",
    "Normalization",
    "Region",
    "Visit",
    "__version__",
    "anomaly_map_to_color_map",
    "best_threshold",
    "check_output_file",
    "check_range",
    "comparison_figure",
    "compute_mask",
    "default_colormap",
    "demo_sample",
    "draw_isoline",
    "evaluate",
    "existing_file",
    "fit_scale",
    "fit_visited",
    "inspection_sample",
    "label_regions",
    "measure_regions",
    "overlay",
    "pool_evaluations",
    "read_image",
    "read_lazy",
    "read_map",
    "read_scale",
    "sample_grid",
    "work_scores",
    "write_image",
    "write_text",
    "write_zarr",
]
