"""Large images: lazy reading (TIFF, zarr, .npy), zarr writing, pyramids, overlay -o X.zarr."""

import itertools
import os
import subprocess
import sys

import dask.array as da
import numpy as np
import pytest
import tifffile
import zarr
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import anomaly_viz as av
from anomaly_viz.io import TEMPORARY_PREFIX, FileProblem, write_image
from anomaly_viz.large import pyramid_levels, read_lazy, write_zarr

ENVIRONMENT = {**os.environ, "MPLBACKEND": "Agg"}


@pytest.fixture
def slide(tmp_path):
    """A tiled TIFF of 300 x 400 RGB pixels, its pixels, and a small map."""
    rng = np.random.default_rng(2)
    pixels = rng.integers(0, 256, (300, 400, 3), np.uint8)
    path = tmp_path / "slide.tif"
    tifffile.imwrite(path, pixels, tile=(64, 64))
    return path, pixels, rng.random((30, 40)).astype(np.float32)


# ------------------------------------------------------------------ reading


def test_a_tiled_tiff_is_read_block_by_block(slide):
    path, pixels, _ = slide
    image = read_lazy(path, chunks=(128, 128, 3))
    assert isinstance(image, da.Array)
    assert image.chunks[0] == (128, 128, 44) and image.chunks[2] == (3,)
    np.testing.assert_array_equal(image.compute(), pixels, strict=True)
    np.testing.assert_array_equal(image[100:140, 390:].compute(), pixels[100:140, 390:])


def test_zarr_arrays_groups_and_npy_files_are_read_lazily(tmp_path):
    pixels = np.arange(60, dtype=np.float32).reshape(6, 10)
    zarr.save_array(str(tmp_path / "plain.zarr"), pixels)
    write_zarr(pixels, tmp_path / "group.zarr")
    np.save(tmp_path / "scores.npy", pixels)
    for name in ("plain.zarr", "group.zarr", "scores.npy"):
        lazy = read_lazy(tmp_path / name, chunks=4)
        assert isinstance(lazy, da.Array) and lazy.chunks == ((4, 2), (4, 4, 2))
        np.testing.assert_array_equal(lazy.compute(), pixels, strict=True)


def test_other_images_are_read_whole_and_wrapped(tmp_path):
    pixels = np.arange(24, dtype=np.uint8).reshape(2, 4, 3)
    write_image(tmp_path / "small.png", pixels)
    np.testing.assert_array_equal(read_lazy(tmp_path / "small.png").compute(), pixels)


def test_a_missing_file_is_one_line_naming_it(tmp_path):
    with pytest.raises(FileProblem, match=r"missing\.tif"):
        read_lazy(tmp_path / "missing.tif")


def test_a_file_that_is_not_a_tiff_is_a_file_problem(tmp_path):
    path = tmp_path / "fake.tif"
    path.write_bytes(b"not a tiff at all")
    with pytest.raises(FileProblem, match=r"fake\.tif: cannot be read as a TIFF"):
        read_lazy(path)


def test_a_zarr_group_without_level_0_is_a_file_problem(tmp_path):
    zarr.open_group(str(tmp_path / "empty.zarr"), mode="w")
    with pytest.raises(FileProblem, match=r"empty\.zarr: holds a zarr group without an array"):
        read_lazy(tmp_path / "empty.zarr")


def test_a_missing_zarr_store_is_a_file_problem(tmp_path):
    with pytest.raises(FileProblem, match=r"nothing\.zarr: does not exist or is not a zarr"):
        read_lazy(tmp_path / "nothing.zarr")


# ------------------------------------------------------------------ pyramids


@given(
    pixels=hnp.arrays(
        st.sampled_from([np.uint8, np.uint16]),
        st.tuples(st.integers(2, 20), st.integers(2, 20), st.sampled_from([1, 3])),
    ),
    chunk=st.integers(1, 7),
)
def test_each_level_is_the_rounded_mean_of_2x2_blocks(pixels, chunk):
    levels = pyramid_levels(da.from_array(pixels, chunks=(chunk, chunk, -1)), smallest=1)
    for upper, lower in itertools.pairwise(levels):
        above = upper.compute().astype(np.int64)
        height, width = above.shape[0] // 2 * 2, above.shape[1] // 2 * 2
        quads = above[0:height:2, 0:width:2] + above[1:height:2, 0:width:2]
        quads += above[0:height:2, 1:width:2] + above[1:height:2, 1:width:2]
        expected = ((quads + 2) // 4).astype(pixels.dtype)
        np.testing.assert_array_equal(lower.compute(), expected, strict=True)
    assert max(levels[-1].shape[:2]) <= 1 or min(levels[-1].shape[:2]) < 2


def test_a_float_level_is_the_plain_mean():
    level = pyramid_levels(np.array([[0.0, 1.0], [2.0, 4.0]]), smallest=1)[1]
    np.testing.assert_array_equal(level.compute(), [[1.75]])


@pytest.mark.parametrize("smallest", [0, -3, 2.5, True])
def test_a_bad_smallest_side_is_refused(smallest):
    with pytest.raises(ValueError, match=r"smallest must be a whole number of at least 1"):
        pyramid_levels(np.zeros((4, 4)), smallest=smallest)


# ------------------------------------------------------------------ writing


def test_write_zarr_stores_levels_and_attributes(tmp_path):
    picture = np.arange(1200 * 3, dtype=np.uint8).reshape(30, 40, 3)
    path = write_zarr(da.from_array(picture, chunks=(16, 16, 3)), tmp_path / "out.zarr",
                      pyramid=True, attributes={"mode": "blend"})  # fmt: skip
    store = zarr.open_group(str(path), mode="r")
    assert sorted(store.array_keys()) == ["0"]  # 40 <= 512: no level below
    assert store.attrs["anomaly_viz"] == {"mode": "blend"}
    assert store["0"].chunks == (16, 16, 3)
    np.testing.assert_array_equal(store["0"][:], picture)
    assert [p.name for p in tmp_path.iterdir()] == ["out.zarr"]  # no temporary left


def test_write_zarr_replaces_an_older_store(tmp_path):
    write_zarr(np.zeros((2, 2), np.uint8), tmp_path / "out.zarr")
    write_zarr(np.ones((3, 3), np.uint8), tmp_path / "out.zarr")
    np.testing.assert_array_equal(read_lazy(tmp_path / "out.zarr").compute(), np.ones((3, 3)))


def test_a_failed_computation_leaves_no_store_and_no_temporary(tmp_path):
    def fail(block):
        raise RuntimeError("a block failed")

    broken = da.zeros((8, 8), np.uint8, chunks=4).map_blocks(fail, dtype=np.uint8)
    with pytest.raises(RuntimeError, match="a block failed"):
        write_zarr(broken, tmp_path / "out.zarr")
    assert list(tmp_path.iterdir()) == []


def test_write_zarr_needs_a_zarr_name(tmp_path):
    with pytest.raises(ValueError, match=r"path must name a zarr store ending in \.zarr"):
        write_zarr(np.zeros((2, 2)), tmp_path / "out.png")


def test_write_zarr_does_not_replace_a_file(tmp_path):
    (tmp_path / "out.zarr").write_text("a file")
    with pytest.raises(FileProblem, match=r"out\.zarr: exists and is not a zarr store"):
        write_zarr(np.zeros((2, 2)), tmp_path / "out.zarr")
    assert (tmp_path / "out.zarr").read_text() == "a file"


def test_temporary_names_are_hidden():
    assert TEMPORARY_PREFIX.startswith(".")


# ------------------------------------------------------- the command line


def run(*args, cwd):
    return subprocess.run(
        [sys.executable, "-m", "anomaly_viz", *map(str, args)],
        capture_output=True, text=True, cwd=cwd, check=False, env=ENVIRONMENT,
    )  # fmt: skip


def test_overlay_into_zarr_is_the_in_memory_overlay(slide, tmp_path):
    path, pixels, scores = slide
    np.save(tmp_path / "map.npy", scores)
    result = run("overlay", path.name, "map.npy", "-o", "out.zarr", "--mode", "alpha",
                 "--pyramid", cwd=tmp_path)  # fmt: skip
    assert (result.returncode, result.stdout) == (0, "wrote out.zarr\n1 file(s) written\n")
    store = zarr.open_group(str(tmp_path / "out.zarr"), mode="r")
    np.testing.assert_array_equal(store["0"][:], av.overlay(pixels, scores, "alpha"))
    assert store.attrs["anomaly_viz"]["mode"] == "alpha"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--isoline", "0.5"], "argument --isoline: is not available with zarr output"),
        (["--format", "png"], "argument --format: is not available with zarr output"),
        (["--jobs", "2"], "argument --jobs: is not used with zarr output"),
    ],
)
def test_zarr_output_refuses_what_it_cannot_do(slide, tmp_path, options, message):
    path, _, scores = slide
    np.save(tmp_path / "map.npy", scores)
    result = run("overlay", path, tmp_path / "map.npy", "-o", tmp_path / "o.zarr", *options,
                 cwd=tmp_path)  # fmt: skip
    assert result.returncode == 2 and message in result.stderr


def test_pyramid_is_for_zarr_output_only(slide, tmp_path):
    path, _, scores = slide
    np.save(tmp_path / "map.npy", scores)
    result = run("overlay", path, tmp_path / "map.npy", "-o", "o.png", "--pyramid", cwd=tmp_path)
    assert result.returncode == 2
    assert "argument --pyramid: is for zarr output only" in result.stderr


def test_zarr_output_takes_files_not_folders(tmp_path):
    (tmp_path / "images").mkdir()
    (tmp_path / "maps").mkdir()
    result = run("overlay", "images", "maps", "-o", "o.zarr", cwd=tmp_path)
    assert result.returncode == 2
    assert "-o NAME.zarr takes one IMAGE file and one MAP file, not folders" in result.stderr
