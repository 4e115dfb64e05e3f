"""The three anomalib-compatible functions."""

import inspect

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from strategies import any_dtype_maps, as_rgb, blend_formula, score_maps, shapes_2d, uint8_images

import anomaly_viz
from anomaly_viz import compute_mask, lookup_table, resize_bilinear
from anomaly_viz import post_process as post_process_module
from anomaly_viz.colormap import get_colormap
from anomaly_viz.normalization import normalize
from anomaly_viz.post_process import anomaly_map_to_color_map, superimpose_anomaly_map

# ---------------------------------------------------------------- signatures


@pytest.mark.parametrize(
    ("function", "positional", "keyword_only"),
    [
        (anomaly_map_to_color_map, ["anomaly_map", "normalize"], ["colormap", "vmin", "vmax"]),
        (
            superimpose_anomaly_map,
            ["anomaly_map", "image", "alpha", "gamma", "normalize"],
            ["colormap", "vmin", "vmax"],
        ),
        (
            compute_mask,
            ["anomaly_map", "threshold", "kernel_size"],
            ["low_threshold", "cleaning", "connectivity", "min_area"],
        ),
    ],
)
def test_signatures_match_anomalib(function, positional, keyword_only):
    parameters = inspect.signature(function).parameters
    kinds = {name: p.kind for name, p in parameters.items()}
    assert [
        n for n, k in kinds.items() if k == inspect.Parameter.POSITIONAL_OR_KEYWORD
    ] == positional
    assert [n for n, k in kinds.items() if k == inspect.Parameter.KEYWORD_ONLY] == keyword_only
    assert getattr(post_process_module, function.__name__) is function
    assert function.__name__ in post_process_module.__all__


def test_only_compute_mask_is_also_at_the_top_level():
    # The migration is one import line (anomaly_viz.post_process); at the top level
    # the heatmap and the overlay are overlay() and heatmap_rgba(), the mask compute_mask.
    assert anomaly_viz.compute_mask is compute_mask
    assert not hasattr(anomaly_viz, "anomaly_map_to_color_map")
    assert not hasattr(anomaly_viz, "superimpose_anomaly_map")


def test_anomalib_defaults():
    assert inspect.signature(anomaly_map_to_color_map).parameters["normalize"].default is True
    sig = inspect.signature(superimpose_anomaly_map).parameters
    assert (sig["alpha"].default, sig["gamma"].default, sig["normalize"].default) == (0.4, 0, False)
    assert inspect.signature(compute_mask).parameters["kernel_size"].default == 4


# ---------------------------------------------------------- color map: values


def test_color_map_exact_gray_values():
    scores = np.array([[0.0, 0.2, 0.4], [0.6, 0.8, 1.0]])
    result = anomaly_map_to_color_map(scores, colormap="gray")
    np.testing.assert_array_equal(result[..., 0], [[0, 51, 102], [153, 204, 255]])
    np.testing.assert_array_equal(result[..., 0], result[..., 2])


def test_normalize_false_clips_instead_of_wrapping():
    result = anomaly_map_to_color_map(np.array([[1.0, 1.2, -0.3, 0.0]]), normalize=False)
    top, bottom = lookup_table("jet")[255], lookup_table("jet")[0]
    np.testing.assert_array_equal(result[0], [top, top, bottom, bottom])


def test_constant_map_lowest_colour_no_warning():
    result = anomaly_map_to_color_map(np.full((2, 3), 0.7))
    assert (result == lookup_table("jet")[0]).all()


def test_nan_bad_colour_and_infinities():
    scores = np.array([[np.nan, np.inf, -np.inf], [0.0, 1.0, 2.0]])
    table = lookup_table("jet")
    result = anomaly_map_to_color_map(scores)
    np.testing.assert_array_equal(result[0, 0], table[256])  # bad
    np.testing.assert_array_equal(result[0, 1], table[255])
    np.testing.assert_array_equal(result[0, 2], table[0])
    np.testing.assert_array_equal(result[1], table[[0, 128, 255]])  # 2.0 still the max


def test_vmin_vmax_take_precedence_and_share_a_scale():
    scores = np.array([[0.0, 5.0, 10.0]])
    for flag in (True, False):
        result = anomaly_map_to_color_map(scores, flag, colormap="gray", vmin=0, vmax=20)
        np.testing.assert_array_equal(result[0, :, 0], [0, 64, 128])


@pytest.mark.parametrize("name", ["jet", "viridis", "opencv_jet", "tab20"])
@given(scores=score_maps(finite=False))
def test_equals_matplotlib_on_normalised_values(name, scores):
    expected = get_colormap(name)(normalize(scores), bytes=True)[..., :3]
    np.testing.assert_array_equal(anomaly_map_to_color_map(scores, colormap=name), expected)
    clipped = get_colormap(name)(normalize(scores, "clip"), bytes=True)[..., :3]
    np.testing.assert_array_equal(anomaly_map_to_color_map(scores, False, colormap=name), clipped)


def test_colormap_object_accepted():
    scores = np.array([[0.0, 1.0]])
    np.testing.assert_array_equal(
        anomaly_map_to_color_map(scores, colormap=get_colormap("magma")),
        anomaly_map_to_color_map(scores, colormap="magma"),
    )


# ---------------------------------------------------------- color map: inputs


@given(scores=any_dtype_maps())
def test_every_real_dtype(scores):
    result = anomaly_map_to_color_map(scores)
    assert result.dtype == np.uint8 and result.shape == (*scores.shape, 3)
    assert result.flags.c_contiguous and not np.shares_memory(result, scores)


def test_non_contiguous_read_only_big_endian_and_lists_agree():
    base = np.arange(24, dtype=np.float64).reshape(4, 6) ** 1.5
    expected = anomaly_map_to_color_map(base[:, ::2])
    read_only = base.copy()
    read_only.setflags(write=False)
    big = base.astype(">f8")
    np.testing.assert_array_equal(anomaly_map_to_color_map(read_only[:, ::2]), expected)
    np.testing.assert_array_equal(anomaly_map_to_color_map(big[:, ::2]), expected)
    np.testing.assert_array_equal(anomaly_map_to_color_map(base[:, ::2].tolist()), expected)
    np.testing.assert_array_equal(
        anomaly_map_to_color_map(np.asfortranarray(base[:, ::2])), expected
    )


def test_leading_unit_axes_dropped_and_batches():
    rng = np.random.default_rng(0)
    one = rng.random((5, 7))
    np.testing.assert_array_equal(
        anomaly_map_to_color_map(one[None, None]), anomaly_map_to_color_map(one)
    )
    batch = rng.random((3, 5, 7)) * [[[1]], [[10]], [[100]]]
    result = anomaly_map_to_color_map(batch[None])
    assert result.shape == (3, 5, 7, 3)
    for index in range(3):  # each map normalised on its own
        np.testing.assert_array_equal(result[index], anomaly_map_to_color_map(batch[index]))


# ------------------------------------------------------------------ superimpose


def reference_superimpose(scores, image_rgb, alpha, gamma, normalize):
    """The seed's formula written out: colour, then blend in float64."""
    low, high = (
        (np.nanmin(scores[np.isfinite(scores)]), np.nanmax(scores[np.isfinite(scores)]))
        if normalize
        else (0.0, 1.0)
    )
    if high > low:
        values = np.clip((scores - low) / (high - low), 0, 1)
    else:  # a constant map: the lowest colour
        values = (scores > low).astype(np.float64)
    heat = get_colormap("jet")(values, bytes=True)[..., :3]
    return blend_formula(heat, image_rgb, alpha, gamma)


@given(
    data=shapes_2d(10).flatmap(
        lambda shape: st.tuples(
            score_maps(shape=shape, dtypes=(np.float64,)), hnp.arrays(np.uint8, (*shape, 3))
        )
    ),
    alpha=st.floats(0, 1),
    gamma=st.floats(-50, 50),
    normalize=st.booleans(),
)
def test_superimpose_equals_the_formula(data, alpha, gamma, normalize):
    scores, image = data
    result = superimpose_anomaly_map(scores, image, alpha, gamma, normalize)
    assert result.dtype == np.uint8 and result.shape == image.shape
    assert result.flags.c_contiguous
    expected = reference_superimpose(scores, image, alpha, gamma, normalize)
    np.testing.assert_array_equal(result, expected)


@given(
    data=shapes_2d(8).flatmap(
        lambda shape: st.tuples(score_maps(shape=shape), uint8_images(shape))
    ),
)
def test_alpha_zero_is_the_image_and_one_the_heatmap(data):
    scores, image = data
    np.testing.assert_array_equal(superimpose_anomaly_map(scores, image, alpha=0.0), as_rgb(image))
    np.testing.assert_array_equal(
        superimpose_anomaly_map(scores, image, alpha=1.0, normalize=True),
        anomaly_map_to_color_map(scores, normalize=True),
    )


def test_image_kinds_agree():
    rng = np.random.default_rng(5)
    scores = rng.random((4, 6))
    grey = rng.integers(0, 256, (4, 6), dtype=np.uint8)
    rgb = np.repeat(grey[..., None], 3, axis=2)
    expected = superimpose_anomaly_map(scores, rgb)
    rgba = np.concatenate([rgb, np.full((4, 6, 1), 17, np.uint8)], axis=2)
    for image in (grey, grey[..., None], rgba):
        np.testing.assert_array_equal(superimpose_anomaly_map(scores, image), expected)
    float_image = rgb / 255.0
    np.testing.assert_array_equal(superimpose_anomaly_map(scores, float_image), expected)
    np.testing.assert_array_equal(
        superimpose_anomaly_map(scores, float_image.astype(np.float32)), expected
    )


def test_seed_001_feature_map_over_photo():
    # A 32x96 feature map over a 128x64 photo: scores resized, then coloured.
    rng = np.random.default_rng(2)
    feature = rng.normal(size=(32, 96)).astype(np.float32)
    photo = rng.integers(0, 256, (128, 64, 3), dtype=np.uint8)
    result = superimpose_anomaly_map(feature, photo, alpha=0.5, normalize=True)
    assert result.shape == (128, 64, 3)
    low, high = float(feature.min()), float(feature.max())
    heat = anomaly_map_to_color_map(resize_bilinear(feature, (128, 64)), vmin=low, vmax=high)
    np.testing.assert_array_equal(result, blend_formula(heat, photo, 0.5))


def test_resized_heatmap_only_holds_colormap_colours():
    scores = np.array([[0.0, 1.0], [1.0, 0.0]])
    heat = superimpose_anomaly_map(scores, np.zeros((37, 41, 3), np.uint8), alpha=1.0)
    table = {tuple(row) for row in lookup_table("jet")[:256]}
    assert {tuple(pixel) for pixel in heat.reshape(-1, 3)} <= table


def test_gamma_saturates():
    image = np.full((1, 2, 3), 250, np.uint8)
    # 0.5 * 255 + 0.5 * 250 + 100 = 352.5: 255, not 352.5 - 256 = 96.
    result = superimpose_anomaly_map(
        np.array([[1.0, 1.0]]), image, alpha=0.5, gamma=100, colormap="gray"
    )
    assert (result == 255).all()


def test_superimpose_batch_sizes_must_match():
    with pytest.raises(
        ValueError, match=r"anomaly_map holds 2 items but image holds 3: the batch sizes must match"
    ):
        superimpose_anomaly_map(np.zeros((2, 4, 5)), np.zeros((3, 4, 5, 3), np.uint8))


# ------------------------------------------------------------------ compute_mask


def test_numpy_integer_kernel_size_is_fine():
    scores = np.zeros((10, 10))
    scores[3:7, 3:7] = 1.0
    scores[0, 9] = 1.0  # a speck the 3x3 opening removes
    result = compute_mask(scores, 0.5, np.int64(3))
    np.testing.assert_array_equal(result, compute_mask(scores, 0.5, 3))
    expected = scores > 0.5
    expected[0, 9] = False
    np.testing.assert_array_equal(result, expected * 255)


def test_compute_mask_batch():
    maps = np.zeros((2, 6, 6))
    maps[0, 1:5, 1:5] = 1.0
    maps[1, 3, 3] = 1.0
    result = compute_mask(maps, 0.5, kernel_size=3)
    assert result.shape == (2, 6, 6) and result.dtype == np.uint8
    np.testing.assert_array_equal(result[0], compute_mask(maps[0], 0.5, 3))
    assert not result[1].any()
    np.testing.assert_array_equal(compute_mask(maps[:1], 0.5, 3), result[0])


@given(
    scores=score_maps(dtypes=(np.float64,)),
    power=st.integers(-4, 4),
    shift=st.integers(-1000, 1000),
)
def test_colours_unchanged_by_exact_positive_affine_rescaling(scores, power, shift):
    # Scaling by a power of two and shifting by an integer keep these values exact,
    # so min-max normalisation must give the very same table entries.
    scores = np.round(scores)
    rescaled = scores * 2.0**power + shift
    np.testing.assert_array_equal(
        anomaly_map_to_color_map(rescaled), anomaly_map_to_color_map(scores)
    )


@given(scores=score_maps(finite=False))
def test_higher_score_never_takes_a_lower_entry(scores):
    grey = anomaly_map_to_color_map(scores, colormap="gray")[..., 0].astype(int)
    flat_scores, flat_grey = scores.ravel(), grey.ravel()
    valid = ~np.isnan(flat_scores)
    order = np.argsort(flat_scores[valid], kind="stable")
    assert np.all(np.diff(flat_grey[valid][order]) >= 0)
