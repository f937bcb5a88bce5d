"""Kiosk pages (filled in by the kiosk work)."""

from __future__ import annotations
