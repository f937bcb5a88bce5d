"""Lượt server. `create_app` is imported lazily so `luot serve` can let gevent patch first."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask


def create_app(config: dict[str, Any] | None = None) -> Flask:
    from .factory import create_app as build

    return build(config)
