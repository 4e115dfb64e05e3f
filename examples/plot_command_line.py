"""
The command line, command by command
====================================

Every command of ``anomaly-viz`` run on the demo's inspection (the sample
photo against its golden template, :mod:`anomaly_viz.inspection`), through
:func:`anomaly_viz.cli.main`, which takes the same arguments as the shell.
Three crops of the photo make a small folder for the commands that take
folders. The pictures the commands write are copied here as
``cli_*.png``; the docs' page on the command line shows them.
"""

import shutil
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import numpy as np
from _output import output_folder

from anomaly_viz.cli import main
from anomaly_viz.inspection import inspection_sample
from anomaly_viz.io import write_image

out = output_folder()
work = Path(tempfile.mkdtemp(prefix="anomaly-viz-cli-"))
sample = inspection_sample()
write_image(work / "photo.png", sample.image)
np.save(work / "photo.npy", sample.anomaly_map)

# a folder of three crops: photos, maps and ground-truth masks by the same names
crops = {"collar": (slice(380, 580), slice(240, 440)), "spot": (slice(80, 280), slice(300, 500)),
         "face": (slice(100, 300), slice(100, 300))}  # fmt: skip
for folder in ("photos", "maps", "truth"):
    (work / folder).mkdir()
for name, crop in crops.items():
    write_image(work / "photos" / f"{name}.png", sample.image[crop])
    np.save(work / "maps" / f"{name}.npy", sample.anomaly_map[crop])
    write_image(work / "truth" / f"{name}.png", sample.ground_truth[crop].astype(np.uint8) * 255)

scale = ["--vmin", "0", "--vmax", "60"]  # the demo's fixed scale, in grey levels
commands = {
    "cli_overlay.png": ["overlay", work / "photo.png", work / "photo.npy", "--mode", "alpha",
                        *scale],
    "cli_mask.png": ["mask", work / "photo.npy", "--threshold", "15", "--kernel-size", "3",
                     "--regions", "csv"],
    "cli_figure.png": ["figure", work / "photo.png", work / "photo.npy", "--mask-threshold", "15",
                       "--isoline", "15", "--mode", "alpha", *scale],
    "cli_grid.png": ["grid", work / "photos", work / "maps", work / "truth", "--mask-threshold",
                     "15", *scale],
}  # fmt: skip
for picture, arguments in commands.items():
    main([str(argument) for argument in [*arguments, "-o", work / picture]])
    shutil.copyfile(work / picture, out / picture)

main(["fit-scale", str(work / "maps"), "--percentiles", "1", "99", "-o", str(work / "scale.json")])
main(["evaluate", str(work / "maps"), str(work / "truth"), "--threshold", "15",
      "-o", str(work / "report.json")])  # fmt: skip
shutil.rmtree(work)
