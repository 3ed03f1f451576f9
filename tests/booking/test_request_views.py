"""Institution, coordinator and mediator pages for requests, and who may see what."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import InterpretingRequest, Offer
from app.services.booking import assignments as booking
from app.services.booking import intake
from tests.conftest import csrf_token
from tests.factories import DAY, NOW, eligible, make_assignment, make_request


@pytest.fixture()
def inst_user(app, clock, make_user, make_institution):
    clock(NOW)
    return make_user("institution", institution=make_institution(kind="school", name="GS Nord"))


def _form(**over):
    data = {"day": DAY.isoformat(), "start_time": "10:00", "duration_minutes": "60",
            "mode": "on_site", "place_kind": "institution", "address": "", "room": "A 12",
            "language_code": "tir",
            "variety": "", "occasion": "parent_meeting", "family_members": "2",
            "preferred_gender": "none", "note": "Entwicklungsgespräch", "follow_up_of_id": "",
            "weeks": "1"}
    data.update(over)
    return data


def test_institution_submits_request(client, login, inst_user):
    login(inst_user)
    page = client.get("/requests/new").get_data(as_text=True)
    assert "3 Werktage" in page and "keine Namen der Familie" in page
    token = csrf_token(client, "/requests/new")
    response = client.post("/requests/new", data=_form(csrf_token=token, day="2026-12-10"))
    assert response.status_code == 302
    req = db.session.scalars(sa.select(InterpretingRequest)).one()
    assert req.status == "submitted" and req.room == "A 12" and not req.urgent
    detail = client.get(f"/requests/{req.id}").get_data(as_text=True)
    assert "A 12" in detail and "Elterngespräch" in detail


def test_weekly_series_and_urgent(client, login, inst_user):
    login(inst_user)
    token = csrf_token(client, "/requests/new")
    tomorrow = (NOW.date() + dt.timedelta(days=1)).isoformat()
    response = client.post("/requests/new", data=_form(csrf_token=token, weeks="4", day=tomorrow),
                           follow_redirects=True)
    assert "dringend" in response.get_data(as_text=True)
    reqs = db.session.scalars(sa.select(InterpretingRequest).order_by(InterpretingRequest.starts_at)).all()
    assert len(reqs) == 4 and len({r.series_key for r in reqs}) == 1 and reqs[0].series_key
    assert [r.starts_at - reqs[0].starts_at for r in reqs] == [dt.timedelta(weeks=w) for w in range(4)]
    assert reqs[0].urgent and not reqs[3].urgent


@pytest.mark.parametrize("over, message", [
    ({"day": "2026-11-30"}, "in der Zukunft"),
    ({"duration_minutes": "10"}, "Number must be between|zwischen"),
    ({"legal_consequences": "y"}, "vereidigte"),
    ({"place_kind": "address", "address": ""}, "Adresse"),
])
def test_bad_input_keeps_what_was_typed(client, login, inst_user, over, message):
    import re

    login(inst_user)
    token = csrf_token(client, "/requests/new")
    response = client.post("/requests/new", data=_form(csrf_token=token, **over))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert re.search(message, html)
    assert "Entwicklungsgespräch" in html  # nothing typed is lost
    assert db.session.scalar(sa.select(sa.func.count()).select_from(InterpretingRequest)) == 0


def test_intake_service_rules(inst_user):
    data = intake.RequestData(day=DAY, start_time=dt.time(10), duration_minutes=60,
                              language_code="tir", occasion="other")
    assert intake.working_days_until(dt.date(2026, 12, 7), dt.date(2026, 12, 4)) == 1
    other = make_request(inst_user.institution.__class__(name="X", kind="kita"))
    data.follow_up_of_id = other.id
    with pytest.raises(Exception, match="nicht gefunden"):
        intake.create_requests(inst_user, inst_user.institution_id, data)


def test_institution_sees_only_own_requests_and_first_name(client, login, inst_user,
                                                            make_institution, make_mediator,
                                                            make_user):
    mine = make_request(inst_user.institution)
    theirs = make_request(make_institution(name="Fremde Kita"))
    m = eligible(make_mediator, first_name="Amina", last_name="Geheim", phone="0151 123",
                 share_phone=False)
    booking.book(make_user("coordinator"), mine.id, m.id)
    db.session.commit()
    login(inst_user)
    html = client.get(f"/requests/{mine.id}").get_data(as_text=True)
    assert "Amina" in html and "Geheim" not in html and "0151 123" not in html
    assert client.get(f"/requests/{theirs.id}").status_code == 404
    assert "Fremde Kita" not in client.get("/requests/").get_data(as_text=True)
    token = csrf_token(client, f"/requests/{mine.id}")
    assert client.post(f"/requests/{theirs.id}/cancel",
                       data={"reason": "x", "csrf_token": token}).status_code == 404
    m.share_phone = True
    db.session.commit()
    assert "0151 123" in client.get(f"/requests/{mine.id}").get_data(as_text=True)


def test_institution_cancel_and_confirm(client, login, inst_user, make_mediator, make_user,
                                        clock):
    req = make_request(inst_user.institution)
    later = make_request(inst_user.institution, time=dt.time(15))
    booking.book(make_user("coordinator"), req.id, eligible(make_mediator).id)
    db.session.commit()
    login(inst_user)
    token = csrf_token(client, f"/requests/{later.id}")
    bad = client.post(f"/requests/{later.id}/cancel", data={"reason": "", "csrf_token": token})
    assert bad.status_code == 400
    ok = client.post(f"/requests/{later.id}/cancel", data={"reason": "Termin entfällt",
                                                           "csrf_token": token})
    assert ok.status_code == 302
    clock(req.ends_at)
    token = csrf_token(client, f"/requests/{req.id}")
    client.post(f"/requests/{req.id}/outcome", data={"outcome": "mediator_no_show",
                                                     "csrf_token": token})
    db.session.expire_all()
    assert later.status == "cancelled" and req.status == "completed"
    assert req.live_assignment.mediator_no_show


def test_coordinator_dashboard_detail_assign_and_offers(client, login, make_user, inst_user,
                                                        make_mediator):
    coordinator = make_user("coordinator")
    req = make_request(inst_user.institution)
    good = eligible(make_mediator, last_name="Passend")
    second = eligible(make_mediator, last_name="Zweite")
    bad = eligible(make_mediator, last_name="Pausiert", status="paused")
    db.session.commit()
    login(coordinator)
    dash = client.get("/coordination/requests").get_data(as_text=True)
    assert "GS Nord" in dash
    detail = client.get(f"/coordination/requests/{req.id}").get_data(as_text=True)
    assert "Passend" in detail and "Nicht aktiv (Status: Pausiert)" in detail
    assert "Fairness" in detail
    token = csrf_token(client, f"/coordination/requests/{req.id}")
    refused = client.post(f"/coordination/requests/{req.id}/assign",
                          data={"mediator_id": bad.id, "csrf_token": token})
    assert refused.status_code == 409 and "ausgeschlossen" in refused.get_data(as_text=True)
    sent = client.post(f"/coordination/requests/{req.id}/offers",
                       data={"mediator_ids": [good.id, second.id], "csrf_token": token})
    assert sent.status_code == 302
    override = client.post(f"/coordination/requests/{req.id}/assign",
                           data={"mediator_id": bad.id, "override_reason": "kennt die Familie",
                                 "csrf_token": token})
    assert override.status_code == 302
    db.session.expire_all()
    assert req.live_assignment.mediator_id == bad.id
    assert {o.status for o in db.session.scalars(sa.select(Offer))} == {"withdrawn"}


def test_coordinator_reassign_and_approve(client, login, make_user, inst_user, make_mediator,
                                          clock):
    coordinator = make_user("coordinator")
    req = make_request(inst_user.institution)
    m1, m2 = eligible(make_mediator), eligible(make_mediator)
    a = booking.book(coordinator, req.id, m1.id)
    db.session.commit()
    login(coordinator)
    token = csrf_token(client, f"/coordination/requests/{req.id}")
    r = client.post(f"/coordination/requests/{req.id}/reassign",
                    data={"mediator_id": m2.id, "reason": "Krankheit", "csrf_token": token})
    assert r.status_code == 302
    db.session.expire_all()
    new = req.live_assignment
    assert new.mediator_id == m2.id and a.status == "cancelled"
    new.report_status, new.reported_minutes = "reported", 50
    db.session.commit()
    assert "Gemeldete Stunden" in client.get("/coordination/requests").get_data(as_text=True)
    client.post(f"/coordination/assignments/{new.id}/approve", data={"csrf_token": token})
    db.session.expire_all()
    assert new.report_status == "approved"


def test_mediator_dashboard_accept_report_and_privacy(client, login, make_user, inst_user,
                                                      make_mediator, clock):
    coordinator = make_user("coordinator")
    m = eligible(make_mediator)
    me = make_user("mediator", mediator=m)
    other = make_user("mediator", mediator=eligible(make_mediator))
    req = make_request(inst_user.institution)
    from app.services.booking import offers

    (offer,) = offers.send_offers(coordinator, req.id, [m.id])
    db.session.commit()
    login(other)
    token = csrf_token(client, "/me/offers")
    assert "GS Nord" not in client.get("/me/offers").get_data(as_text=True)
    assert client.post(f"/me/offers/{offer.id}/accept", data={"csrf_token": token}).status_code == 404
    client.post("/auth/logout", data={"csrf_token": token})
    login(me)
    token = csrf_token(client, "/me/offers")
    assert "GS Nord" in client.get("/me/offers").get_data(as_text=True)
    assert client.post(f"/me/offers/{offer.id}/accept", data={"csrf_token": token}).status_code == 302
    db.session.expire_all()
    a = req.live_assignment
    assert a.mediator_id == m.id
    clock(req.ends_at)
    page = f"/me/assignments/{a.id}"
    token = csrf_token(client, page)
    r = client.post(page, data={"minutes": "70", "travel_km": "3.5", "ticket_cost": "",
                                "csrf_token": token})
    assert r.status_code == 302
    db.session.expire_all()
    assert a.reported_minutes == 70 and str(a.travel_km) == "3.5"


def test_mediator_cannot_open_foreign_assignment(client, login, make_user, inst_user,
                                                 make_mediator):
    coordinator = make_user("coordinator")
    req = make_request(inst_user.institution)
    a = booking.book(coordinator, req.id, eligible(make_mediator).id)
    intruder = make_user("mediator")
    db.session.commit()
    login(intruder)
    assert client.get(f"/me/assignments/{a.id}").status_code == 404


def test_mediator_cancels_with_reason(client, login, make_user, inst_user, make_mediator):
    m = eligible(make_mediator)
    me = make_user("mediator", mediator=m)
    req = make_request(inst_user.institution)
    a = booking.book(make_user("coordinator"), req.id, m.id)
    db.session.commit()
    login(me)
    page = f"/me/assignments/{a.id}"
    token = csrf_token(client, page)
    assert client.post(f"{page}/cancel", data={"reason": "", "csrf_token": token}).status_code == 400
    assert client.post(f"{page}/cancel", data={"reason": "krank", "csrf_token": token}).status_code == 302
    db.session.expire_all()
    assert a.status == "cancelled" and req.status == "submitted"


def test_refused_override_keeps_the_typed_reason(client, login, make_user, inst_user,
                                                 make_mediator):
    coordinator = make_user("coordinator")
    req = make_request(inst_user.institution)
    m = eligible(make_mediator, max_per_week=5)
    booking.book(coordinator, make_request(inst_user.institution, time=dt.time(10, 30)).id, m.id)
    db.session.commit()
    login(coordinator)
    token = csrf_token(client, f"/coordination/requests/{req.id}")
    r = client.post(f"/coordination/requests/{req.id}/assign",
                    data={"mediator_id": m.id, "override_reason": "Familie kennt sie",
                          "csrf_token": token})
    html = r.get_data(as_text=True)
    assert r.status_code == 409 and "schon gebucht" in html and 'value="Familie kennt sie"' in html


def test_follow_up_choices_are_readable(client, login, inst_user):
    make_request(inst_user.institution, occasion="support_plan")
    db.session.commit()
    login(inst_user)
    html = client.get("/requests/new").get_data(as_text=True)
    assert "03.12.26 · Tigrinja · Förderplan" in html  # German page: German language name


def test_many_excluded_are_summarised_closest_first(client, login, make_user, inst_user,
                                                     make_mediator):
    """A widely spoken language: the page lists the closest excluded speakers, counts every
    broken rule, and lists everyone on request; a refused override keeps its typed reason."""
    from app.booking.requests_coordinator import EXCLUDED_SHOWN

    coordinator = make_user("coordinator")
    req = make_request(inst_user.institution)
    far = [make_mediator(last_name=f"Aaa{i:02d}") for i in range(EXCLUDED_SHOWN + 5)]
    close = eligible(make_mediator, last_name="Zett")  # sorts last by name ...
    close.documents.remove(close.document("pledge"))  # ... but breaks only one rule
    db.session.commit()
    login(coordinator)
    page = f"/coordination/requests/{req.id}"
    html = client.get(page).get_data(as_text=True)
    total = len(far) + 1
    assert html.count('name="override_reason"') == EXCLUDED_SHOWN
    assert "Zett" in html and far[-1].last_name not in html
    assert f"Alle {total} anzeigen" in html
    # every speaker lacks the pledge; all but the close one have no availability
    assert f"Schweigepflichterklärung fehlt: {total}" in html
    assert f"Keine Verfügbarkeit angegeben: {total - 1}" in html
    everyone = client.get(f"{page}?excluded=all").get_data(as_text=True)
    assert everyone.count('name="override_reason"') == total and far[-1].last_name in everyone
    # booked elsewhere at the same time: refused even with an override, the typed reason stays
    other = make_request(inst_user.institution, time=dt.time(10, 30))
    booking.book(coordinator, other.id, far[-1].id, override_reason="Ausnahme")
    db.session.commit()
    token = csrf_token(client, page)
    r = client.post(f"{page}/assign", data={"mediator_id": far[-1].id,
                                            "override_reason": "Familie kennt ihn",
                                            "csrf_token": token})
    html = r.get_data(as_text=True)
    assert r.status_code == 409 and 'value="Familie kennt ihn"' in html


def test_dashboard_pages_open_requests_soonest_first(app, client, login, make_user, inst_user):
    coordinator = make_user("coordinator")
    per_page = app.config["DASHBOARD_PER_PAGE"]
    made = [make_request(inst_user.institution, day=DAY + dt.timedelta(days=i // 4),
                         time=dt.time(8 + i % 4)) for i in range(per_page + 3)]
    db.session.commit()
    login(coordinator)
    first = client.get("/coordination/requests").get_data(as_text=True)
    links = [f'/coordination/requests/{r.id}"' for r in made]
    assert all(link in first for link in links[:per_page])
    assert not any(link in first for link in links[per_page:])
    assert "Seite 1 von 2" in first and f"{per_page + 3} Einträge" in first
    second = client.get("/coordination/requests?page=2").get_data(as_text=True)
    assert all(link in second for link in links[per_page:])
    assert client.get("/coordination/requests?page=99").status_code == 200  # empty, not 500


def test_place_radios_are_a_kern_fieldset_with_their_error(client, login, inst_user):
    """The "Ort" radios come from the field macro: fieldset, legend, error linked."""
    import re

    login(inst_user)
    page = client.get("/requests/new").get_data(as_text=True)
    group = re.search(r'<fieldset class="kern-fieldset field" id="place_kind".*?</fieldset>',
                      page, flags=re.S)
    assert group and '<legend class="kern-label">Ort' in group.group(0)
    assert group.group(0).count('class="kern-form-check__radio"') == 2
    token = csrf_token(client, "/requests/new")
    html = client.post("/requests/new", data=_form(csrf_token=token, place_kind="moon")
                       ).get_data(as_text=True)
    group = re.search(r'<fieldset class="kern-fieldset field kern-fieldset--error[^"]*" '
                      r'id="place_kind" aria-describedby="place_kind-error">.*?</fieldset>',
                      html, flags=re.S)
    assert group and 'id="place_kind-error"' in group.group(0)
    assert 'kern-form-check__radio--error' in group.group(0)


def test_a_booked_request_says_why_it_cannot_be_changed_and_whom_to_call(
        app, client, login, clock, make_user, make_mediator):
    """"Anfrage ändern" used to vanish without a word once a mediator was booked."""
    clock(NOW)
    user = make_user("institution")
    open_req = make_request(user.institution)
    booked = make_request(user.institution, status="assigned")
    make_assignment(booked, make_mediator())
    db.session.commit()
    login(user)
    page = client.get(f"/requests/{booked.id}").get_data(as_text=True)
    assert "Warum kann ich diese Anfrage nicht ändern?" in page
    assert app.config["OFFICE_PHONE"] in page and app.config["OFFICE_EMAIL"] in page
    assert f"/requests/{booked.id}/edit" not in page
    still_open = client.get(f"/requests/{open_req.id}").get_data(as_text=True)
    assert "Warum kann ich" not in still_open and f"/requests/{open_req.id}/edit" in still_open
