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
    from .cli import main as cli_main

    cli_main()


if __name__ == "__main__":
    main()
