"""The load's user agent: tests.net.HttpSession with text bodies, every response recorded.

Why not a client library: none is pinned, and the load must include only the server's work.
"""

from __future__ import annotations

from tests.net import CSRF_RE, HttpSession

__all__ = ["CSRF_RE", "Client"]


class Client(HttpSession):
    """One user agent against several app servers (ports), like behind a load balancer."""

    def __init__(self, ports: list[int], record) -> None:
        super().__init__(ports, timeout=30, text=True, record=record)
