"""Citizen data from a CCCD scan travels from the scan to the ticket as a signed token.

The kiosk never holds the ID number after the scan: the server parses the QR, keeps only
the name, a salted hash and the last four digits (Decree 13/2023), signs them, and the
ticket request carries the signature back. Tokens expire, so an old scan can't be reused.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from ..engine import Citizen, Invalid
from ..i18n import english

MAX_AGE_SECONDS = 15 * 60


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="luot.citizen")


def id_salt(office_code: str) -> bytes:
    """Per office and installation: one office recognises a returning citizen, no other can."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"citizen-id:{office_code}".encode(), hashlib.sha256).digest()


def sign_citizen(office_code: str, citizen: Citizen) -> str:
    return _serializer().dumps(
        {
            "office": office_code,
            "name": citizen.name,
            "hash": citizen.id_hash,
            "last4": citizen.id_last4,
        }
    )


def load_citizen(office_code: str, token: str) -> Citizen:
    try:
        data = _serializer().loads(token, max_age=MAX_AGE_SECONDS)
    except BadSignature as exc:
        raise Invalid(english("scan_expired"), field="citizen") from exc
    if data.get("office") != office_code:
        raise Invalid(english("scan_other_office"), field="citizen")
    return Citizen(name=data.get("name"), id_hash=data.get("hash"), id_last4=data.get("last4"))
