"""Coordinator management of mediators and institutions."""

import datetime as dt

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditLog, Institution, Mediator
from app.services.core.errors import DomainError
from app.services.pool import mediators as svc
from tests.conftest import csrf_token


@pytest.fixture()
def coordinator_client(client, make_user, login):
    login(make_user("coordinator"))
    return client


def test_create_mediator_with_errors_keeps_input(coordinator_client):
    client = coordinator_client
    token = csrf_token(client, "/pool/mediators/new")
    response = client.post("/pool/mediators/new", data={
        "csrf_token": token, "first_name": "Amanuel", "last_name": "", "gender": "male",
        "mobility": "bike", "german_level": "B2", "status": "active", "cohort_id": "0",
        "max_per_week": "99", "email": "kein-email"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400  # bad input is a 4xx
    assert "Bitte korrigieren Sie die markierten Felder." in html
    assert 'value="Amanuel"' in html
    assert "Dieses Feld wird benötigt." in html
    assert "Ungültige E-Mail-Adresse." in html
    assert db.session.scalar(sa.select(sa.func.count(Mediator.id))) == 0


def test_create_mediator_and_record_documents(coordinator_client):
    client = coordinator_client
    token = csrf_token(client, "/pool/mediators/new")
    response = client.post("/pool/mediators/new", data={
        "csrf_token": token, "first_name": "Amanuel", "last_name": "Tesfay", "gender": "male",
        "mobility": "bike", "german_level": "B2", "status": "active", "cohort_id": "0",
        "max_per_week": "3", "email": "Amanuel@Example.org", "district": "Nord"})
    assert response.status_code == 302
    mediator = db.session.scalar(sa.select(Mediator))
    assert mediator.email == "amanuel@example.org"
    page = f"/pool/mediators/{mediator.id}"

    response = client.post(f"{page}/languages", data={
        "csrf_token": csrf_token(client, page), "code": "tir", "variety": "", "level": "native"})
    assert response.status_code == 302
    duplicate = client.post(f"{page}/languages", data={
        "csrf_token": csrf_token(client, page), "code": "tir", "variety": "", "level": "C1"})
    assert duplicate.status_code == 400
    assert "Diese Sprache ist bereits erfasst." in duplicate.get_data(as_text=True)

    too_old = client.post(f"{page}/police-certificate", data={
        "csrf_token": csrf_token(client, page), "inspected_on": "2026-10-01",
        "issued_on": "2026-05-01"})
    assert too_old.status_code == 400
    assert "älter als drei Monate" in too_old.get_data(as_text=True)
    ok = client.post(f"{page}/police-certificate", data={
        "csrf_token": csrf_token(client, page), "inspected_on": "2026-10-01",
        "issued_on": "2026-09-01"})
    assert ok.status_code == 302
    html = client.get(page).get_data(as_text=True)
    assert "Tigrinja" in html
    assert "01.10.2031" in html  # re-inspection due after five years
    actions = set(db.session.scalars(sa.select(AuditLog.action)))
    assert {"create", "add_language", "record_police_certificate"} <= actions


def test_police_certificate_validity_rules(app, make_mediator):
    mediator = make_mediator()
    assert not svc.police_certificate_valid_on(mediator, dt.date(2026, 12, 1))
    svc.record_police_certificate(None, mediator, inspected_on=dt.date(2021, 12, 1),
                                  issued_on=dt.date(2021, 11, 1), has_relevant_entry=False)
    assert svc.police_certificate_valid_on(mediator, dt.date(2026, 11, 30))
    assert not svc.police_certificate_valid_on(mediator, dt.date(2026, 12, 1))
    app.config["POLICE_CERT_VALID_YEARS"] = 6
    try:
        assert svc.police_certificate_valid_on(mediator, dt.date(2026, 12, 1))
    finally:
        app.config["POLICE_CERT_VALID_YEARS"] = 5
    with pytest.raises(DomainError):
        svc.record_police_certificate(None, mediator, inspected_on=dt.date(2026, 1, 1),
                                      issued_on=dt.date(2026, 2, 1), has_relevant_entry=False)


def test_filter_by_language_status_district_and_text(coordinator_client, make_mediator):
    make_mediator(last_name="Tekle", languages=[("tir", "", "native")], district="Nord")
    make_mediator(last_name="Yilmaz", languages=[("tur", "", "native")], district="Süd")
    make_mediator(last_name="Haile", languages=[("tir", "", "C1")], status="paused",
                  district="Süd")
    db.session.commit()
    client = coordinator_client
    html = client.get("/pool/mediators?language=tir").get_data(as_text=True)
    assert "Tekle" in html and "Haile" in html and "Yilmaz" not in html
    html = client.get("/pool/mediators?language=tir&status=active").get_data(as_text=True)
    assert "Tekle" in html and "Haile" not in html
    html = client.get("/pool/mediators?district=S%C3%BCd").get_data(as_text=True)
    assert "Yilmaz" in html and "Haile" in html and "Tekle" not in html
    html = client.get("/pool/mediators?q=yil").get_data(as_text=True)
    assert "Yilmaz" in html and "Tekle" not in html


def test_list_paginates(coordinator_client, make_mediator):
    for n in range(25):
        make_mediator(last_name=f"Person{n:02d}")
    db.session.commit()
    first = coordinator_client.get("/pool/mediators").get_data(as_text=True)
    second = coordinator_client.get("/pool/mediators?page=2").get_data(as_text=True)
    assert "Person00" in first and "Person19" in first and "Person20" not in first
    assert "Person24" in second and "Seite 2 von 2" in second and "25 Einträge" in second


def test_unknown_mediator_is_404(coordinator_client):
    assert coordinator_client.get("/pool/mediators/999").status_code == 404


def test_institution_create_duplicate_and_contacts(coordinator_client):
    client = coordinator_client
    data = {"name": "Grundschule Mitte", "kind": "school", "district": "Innenstadt",
            "street": "Schulstraße 1", "postcode": "55218", "city": "Rheinstadt"}
    response = client.post("/coordination/institutions/new", data={
        **data, "csrf_token": csrf_token(client, "/coordination/institutions/new")})
    assert response.status_code == 302
    again = client.post("/coordination/institutions/new", data={
        **data, "name": "grundschule mitte",
        "csrf_token": csrf_token(client, "/coordination/institutions/new")})
    assert again.status_code == 400
    assert "gibt es bereits" in again.get_data(as_text=True)
    institution = db.session.scalar(sa.select(Institution))
    page = f"/coordination/institutions/{institution.id}"
    client.post(f"{page}/contacts", data={"name": "Frau Rektorin", "function": "Schulleitung",
                                          "csrf_token": csrf_token(client, page)})
    assert "Frau Rektorin" in client.get(page).get_data(as_text=True)
    listing = client.get("/coordination/institutions?kind=school").get_data(as_text=True)
    assert "Grundschule Mitte" in listing
    assert "Grundschule Mitte" not in client.get(
        "/coordination/institutions?kind=kita").get_data(as_text=True)


def test_language_filter_follows_the_matching(app, make_mediator):
    """Filtering the pool by "Arabisch" lists the Syrian-Arabic speaker too, as the matching
    would offer them for such a request; filtering by Levantine does not list Egyptian."""
    levantine = make_mediator(languages=(("apc", "Syrisch", "native"),))
    egyptian = make_mediator(languages=(("arz", "", "native"),))
    turkish = make_mediator(languages=(("tur", "", "native"),))

    def found(code: str) -> set[int]:
        return {m.id for m in db.session.scalars(svc.search_query(language=code))}

    assert found("ara") == {levantine.id, egyptian.id}
    assert found("apc") == {levantine.id}
    assert found("tur") == {turkish.id}
