"""The block-wise versions of the pipeline on Dask arrays (Dask imported only when one is passed).

Every result is a lazy Dask array holding, for any chunking, the same bytes
as the NumPy path (``tests/test_dask.py`` holds the two together), by the
ecosystem's standard means:

- statistics that decide the colours (a normalisation's minimum, maximum or
  percentiles, Otsu's histogram, whether the resize must guard against
  overflow) are computed once over the whole array, never per chunk, since
  per-chunk scales draw seams;
- per-pixel stages (normalise, colour, blend) run with ``map_blocks`` on
  the image's chunks, the colour axis in one chunk;
- a map of another size than the image is resized output block by output
  block, each from the window of source pixels its pixels are interpolated
  from (the interpolation's halo included), with the reference's own
  formulas;
- the opening and closing run with ``map_overlap``, deep enough for the
  whole cleaning (``2 * kernel_size + 1``), ``boundary="none"``: at the
  image's border a chunk ends where the image ends, so the border is
  handled exactly as the NumPy path handles it;
- hysteresis, reconstruction, ``min_area`` and the region measurements go
  through the regions labelled across chunks (``labels.py``), the
  regions kept computed once, when the call is made.

Dask is an optional dependency (``pip install "anomaly_viz[dask]"``); the
package never imports it for NumPy input.
"""

from __future__ import annotations

from .arrays import colours, fitted, overlay, resize
from .masks import (
    clean,
    compute_mask,
    hysteresis,
    reconstruct,
    small_removed,
    threshold_mask,
    threshold_otsu,
)
from .regions import measure_regions

__all__ = [
    "clean",
    "colours",
    "compute_mask",
    "fitted",
    "hysteresis",
    "is_dask",
    "measure_regions",
    "overlay",
    "reconstruct",
    "resize",
    "small_removed",
    "threshold_mask",
    "threshold_otsu",
]


def is_dask(*values: object) -> bool:
    """True if any value is a Dask array (checked without importing Dask)."""
    return any(type(value).__module__.startswith("dask.array") for value in values)
