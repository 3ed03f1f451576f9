"""Fixtures shared by the pool's tests."""

from __future__ import annotations

import pytest


@pytest.fixture()
def coordinator(client, make_user, login, app, tmp_path, monkeypatch):
    """A logged-in coordinator whose list uploads go to a folder of this test's own."""
    monkeypatch.setitem(app.config, "IMPORT_FOLDER", str(tmp_path / "imports"))
    user = make_user("coordinator")
    login(user)
    return user
