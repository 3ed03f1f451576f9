"""House rules a machine can check beside `make lint`: module size."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MAX_LINES = 350


def test_no_module_in_app_is_over_350_lines():
    long = {str(p.relative_to(ROOT)): n for p in sorted(ROOT.glob("app/**/*.py"))
            if (n := len(p.read_text().splitlines())) > MAX_LINES}
    assert long == {}
