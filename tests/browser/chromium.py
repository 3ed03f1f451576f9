"""The one Chromium every browser test drives: Debian's package, never a downloaded build."""

from __future__ import annotations

import os

EXECUTABLE = "/usr/bin/chromium"
ARGS = ("--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic")


def installed() -> bool:
    return os.path.exists(EXECUTABLE)


def launch(playwright):
    """Start it headless through Playwright's sync API."""
    return playwright.chromium.launch(executable_path=EXECUTABLE, args=list(ARGS), headless=True)
