"""Real-browser checks: the certificate prints on one A4 page; self-service fits 360 px.

Runs Debian's chromium through Playwright against the app served by werkzeug on loopback.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from app.extensions import db
from app.models import Cohort, Course, Document, ModuleCompletion, QualificationModule
from tests.browser.journey_helpers import login
from tests.net import serve

MODULES = (
    ("M1", "Rolle und Haltung als Sprach- und Kulturmittler/in"),
    ("M2", "Dolmetschtechniken und Gesprächsführung in Elterngesprächen"),
    ("M3", "Interkulturelle Kommunikation"),
    ("M4", "Das deutsche Schul- und Kitasystem"),
    ("M5", "Kinderschutz und Schweigepflicht"),
)


@pytest.fixture()
def server(app):
    """Serve the app on a free loopback port in a thread (the shared test server)."""
    with serve(app) as url:
        yield url


def _pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


def test_certificate_fits_one_a4_page(server, browser, make_user, make_mediator):
    person = make_mediator(first_name="Selam-Mariam", last_name="Tekle-Haimanot",
                           gender="female")
    for pos, (code, title) in enumerate(MODULES):
        module = QualificationModule(code=code, title_de=title, title_en=code, required=True,
                                     position=pos)
        db.session.add(module)
        db.session.add(ModuleCompletion(mediator=person, module=module,
                                        completed_on=dt.date(2016, 5 + pos, 10 + pos)))
    coordinator = make_user("coordinator")
    db.session.commit()
    page = browser.new_page()
    login(page, coordinator.email, base=server)
    response = page.goto(f"{server}/pool/mediators/{person.id}/certificate")
    assert response.status == 200
    assert page.locator("h1#cert-title").inner_text() == "Teilnahmebescheinigung"
    assert page.locator(".certificate tbody tr").count() == 5
    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF")
    assert _pdf_pages(pdf) == 1


SELF_SERVICE = ("/me/profile", "/me/profile/edit", "/me/languages", "/me/availability",
                "/me/absences", "/me/qualification", "/me/certificate")


def test_self_service_pages_fit_360px(server, browser, make_user, make_mediator):
    person = make_mediator(first_name="Selam", last_name="Tekle")
    person.documents.append(Document(kind="pledge", recorded_on=dt.date(2020, 1, 1)))
    user = make_user("mediator", mediator=person)
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    login(page, user.email, base=server)
    for path in (*SELF_SERVICE, "/apply", "/privacy"):
        response = page.goto(f"{server}{path}")
        assert response.status == 200, path
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{path} is {width}px wide"
    context.close()


def test_public_application_form_has_no_serious_accessibility_violations(server, browser):
    from axe_playwright_python.sync_playwright import Axe

    page = browser.new_page()
    for path in ("/apply", "/privacy"):
        page.goto(f"{server}{path}")
        violations = Axe().run(page).response["violations"]
        serious = [v["id"] for v in violations if v["impact"] in ("serious", "critical")]
        assert serious == [], f"{path}: {serious}"


def test_demo_certificate_prints_on_one_page(server, browser):
    """The demo shows each pipeline stage and its mediator's certificate is one A4 page."""
    import sqlalchemy as sa

    from app.demo.seed import LOGINS, seed_demo
    from app.models import Mediator
    from app.services.pool import privacy, recruiting
    from app.timeutil import today_local

    seed_demo(db.session)
    db.session.commit()
    statuses = set(db.session.scalars(sa.select(Mediator.status)))
    assert {"applicant", "in_training", "active", "retired", "rejected", "withdrawn"} <= statuses
    assert any(not recruiting.next_steps(p) for p in recruiting.pipeline()
               if p.status == "in_training")
    assert privacy.expiring_documents(today_local())
    demo = db.session.scalar(sa.select(Mediator).where(Mediator.last_name == "Tekle"))
    _, email, password = LOGINS[0]
    page = browser.new_page()
    login(page, email, base=server, password=password)
    assert page.goto(f"{server}/pool/mediators/{demo.id}/certificate").status == 200
    assert page.locator(".certificate tbody tr").count() >= 3
    assert _pdf_pages(page.pdf(format="A4", print_background=True)) == 1
    from axe_playwright_python.sync_playwright import Axe

    course_id = db.session.scalar(sa.select(Course.id))
    cohort_id = db.session.scalar(sa.select(Cohort.id))
    for path in ("/pool/applicants", "/pool/courses", f"/pool/courses/{course_id}",
                 "/pool/cohorts", f"/pool/cohorts/{cohort_id}", "/pool/modules",
                 "/pool/documents/expiring", "/pool/language-changes", "/pool/audit",
                 f"/pool/mediators/{demo.id}"):
        assert page.goto(f"{server}{path}").status == 200, path
        violations = Axe().run(page).response["violations"]
        serious = [v["id"] for v in violations if v["impact"] in ("serious", "critical")]
        assert serious == [], f"{path}: {serious}"
