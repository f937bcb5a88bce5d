"""The `luot` console script.

Serving uses gevent, whose monkey-patching must happen before anything else is imported,
so this tiny module decides first and only then loads Flask and the app.
"""

from __future__ import annotations

import os
import sys

SERVING = {"serve", "demo"}


def main() -> None:
    if SERVING.intersection(sys.argv[1:2]):
        from gevent import monkey

        monkey.patch_all()
        os.environ["LUOT_ASYNC_MODE"] = "gevent"
        _metrics_folder()
    from .cli import main as cli_main

    cli_main()


def _metrics_folder() -> None:
    """prometheus_client chooses how it keeps values when it loads: in files shared by
    every process of the installation (summed at a scrape) once PROMETHEUS_MULTIPROC_DIR
    names a folder (server/metrics.py; `create_app` makes it, once the settings hold)."""
    from .config import instance_folder

    os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", str(instance_folder() / "metrics"))


if __name__ == "__main__":
    main()
