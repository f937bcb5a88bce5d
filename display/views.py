"""Display pages (filled in by the display work)."""

from __future__ import annotations
