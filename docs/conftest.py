"""pytest in docs/: the .rst pages are doctests; Sphinx's configuration is not a module to test.

``conf.py`` sets environment variables for the gallery build and
``gallery_scraper.py`` needs sphinx-gallery: importing them for
``--doctest-modules`` would do the first in the test session.
"""

collect_ignore = ["conf.py", "gallery_scraper.py"]
