"""Assets by fingerprinted name, cached for a year; assets and pages compressed; `import wsgi`
without the hotspot analysis stack."""

from __future__ import annotations

import gzip
import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DIST = ROOT / "static" / "dist"
IMMUTABLE = "public, max-age=31536000, immutable"


def _stylesheet_url(client) -> str:
    html = client.get("/sign-in").get_data(as_text=True)
    return re.search(r'<link rel="stylesheet" href="([^"]+)">', html).group(1)


def test_the_fingerprinted_stylesheet_is_cached_for_a_year_the_plain_one_not(client):
    url = _stylesheet_url(client)
    manifest = json.loads((DIST / "manifest.json").read_text())
    assert url == f"/static/{manifest['dist/app.css']}"
    assert re.fullmatch(r"/static/dist/app\.[0-9a-f]{10}\.css", url)

    response = client.get(url)

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == IMMUTABLE
    assert response.data == (DIST / "app.css").read_bytes()
    # The same file under a name that does not change with it must be asked for again.
    assert client.get("/static/dist/app.css").headers["Cache-Control"] == "no-cache"


def test_the_fingerprinted_script_imports_the_fingerprinted_govuk_frontend(client):
    html = client.get("/sign-in").get_data(as_text=True)
    script = re.search(r'<script type="module" src="([^"]+)"', html).group(1)
    manifest = json.loads((DIST / "manifest.json").read_text())
    imported = Path(manifest["dist/govuk-frontend.min.js"]).name

    response = client.get(script)

    assert response.headers["Cache-Control"] == IMMUTABLE
    assert f"from './{imported}'" in response.get_data(as_text=True)
    assert client.get(f"/static/dist/{imported}").headers["Cache-Control"] == IMMUTABLE


def test_an_asset_goes_gzipped_to_a_client_that_accepts_gzip(client):
    url = _stylesheet_url(client)

    response = client.get(url, headers={"Accept-Encoding": "gzip, deflate"})

    assert response.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["Vary"]
    assert response.mimetype == "text/css"
    assert len(response.data) < (DIST / "app.css").stat().st_size / 4
    assert gzip.decompress(response.data) == (DIST / "app.css").read_bytes()


def test_an_asset_goes_as_brotli_when_accepted_and_plain_otherwise(client):
    url = _stylesheet_url(client)
    file = ROOT / "static" / url.removeprefix("/static/")

    brotli = client.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
    plain = client.get(url, headers={"Accept-Encoding": "identity"})

    assert brotli.headers["Content-Encoding"] == "br"
    assert brotli.data == Path(f"{file}.br").read_bytes()
    assert "Content-Encoding" not in plain.headers
    assert "Accept-Encoding" in plain.headers["Vary"]
    assert plain.data == file.read_bytes()


def test_a_page_goes_gzipped_to_a_client_that_accepts_gzip_a_small_answer_not(client):
    plain = client.get("/sign-in")
    compressed = client.get("/sign-in", headers={"Accept-Encoding": "gzip"})

    assert "Content-Encoding" not in plain.headers
    assert compressed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in compressed.headers["Vary"]
    assert int(compressed.headers["Content-Length"]) == len(compressed.data)
    assert len(compressed.data) < len(plain.data) / 2
    page = gzip.decompress(compressed.data).decode()
    assert "<h1" in page
    assert compressed.headers["Cache-Control"] == "no-store"
    small = client.get("/healthz", headers={"Accept-Encoding": "gzip"})
    assert len(small.data) < 1024
    assert "Content-Encoding" not in small.headers


def test_importing_the_app_leaves_the_hotspot_analysis_stack_unloaded(database_url, app):
    environment = {
        **os.environ,
        "ASB_CONFIG": "development",
        "DATABASE_URL": database_url,
        "SECRET_KEY": "import-test-" + "x" * 32,
    }
    script = (
        "import json, sys, wsgi; "
        "print(json.dumps(sorted({name.split('.')[0] for name in sys.modules} "
        "& {'esda', 'libpysal'})))"
    )

    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )

    assert json.loads(result.stdout.strip().splitlines()[-1]) == []


def test_a_page_that_echoes_the_request_is_never_compressed(client, login_as):
    """BREACH: a search echoed beside the CSRF token must not be compressed."""
    login_as()
    searched = client.get("/incidents?text=secret-guess", headers={"Accept-Encoding": "gzip"})
    assert searched.status_code == 200
    assert "Content-Encoding" not in searched.headers
    assert b"secret-guess" in searched.data
    listed = client.get("/incidents", headers={"Accept-Encoding": "gzip"})
    assert listed.headers["Content-Encoding"] == "gzip"
