"""Static assets by their fingerprinted names, precompressed, and pages compressed.

The front-end build (scripts/build-assets.mjs) writes each asset a second time under a name
that carries a hash of its content (`dist/app.3f9c1e0a7b.css`), lists the names in
`static/dist/manifest.json`, and writes `.br` and `.gz` copies beside every text asset.
A fingerprinted name never changes content, so browsers may keep it for a year without
asking again; other files are revalidated on every use (`no-cache`).
"""

from __future__ import annotations

import gzip
import json
import mimetypes
from pathlib import Path

from flask import Flask, Response, current_app, request, send_from_directory, url_for
from werkzeug.security import safe_join

MANIFEST = "dist/manifest.json"
IMMUTABLE = "public, max-age=31536000, immutable"
# Best first: the build writes both, browsers accept both over HTTPS.
PRECOMPRESSED = (("br", ".br"), ("gzip", ".gz"))
PAGE_TYPES = frozenset(
    {
        "text/html",
        "text/css",
        "text/csv",
        "text/plain",
        "text/javascript",
        "application/javascript",
        "application/json",
        "application/geo+json",
        "image/svg+xml",
    }
)
# Below about a packet, compression saves nothing worth its time.
PAGE_MIN_BYTES = 1024
# On 850 KB of CSS and JS, level 6 gives 178 KB in 44 ms, level 9 177 KB in 147 ms and
# level 1 224 KB in 22 ms (measured on the shared 2-core test machine under load).
PAGE_LEVEL = 6


def load_manifest(static_folder: str) -> dict[str, str]:
    """Asset path (as for url_for('static')) to its fingerprinted path; empty before a build."""
    path = Path(static_folder, MANIFEST)
    if not path.is_file():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def asset_url(filename: str) -> str:
    """The URL of a static file, fingerprinted when the build gave it a fingerprint."""
    manifest = current_app.extensions["asb_assets"]
    return url_for("static", filename=manifest.get(filename, filename))


def send_static_file(filename: str) -> Response:
    """Flask's static view, serving the precompressed copy the client accepts."""
    folder = str(current_app.static_folder)
    mimetype = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    variants = [
        (coding, filename + suffix)
        for coding, suffix in PRECOMPRESSED
        if (path := safe_join(folder, filename + suffix)) and Path(path).is_file()
    ]
    accepted = [(coding, name) for coding, name in variants if request.accept_encodings[coding]]
    if accepted:
        coding, name = accepted[0]
        response = send_from_directory(folder, name, mimetype=mimetype)
        response.headers["Content-Encoding"] = coding
    else:
        response = send_from_directory(folder, filename, mimetype=mimetype)
    if variants:
        response.vary.add("Accept-Encoding")
    fingerprinted = current_app.extensions["asb_fingerprinted"]
    response.headers["Cache-Control"] = IMMUTABLE if filename in fingerprinted else "no-cache"
    return response


def compress_page(response: Response) -> Response:
    """gzip a text response of more than a packet when the client accepts it.

    Only answers to a GET without a query string are compressed: a page that echoes what the
    requester sent (a search, a filter, a form shown again) beside a secret (the CSRF token,
    a victim's details) would let compressed sizes leak the secret (BREACH).
    """
    if (
        request.method != "GET"
        or request.query_string
        or response.direct_passthrough
        or response.is_streamed
        or "Content-Encoding" in response.headers
        or not 200 <= response.status_code < 300
        or response.status_code in (204, 206)
        or response.mimetype not in PAGE_TYPES
    ):
        return response
    data = response.get_data()
    if len(data) < PAGE_MIN_BYTES:
        return response
    response.vary.add("Accept-Encoding")
    if not request.accept_encodings["gzip"]:
        return response
    response.set_data(gzip.compress(data, compresslevel=PAGE_LEVEL))
    response.headers["Content-Encoding"] = "gzip"
    etag, weak = response.get_etag()
    if etag and not weak:
        # The same page in other bytes: no longer byte-for-byte the strong ETag's entity.
        response.set_etag(etag, weak=True)
    return response


def init_app(app: Flask) -> None:
    manifest = load_manifest(str(app.static_folder))
    app.extensions["asb_assets"] = manifest
    app.extensions["asb_fingerprinted"] = frozenset(manifest.values())
    app.view_functions["static"] = send_static_file
    app.jinja_env.globals["asset_url"] = asset_url
    app.after_request(compress_page)
