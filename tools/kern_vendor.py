"""Copy the KERN files the app serves out of an `@kern-ux/native` npm tarball.

`make kern-refresh KERN_VERSION=x.y.z` packs the published package and calls this, so the
vendored copy under static/vendor/kern/ always comes from one release, never from a CDN. Only
the stylesheet, the Fira Sans faces its font CSS names, the licence and the version are kept:
the other 20 font cuts are 3 MB nobody loads.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import sys
import tarfile
import tempfile
from pathlib import Path

TARGET = Path(__file__).resolve().parents[1] / "static" / "vendor" / "kern"
FONT_CSS = "dist/fonts/fira-sans.css"
FONT_URL = re.compile(r"""url\(["']?\./([^"')]+)["']?\)""")


def font_files(css: str) -> list[str]:
    """Return the font paths (relative to the font CSS) its @font-face rules load."""
    return FONT_URL.findall(css)


def vendor(tarball: Path, target: Path = TARGET) -> str:
    """Replace `target` with the files from `tarball`; return the package version."""
    with tempfile.TemporaryDirectory() as tmp:
        with tarfile.open(tarball) as tar:
            tar.extractall(tmp, filter="data")
        pkg = Path(tmp) / "package"
        version = json.loads((pkg / "package.json").read_text())["version"]
        if target.exists():
            shutil.rmtree(target)
        (target / "fonts").mkdir(parents=True)
        shutil.copy(pkg / "dist" / "kern.min.css", target / "kern.min.css")
        shutil.copy(pkg / "LICENSE.md", target / "LICENSE.md")
        css = (pkg / FONT_CSS).read_text()
        (target / "fonts" / "fira-sans.css").write_text(css)
        for rel in font_files(css):
            dest = target / "fonts" / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(pkg / "dist" / "fonts" / rel, dest)
    (target / "VERSION").write_text(version + "\n")
    digest = hashlib.sha256((target / "kern.min.css").read_bytes()).hexdigest()
    (target / "SHA256SUMS").write_text(f"{digest}  kern.min.css\n")
    return version


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python tools/kern_vendor.py kern-ux-native-X.Y.Z.tgz")
    print("vendored @kern-ux/native", vendor(Path(sys.argv[1])), "into", TARGET)
