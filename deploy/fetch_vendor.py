"""Fetch the browser libraries listed in deploy/vendor.json into static/vendor/.

Pages must work with no internet, so the box serves these itself; they come from the npm
registry at install time, checked against the registry's sha512, and are not committed.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import sys
import tarfile
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REGISTRY = "https://registry.npmjs.org"


def fetch(package: dict, target: Path) -> None:
    wanted = {target / name: member for member, name in package["files"].items()}
    if all(path.exists() for path in wanted):
        return
    name, version = package["name"], package["version"]
    url = f"{REGISTRY}/{name}/-/{name.split('/')[-1]}-{version}.tgz"
    with urllib.request.urlopen(url, timeout=60) as response:
        data = response.read()
    algorithm, _, expected = package["integrity"].partition("-")
    actual = base64.b64encode(hashlib.new(algorithm, data).digest()).decode()
    if actual != expected:
        sys.exit(f"{name}@{version}: integrity mismatch, refusing to install it")
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        for path, member in wanted.items():
            extracted = archive.extractfile(member)
            if extracted is None:
                sys.exit(f"{name}@{version}: {member} missing from the package")
            path.write_bytes(extracted.read())
    print(f"vendor: {name}@{version}")


def main() -> None:
    target = ROOT / "static" / "vendor"
    target.mkdir(parents=True, exist_ok=True)
    for package in json.loads((ROOT / "deploy" / "vendor.json").read_text())["packages"]:
        fetch(package, target)


if __name__ == "__main__":
    main()
