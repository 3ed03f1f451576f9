"""Upload bombs against the gunicorn-served app: a 400 in seconds, the workers' memory bounded.

Why here as well as in tests/pool/test_import_bounds.py: there the view runs in the test
process; here the bombs travel as real multipart bodies to gunicorn's sync workers with the
production config, and the workers' own peak memory (VmHWM) is read from /proc.
"""

from __future__ import annotations

import http.client
import secrets
import time
from pathlib import Path

from resilience.http import CSRF_RE, Client
from tests.pool.test_import_bounds import BOMBS

COORDINATOR = ("koordination@skm-demo.de", "demo-koordination")
SECONDS = 10.0  # the whole request on a shared, loaded machine (in-process tests: 5 s)
GROWTH_MB = 150  # how much any worker's peak may rise over all the bombs together
PEAK_MB = 400  # and its peak in absolute terms (a worker of the demo app holds ~100-150 MB)


def _workers(stack) -> list[int]:
    pids = []
    for master in stack.web:
        children = Path(f"/proc/{master.pid}/task/{master.pid}/children").read_text().split()
        pids.extend(int(pid) for pid in children)
    return pids


def _peak_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _post_file(client: Client, port: int, token: str, data: bytes, name: str):
    boundary = secrets.token_hex(16)
    parts = []
    for key, value in (("csrf_token", token), ("kind", "mediators")):
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'
                     f"{value}\r\n".encode())
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                 f'filename="{name}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode())
    body = b"".join(parts) + data + f"\r\n--{boundary}--\r\n".encode()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("POST", "/pool/import", body=body, headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Cookie": "; ".join(f"{k}={v}" for k, v in client.cookies.items())})
        response = conn.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        conn.close()


def _language(client: Client, code: str) -> None:
    token = client.csrf_token("/pool/import")
    assert client.post(f"/language/{code}", {"csrf_token": token})[0] == 302


def test_upload_bombs_are_refused_fast_and_workers_stay_small(stack):
    before = {pid: _peak_mb(pid) for pid in _workers(stack)}
    timings = {}
    for port in stack.ports:
        client = Client([port], lambda *a: None)
        assert client.login(*COORDINATOR)
        _language(client, "en")  # the messages are checked in English
        for name, (build, fmt, message) in BOMBS.items():
            data = build()
            status, _headers, html = client.get("/pool/import")
            token = CSRF_RE.search(html).group(1)
            started = time.monotonic()
            status, html = _post_file(client, port, token, data, f"bomb.{fmt}")
            timings[(port, name)] = round(time.monotonic() - started, 2)
            assert status == 400, (name, status, html[-1500:])
            assert message in html, name
        _language(client, "de")  # the demo coordinator's own choice again
    after = {pid: _peak_mb(pid) for pid in _workers(stack)}
    print(f"\nupload bombs: seconds {timings}\nworker peak MB before {before} after {after}")
    assert max(timings.values()) < SECONDS, timings
    for pid, peak in after.items():
        assert peak < PEAK_MB, (pid, peak)
        assert peak - before.get(pid, peak) < GROWTH_MB, (pid, before.get(pid), peak)
