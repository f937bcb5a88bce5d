"""Where python-escpos keeps its parsed printer capabilities.

It parses a large YAML file (~1.5 s) on import unless it finds a pickled copy, and without
this setting it looks in a fresh temporary folder each time, so every process re-parses.
"""

import os
import tempfile

os.environ.setdefault(
    "ESCPOS_CAPABILITIES_PICKLE_DIR", os.path.join(tempfile.gettempdir(), "luot-escpos")
)
os.makedirs(os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"], exist_ok=True)
