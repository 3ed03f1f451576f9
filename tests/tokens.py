"""Forge a signed token deterministically for the "forged link is refused" tests."""

from __future__ import annotations


def tamper(token: str) -> str:
    """Change one character in the middle of the token's last segment.

    Replacing the *last* characters is not enough: a signature's final base64
    character carries padding bits, so e.g. "...xw" -> "...xx" can decode to the
    same bytes and the "forged" token is still valid (a flaky test, seen in CI).
    A middle character carries six full bits, so any other letter changes the bytes.
    """
    pos = len(token) - 6
    replacement = "A" if token[pos] != "A" else "B"
    forged = token[:pos] + replacement + token[pos + 1:]
    assert forged != token
    return forged
