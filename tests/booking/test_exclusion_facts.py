"""Exclusion reasons name the facts (windows, absence, other booking, document and expiry),
and every excluded person on the candidates page links to their record."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from app.extensions import db
from app.models import Absence, Assignment, Availability
from app.services.matching import ranking as matching
from tests.factories import DAY, NOW, eligible, make_request


@pytest.fixture()
def office(app, clock, make_user, make_institution):
    clock(NOW)
    return make_user("coordinator"), make_institution(kind="school")


def _reasons(req):
    return {e.mediator.id: e.reasons for e in matching.match(req).excluded}


def test_the_reasons_name_the_facts(office, make_mediator, make_institution):
    _coordinator, inst = office
    windows = eligible(make_mediator, weekday=0, start=dt.time(14), end=dt.time(18))
    windows.availability.append(Availability(weekday=2, start_time=dt.time(9),
                                             end_time=dt.time(12, 30)))
    away = eligible(make_mediator)
    away.absences.append(Absence(start_date=DAY - dt.timedelta(days=2),
                                 end_date=DAY + dt.timedelta(days=4)))
    busy = eligible(make_mediator)
    other = make_request(make_institution(), time=dt.time(9, 15), status="assigned")
    db.session.add(Assignment(request=other, mediator=busy, starts_at=other.starts_at,
                              ends_at=other.ends_at))
    flagged = eligible(make_mediator)
    flagged.document("police_certificate").has_relevant_entry = True
    db.session.flush()
    reasons = _reasons(make_request(inst))
    assert reasons[windows.id] == ["Verfügbarkeit: Mo 14–18, Mi 9–12:30 (Termin liegt außerhalb)"]
    assert reasons[away.id] == ["Abwesend 01.12.2026–07.12.2026"]
    assert reasons[busy.id] == [f"Überschneidung mit Einsatz (Anfrage {other.id}) am 03.12. "
                                "09:15–10:15 Uhr (inkl. 30 Min. Fahrzeit)"]
    assert reasons[flagged.id] == [
        "Erweitertes Führungszeugnis vom 10.01.2025 hat einen einschlägigen Eintrag"]


def test_the_candidates_page_links_every_excluded_person(office, client, login,
                                                         make_mediator):
    coordinator, inst = office
    excluded = eligible(make_mediator, weekday=0, start=dt.time(14), end=dt.time(18))
    req = make_request(inst)
    db.session.commit()
    login(coordinator)
    html = client.get(f"/coordination/requests/{req.id}").get_data(as_text=True)
    section = html[html.index('id="excluded-h"'):]
    row = re.search(r'<th[^>]*scope="row">(.*?)</th>\s*<td[^>]*>(.*?)</td>', section, re.S)
    assert row, section[:500]
    assert f'href="/pool/mediators/{excluded.id}"' in row.group(1)
    assert "Verfügbarkeit: Mo 14–18 (Termin liegt außerhalb)" in row.group(2)
