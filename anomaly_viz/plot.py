"""The comparison figure: image, heatmap with its colour scale, overlay, masks.

``matplotlib.pyplot`` is imported inside the function, never at import time,
so that importing the package does not choose a GUI backend.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from . import _engine, _validate
from ._engine import pipeline
from ._engine.blocks import plain_rows
from .colormap import ColormapLike, get_colormap, lookup_table
from .draw import draw_isoline
from .normalization import Normalization, as_normalization
from .overlays import default_colormap, overlay, reference_colours
from .resize import resize_nearest

__all__ = ["TITLES", "comparison_figure"]

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.colorbar import Colorbar
    from matplotlib.colors import Colormap
    from matplotlib.figure import Figure

TITLES = {
    "image": "Image",
    "heatmap": "Heatmap",
    "overlay": "Overlay",
    "mask": "Mask",
    "ground_truth": "Ground truth",
}


def _add_colorbar(
    figure: Figure, ax: Axes, fit: Normalization, cmap: Colormap, label: str
) -> Colorbar:
    """A colorbar in display-score units, coloured exactly as `fit` colours."""
    from matplotlib.cm import ScalarMappable
    from matplotlib.colors import Normalize

    class FittedNorm(Normalize):
        """Display scores to [0, 1] through `fit` (for the non-linear sigmoid)."""

        def __call__(  # type: ignore[override]  # matplotlib's overloads, one behaviour
            self, value: ArrayLike, clip: bool | None = None
        ) -> np.ma.MaskedArray:
            data = np.ma.asarray(value, dtype=np.float64)
            values = fit.from_display(data.filled(np.nan))
            return np.ma.masked_array(values, mask=np.ma.getmaskarray(data))

    if fit.low is None or fit.high is None:
        raise ValueError("the colorbar needs a fitted normalization")
    low, high = fit.colorbar_range
    if fit.kind != "sigmoid":  # linear: matplotlib's norm, up to float rounding
        return figure.colorbar(
            ScalarMappable(norm=Normalize(low, high), cmap=cmap), ax=ax, label=label, shrink=0.8
        )
    from matplotlib.ticker import MaxNLocator

    high = high if high > low else low + 1.0
    ticks = np.asarray(MaxNLocator(nbins=6).tick_values(low, high))
    # Explicit boundaries keep the axis linear in scores while each band takes
    # the colour of sigmoid(score).
    return figure.colorbar(
        ScalarMappable(norm=FittedNorm(low, high), cmap=cmap),
        ax=ax,
        label=label,
        shrink=0.8,
        boundaries=np.linspace(low, high, 257),
        ticks=ticks[(ticks >= low) & (ticks <= high)],
    )


def _line_width(size: tuple[int, int]) -> int:
    """An iso-line width that stays visible in a figure: 1 pixel per 200 of the shorter side."""
    return max(1, min(size) // 200)


def _mark_level(colorbar: Colorbar, level: float, color: np.ndarray) -> None:
    """A line across the colorbar at `level` and its value beside it (if on the bar)."""
    low, high = colorbar.ax.get_ylim()
    if not min(low, high) <= level <= max(low, high):
        return  # off the scale: no line rather than a misleading one at an end
    colorbar.ax.axhline(level, color=color / 255.0, linewidth=2)
    colorbar.ax.axhline(level, color="black", linewidth=0.6)
    colorbar.ax.annotate(
        f"{level:.3g}", xy=(0.0, level), xycoords=("axes fraction", "data"),
        xytext=(-3, 0), textcoords="offset points", ha="right", va="center", fontsize="small",
    )  # fmt: skip


def _check_titles(titles: object) -> dict[str, str]:
    """Panel titles replacing some of ``TITLES``."""
    if titles is None:
        return {}
    if not isinstance(titles, dict):
        raise TypeError(f"titles must be a dict of panel names to titles, got {titles!r}")
    unknown = sorted(set(titles) - set(TITLES))
    if unknown:
        raise ValueError(f"titles has unknown panels {unknown}; the panels are {list(TITLES)}")
    return {str(key): str(value) for key, value in titles.items()}


def _heatmap_panel(
    scores: np.ndarray, size: tuple[int, int], fit: Normalization, table: np.ndarray
) -> np.ndarray:
    """The heatmap colours of the map at the image's size: the overlay's own colours."""
    if _engine.ENABLED:
        return pipeline.colours_into(np.empty((*size, 3), np.uint8), scores, fit, table)
    return reference_colours(scores, size, fit, table)


def _mask_panel(
    mask: ArrayLike | None, name: str, size: tuple[int, int], map_size: tuple[int, int]
) -> np.ndarray | None:
    """A mask at the image's size; one at the map's size is scaled up (nearest)."""
    if mask is None:
        return None
    binary = _validate.as_one_mask(mask, name)
    if binary.shape == map_size:
        return resize_nearest(binary, size)
    if binary.shape != size:
        raise ValueError(
            f"{name} must have the image's height and width {size} or the map's "
            f"{map_size}, got {binary.shape}"
        )
    return binary


def comparison_figure(
    image: ArrayLike,
    anomaly_map: ArrayLike,
    *,
    mask: ArrayLike | None = None,
    ground_truth: ArrayLike | None = None,
    mode: str = "blend",
    alpha: float | None = None,
    gamma: float = 0,
    colormap: ColormapLike | None = None,
    normalization: str | Normalization = "minmax",
    threshold: float | None = None,
    titles: dict[str, str] | None = None,
    score_label: str = "anomaly score",
    panel_size: float = 3.0,
    isoline: float | None = None,
    isoline_color: ArrayLike | str = "white",
) -> Figure:
    """Image, heatmap, overlay (and masks) side by side, in one figure.

    The seed question's "Image / Heatmap / overlayed" layout. The heatmap
    panel shows exactly the colours the overlay uses, and its colorbar is
    labelled with the real scores (the map's own range, not 0-1, when the
    map was normalised). Every panel shows the image's extent, the map
    resized as scores to it.

    Parameters
    ----------
    image : array_like, shape (H, W) or (H, W, C)
        One image, as :func:`~anomaly_viz.overlays.overlay` takes it.
    anomaly_map : array_like, shape (h, w)
        One map of scores.
    mask, ground_truth : array_like, shape (H, W) or (h, w), optional
        A predicted mask and the true one (non-zero is True); each adds a
        panel. A mask of the map's size is scaled to the image's by nearest
        neighbour.
    mode, alpha, gamma, colormap, normalization, threshold
        As in :func:`~anomaly_viz.overlays.overlay`.
    titles : dict, optional
        Panel titles replacing the defaults ``TITLES``; keys ``"image"``,
        ``"heatmap"``, ``"overlay"``, ``"mask"``, ``"ground_truth"``.
    score_label : str, default "anomaly score"
        The colorbar's label.
    panel_size : float, default 3.0
        Height of the panels in inches.
    isoline : float, optional
        A score (e.g. the anomaly threshold) to show in the picture: its
        iso-line (:func:`~anomaly_viz.draw.isoline`) is drawn on the heatmap
        and the overlay, and the colorbar is marked at it with a line and
        its value (when it lies on the colorbar's range; the colorbar is in
        display scores, see :attr:`~anomaly_viz.normalization.Normalization.label`).
    isoline_color : str or sequence of three numbers, default "white"
        The iso-line's colour (a matplotlib colour or three numbers in 0-255).

    Returns
    -------
    matplotlib.figure.Figure
        Made with ``pyplot.figure`` (so ``plt.show()`` shows it); close it
        with ``plt.close(fig)`` when drawing many. Saves headless with
        ``fig.savefig("figure.png")``.

    Raises
    ------
    TypeError, ValueError
        As :func:`~anomaly_viz.overlays.overlay`; also for a batch instead
        of one image and map, or a mask of another size than the image.

    Examples
    --------
    >>> scores = np.array([[3.0, 4.0], [5.0, 7.0]])
    >>> fig = comparison_figure(np.zeros((4, 4), np.uint8), scores, mask=scores > 4)
    >>> [ax.get_title() for ax in fig.axes]
    ['Image', 'Heatmap', 'Overlay', 'Mask', '']
    >>> colorbar = fig.axes[-1]
    >>> colorbar.get_ylabel(), [float(limit) for limit in colorbar.get_ylim()]
    ('anomaly score', [3.0, 7.0])
    >>> import matplotlib.pyplot as plt; plt.close(fig)

    The threshold in the picture: its iso-line on the heatmap and the
    overlay, and a line with its value on the colorbar:

    >>> fig = comparison_figure(np.zeros((4, 4), np.uint8), scores, isoline=4.5)
    >>> colorbar = fig.axes[-1]
    >>> [float(line.get_ydata()[0]) for line in colorbar.lines], colorbar.texts[0].get_text()
    ([4.5, 4.5], '4.5')
    >>> plt.close(fig)
    """
    import matplotlib.pyplot as plt

    titles = _check_titles(titles)
    if not isinstance(score_label, str):
        raise TypeError(f"score_label must be a string, got {score_label!r}")
    panel_size = _validate.check_finite(panel_size, "panel_size")
    if panel_size <= 0:
        raise ValueError(f"panel_size must be a positive number of inches, got {panel_size}")
    scores = _validate.as_one_map(anomaly_map, "anomaly_map")
    images, image_batch = _validate.as_images(image)
    if image_batch:
        raise _validate.not_a_batch("image", np.shape(image))
    panel_titles = {**TITLES, **titles}
    size = images.shape[1:3]
    line_color = _validate.check_color(isoline_color, "isoline_color")
    if isoline is not None:
        isoline = _validate.check_real(isoline, "isoline")
    spec = as_normalization(normalization)
    fit = spec.fit(scores)
    cmap = get_colormap(default_colormap(colormap, spec))
    panels = {
        "image": plain_rows(images[0], slice(None)),
        "heatmap": _heatmap_panel(scores, size, fit, lookup_table(cmap)),
        "overlay": overlay(
            image,
            anomaly_map,
            mode,
            alpha=alpha,
            gamma=gamma,
            colormap=cmap,
            normalization=fit,
            threshold=threshold,
        ),
        "mask": _mask_panel(mask, "mask", size, scores.shape),
        "ground_truth": _mask_panel(ground_truth, "ground_truth", size, scores.shape),
    }
    if isoline is not None:
        for key in ("heatmap", "overlay"):
            picture = panels[key]
            assert picture is not None  # the two colour panels are always there
            panels[key] = draw_isoline(
                picture, scores, isoline, color=line_color, thickness=_line_width(size)
            )
    shown = {key: picture for key, picture in panels.items() if picture is not None}

    height, width = size
    figure = plt.figure(
        figsize=(panel_size * width / height * len(shown) + 1.0, panel_size + 0.6),
        layout="constrained",
    )
    axes = figure.subplots(1, len(shown), squeeze=False)[0]
    extent = (0, width, height, 0)
    for ax, (key, picture) in zip(axes, shown.items(), strict=True):
        if picture.ndim == 2:  # a mask
            ax.imshow(picture, cmap="gray", vmin=0, vmax=1, extent=extent, interpolation="nearest")
        else:
            ax.imshow(picture, extent=extent, interpolation="nearest")
        ax.set_title(panel_titles[key])
        ax.set_axis_off()
        if key == "heatmap":
            label = score_label if fit.label == "score" else f"{score_label} ({fit.label})"
            colorbar = _add_colorbar(figure, ax, fit, cmap, label)
            if isoline is not None:
                _mark_level(colorbar, isoline, line_color)
    return figure
