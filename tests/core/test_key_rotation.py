"""Key rotation: with the old key in SECRET_KEY_FALLBACKS every signed token made before the
rotation still verifies (offer, follow-up, reset and invitation links, feed URLs, the session
and the remember cookie); once the fallback is removed, none does."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.models import FollowUp
from app.models.request import Assignment
from app.services.booking import follow_up, offers
from app.services.calendar import feeds
from app.services.core import accounts
from app.services.core.errors import DomainError
from tests.conftest import IsolatedClient, csrf_token
from tests.factories import NOW, eligible, make_request

OLD = "the-old-secret-key-of-this-installation-0001"
NEW = "the-new-secret-key-of-this-installation-0002"
PAGE = "/pool/mediators"  # a coordinator page: 200 when logged in, 302 to login otherwise


@pytest.fixture()
def keys(app, monkeypatch):
    """Start under OLD; `rotate(keep_old)` switches to NEW, with or without OLD as fallback."""
    monkeypatch.setitem(app.config, "SECRET_KEY", OLD)
    monkeypatch.setitem(app.config, "SECRET_KEY_FALLBACKS", [])

    def rotate(keep_old: bool) -> None:
        app.config["SECRET_KEY"] = NEW
        app.config["SECRET_KEY_FALLBACKS"] = [OLD] if keep_old else []

    return rotate


def _accepted_then_refused(keys, read) -> None:
    keys(keep_old=True)
    read()
    keys(keep_old=False)
    with pytest.raises(DomainError):
        read()


def test_offer_link(keys, clock, make_institution, make_user, make_mediator):
    clock(NOW)
    inst = make_institution(kind="kita")
    mediator = eligible(make_mediator)
    make_user("mediator", mediator=mediator)
    (offer,) = offers.send_offers(make_user("coordinator"), make_request(inst).id, [mediator.id])
    token = offers.make_token(offer, "accept")
    _accepted_then_refused(keys, lambda: offers.read_token(token))


def test_follow_up_link(keys, make_institution, make_mediator):
    req = make_request(make_institution(), status="assigned")
    assignment = Assignment(request=req, mediator=make_mediator(), starts_at=req.starts_at,
                            ends_at=req.ends_at)
    db.session.add(assignment)
    db.session.flush()
    item = FollowUp(assignment_id=assignment.id, audience="institution")
    db.session.add(item)
    db.session.commit()
    token = follow_up.make_token(item)
    _accepted_then_refused(keys, lambda: follow_up.read_token(token, "institution"))


@pytest.mark.parametrize("purpose", ["reset", "invite"])
def test_reset_and_invitation_links(keys, make_user, purpose):
    user = make_user("coordinator")
    token = accounts.make_token(user, purpose)
    _accepted_then_refused(keys, lambda: accounts.user_from_token(token, purpose))


def test_feed_url(keys, make_user):
    user = make_user("coordinator")
    feeds.rotate(user)
    db.session.commit()
    token = feeds.token_for(user)
    keys(keep_old=True)
    assert feeds.poll(token) is not None
    assert feeds.token_for(user) != token  # new URLs are made with the new key
    keys(keep_old=False)
    assert feeds.poll(token) is None


def _browser(app, **cookies):
    app.test_client_class = IsolatedClient
    browser = app.test_client()
    for name, value in cookies.items():
        browser.set_cookie(name, value, domain="skm.test")
    return browser


def _log_in(app, client, user, remember: bool) -> dict[str, str]:
    data = {"email": user.email, "password": "correct-horse-battery",
            "csrf_token": csrf_token(client, "/auth/login")}
    if remember:
        data["remember"] = "y"
    assert client.post("/auth/login", data=data).status_code == 302
    names = ("session", "remember_token") if remember else ("session",)
    return {name: client.get_cookie(name, domain="skm.test").value for name in names}


def test_session_cookie(app, client, keys, make_user):
    cookies = _log_in(app, client, make_user("coordinator"), remember=False)
    assert _browser(app, **cookies).get(PAGE).status_code == 200
    keys(keep_old=True)
    assert _browser(app, **cookies).get(PAGE).status_code == 200
    keys(keep_old=False)
    assert _browser(app, **cookies).get(PAGE).status_code == 302


def test_remember_cookie(app, client, keys, make_user):
    remember = _log_in(app, client, make_user("coordinator"), remember=True)["remember_token"]
    assert _browser(app, remember_token=remember).get(PAGE).status_code == 200
    keys(keep_old=True)
    assert _browser(app, remember_token=remember).get(PAGE).status_code == 200
    keys(keep_old=False)
    assert _browser(app, remember_token=remember).get(PAGE).status_code == 302
