"""Security headers on every response: a Content-Security-Policy without inline script,
no framing, no MIME sniffing, and nothing personal kept in caches.

Every page loads only the box's own scripts, styles, fonts, sounds and images (page data
travels in `<script type="application/json">` blocks, which are not run), so the policy
can be strict and still work offline. Written here rather than with Flask-Talisman: what
Lượt needs is these few fixed headers, and Talisman's HTTPS redirects and cookie rewriting
would fight an office network that is plain HTTP.
"""

from __future__ import annotations

from flask import Flask, Response, request

CSP = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "media-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "worker-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
}
# Files that are the same for everyone and may be cached (they set their own max-age).
CACHEABLE = frozenset({"static", "pages.font", "display.announce"})


def _secure(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.endpoint not in CACHEABLE:
        # Staff pages, exports and API answers carry names and ID digits: never stored.
        response.headers["Cache-Control"] = "no-store"
        response.headers.pop("Expires", None)
    return response


def init_app(app: Flask) -> None:
    app.after_request(_secure)
