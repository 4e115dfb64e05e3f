"""Regions labelled across chunks, and the mask steps that go through them."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ._base import dask_array, each_block

if TYPE_CHECKING:
    import dask.array


def _block_labels(block: np.ndarray, connectivity: int, offset: int = 0) -> np.ndarray:
    """``scipy.ndimage.label`` of one block, as int64, its labels moved up by `offset`."""
    from scipy import ndimage

    from ..morphology import structure

    labels = np.empty(block.shape, np.int64)
    ndimage.label(block, structure(connectivity), output=labels)
    labels[labels != 0] += offset
    return labels


def label_across_chunks(mask: dask.array.Array, connectivity: int) -> tuple[dask.array.Array, int]:
    """The mask's regions labelled across chunks: labels 1..count, in no particular order.

    One pass labels every block on its own (``scipy.ndimage.label``) and
    keeps only its count and its four edges; the blocks' labels are made
    unique by offsets (the counts of the blocks before), the labels that
    touch across a chunk face (through a side, or a corner for
    connectivity 8) are joined as the edges of a graph, and the graph's
    connected components (``scipy.sparse.csgraph``) are the regions. The
    returned array labels each block again and maps it through them.

    This is ``dask_image.ndmeasure.label``'s method; that function itself
    builds a task graph that grows with the square of the number of chunks
    (``benchmarks/dask_labels.py`` measures both), which makes a mask of a few
    hundred chunks wait minutes before the first task runs.
    """
    import dask
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    def summary(block: np.ndarray) -> tuple[int, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        labels = _block_labels(block, connectivity)
        return int(labels.max(initial=0)), labels[0], labels[-1], labels[:, 0], labels[:, -1]

    grid = mask.to_delayed()
    found = dask.compute(*(dask.delayed(summary)(block) for block in grid.ravel()))
    summaries = np.empty(grid.shape, object)
    summaries.ravel()[:] = [tuple(item) for item in found]
    counts = np.array([[item[0] for item in row] for row in summaries], np.int64)
    offsets = (np.cumsum(counts.ravel()) - counts.ravel()).reshape(counts.shape)
    total = int(counts.sum())

    def moved(edge: np.ndarray, offset: int) -> np.ndarray:
        return np.where(edge != 0, edge + offset, 0)

    pairs = []
    reach = (-1, 0, 1) if connectivity == 8 else (0,)
    rows, cols = counts.shape
    for i in range(rows - 1):  # faces between chunk rows, across the whole width
        upper = np.concatenate([moved(summaries[i, j][2], offsets[i, j]) for j in range(cols)])
        lower = np.concatenate(
            [moved(summaries[i + 1, j][1], offsets[i + 1, j]) for j in range(cols)]
        )
        pairs += [_touching(upper, lower, shift) for shift in reach]
    for j in range(cols - 1):  # faces between chunk columns, down the whole height
        left = np.concatenate([moved(summaries[i, j][4], offsets[i, j]) for i in range(rows)])
        right = np.concatenate(
            [moved(summaries[i, j + 1][3], offsets[i, j + 1]) for i in range(rows)]
        )
        pairs += [_touching(left, right, shift) for shift in reach]
    joined = np.concatenate([np.empty((0, 2), np.int64), *pairs])
    graph = coo_matrix(
        (np.ones(len(joined), bool), (joined[:, 0], joined[:, 1])), shape=(total + 1, total + 1)
    )
    _, component = connected_components(graph, directed=False)
    # node 0 (the background) is joined to nothing: its component becomes
    # label 0, the others 1..count
    background = component[0]
    mapping = np.where(component < background, component + 1, component).astype(np.int64)
    mapping[0] = 0
    count = int(mapping.max(initial=0))

    def block(binary: np.ndarray, block_id: tuple[int, int] = (0, 0)) -> np.ndarray:
        return mapping[_block_labels(binary, connectivity, int(offsets[block_id]))]

    labels = dask_array().map_blocks(block, mask, dtype=np.int64, meta=np.empty((0, 0), np.int64))
    return labels, count


def _touching(first: np.ndarray, second: np.ndarray, shift: int) -> np.ndarray:
    """Pairs of labels ``(first[k], second[k + shift])`` both non-zero: neighbours across a face."""
    if shift > 0:
        first, second = first[:-shift], second[shift:]
    elif shift < 0:
        first, second = first[-shift:], second[:shift]
    both = (first != 0) & (second != 0)
    return np.stack([first[both], second[both]], axis=1)


def _keep(labels: dask.array.Array, kept: np.ndarray) -> dask.array.Array:
    """The pixels whose label is True in `kept` (one truth value per label, 0 first)."""
    meta = np.empty((0, 0), bool)
    return dask_array().map_blocks(lambda block: kept[block], labels, dtype=bool, meta=meta)


def grow(seeds: dask.array.Array, mask: dask.array.Array, connectivity: int) -> dask.array.Array:
    """``binary_propagation(seeds, mask=mask)``: the regions of `mask` that hold a seed.

    The regions are labelled across chunks; a region is kept if any of its
    pixels is a seed. The same pixels as a propagation, which stops exactly
    at a region's edge.
    """
    labels, count = label_across_chunks(mask, connectivity)
    seeded = each_block(lambda found, seed: np.unique(found[seed]), labels,
                        seeds.rechunk(labels.chunks))  # fmt: skip
    kept = np.zeros(count + 1, bool)
    kept[np.concatenate(seeded).astype(np.intp)] = True
    kept[0] = False
    return _keep(labels, kept)


def remove_small(mask: dask.array.Array, min_area: int, connectivity: int) -> dask.array.Array:
    """:func:`~anomaly_viz.regions.remove_small_objects`: areas summed over the blocks."""
    labels, count = label_across_chunks(mask, connectivity)
    areas = np.sum(
        each_block(lambda block: np.bincount(block.ravel(), minlength=count + 1), labels), axis=0
    )
    kept = areas >= min_area
    kept[0] = False
    return _keep(labels, kept)
