"""Where python-escpos keeps its parsed printer capabilities, shared safely by processes.

python-escpos parses a large capabilities file (~1.5 s) on import unless it finds a pickled
copy, and without a setting it looks in a fresh temporary folder each time, so every
process re-parses. With a shared folder, though, several processes starting together
(server workers, test workers) could read a pickle another is still writing. So the first
process builds it in a private folder and moves it into place in one step.
"""

import os
import pickle
import platform
import shutil
import tempfile

SHARED = os.environ.setdefault(
    "ESCPOS_CAPABILITIES_PICKLE_DIR", os.path.join(tempfile.gettempdir(), "luot-escpos")
)
NAME = f"{platform.python_version()}.capabilities.pickle"


def _usable(path: str) -> bool:
    """A complete pickle (an interrupted writer of older versions could leave half of one)."""
    try:
        with open(path, "rb") as handle:
            pickle.load(handle)
    except (OSError, EOFError, pickle.UnpicklingError):
        return False
    return True


os.makedirs(SHARED, exist_ok=True)
if not _usable(os.path.join(SHARED, NAME)):
    private = tempfile.mkdtemp(prefix="luot-escpos-")
    os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"] = private
    try:
        import escpos.capabilities  # noqa: F401  (parses once and pickles into `private`)

        os.replace(os.path.join(private, NAME), os.path.join(SHARED, NAME))
    except OSError:
        pass  # another process won the race: its copy is as good
    finally:
        os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"] = SHARED
        shutil.rmtree(private, ignore_errors=True)
