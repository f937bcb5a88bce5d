"""The `booking` blueprint, apart from the package's `init_app` so the views can import it
without importing the package that imports them."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("booking", __package__, template_folder="templates")
