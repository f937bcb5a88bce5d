"""The `luot` console script.

Serving uses gevent, whose monkey-patching must happen before anything else is imported,
so this tiny module decides first and only then loads Flask and the app.
"""

from __future__ import annotations

import os
import sys

SERVING = {"serve", "demo"}


def main() -> None:
    if not SERVING.intersection(sys.argv[1:2]):
        _run_cli()
        return
    from gevent import monkey

    monkey.patch_all()
    os.environ["LUOT_ASYNC_MODE"] = "gevent"
    _metrics_folder()
    try:
        _run_cli()
    except SystemExit as stop:
        _exit_now(stop.code)
    _exit_now(0)


def _run_cli() -> None:
    """Every command, with the app built as the server builds it (`with_appcontext`)."""
    import click
    from flask.cli import ScriptInfo

    from .config import SettingsError
    from .factory import create_app
    from .ops.cli import cli

    info = ScriptInfo(create_app=create_app, set_debug_flag=False, load_dotenv_defaults=False)
    try:
        cli.main(args=sys.argv[1:], prog_name="luot", obj=info)
    except SettingsError as exc:
        # A bad luot.cfg line or LUOT_* value: one line, whichever command it stopped.
        click.ClickException(str(exc)).show()
        sys.exit(1)


def _exit_now(code: int | str | None) -> None:
    """Leave a server that has stopped (its heartbeat removed, its push handed over) at
    once: tearing down the interpreter's objects took 2-5 s of CPU after every stop, which
    a restart (and every test that starts a server) waited for, and saves nothing."""
    import logging

    if isinstance(code, str):
        print(code, file=sys.stderr)
        code = 1
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code or 0)


def _metrics_folder() -> None:
    """prometheus_client chooses how it keeps values when it loads: in files shared by
    every process of the installation (summed at a scrape) once PROMETHEUS_MULTIPROC_DIR
    names a folder (server/ops/metrics.py; `create_app` makes it, once the settings hold)."""
    from .config import instance_folder

    os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", str(instance_folder() / "metrics"))


if __name__ == "__main__":
    main()
