"""Maintenance mode: a banner on every page, 503 for every change, probes and feeds go on."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.models import AuditLog, User
from app.services.calendar import feeds
from app.services.core import maintenance
from tests.conftest import csrf_token

TEXT = "Upgrade until 18:00; please come back later."
NEW = "Wasserturm-Fähre-42"


def _change_password(client):
    return client.post("/auth/password", data={
        "current": "correct-horse-battery", "password": NEW, "confirm": NEW,
        "csrf_token": csrf_token(client, "/auth/password")})


def test_on_pauses_every_change_and_shows_the_notice_off_restores(runner, client, login,
                                                                   make_user):
    user = make_user("mediator")
    db.session.commit()
    assert login(user).status_code == 302
    token = feeds.token_for(user)
    db.session.commit()
    result = runner.invoke(args=["maintenance", "on", TEXT])
    assert result.exit_code == 0, result.output

    page = client.get("/auth/password")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert TEXT in html and "maintenance-notice" in html and "kern-alert--warning" in html

    refused = _change_password(client)
    assert refused.status_code == 503
    assert refused.headers["Retry-After"] == "300"
    body = refused.get_data(as_text=True)
    assert TEXT in body and ("nothing was saved" in body or "nicht gespeichert" in body)
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password("correct-horse-battery")
    assert client.post("/auth/logout", data={
        "csrf_token": csrf_token(client, "/auth/password")}).status_code == 503

    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200
    assert client.get(f"/calendar/{token}.ics").status_code == 200
    static = client.get("/static/css/app.css")
    static.close()
    assert static.status_code == 200

    status = runner.invoke(args=["maintenance", "status"])
    assert status.exit_code == 0 and TEXT in status.output

    assert runner.invoke(args=["maintenance", "off"]).exit_code == 0
    assert TEXT not in client.get("/auth/password").get_data(as_text=True)
    assert _change_password(client).status_code == 302
    assert runner.invoke(args=["maintenance", "status"]).exit_code == 3
    actions = db.session.scalars(sa.select(AuditLog.action).where(
        AuditLog.actor_label == "CLI").order_by(AuditLog.id)).all()
    assert actions == ["maintenance_on", "maintenance_off"]


def test_anonymous_login_post_is_paused_too(runner, client, make_user):
    user = make_user("coordinator")
    db.session.commit()
    runner.invoke(args=["maintenance", "on", TEXT])
    response = client.post("/auth/login", data={
        "email": user.email, "password": "correct-horse-battery",
        "csrf_token": csrf_token(client, "/auth/login")})
    assert response.status_code == 503


def test_every_worker_sees_the_switch_within_the_cache_time(app, runner, client, monkeypatch):
    """Another process switches: this worker's copy lasts MAINTENANCE_CACHE_SECONDS."""
    monkeypatch.setitem(app.config, "MAINTENANCE_CACHE_SECONDS", 0)
    assert maintenance.current() is None
    runner.invoke(args=["maintenance", "on", TEXT])
    app.extensions["skm_maintenance"].update(notice=None, until=0.0)  # a stale copy, expired
    assert maintenance.current().message == TEXT
    monkeypatch.setitem(app.config, "MAINTENANCE_CACHE_SECONDS", 60)
    maintenance.forget()
    assert maintenance.current().message == TEXT
    db.session.execute(sa.text("DELETE FROM maintenance_notice"))  # like another host's `off`
    db.session.commit()
    assert maintenance.current() is not None  # the copy holds for its time, no query
    maintenance.forget()
    assert maintenance.current() is None


def test_empty_or_long_text_is_refused(runner):
    assert runner.invoke(args=["maintenance", "on", "   "]).exit_code == 1
    long = runner.invoke(args=["maintenance", "on", "x" * 501])
    assert long.exit_code == 1 and "Traceback" not in long.output
    assert runner.invoke(args=["maintenance", "status"]).exit_code == 3
