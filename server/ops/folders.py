"""Folders that hold what is the owner's alone: the instance, backups, metrics files."""

from __future__ import annotations

from pathlib import Path


def private_folder(path: Path | str) -> Path:
    """`path` and every folder above it that does not exist yet, each new one made 0700.

    `Path.mkdir(mode=0o700, parents=True)` gives the mode to the last folder only: the
    others take the umask's (`luot backup --output a/b/c` made `a` and `a/b` 0755, and the
    archive's name and the database's kind could be read through them). Folders that exist
    keep the mode their owner gave them."""
    path = Path(path)
    missing = []
    for folder in (path, *path.parents):
        if folder.exists():
            break
        missing.append(folder)
    for folder in reversed(missing):
        folder.mkdir(mode=0o700, exist_ok=True)
    return path
