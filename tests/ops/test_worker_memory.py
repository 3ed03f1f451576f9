"""A web worker does not load the heavy libraries only a download or an import needs.

Why a test: openpyxl brings numpy and Pillow, qrcode brings Pillow; imported at start-up they
were ~45 MB of every gunicorn worker's 157 MB (the benchmark's target is 150 MB). They are
imported inside the functions that write XLSX files or draw the QR code.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HEAVY = ("openpyxl", "numpy", "PIL", "qrcode", "pandas", "ortools")


def test_the_app_starts_without_the_heavy_libraries():
    code = (
        "import json, sys\n"
        "from app import create_app\n"
        "from config import TestingConfig\n"
        "create_app(TestingConfig)\n"
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,  # noqa: S603
                          cwd=Path(__file__).resolve().parents[2], timeout=120, check=True)
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []
