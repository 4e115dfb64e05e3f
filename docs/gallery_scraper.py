"""The gallery's scraper: the PNG files an example wrote, in the order written.

The examples save their pictures as files (``examples/_output.py`` says
where) instead of leaving figures open, so matplotlib's scraper finds none;
this one takes every PNG file that appeared in that folder since the last
call into the gallery.
"""

import os
import shutil
from pathlib import Path

_seen: set[Path] = set()


def written_pictures(block, block_vars, gallery_conf):
    """sphinx-gallery's image scraper interface: the reST of the new pictures."""
    from sphinx_gallery.scrapers import figure_rst

    folder = Path(os.environ["ANOMALY_VIZ_EXAMPLES_OUT"])
    new = sorted(
        (path for path in folder.glob("*.png") if path not in _seen),
        key=lambda path: path.stat().st_mtime,
    )
    names = []
    for path, target in zip(new, block_vars["image_path_iterator"], strict=False):
        _seen.add(path)
        shutil.copyfile(path, target)
        names.append(target)
    return figure_rst(names, gallery_conf["src_dir"])


def _get_sg_image_scraper():
    """How sphinx-gallery finds a scraper named by its module (``"gallery_scraper"``)."""
    return written_pictures
