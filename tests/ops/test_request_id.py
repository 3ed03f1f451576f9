"""Request ids (X-Request-ID, trusted only from a configured proxy), the error reference made
from them, and the log formatters: context fields on every line, tokens masked everywhere
(app/logs.py, app/logmask.py; docs/operations.md, Logs)."""

from __future__ import annotations

import io
import json
import logging
import re

import pytest

from app import create_app, logs
from app.logmask import mask
from config import TestingConfig

TOKEN = "eyJ1aWQiOjF9.axaxUQ.lCHfXfNIfbv8dByo955UiTq8tA8"


def _app(proxies: int):
    class Conf(TestingConfig):
        TRUSTED_PROXIES = proxies
        PROPAGATE_EXCEPTIONS = False

    app = create_app(Conf)

    @app.route("/boom/<token>")
    def boom(token):  # noqa: ARG001 - the token is in the URL, as in an e-mail link
        logging.getLogger("app.test").warning("about to fail on /auth/reset/%s", token)
        raise RuntimeError(f"failed for /me/offers/answer/{token}")

    return app


@pytest.fixture()
def captured():
    """Every line the app logs, as the production handler writes it (JSON)."""
    stream = io.StringIO()
    handler = logs.make_handler("json", stream)
    root = logging.getLogger()
    root.addHandler(handler)
    old = root.level
    root.setLevel(logging.INFO)
    yield stream
    root.removeHandler(handler)
    root.setLevel(old)


def test_each_response_gets_a_new_id_and_a_client_cannot_choose_it():
    client = _app(0).test_client()
    first = client.get("/healthz", headers={"X-Request-ID": "chosen-by-client-1"})
    second = client.get("/healthz")
    ids = [first.headers["X-Request-ID"], second.headers["X-Request-ID"]]
    assert all(re.fullmatch(r"[0-9a-f]{32}", rid) for rid in ids) and ids[0] != ids[1]


def test_a_trusted_proxy_id_is_kept_when_it_looks_like_one():
    client = _app(1).test_client()
    given = "9f1c2e4a7b3d4c5e8f6a1b2c3d4e5f60"
    assert client.get("/healthz", headers={"X-Request-ID": given}).headers["X-Request-ID"] \
        == given
    for bad in ("short", "x" * 65, "a b c d e f g h", "<script>alert(1)</script>"):
        rid = client.get("/healthz", headers={"X-Request-ID": bad}).headers["X-Request-ID"]
        assert re.fullmatch(r"[0-9a-f]{32}", rid), bad


def test_error_page_reference_is_the_request_id_and_the_lines_carry_it(captured):
    response = _app(0).test_client().get(f"/boom/{TOKEN}")
    assert response.status_code == 500
    rid = response.headers["X-Request-ID"]
    assert response.headers["X-Error-Reference"] == rid[:8]
    assert rid[:8] in response.get_data(as_text=True)
    lines = [json.loads(line) for line in captured.getvalue().splitlines()]
    mine = [line for line in lines if line["request_id"] == rid]
    assert {line["logger"] for line in mine} >= {"app.test", "app"}
    error = next(line for line in mine if line["level"] == "ERROR")
    assert rid[:8] in error["message"] and "RuntimeError" in error["exc_info"]
    assert TOKEN not in captured.getvalue() and "lCHfXfNIfbv8" not in captured.getvalue()
    assert "/me/offers/answer/***" in error["exc_info"]


def test_lines_name_the_logged_in_user_and_role(app, make_user, captured):
    from flask import g

    from app.extensions import db

    user = make_user("coordinator")
    with app.test_request_context("/"):
        g._login_user = db.session.get(type(user), user.id)  # loaded, as Flask-Login does
        logging.getLogger("app.test").info("something happened")
    (line,) = [json.loads(x) for x in captured.getvalue().splitlines()
               if "something happened" in x]
    assert line["user_id"] == user.id and line["role"] == "coordinator"
    assert re.fullmatch(r"[0-9a-f]{32}", line["request_id"])


@pytest.mark.parametrize("text", [
    f"GET /auth/invite/{TOKEN} HTTP/1.1", f"GET /auth/reset/{TOKEN}?x=1",
    f"/calendar/{TOKEN}.ics", f"/me/offers/answer/{TOKEN}/appointment.ics",
    f"/me/report/{TOKEN}", f"/requests/follow-up/{TOKEN}",
    f"https://skm.example/AUTH/RESET/{TOKEN}",
    f"/auth/login?next=%2Fauth%2Freset%2F{TOKEN}", f"/x?reset_token={TOKEN}&a=1",
])
def test_mask_covers_every_token_link(text):
    assert "lCHfXfNIfbv8" not in mask(text) and "***" in mask(text)


def test_text_format_masks_too():
    stream = io.StringIO()
    handler = logs.make_handler("text", stream)
    log = logging.getLogger("app.test.text")
    log.addHandler(handler)
    log.propagate = False
    try:
        log.warning("link %s", f"https://skm.example/auth/reset/{TOKEN}")
    finally:
        log.removeHandler(handler)
        log.propagate = True
    assert "/auth/reset/***" in stream.getvalue() and TOKEN not in stream.getvalue()


def test_log_fields_of_an_expired_user_cost_no_query(app, make_user):
    """After a rollback every loaded object is expired; a log line (or the access line) must
    still name the user without asking the database, which may be what just failed."""
    import sqlalchemy as sa
    from flask import g

    from app.extensions import db

    user = make_user("coordinator")
    statements: list[str] = []
    with app.test_request_context("/"):
        g._login_user = db.session.get(type(user), user.id)
        db.session.rollback()  # as a failed statement's handler does: the user is expired now
        listen = lambda *args: statements.append(args[2])  # noqa: E731
        sa.event.listen(db.engine, "before_cursor_execute", listen)
        try:
            user_id, _role = logs.current_user_fields()
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", listen)
    assert statements == []
    assert user_id == user.id
