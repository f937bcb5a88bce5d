"""admin pages (filled in by the issue 5 work)."""

from __future__ import annotations
