"""Copy the browser libraries that `npm ci` installed into static/vendor/.

Pages must work with no internet, so the box serves these itself. Versions and integrity
hashes live in package.json and package-lock.json; this only picks the built files out of
node_modules (nothing is downloaded here).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# node_modules path -> name under static/vendor/
FILES = {
    "socket.io-client/dist/socket.io.min.js": "socket.io.min.js",
    "socket.io-client/dist/socket.io.min.js.map": "socket.io.min.js.map",
    "chart.js/dist/chart.umd.min.js": "chart.umd.min.js",
    # The booking form's proof-of-work (ALTCHA): the widget built for a strict CSP (its
    # stylesheet apart, no inline workers), the worker of its PBKDF2 challenges, and its
    # Vietnamese words.
    "altcha/dist/external/altcha.min.js": "altcha.min.js",
    "altcha/dist/external/altcha.css": "altcha.css",
    "altcha/dist/workers/pbkdf2.js": "altcha-pbkdf2.js",
    "altcha/dist/i18n/vi.js": "altcha-vi.js",
    "altcha/LICENSE.txt": "altcha-LICENSE.txt",
}


def main() -> None:
    """Copy every file in FILES; fail loudly if `npm ci` has not run."""
    modules = ROOT / "node_modules"
    target = ROOT / "static" / "vendor"
    target.mkdir(parents=True, exist_ok=True)
    for source, name in FILES.items():
        path = modules / source
        if not path.is_file():
            sys.exit(f"vendor: {path} missing; run `npm ci` first")
        shutil.copy2(path, target / name)
    print(f"vendor: {len(FILES)} files copied into {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
