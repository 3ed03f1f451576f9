"""A minimal browser-like HTTP client (cookies, CSRF tokens) over http.client.

Why not a client library: none is pinned, and the load must include only the server's work.
"""

from __future__ import annotations

import http.client
import random
import re
from urllib.parse import urlencode

CSRF_RE = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


class Client:
    """One user agent against several app servers (ports), like behind a load balancer."""

    def __init__(self, ports: list[int], record) -> None:
        self.ports = ports
        self.cookies: dict[str, str] = {}
        self.record = record  # callable(method, path, status, body)

    def request(self, method: str, path: str, form: dict | None = None,
                headers: dict | None = None) -> tuple[int, dict, str]:
        conn = http.client.HTTPConnection("127.0.0.1", random.choice(self.ports), timeout=30)
        sent = dict(headers or {})
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    key, _, rest = value.partition("=")
                    self.cookies[key] = rest.split(";", 1)[0]
            got = {k.lower(): v for k, v in response.getheaders()}
            self.record(method, path, response.status, text)
            return response.status, got, text
        finally:
            conn.close()

    def get(self, path: str, headers: dict | None = None):
        return self.request("GET", path, headers=headers)

    def post(self, path: str, form: dict):
        return self.request("POST", path, form=form)

    def login(self, email: str, password: str) -> bool:
        status, _, html = self.get("/auth/login")
        match = CSRF_RE.search(html)
        if status != 200 or not match:
            return False
        status, _, _ = self.post("/auth/login", {"email": email, "password": password,
                                                 "csrf_token": match.group(1)})
        return status == 302
