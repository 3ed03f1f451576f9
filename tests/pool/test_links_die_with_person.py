"""Links that die with the person: every signed or token link is checked against the current
state of the person it was sent to (and the object it names) on every use.

A mediator who was retired, erased or whose account was disabled, or an institution that
left, gets one clear page (410) from every link, and nothing is stored. Retiring, erasing or
disabling also withdraws the person's pending offers, switches the calendar feed off and
ends their sessions, in the same transaction.
"""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Assignment, AuditLog, Debrief, FollowUp, Mediator, Offer, Rating, User
from app.services.booking import follow_up, offers
from app.services.calendar import feeds
from app.services.core import accounts
from app.services.pool import mediators as mediator_svc
from app.services.pool import privacy
from tests.conftest import csrf_token
from tests.factories import NOW, eligible, make_request

# the request of make_request: Thursday 3 December 2026, 10:00-11:00 Berlin = 09:00-10:00 UTC
DAY_AFTER = dt.datetime(2026, 12, 3, 10, 0, tzinfo=dt.UTC) + dt.timedelta(hours=25)
GONE_MARK = 'id="link-gone"'
HOW = ("retired", "erased", "disabled")


def _leave(mediator: Mediator, how: str) -> None:
    """Make the person leave behind the links' back (no departure service involved), so the
    check on use is what is tested; erasure is the real service."""
    if how == "retired":
        mediator.status = "retired"
    elif how == "erased":
        mediator.status = "retired"
        privacy.erase_mediator(None, mediator)
    else:
        mediator.user.is_enabled = False
    db.session.commit()


def _gone(response) -> bool:
    """Tell whether the answer is the clear "this link no longer works" page (410)."""
    return (response.status_code, GONE_MARK in response.get_data(as_text=True)) == (410, True)


# --- offer answer link --------------------------------------------------------------------


@pytest.fixture()
def offered(app, clock, make_institution, make_user, make_mediator):
    clock(NOW)
    inst = make_institution(kind="kita")
    coordinator = make_user("coordinator")
    mediator = eligible(make_mediator)
    make_user("mediator", mediator=mediator, email="selam@example.org")
    req = make_request(inst)
    (offer,) = offers.send_offers(coordinator, req.id, [mediator.id])
    db.session.commit()
    return coordinator, mediator, req, offer


@pytest.mark.parametrize("how", HOW)
def test_offer_link_of_a_person_who_left_shows_gone_and_books_nothing(offered, client, how):
    _coordinator, mediator, req, offer = offered
    accept = f"/me/offers/answer/{offers.make_token(offer, 'accept')}"
    decline = f"/me/offers/answer/{offers.make_token(offer, 'decline')}"
    _leave(mediator, how)
    token = csrf_token(client, "/auth/login")
    answers = [client.post(accept, data={"csrf_token": token}),
               client.post(decline, data={"csrf_token": token, "reason": "weg"})]
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(Assignment.id))) == 0
    assert db.session.get(Offer, offer.id).status in ("pending", "withdrawn")
    assert db.session.get(Offer, offer.id).decline_reason == ""
    assert [a.status_code for a in answers] == [410, 410]
    assert all(_gone(a) for a in [*answers, client.get(accept)])


# --- day-after links: the mediator's report, the institution's confirmation and rating ------


@pytest.fixture()
def followed(app, clock, make_institution, make_user, make_mediator):
    clock(NOW)
    inst = make_institution()
    make_user("institution", institution=inst, email="kita@example.org")
    mediator = make_mediator(first_name="Selam", last_name="Tekle")
    make_user("mediator", mediator=mediator, email="selam@example.org")
    req = make_request(inst, status="assigned")
    a = Assignment(request=req, mediator=mediator, starts_at=req.starts_at, ends_at=req.ends_at)
    db.session.add(a)
    db.session.commit()
    clock(DAY_AFTER)
    assert follow_up.send_follow_ups() == 2
    db.session.commit()
    links = {f.audience: follow_up.make_token(f) for f in db.session.scalars(sa.select(FollowUp))}
    return inst, mediator, req, a, links


@pytest.mark.parametrize("how", HOW)
def test_report_link_of_a_person_who_left_stores_no_minutes_and_no_debrief(followed, client,
                                                                          how):
    _inst, mediator, _req, a, links = followed
    url = f"/me/report/{links['mediator']}"
    _leave(mediator, how)
    posted = client.post(url, data={"csrf_token": csrf_token(client, "/auth/login"),
                                    "minutes": "55", "travel_km": "3",
                                    "debrief": "Familie Haile, Vater krank", "burdened": "y"})
    db.session.expire_all()
    assert db.session.scalars(sa.select(Debrief.text)).all() == []
    stored = db.session.get(Assignment, a.id)
    assert (stored.reported_minutes, stored.report_status) == (None, "none")
    assert db.session.scalars(sa.select(FollowUp.answered_at)).all() == [None, None]
    assert posted.status_code == 410
    assert _gone(posted) and _gone(client.get(url))


@pytest.mark.parametrize("how", ("mediator_erased", "institution_left"))
def test_rating_link_stores_no_rating_when_the_mediator_was_erased_or_the_institution_left(
        followed, client, how):
    inst, mediator, req, _a, links = followed
    url = f"/requests/follow-up/{links['institution']}"
    if how == "mediator_erased":
        _leave(mediator, "erased")
    else:
        inst.active = False
        db.session.commit()
    posted = client.post(url, data={"csrf_token": csrf_token(client, "/auth/login"),
                                    "answer": "took_place", "stars": "1",
                                    "comment": "Frau Tekle kam zu spät"})
    db.session.expire_all()
    assert db.session.scalars(sa.select(Rating.comment)).all() == []
    assert db.session.get(type(req), req.id).status == "assigned"
    assert posted.status_code == 410
    assert _gone(posted) and _gone(client.get(url))


# --- invitation and password reset ---------------------------------------------------------


def _password_post(client, path: str):
    return client.post(path, data={"csrf_token": csrf_token(client, "/auth/login"),
                                   "password": "Lindenblüte-Kanal-7",
                                   "confirm": "Lindenblüte-Kanal-7"})


@pytest.mark.parametrize("how", HOW)
def test_invitation_of_a_person_who_left_sets_no_password(app, client, make_user,
                                                         make_mediator, how):
    coordinator = make_user("coordinator")
    mediator = make_mediator()
    user = mediator_svc.invite(coordinator, mediator, "neu@example.org", name="Neu",
                               locale="de")
    path = f"/auth/invite/{accounts.make_token(user, 'invite')}"
    db.session.commit()
    _leave(mediator, how)
    posted = _password_post(client, path)
    db.session.expire_all()
    assert db.session.scalar(sa.select(User.password_hash).where(
        User.email == "neu@example.org")) is None
    assert posted.status_code == 410
    assert _gone(posted) and _gone(client.get(path))


@pytest.mark.parametrize("how", HOW)
def test_reset_link_of_a_person_who_left_changes_no_password(app, client, make_user,
                                                            make_mediator, how):
    mediator = make_mediator()
    user = make_user("mediator", mediator=mediator)
    before = user.password_hash
    path = f"/auth/reset/{accounts.make_token(user, 'reset')}"
    _leave(mediator, how)
    posted = _password_post(client, path)
    db.session.expire_all()
    hashes = db.session.scalars(sa.select(User.password_hash)).all()
    assert hashes in ([before], [])  # unchanged, or the account went with the erasure
    assert posted.status_code == 410
    assert _gone(posted) and _gone(client.get(path))


def test_reset_link_of_an_institution_that_left_changes_nothing(app, client, make_user):
    user = make_user("institution")
    before = user.password_hash
    path = f"/auth/reset/{accounts.make_token(user, 'reset')}"
    user.institution.active = False
    db.session.commit()
    posted = _password_post(client, path)
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash == before
    assert posted.status_code == 410
    assert _gone(posted) and _gone(client.get(path))


# --- calendar feed -------------------------------------------------------------------------


@pytest.mark.parametrize("how", HOW)
def test_feed_of_a_person_who_left_answers_404(app, client, make_user, make_mediator, how):
    mediator = make_mediator()
    user = make_user("mediator", mediator=mediator)
    url = f"/calendar/{feeds.token_for(user)}.ics"
    assert client.get(url).status_code == 200
    _leave(mediator, how)
    assert client.get(url).status_code == 404


def test_feed_of_an_institution_that_left_answers_404(app, client, make_user):
    user = make_user("institution")
    url = f"/calendar/{feeds.token_for(user)}.ics"
    assert client.get(url).status_code == 200
    user.institution.active = False
    db.session.commit()
    assert client.get(url).status_code == 404


# --- leaving withdraws offers, stops the feed, ends the sessions ----------------------------


def _depart(app, how: str, coordinator: User, mediator: Mediator) -> None:
    """Leave through the services the coordinator's pages call, committing once."""
    if how == "retired":  # the mediator's edit form: status "retired"
        mediator.status = "retired"
        mediator_svc.save_mediator(coordinator, mediator, created=False)
    elif how == "erased":
        mediator.status = "retired"  # e.g. set before this rule existed, or by the import
        db.session.commit()
        privacy.erase_mediator(coordinator, mediator)
    else:  # the operator's command (the service `departure.disable_account`)
        result = app.test_cli_runner().invoke(args=["users", "disable", mediator.user.email])
        assert result.exit_code == 0, result.output
    db.session.commit()


@pytest.mark.parametrize("how", HOW)
def test_leaving_withdraws_pending_offers_stops_the_feed_and_ends_sessions(
        offered, app, login, client, how):
    coordinator, mediator, req, offer = offered
    user = mediator.user
    feed = f"/calendar/{feeds.token_for(user)}.ics"
    assert client.get(feed).status_code == 200
    login(user)
    assert client.get("/me/offers").status_code == 200
    _depart(app, how, coordinator, mediator)
    db.session.expire_all()
    assert db.session.get(Offer, offer.id).status == "withdrawn"
    assert db.session.scalar(sa.select(Offer.id).where(Offer.status == "pending")) is None
    stored = db.session.get(type(req), req.id)
    assert stored.status == "submitted"  # back to the office, with the offer list saying so
    assert [o.status for o in stored.offers] == ["withdrawn"]
    mine = client.get("/me/offers")
    assert mine.status_code == 302 and "/auth/login" in mine.headers["Location"]
    assert client.get(feed).status_code == 404
    still = db.session.get(User, user.id)
    if still is not None:
        assert still.feed_secret is None and still.is_enabled is (how != "disabled")
    assert db.session.scalar(sa.select(AuditLog.details).where(
        AuditLog.action == "person_left")) is not None


def test_the_request_page_stores_no_rating_once_the_mediator_was_erased(followed, app,
                                                                        login, client):
    inst, mediator, req, _a, _links = followed
    login(inst.users[0])
    page = f"/requests/{req.id}"
    token = csrf_token(client, page)
    _leave(mediator, "erased")
    answer = client.post(f"/requests/{req.id}/rating",
                         data={"csrf_token": token, "stars": "1", "comment": "Frau Tekle"})
    db.session.expire_all()
    assert db.session.scalars(sa.select(Rating.comment)).all() == []
    assert answer.status_code == 400
