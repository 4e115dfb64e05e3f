"""
Jet against a perceptually uniform colormap
===========================================

A colormap is a path through colours; what the eye reads as "more" is
mostly lightness. Jet's lightness (CIE L*, computed here from its sRGB
colours with the CIE formulas) rises, falls at cyan, rises to yellow and
falls again: equal steps of score look unequal, and the brightest band
(yellow-cyan) sits in the middle of the scale, not at its top. Viridis's
lightness rises steadily from end to end. Top: the two colormaps over the
scores 0 to 1; bottom: their lightness.
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from _output import output_folder

from anomaly_viz.colormap import lookup_table

out = output_folder()


def lightness(rgb):
    """CIE L* of sRGB colours (0-255): linearise, the luminance Y, then L*."""
    c = rgb / 255.0
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    y = linear @ np.array([0.2126, 0.7152, 0.0722])
    return np.where(y > 216 / 24389, 116 * np.cbrt(y) - 16, 24389 / 27 * y)


scores = np.linspace(0, 1, 256)
figure, axes = plt.subplots(
    3, 1, figsize=(7, 5.5), layout="constrained", gridspec_kw={"height_ratios": [1, 1, 4]}
)
for ax, name in zip(axes[:2], ["jet", "viridis"], strict=True):
    ax.imshow(lookup_table(name)[None, :256], aspect="auto", extent=(0, 1, 0, 1))
    ax.set_yticks([])
    ax.set_ylabel(name, rotation=0, ha="right", va="center")
    ax.set_xticks([])
for name, style in (("jet", "-"), ("viridis", "--")):
    axes[2].plot(scores, lightness(lookup_table(name)[:256].astype(float)), style, label=name)
axes[2].set_xlabel("score")
axes[2].set_ylabel("lightness L*")
axes[2].legend()
axes[2].grid(alpha=0.3)
figure.savefig(out / "colormap_lightness.png", dpi=100)
plt.close(figure)
