"""The browser-visible URLs never change: e-mails already sent carry links, calendar apps
poll feed URLs and people keep bookmarks. Moving views between packages renames endpoints,
never paths; this test compares every rule (path and methods) with the recorded list."""

from __future__ import annotations

from pathlib import Path

from app import create_app
from config import TestingConfig

SNAPSHOT = Path(__file__).resolve().parents[1] / "data" / "url_map.txt"


def url_map_lines() -> list[str]:
    """One line per rule: the path and its methods (HEAD and OPTIONS are Flask's own)."""
    app = create_app(TestingConfig)
    lines = set()
    for rule in app.url_map.iter_rules():
        methods = ",".join(sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}))
        lines.add(f"{rule.rule} {methods}")
    return sorted(lines)


def test_every_path_and_method_is_as_recorded():
    recorded = SNAPSHOT.read_text().splitlines()
    current = url_map_lines()
    assert [line for line in current if line not in recorded] == []  # new or changed
    assert [line for line in recorded if line not in current] == []  # gone or changed


if __name__ == "__main__":  # record: python -m tests.core.test_url_map
    SNAPSHOT.write_text("\n".join(url_map_lines()) + "\n")
