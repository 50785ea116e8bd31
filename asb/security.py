"""Response headers that every page carries, and the per-request CSP nonce."""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from flask import Flask, Response, g, request
from werkzeug.middleware.proxy_fix import ProxyFix


def csp_nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return g.csp_nonce


def _tile_origin(tile_url: str) -> str:
    parts = urlsplit(tile_url)
    host = parts.netloc.replace("{s}.", "*.")
    return f"{parts.scheme}://{host}" if parts.scheme and host else ""


def content_security_policy(tile_url: str) -> str:
    images = " ".join(filter(None, ["'self'", "data:", _tile_origin(tile_url)]))
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{csp_nonce()}'",
            "style-src 'self'",
            f"img-src {images}",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def set_security_headers(response: Response) -> Response:
    from flask import current_app

    headers = response.headers
    # A view may set a stricter policy of its own (downloads are sandboxed).
    headers.setdefault(
        "Content-Security-Policy", content_security_policy(current_app.config["MAP_TILE_URL"])
    )
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Referrer-Policy"] = "same-origin"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(self)"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if current_app.config.get("SECURITY_HSTS"):
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    # Pages and downloads may hold personal data: never keep them in a shared cache or the
    # browser's history cache. Static assets carry no personal data and may be cached.
    if request.endpoint != "static":
        headers["Cache-Control"] = "no-store"
        headers["Pragma"] = "no-cache"
    return response


def init_app(app: Flask) -> None:
    proxies = app.config["ASB_TRUSTED_PROXIES"]
    if proxies > 0:
        # The client's address (for sign-in limits and the audit trail) comes from the
        # header the proxies add; without proxies a client could write it. (gunicorn already
        # takes the scheme from X-Forwarded-Proto.)
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies)
    app.after_request(set_security_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
