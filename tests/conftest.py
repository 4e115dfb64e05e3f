import os
import sys

from hypothesis import settings

sys.path.insert(0, os.path.dirname(__file__))  # for tests/strategies.py

settings.register_profile("default", deadline=None, max_examples=60)
# HYPOTHESIS_PROFILE=stress python -m pytest tests: many more examples, for a hunt.
settings.register_profile("stress", deadline=None, max_examples=1000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
