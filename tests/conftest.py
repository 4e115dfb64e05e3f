import os
import sys

from hypothesis import settings

sys.path.insert(0, os.path.dirname(__file__))  # for tests/strategies.py

settings.register_profile("default", deadline=None, max_examples=60)
settings.load_profile("default")
