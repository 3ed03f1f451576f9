"""KERN UX is served from our own static files at the one pinned version (docs/ui.md)."""

from __future__ import annotations

import hashlib
import io
import json
import re
import tarfile
from pathlib import Path

from tools.kern_vendor import font_files, vendor

ROOT = Path(__file__).resolve().parents[2]
KERN = ROOT / "static" / "vendor" / "kern"


def _pin() -> str:
    match = re.search(r"^KERN_VERSION \?= (\S+)$", (ROOT / "Makefile").read_text(), re.M)
    assert match, "Makefile lost its KERN_VERSION pin"
    return match.group(1)


def test_vendored_kern_is_the_pinned_version_and_intact():
    assert (KERN / "VERSION").read_text().strip() == _pin()
    digest, name = (KERN / "SHA256SUMS").read_text().split()
    assert name == "kern.min.css"
    assert hashlib.sha256((KERN / "kern.min.css").read_bytes()).hexdigest() == digest
    licence = (KERN / "LICENSE.md").read_text()
    assert "EUROPÄISCHE UNION PUBLIC LICENCE v. 1.2" in licence


def test_served_stylesheet_and_every_font_it_names(client):
    with client.get("/static/vendor/kern/kern.min.css") as response:
        assert response.status_code == 200
        served = response.data
    digest = (KERN / "SHA256SUMS").read_text().split()[0]
    assert hashlib.sha256(served).hexdigest() == digest
    with client.get("/static/vendor/kern/fonts/fira-sans.css") as css:
        assert css.status_code == 200
        fonts = font_files(css.get_data(as_text=True))
    assert len(fonts) >= 4  # regular, medium, semi-bold, bold at least
    for rel in fonts:
        with client.get(f"/static/vendor/kern/fonts/{rel}") as font:
            assert font.status_code == 200, rel


def test_every_page_links_kern_first_and_nothing_from_elsewhere(client):
    html = client.get("/auth/login").get_data(as_text=True)
    sheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    assert sheets[0] == "/static/vendor/kern/kern.min.css"
    assert "/static/css/theme.css" in sheets and sheets[-1] == "/static/css/app.css"
    assert not re.search(r'(?:href|src)="(?:https?:)?//', html.split("<body")[0])
    assert 'rel="icon" href="/static/favicon.svg"' in html
    with client.get("/static/favicon.svg") as svg:
        assert svg.status_code == 200
    with client.get("/static/apple-touch-icon.png") as png:
        assert png.status_code == 200 and png.data.startswith(b"\x89PNG")


def test_favicon_ico_answers_where_browsers_ask_for_it(client):
    """Browsers and feed readers ask for /favicon.ico without reading the page (it was 404)."""
    with client.get("/favicon.ico") as icon:
        assert icon.status_code == 200
        assert icon.mimetype == "image/vnd.microsoft.icon"
        assert icon.data[:4] == b"\x00\x00\x01\x00"  # an ICO directory with one image
        assert icon.data[22:26] == b"\x89PNG"  # the PNG of the touch icon inside it


def test_no_template_writes_inline_style_or_script():
    for path in (ROOT / "templates").rglob("*.html"):
        source = path.read_text()
        assert not re.search(r"\sstyle=", source), path
        assert not re.search(r"<script(?![^>]*\ssrc=)", source), path
        assert "cdn" not in source.lower(), path


def _tarball(tmp_path: Path, version: str) -> Path:
    files = {
        "package/package.json": json.dumps({"version": version}),
        "package/LICENSE.md": "EUPL v. 1.2",
        "package/dist/kern.min.css": ".kern-btn{}",
        "package/dist/fonts/fira-sans.css":
            '@font-face{src:url("./fira-sans/FiraSans-Regular.woff2") format("woff2")}',
        "package/dist/fonts/fira-sans/FiraSans-Regular.woff2": "wOF2",
        "package/dist/fonts/fira-sans/FiraSans-Hair.woff2": "unused",
    }
    path = tmp_path / f"kern-ux-native-{version}.tgz"
    with tarfile.open(path, "w:gz") as tar:
        for name, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def test_refresh_copies_only_the_fonts_the_font_css_loads(tmp_path):
    target = tmp_path / "kern"
    target.mkdir()
    (target / "stale.css").write_text("old")
    assert vendor(_tarball(tmp_path, "9.9.9"), target) == "9.9.9"
    assert (target / "VERSION").read_text() == "9.9.9\n"
    assert (target / "fonts" / "fira-sans" / "FiraSans-Regular.woff2").exists()
    assert not (target / "fonts" / "fira-sans" / "FiraSans-Hair.woff2").exists()
    assert not (target / "stale.css").exists()
    assert (target / "SHA256SUMS").read_text().startswith(
        hashlib.sha256(b".kern-btn{}").hexdigest())
