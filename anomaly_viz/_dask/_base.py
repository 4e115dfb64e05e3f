"""What every Dask stage shares: the import, the checks of one map, computing every block."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import dask.array

INSTALL = 'pip install "anomaly_viz[dask]"'


def dask_array() -> Any:
    try:
        import dask.array as da
    except ImportError:  # pragma: no cover - the test extra installs Dask
        raise ImportError(
            f"a Dask array was passed, but Dask is not installed: {INSTALL}"
        ) from None
    return da


def as_dask(value: Any, chunks: Any = "auto") -> dask.array.Array:
    da = dask_array()
    return (
        value
        if type(value).__module__.startswith("dask.array")
        else da.from_array(np.asarray(value), chunks=chunks)
    )


def check_real(array: dask.array.Array, name: str) -> None:
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold real numbers, got {array.dtype}")


def one_map(anomaly_map: Any, name: str = "anomaly_map") -> dask.array.Array:
    """One 2-D map as a Dask array (a batch is not taken on Dask, yet)."""
    array = as_dask(anomaly_map)
    check_real(array, name)
    shape = tuple(size for size in array.shape if size != 1) if array.ndim > 2 else array.shape
    if len(shape) != 2 or 0 in shape:
        raise ValueError(
            f"{name} must be one 2-D map (H, W) on a Dask array, got shape {array.shape}"
        )
    return array.reshape(shape)


def each_block(function: Any, *arrays: dask.array.Array) -> list[Any]:
    """`function` of every block of `arrays` (chunked alike), block by block, computed."""
    import dask

    grids = [array.to_delayed().ravel() for array in arrays]
    tasks = (dask.delayed(function)(*blocks) for blocks in zip(*grids, strict=True))
    return list(dask.compute(*tasks))
