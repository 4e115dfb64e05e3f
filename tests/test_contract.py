"""What every public function that takes arrays promises, checked over one table.

:data:`CASES` lists each such function with the arrays it takes, valid
options drawn by Hypothesis and what it accepts in batches. The contracts,
each parametrised over the table:

- the output is new: every array returned is C-contiguous and writeable and
  shares no memory with an input, so writing it changes no input;
- the inputs are untouched, and read-only inputs are accepted;
- a batch gives, item by item, what each item gives alone (one item of an
  argument may go with every item of a batch of another where the function
  says so), and a batch of one image stays a batch;
- a bad option or a bad array raises TypeError or ValueError whose message
  names it, in the package's one wording for the rule (:data:`BAD_OPTIONS`,
  :data:`BAD_ARRAYS`); a function of one map or mask refuses a batch;
- image functions: the uint16 image ``257 * v`` gives what the uint8 image
  ``v`` gives, and grey and RGBA images come back RGB.

:func:`~anomaly_viz.colormap.lookup_table` takes no array and returns the
shared, read-only table of a colormap by design, so it is not in the table;
``Normalization`` and ``Region`` are classes (tests/test_normalize*.py and
tests/test_regions.py).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import astuple, dataclass, field

import matplotlib.pyplot as plt
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from strategies import alphas, boxes_in, colors, images, maps, masks, shapes_2d

import anomaly_viz
from anomaly_viz import post_process
from anomaly_viz.blending import MODES
from anomaly_viz.draw import mask_contour
from anomaly_viz.regions import Region

# --------------------------------------------------------------------- the table


@dataclass(frozen=True)
class Arg:
    """An array argument: its name, its kind (a key of KINDS) and how it is passed."""

    name: str
    kind: str
    own_size: bool = False  # a map may have another size than the image it goes over
    keyword: bool = False


@dataclass(frozen=True)
class Case:
    """A public function, the arrays it takes and valid options for it."""

    function: Callable
    arrays: tuple[Arg, ...]
    options: st.SearchStrategy  # valid options, drawn
    required: dict = field(default_factory=dict)  # valid values of required options
    batch: tuple[str, ...] = ()  # the arrays that may be batches
    broadcast: bool = False  # whether one item of an array may go with a batch of the others
    single: bool = False  # takes one map, mask or image and refuses a batch
    share: float = 1.0  # of the contract's Hypothesis examples, for a slow function
    run: Callable | None = None  # how to call it and collect the output, if not plainly
    bad: dict = field(default_factory=dict)  # bad options peculiar to the function

    def __str__(self) -> str:
        return self.function.__name__

    @property
    def images(self) -> list[str]:
        return [arg.name for arg in self.arrays if arg.kind == "image"]


def figure_panels(function, *args, **kwargs):
    """The arrays a figure shows, panel by panel; the figure is closed."""
    figure = function(*args, **kwargs)
    try:
        return tuple(np.asarray(image.get_array()) for ax in figure.axes for image in ax.images)
    finally:
        plt.close(figure)


def optional(strategy):
    return st.none() | strategy


COLORMAPS = st.sampled_from([None, "jet", "gray", "opencv_jet"])
NORMALIZATIONS = st.sampled_from(
    [
        "minmax",
        "clip",
        "sigmoid",
        "signed",
        "percentile",
        anomaly_viz.Normalization("range", low=0.0, high=1.0),
        anomaly_viz.Normalization("signed", outlier_perc=10),
    ]
)
CONNECTIVITY = st.sampled_from([4, 8])
GAMMAS = st.floats(-50, 50)
THRESHOLDS = st.floats(-1e3, 1e3)
MODE_NAMES = st.sampled_from(list(MODES))


@st.composite
def compute_mask_options(draw):
    threshold = draw(THRESHOLDS)
    below = draw(optional(st.floats(0, 100)))
    return {
        "threshold": threshold,
        "kernel_size": draw(st.integers(0, 4)),
        "low_threshold": None if below is None else threshold - below,
        "cleaning": draw(st.sampled_from(post_process.CLEANINGS)),
        "connectivity": draw(CONNECTIVITY),
        "min_area": draw(st.integers(0, 3)),
    }


IMAGE, MAP, MASK = Arg("image", "image"), Arg("anomaly_map", "map"), Arg("mask", "mask")
MAP_OF_ITS_OWN_SIZE = Arg("anomaly_map", "map", own_size=True)

CASES = [
    Case(
        anomaly_viz.apply_colormap,
        (Arg("values", "values"),),
        st.fixed_dictionaries({"colormap": COLORMAPS}),
        batch=("values",),
    ),
    Case(
        anomaly_viz.apply_hysteresis_threshold,
        (Arg("scores", "map"),),
        st.fixed_dictionaries(
            {"low": st.floats(-10, 0), "high": st.floats(0, 10), "connectivity": CONNECTIVITY}
        ),
        required={"low": 0.3, "high": 0.6},
        single=True,
    ),
    Case(
        anomaly_viz.blend,
        (Arg("heatmap", "image"), IMAGE),
        st.fixed_dictionaries({"alpha": alphas, "gamma": st.floats(-300, 300)}),
        batch=("heatmap", "image"),
    ),
    Case(
        anomaly_viz.comparison_figure,
        (
            IMAGE,
            MAP_OF_ITS_OWN_SIZE,
            Arg("mask", "mask", keyword=True),
            Arg("ground_truth", "mask", keyword=True),
        ),
        st.fixed_dictionaries(
            {"mode": MODE_NAMES, "alpha": optional(alphas), "threshold": optional(THRESHOLDS)}
        ),
        single=True,
        share=1 / 6,  # a figure takes about 0.1 s
        run=figure_panels,
    ),
    Case(
        anomaly_viz.compute_mask,
        (MAP,),
        compute_mask_options(),
        required={"threshold": 0.5},
        batch=("anomaly_map",),
        bad={
            "threshold": [
                ({"threshold": float("nan")}, ValueError, r"threshold must be a number, got NaN"),
                ({"threshold": [0.5]}, TypeError, r"threshold must be a real number, got \[0.5\]"),
                ({"threshold": True}, TypeError, r"threshold must be a real number, got True"),
                (
                    {"threshold": 10**400},
                    ValueError,
                    r"threshold must lie within float64's range .* 401 digits",
                ),
                (
                    {"threshold": "0.5"},
                    ValueError,
                    r"threshold must be a number or 'otsu', got '0.5'",
                ),
            ]
        },
    ),
    Case(
        anomaly_viz.draw_evaluation,
        (IMAGE, Arg("prediction", "mask"), Arg("ground_truth", "mask")),
        st.fixed_dictionaries(
            {
                "connectivity": CONNECTIVITY,
                "style": st.sampled_from(["contour", "fill"]),
                "alpha": alphas,
                "thickness": st.integers(1, 3),
            }
        ),
        single=True,
    ),
    Case(
        anomaly_viz.draw_isoline,
        (IMAGE, MAP_OF_ITS_OWN_SIZE),
        st.fixed_dictionaries(
            {"level": st.floats(-1, 2), "color": colors, "thickness": st.integers(1, 3)}
        ),
        required={"level": 0.5},
        single=True,
    ),
    Case(
        anomaly_viz.draw_text,
        (IMAGE,),
        st.fixed_dictionaries(
            {
                "text": st.sampled_from(["anomalous 0.93", "", "a\nb"]),
                "position": st.sampled_from(["top-left", "bottom-right", (1.0, 2.0)]),
                "size": st.floats(0.05, 1.0),
                "background_alpha": alphas,
            }
        ),
        required={"text": "x"},
        single=True,
        share=1 / 3,  # matplotlib draws the text
        bad={
            "size": [
                ({"size": 0}, ValueError, r"size must be a fraction of the image's shorter side"),
                ({"size": 1.5}, ValueError, r"size must be a fraction .* got 1.5"),
                ({"size": "0.1"}, TypeError, r"size must be a real number, got '0.1'"),
            ]
        },
    ),
    Case(
        anomaly_viz.evaluate,
        (MAP_OF_ITS_OWN_SIZE, Arg("ground_truth", "mask")),
        compute_mask_options(),
        required={"threshold": 0.5},
        single=True,
        bad={
            "threshold": [
                ({"threshold": float("nan")}, ValueError, r"threshold must be a number, got NaN"),
                ({"threshold": "0.5"}, ValueError, r"threshold must be a number or 'otsu'"),
            ]
        },
    ),
    Case(
        anomaly_viz.draw_boxes,
        (IMAGE, Arg("boxes", "boxes")),
        st.fixed_dictionaries({"color": colors, "thickness": st.integers(1, 3)}),
        batch=("image", "boxes"),
    ),
    Case(
        anomaly_viz.draw_contours,
        (IMAGE, MASK),
        st.fixed_dictionaries({"color": colors, "thickness": st.integers(1, 3)}),
        batch=("image", "mask"),
        broadcast=True,
    ),
    Case(
        anomaly_viz.draw_masks,
        (IMAGE, Arg("prediction", "mask"), Arg("ground_truth", "mask")),
        st.fixed_dictionaries(
            {
                "prediction_color": colors,
                "thickness": st.integers(1, 3),
                "style": st.sampled_from(["contour", "fill"]),
                "alpha": alphas,
            }
        ),
        batch=("image", "prediction", "ground_truth"),
        broadcast=True,
    ),
    Case(
        anomaly_viz.fill_mask,
        (IMAGE, MASK),
        st.fixed_dictionaries({"color": colors, "alpha": alphas}),
        batch=("image", "mask"),
        broadcast=True,
    ),
    Case(
        anomaly_viz.heatmap_rgba,
        (MAP,),
        st.fixed_dictionaries(
            {
                "size": optional(shapes_2d(6)),
                "colormap": COLORMAPS,
                "normalization": NORMALIZATIONS,
            }
        ),
        batch=("anomaly_map",),
    ),
    Case(
        anomaly_viz.label_regions,
        (MASK,),
        st.fixed_dictionaries({"connectivity": CONNECTIVITY}),
        single=True,
    ),
    Case(
        anomaly_viz.masks_to_boxes,
        (Arg("masks", "mask"), Arg("anomaly_maps", "map")),
        st.fixed_dictionaries({"connectivity": CONNECTIVITY}),
        batch=("masks", "anomaly_maps"),
        broadcast=True,
    ),
    Case(
        anomaly_viz.measure_regions,
        (MAP, MASK),
        st.fixed_dictionaries({"connectivity": CONNECTIVITY, "min_area": st.integers(0, 3)}),
        batch=("anomaly_map", "mask"),
        broadcast=True,
    ),
    Case(
        anomaly_viz.open_by_reconstruction,
        (MASK,),
        st.fixed_dictionaries({"kernel_size": st.integers(0, 4), "connectivity": CONNECTIVITY}),
        required={"kernel_size": 2},
        single=True,
    ),
    Case(
        anomaly_viz.open_close,
        (MASK,),
        st.fixed_dictionaries({"kernel_size": st.integers(0, 4)}),
        required={"kernel_size": 2},
        single=True,
    ),
    Case(
        anomaly_viz.open_disk,
        (MASK,),
        st.fixed_dictionaries({"radius": st.integers(0, 3)}),
        required={"radius": 1},
        single=True,
    ),
    Case(
        anomaly_viz.overlay,
        (IMAGE, MAP_OF_ITS_OWN_SIZE),
        st.fixed_dictionaries(
            {
                "mode": MODE_NAMES,
                "alpha": optional(alphas),
                "gamma": GAMMAS,
                "colormap": COLORMAPS,
                "normalization": NORMALIZATIONS,
                "threshold": optional(THRESHOLDS),
            }
        ),
        batch=("image", "anomaly_map"),
        broadcast=True,
    ),
    Case(
        anomaly_viz.remove_small_objects,
        (MASK,),
        st.fixed_dictionaries({"min_area": st.integers(0, 4), "connectivity": CONNECTIVITY}),
        required={"min_area": 2},
        batch=("mask",),
    ),
    Case(
        anomaly_viz.resize_bilinear,
        (Arg("scores", "map"),),
        st.fixed_dictionaries({"shape": shapes_2d(8)}),
        required={"shape": (3, 3)},
        single=True,
    ),
    Case(
        anomaly_viz.resize_nearest,
        (Arg("mask", "plane"),),
        st.fixed_dictionaries({"shape": shapes_2d(8)}),
        required={"shape": (3, 3)},
        single=True,
    ),
    Case(
        anomaly_viz.threshold_otsu,
        (Arg("scores", "values"),),
        st.fixed_dictionaries({"nbins": st.integers(2, 16)}),
    ),
    Case(
        post_process.anomaly_map_to_color_map,
        (MAP,),
        st.fixed_dictionaries({"normalize": st.booleans(), "colormap": COLORMAPS}),
        batch=("anomaly_map",),
    ),
    Case(
        post_process.superimpose_anomaly_map,
        (MAP_OF_ITS_OWN_SIZE, IMAGE),
        st.fixed_dictionaries(
            {
                "alpha": alphas,
                "gamma": GAMMAS,
                "normalize": st.booleans(),
                "colormap": COLORMAPS,
            }
        ),
        batch=("anomaly_map", "image"),
        broadcast=True,
    ),
    # Public in anomaly_viz.draw, under draw_contours:
    Case(
        mask_contour,
        (MASK,),
        st.fixed_dictionaries({"thickness": st.integers(1, 3)}),
        batch=("mask",),
    ),
]

BATCH_CASES = [case for case in CASES if case.batch]
IMAGE_CASES = [case for case in CASES if case.images]


def test_the_table_holds_every_public_function_that_takes_arrays():
    public = {
        name
        for name in anomaly_viz.__all__
        if inspect.isfunction(getattr(anomaly_viz, name)) and name != "lookup_table"
    }
    public |= {"anomaly_map_to_color_map", "superimpose_anomaly_map"}
    assert public <= {str(case) for case in CASES}
    for case in CASES:
        parameters = inspect.signature(case.function).parameters
        assert {arg.name for arg in case.arrays} <= set(parameters), case


# ------------------------------------------------------------ drawing and calling

IMAGE_DTYPES = [np.uint8, np.uint16, np.float32, np.float64]

#: How to draw each kind of array at a size (H, W), one item or a batch of `count`.
KINDS = {
    "image": lambda shape, count, image_dtypes: images(shape, count, image_dtypes),
    "map": lambda shape, count, _: maps(shape, count),
    "mask": lambda shape, count, _: masks(shape, count),
    "plane": lambda shape, count, _: maps(shape, count),  # any 2-D array (resize_nearest)
    "values": lambda shape, count, _: hnp.arrays(
        np.float64, shape if count is None else (count, *shape), elements=st.floats(-10, 10)
    ),
    "boxes": lambda shape, count, _: (
        boxes_in(shape)
        if count is None
        else st.lists(boxes_in(shape), min_size=count, max_size=count)
    ),
}


@st.composite
def inputs(draw, case, count=None, batched=(), image_dtypes=None):
    """The case's arrays at one size (a map may have its own), and valid options.

    The arrays named in `batched` are batches of `count` items.
    """
    shape = draw(shapes_2d(6))
    arrays = {}
    for arg in case.arrays:
        size = draw(shapes_2d(6)) if arg.own_size else shape
        items = count if arg.name in batched else None
        arrays[arg.name] = draw(KINDS[arg.kind](size, items, image_dtypes or IMAGE_DTYPES))
    return arrays, draw(case.options)


def call(case, arrays, options):
    positional = [arrays[arg.name] for arg in case.arrays if not arg.keyword]
    keywords = {arg.name: arrays[arg.name] for arg in case.arrays if arg.keyword}
    run = case.run or (lambda function, *args, **kwargs: function(*args, **kwargs))
    return run(case.function, *positional, **keywords, **options)


def output_arrays(result):
    """Every ndarray in a result (arrays, lists and tuples of them)."""
    if isinstance(result, np.ndarray):
        yield result
    elif isinstance(result, (list, tuple)):
        for part in result:
            yield from output_arrays(part)


def assert_same(actual, expected):
    """Equal results: arrays of one shape, dtype and values (NaN equal to NaN)."""
    if isinstance(expected, np.ndarray):
        np.testing.assert_array_equal(actual, expected, strict=True)
    elif isinstance(expected, (list, tuple)):
        assert type(actual) is type(expected) and len(actual) == len(expected)
        for actual_part, expected_part in zip(actual, expected, strict=True):
            assert_same(actual_part, expected_part)
    elif isinstance(expected, Region):
        assert isinstance(actual, Region)
        np.testing.assert_equal(astuple(actual), astuple(expected))
    else:
        np.testing.assert_equal(actual, expected)


def with_settings(case):
    """The case's share of half the profile's examples: 30 of 60 by default, 5 for a figure.

    Half, since each contract runs over the whole table; the property tests
    of each module run the profile's number.
    """
    examples = settings.default.max_examples * case.share / 2
    return settings(max_examples=max(1, round(examples)))


def package_bug(reason):
    """A strict xfail: the test states the contract, the package does not keep it yet."""
    return pytest.mark.xfail(strict=True, reason=f"package bug, reported: {reason}")


# ------------------------------------------------------- new output, inputs untouched


def overwrite(output):
    """Change every element of an array in place."""
    if output.dtype == bool:
        np.logical_not(output, out=output)
    elif output.dtype.kind in "iu":
        np.invert(output, out=output)
    else:
        np.copyto(output, np.where(output == 1.0, 2.0, 1.0))


@pytest.mark.parametrize("case", CASES, ids=str)
def test_output_is_new_and_inputs_are_untouched(case):
    @with_settings(case)
    @given(drawn=inputs(case), read_only=st.booleans())
    def contract(drawn, read_only):
        arrays, options = drawn
        if read_only:
            for value in arrays.values():
                value.setflags(write=False)
        before = {name: value.copy() for name, value in arrays.items()}
        for output in output_arrays(call(case, arrays, options)):
            assert output.flags.writeable
            assert output.flags.c_contiguous
            for name, value in arrays.items():
                assert not np.shares_memory(output, value), name
            overwrite(output)
        for name, value in arrays.items():
            assert_same(value, before[name])

    contract()


def test_open_disk_output_is_c_contiguous():
    # Every other function's output is checked above.
    mask = np.ones((6, 7), bool)
    assert anomaly_viz.open_disk(mask, 2).flags.c_contiguous


# -------------------------------------------------------------------------- batches


def batch_params():
    for case in BATCH_CASES:
        yield pytest.param(case, 3, id=f"{case}-3")
        if case.images:  # a map or mask batch of one is one map: (1, H, W) is one layout of it
            yield pytest.param(case, 1, id=f"{case}-1")


@st.composite
def batched_names(draw, case, count):
    """The arrays given as batches: all, or for broadcasting functions some (an image's at 1)."""
    if count == 1:
        return tuple(arg.name for arg in case.arrays if arg.kind in ("image", "boxes"))
    if not case.broadcast:
        return case.batch
    chosen = draw(st.lists(st.sampled_from(case.batch), min_size=1, unique=True))
    return tuple(chosen)


def item_of(result, index):
    """Item `index` of a batch's result (a tuple of batch results: item `index` of each)."""
    if isinstance(result, tuple):
        return tuple(item_of(part, index) for part in result)
    return result[index]


def batch_size(result):
    if isinstance(result, tuple):
        (size,) = {batch_size(part) for part in result}
        return size
    return len(result)


@pytest.mark.parametrize(("case", "count"), list(batch_params()))
def test_batch_result_equals_the_results_of_its_items(case, count):
    @with_settings(case)
    @given(data=st.data())
    def contract(data):
        batched = data.draw(batched_names(case, count))
        arrays, options = data.draw(inputs(case, count, batched))
        result = call(case, arrays, options)
        assert batch_size(result) == count
        for index in range(count):
            item = {
                name: value[index] if name in batched else value for name, value in arrays.items()
            }
            assert_same(item_of(result, index), call(case, item, options))

    contract()


# ----------------------------------------------------------------- image functions


@pytest.mark.parametrize("case", IMAGE_CASES, ids=str)
def test_uint16_image_of_257_v_gives_the_uint8_image_v(case):
    @with_settings(case)
    @given(data=st.data())
    def contract(data):
        arrays, options = data.draw(inputs(case, image_dtypes=[np.uint8]))
        widened = data.draw(st.lists(st.sampled_from(case.images), min_size=1, unique=True))
        wide = {
            name: value.astype(np.uint16) * np.uint16(257) if name in widened else value
            for name, value in arrays.items()
        }
        assert_same(call(case, wide, options), call(case, arrays, options))

    contract()


@pytest.mark.parametrize("case", IMAGE_CASES, ids=str)
def test_grey_and_rgba_images_come_back_rgb(case):
    @with_settings(case)
    @given(data=st.data())
    def contract(data):
        arrays, options = data.draw(inputs(case, image_dtypes=[np.uint8]))
        for name in case.images:
            size = arrays[name].shape[:2]
            rgb = data.draw(hnp.arrays(np.uint8, (*size, 3)))
            grey = data.draw(hnp.arrays(np.uint8, size))
            alpha = data.draw(hnp.arrays(np.uint8, size))

            def on(image, name=name):
                return call(case, {**arrays, name: image}, options)

            expected = on(rgb)
            if case.run is None:
                assert expected.dtype == np.uint8 and expected.shape == rgb.shape
            assert_same(on(np.dstack([rgb, alpha])), expected)
            expected = on(np.repeat(grey[..., np.newaxis], 3, axis=-1))
            assert_same(on(grey), expected)
            assert_same(on(grey[..., np.newaxis]), expected)

    contract()


# ---------------------------------------------------------------------- bad options


def real_number(name):
    """A real number, NaN refused."""
    return [
        ({name: float("nan")}, ValueError, rf"{name} must be a number, got NaN"),
        ({name: "high"}, TypeError, rf"{name} must be a real number, got 'high'"),
        ({name: [0.5]}, TypeError, rf"{name} must be a real number, got \[0.5\]"),
        ({name: True}, TypeError, rf"{name} must be a real number, got True"),
        ({name: 10**400}, ValueError, rf"{name} must lie within float64's range .* 401 digits"),
    ]


def colour(name):
    """Any matplotlib colour, or three numbers in 0-255."""
    numbers = rf"{name} must be three numbers \(R, G, B\) in 0-255"
    return [
        ({name: (255, 0)}, ValueError, rf"{numbers}, got \(255, 0\)"),
        ({name: (1, 2, 3, 4)}, ValueError, numbers),
        ({name: {"red": 1}}, TypeError, numbers),
        ({name: (300, 0, 0)}, ValueError, rf"{name} must hold values in 0-255, got \(300, 0, 0\)"),
        ({name: (-1, 0, 0)}, ValueError, rf"{name} must hold values in 0-255"),
        ({name: (float("nan"), 0, 0)}, ValueError, rf"{name} must hold values in 0-255"),
        ({name: "reddish"}, ValueError, rf"{name} must be a matplotlib colour name .* 'reddish'"),
    ]


def non_negative_integer(name):
    return [
        ({name: -1}, ValueError, rf"{name} must be a non-negative integer, got -1"),
        ({name: 2.5}, TypeError, rf"{name} must be a non-negative integer, got 2.5"),
        ({name: 4.0}, TypeError, rf"{name} must be a non-negative integer, got 4.0"),
        ({name: True}, TypeError, rf"{name} must be a non-negative integer, got True"),
        ({name: "3"}, TypeError, rf"{name} must be a non-negative integer, got '3'"),
    ]


def two_integers(name):
    """An output size (height, width)."""
    return [
        ({name: (0, 3)}, ValueError, rf"{name} must be two positive integers"),
        ({name: (3,)}, ValueError, rf"{name} must be two integers \(height, width\)"),
        ({name: (2.5, 3)}, TypeError, rf"{name} must be two integers"),
        ({name: 5}, TypeError, rf"{name} must be two integers"),
    ]


#: Bad values of each option, with the error and message each must raise
#: wherever the option appears (a Case's `bad` replaces them for its function).
BAD_OPTIONS = {
    "alpha": [
        ({"alpha": -0.1}, ValueError, r"alpha must lie in \[0, 1\], got -0.1"),
        ({"alpha": 1.5}, ValueError, r"alpha must lie in \[0, 1\], got 1.5"),
        ({"alpha": 2}, ValueError, r"alpha must lie in \[0, 1\], got 2.0"),
        ({"alpha": float("nan")}, ValueError, r"alpha must be a number, got NaN"),
        ({"alpha": float("inf")}, ValueError, r"alpha must be finite, got inf"),
        ({"alpha": "0.4"}, TypeError, r"alpha must be a real number, got '0.4'"),
        ({"alpha": True}, TypeError, r"alpha must be a real number, got True"),
        ({"alpha": np.True_}, TypeError, r"alpha must be a real number, got (np\.)?True"),
        ({"alpha": False}, TypeError, r"alpha must be a real number, got False"),
    ],
    "gamma": [
        ({"gamma": float("nan")}, ValueError, r"gamma must be a number, got NaN"),
        ({"gamma": float("inf")}, ValueError, r"gamma must be finite, got inf"),
        ({"gamma": -float("inf")}, ValueError, r"gamma must be finite, got -inf"),
        ({"gamma": "0"}, TypeError, r"gamma must be a real number, got '0'"),
    ],
    "threshold": real_number("threshold"),
    "low_threshold": [
        ({"low_threshold": 0.9}, ValueError, r"low_threshold must not exceed threshold"),
        *real_number("low_threshold"),
    ],
    "low": [
        ({"low": 0.8, "high": 0.2}, ValueError, r"low must not exceed high, got low=0.8, high=0.2"),
        *real_number("low"),
    ],
    "high": real_number("high"),
    "kernel_size": non_negative_integer("kernel_size"),
    "radius": non_negative_integer("radius"),
    "min_area": non_negative_integer("min_area"),
    "connectivity": [
        ({"connectivity": 6}, ValueError, r"connectivity must be 4 or 8, got 6"),
        ({"connectivity": True}, ValueError, r"connectivity must be 4 or 8, got True"),
        ({"connectivity": "8"}, ValueError, r"connectivity must be 4 or 8, got '8'"),
    ],
    "thickness": [
        ({"thickness": 0}, ValueError, r"thickness must be a positive integer, got 0"),
        ({"thickness": -2}, ValueError, r"thickness must be a positive integer, got -2"),
        ({"thickness": 1.5}, TypeError, r"thickness must be a positive integer, got 1.5"),
        ({"thickness": True}, TypeError, r"thickness must be a positive integer, got True"),
    ],
    "color": colour("color"),
    "prediction_color": colour("prediction_color"),
    "ground_truth_color": colour("ground_truth_color"),
    "style": [
        ({"style": style}, ValueError, r"style must be one of 'contour', 'fill'; got ")
        for style in ("outline", "Contour", None)
    ],
    "mode": [
        ({"mode": mode}, ValueError, r"mode must be one of 'blend', 'alpha', 'gray', 'multiply'")
        for mode in ("screen", None)
    ],
    "colormap": [
        ({"colormap": "nope"}, ValueError, r"colormap 'nope' is not a matplotlib colormap"),
        ({"colormap": 42}, TypeError, r"colormap must be a colormap name or a matplotlib"),
    ],
    "normalization": [
        ({"normalization": "zscore"}, ValueError, r"normalization must be one of 'minmax'"),
        (
            {"normalization": 3},
            TypeError,
            r"normalization must be a kind name .* or a Normalization",
        ),
    ],
    "vmin": [
        ({"vmin": 0.0}, ValueError, r"vmin and vmax must be given together; vmax is missing"),
        ({"vmin": 1.0, "vmax": 1.0}, ValueError, r"vmin must be less than vmax, got vmin=1.0"),
        ({"vmin": 2.0, "vmax": 1.0}, ValueError, r"vmin must be less than vmax"),
        ({"vmin": float("nan"), "vmax": 1.0}, ValueError, r"vmin must be a number, got NaN"),
        ({"vmin": "0", "vmax": 1.0}, TypeError, r"vmin must be a real number, got '0'"),
    ],
    "vmax": [
        ({"vmax": 1.0}, ValueError, r"vmin and vmax must be given together; vmin is missing"),
        ({"vmin": 0.0, "vmax": float("inf")}, ValueError, r"vmax must be finite, got inf"),
    ],
    "size": two_integers("size"),
    "shape": two_integers("shape"),
    "nbins": [
        ({"nbins": 0}, ValueError, r"nbins must be a positive integer, got 0"),
        ({"nbins": 1}, ValueError, r"nbins must be at least 2 \(two classes .*\), got 1"),
        ({"nbins": 2.5}, TypeError, r"nbins must be a positive integer, got 2.5"),
    ],
    "cleaning": [
        ({"cleaning": "erode"}, ValueError, r"cleaning must be one of 'open_close', 'anomalib'"),
    ],
    "normalize": [
        ({"normalize": value}, TypeError, r"normalize must be True or False")
        for value in (1, "yes", None)
    ],
    "titles": [
        pytest.param({"titles": "x"}, TypeError, r"titles must"),
        pytest.param({"titles": {"heat": "x"}}, ValueError, r"titles"),
    ],
    "score_label": [
        pytest.param({"score_label": 5}, TypeError, r"score_label"),
    ],
    "isoline": real_number("isoline"),
    "isoline_color": colour("isoline_color"),
    "level": real_number("level"),
    "colors": [
        ({"colors": ["red"]}, TypeError, r"colors must be a dict of region kinds to colours"),
        ({"colors": {"hit": "red"}}, ValueError, r"colors has unknown keys \['hit'\]"),
        ({"colors": {"missed": "nope"}}, ValueError, r"colors\['missed'\] must be a matplotlib"),
    ],
    "text": [({"text": 5}, TypeError, r"text must be a string, got int")],
    "position": [
        ({"position": "middle"}, ValueError, r"position must be one of 'top-left'"),
        ({"position": (1.0,)}, TypeError, r"position must be a corner name or two numbers"),
    ],
    "background": colour("background"),
    "background_alpha": [
        ({"background_alpha": 2}, ValueError, r"background_alpha must lie in \[0, 1\], got 2.0"),
        ({"background_alpha": "x"}, TypeError, r"background_alpha must be a real number"),
    ],
    "panel_size": [
        pytest.param({"panel_size": size}, error, r"panel_size")
        for size, error in [("3", TypeError), (-1.0, ValueError), (float("nan"), ValueError)]
    ],
}


def option_names(case):
    """The parameters of the function that are options, not arrays."""
    arrays = {arg.name for arg in case.arrays}
    parameters = inspect.signature(case.function).parameters
    return [name for name in parameters if name not in arrays]


def bad_option_params():
    for case in CASES:
        for option in option_names(case):
            for row in case.bad.get(option, BAD_OPTIONS[option]):
                values, marks = (row.values, row.marks) if hasattr(row, "marks") else (row, ())
                options, error, message = values
                label = ",".join(f"{key}={value!r}" for key, value in options.items())
                yield pytest.param(
                    case, option, options, error, message, id=f"{case}-{label}", marks=marks
                )


#: One small valid array of each kind, for the calls that must fail on something else.
EXAMPLES = {
    "image": np.full((4, 5, 3), 100, np.uint8),
    "map": np.linspace(0.0, 1.0, 20).reshape(4, 5),
    "mask": np.linspace(0.0, 1.0, 20).reshape(4, 5) > 0.5,
    "plane": np.linspace(0.0, 1.0, 20).reshape(4, 5) > 0.5,
    "values": np.linspace(0.0, 1.0, 20).reshape(4, 5),
    "boxes": np.array([[0, 0, 2, 2]]),
}


def valid_arrays(case):
    return {arg.name: EXAMPLES[arg.kind] for arg in case.arrays}


def test_every_option_has_bad_values():
    for case in CASES:
        for option in option_names(case):
            assert case.bad.get(option, BAD_OPTIONS.get(option)), (case, option)


@pytest.mark.parametrize(
    ("case", "option", "options", "error", "message"), list(bad_option_params())
)
def test_bad_option_is_named(case, option, options, error, message):
    with pytest.raises(error, match=message) as caught:
        call(case, valid_arrays(case), {**case.required, **options})
    assert option in str(caught.value)


# ----------------------------------------------------------------------- bad arrays

DTYPE_ROWS = [
    ("complex", np.zeros((4, 5), complex), TypeError, r"{} must hold real numbers, got complex"),
    ("object", np.zeros((4, 5), object), TypeError, r"{} must hold real numbers .* object"),
    ("strings", [["a", "b"], ["c", "d"]], TypeError, r"{} must hold real numbers .*<U1"),
    ("ragged", [[1.0, 2.0], [3.0]], ValueError, r"{} must be an array or a nested list"),
    ("datetime", np.zeros((4, 5), "datetime64[s]"), TypeError, r"{} must hold real numbers"),
]
LAYOUT_ROWS = [
    # functions taking one map say "one 2-D array", those taking batches "2-D ... or a batch"
    ("1-D", np.zeros(5), ValueError, r"{} must be (one )?2-D( array)? \(H, W\) .* \(5,\)"),
    ("4-D", np.zeros((2, 3, 4, 5)), ValueError, r"{} must be (one )?2-D .* \(2, 3, 4, 5\)"),
    ("0-D", np.float64(3.0), ValueError, r"{} must be (one )?2-D"),
    ("empty", np.zeros((0, 5)), ValueError, r"{} must not be empty"),
    ("empty-1x3x0", np.zeros((1, 3, 0)), ValueError, r"{} must not be empty"),
]
MASK_ROWS = [
    ("NaN", np.where(np.eye(4, 5) > 0, np.nan, 1.0), ValueError, r"{} must not hold NaN"),
    (
        "masked",
        np.ma.array(np.ones((4, 5)), mask=True),
        TypeError,
        r"{} must not be a masked array",
    ),
]
IMAGE_ROWS = [
    (
        "2-channels",
        np.zeros((4, 5, 2), np.uint8),
        ValueError,
        r"{} must have 1 \(grey\), 3 \(RGB\) or 4",
    ),
    ("5-channels", np.zeros((4, 5, 5), np.uint8), ValueError, r"{} must have .* got 5"),
    ("1-D", np.zeros(5, np.uint8), ValueError, r"{} must be \(H, W\), \(H, W, C\) or a batch"),
    ("5-D", np.zeros((1, 1, 4, 5, 3), np.uint8), ValueError, r"{} must be \(H, W\)"),
    (
        "int16",
        np.zeros((4, 5, 3), np.int16),
        TypeError,
        r"{} must be uint8 \(0-255\), uint16 \(0-65535\) or float \(0-1\), got dtype int16",
    ),
    ("int64", np.zeros((4, 5, 3), np.int64), TypeError, r"{} must be uint8 .* got dtype int64"),
    ("bool", np.zeros((4, 5, 3), bool), TypeError, r"{} must be uint8 .* got dtype bool"),
    (
        "above-1",
        np.full((4, 5, 3), 1.5),
        ValueError,
        r"{}: a float image must hold values in \[0, 1\]",
    ),
    ("below-0", np.full((4, 5, 3), -0.1), ValueError, r"{}: a float image must hold values in"),
    ("NaN", np.full((4, 5, 3), np.nan), ValueError, r"{}: a float image .* nan"),
    ("empty", np.zeros((4, 0, 3), np.uint8), ValueError, r"{} must not be empty"),
    (
        "masked",
        np.ma.array(np.zeros((4, 5, 3), np.uint8), mask=False),
        TypeError,
        r"{} must not be a masked array",
    ),
]
PLANE_ROWS = [  # resize_nearest: any one 2-D array, whose values it copies
    ("1-D", np.zeros(5), ValueError, r"{} must be one 2-D array \(H, W\) or \(H, W, 1\), got"),
    ("4-D", np.zeros((2, 3, 4, 5)), ValueError, r"{} must be one 2-D array \(H, W\) or"),
    ("empty", np.zeros((0, 3)), ValueError, r"{} must not be empty, got shape \(0, 3\)"),
    ("empty-bool", np.zeros((3, 0), bool), ValueError, r"{} must not be empty, got shape \(3, 0\)"),
]
NOT_A_BATCH = r"{} must be one 2-D array \(H, W\), not a batch"

#: Bad arrays of each kind, with the error and message naming the argument ({}).
BAD_ARRAYS = {
    "map": LAYOUT_ROWS + DTYPE_ROWS,
    "mask": LAYOUT_ROWS + MASK_ROWS + DTYPE_ROWS,
    "image": IMAGE_ROWS + DTYPE_ROWS,
    "plane": PLANE_ROWS + DTYPE_ROWS,
    "values": DTYPE_ROWS,
    "boxes": [],  # tests/test_draw_boxes.py: boxes have rules of their own
}
BATCH_OF = {
    "image": np.zeros((2, 4, 5, 3), np.uint8),
    "map": np.zeros((2, 4, 5)),
    "mask": np.zeros((2, 4, 5)),
    "plane": np.zeros((2, 4, 5)),
}


def bad_array_params():
    for case in CASES:
        for arg in case.arrays:
            rows = list(BAD_ARRAYS[arg.kind])
            if case.single:
                rows.append(("batch", BATCH_OF[arg.kind], ValueError, NOT_A_BATCH))
            for label, value, error, message in rows:
                yield pytest.param(
                    case,
                    arg.name,
                    value,
                    error,
                    message.format(arg.name),
                    id=f"{case}-{arg.name}-{label}",
                )


@pytest.mark.parametrize(("case", "name", "value", "error", "message"), list(bad_array_params()))
def test_bad_array_is_named(case, name, value, error, message):
    arrays = {**valid_arrays(case), name: value}
    with pytest.raises(error, match=message) as caught:
        call(case, arrays, case.required)
    assert str(caught.value).startswith(name)
