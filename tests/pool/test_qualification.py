"""Qualification: module catalogue, courses with capacity and attendance, cohort figures."""

import datetime as dt

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Cohort, Course, ModuleCompletion, QualificationModule
from app.services.core.errors import DomainError
from app.services.pool import qualification as svc
from tests.conftest import csrf_token


@pytest.fixture()
def catalogue(app):
    mods = [QualificationModule(code=f"M{i}", title_de=f"Modul {i}", title_en=f"Module {i}",
                                required=i <= 2, position=i) for i in range(1, 4)]
    db.session.add_all(mods)
    db.session.flush()
    return mods


@pytest.fixture()
def coordinator(make_user):
    return make_user("coordinator")


def test_capacity_is_enforced_and_attendance_becomes_completion(catalogue, coordinator,
                                                                make_mediator):
    course = Course(module=catalogue[0], held_on=dt.date(2026, 3, 4), capacity=2)
    db.session.add(course)
    db.session.flush()
    a, b, c = make_mediator(), make_mediator(), make_mediator()
    svc.add_participant(coordinator, course.id, a)
    svc.add_participant(coordinator, course.id, b)
    with pytest.raises(DomainError, match="voll"):
        svc.add_participant(coordinator, course.id, c)
    with pytest.raises(DomainError):
        svc.add_participant(coordinator, course.id, a)

    assert svc.record_attendance(coordinator, course, {a.id}) == 1
    done = db.session.scalars(sa.select(ModuleCompletion)).all()
    assert [(d.mediator_id, d.module_id, d.completed_on) for d in done] == [
        (a.id, catalogue[0].id, dt.date(2026, 3, 4))]
    assert svc.missing_required_modules(a) == [catalogue[1]]
    # correcting the attendance removes the completion that came from this course
    svc.record_attendance(coordinator, course, {b.id})
    db.session.expire_all()
    assert {d.mediator_id for d in db.session.scalars(sa.select(ModuleCompletion))} == {b.id}


def test_capacity_cannot_fall_below_participants(catalogue, coordinator, make_mediator):
    course = Course(module=catalogue[0], held_on=dt.date(2026, 3, 4), capacity=3)
    db.session.add(course)
    db.session.flush()
    svc.add_participant(coordinator, course.id, make_mediator())
    svc.add_participant(coordinator, course.id, make_mediator())
    course.capacity = 1
    with pytest.raises(DomainError):
        svc.save_course(course, created=False)


def test_cohort_figures(catalogue, make_mediator):
    cohort = Cohort(year=2015)
    db.session.add(cohort)
    db.session.flush()
    trained = make_mediator(cohort=cohort, status="active")
    half = make_mediator(cohort=cohort, status="active")
    gone = make_mediator(cohort=cohort, status="retired")
    make_mediator(status="active")  # no cohort
    for m, mods in ((trained, catalogue), (half, catalogue[:1]), (gone, catalogue[:2])):
        for mod in mods:
            db.session.add(ModuleCompletion(mediator_id=m.id, module_id=mod.id,
                                            completed_on=dt.date(2015, 5, 1)))
    db.session.flush()
    (fig,) = svc.cohort_figures()
    assert (fig.members, fig.trained, fig.active, fig.retired) == (3, 2, 2, 1)


def test_module_catalogue_views(client, login, coordinator, catalogue):
    db.session.commit()
    login(coordinator)
    html = client.get("/pool/modules").get_data(as_text=True)
    assert "Modul 1" in html and "Pflicht" in html
    token = csrf_token(client, "/pool/modules/new")
    dup = client.post("/pool/modules/new", data={"csrf_token": token, "code": "M1",
                                                 "title_de": "Neu", "title_en": "New",
                                                 "position": "9"})
    assert dup.status_code == 400
    assert 'value="Neu"' in dup.get_data(as_text=True)
    ok = client.post(f"/pool/modules/{catalogue[2].id}/edit", data={
        "csrf_token": token, "code": "M3", "title_de": "Kinderschutz", "title_en": "Child",
        "position": "3", "required": "y"})
    assert ok.status_code == 302
    db.session.expire_all()
    assert db.session.get(QualificationModule, catalogue[2].id).required is True


def test_course_views_register_and_attendance(client, login, coordinator, catalogue,
                                              make_mediator):
    person = make_mediator(status="in_training")
    other = make_mediator(status="in_training")
    db.session.commit()
    login(coordinator)
    token = csrf_token(client, "/pool/courses/new")
    response = client.post("/pool/courses/new", data={
        "csrf_token": token, "module_id": catalogue[1].id, "held_on": "2026-12-02",
        "trainer": "Dr. Kessler", "place": "VHS Raum 2", "capacity": "1"})
    assert response.status_code == 302
    course = db.session.scalar(sa.select(Course))
    page = f"/pool/courses/{course.id}"
    assert client.post(f"{page}/participants", data={
        "csrf_token": csrf_token(client, page), "mediator_id": person.id}).status_code == 302
    full = client.post(f"{page}/participants", data={
        "csrf_token": csrf_token(client, page), "mediator_id": other.id})
    assert full.status_code == 409
    assert "Der Kurs ist voll." in full.get_data(as_text=True)
    saved = client.post(f"{page}/attendance", data={
        "csrf_token": csrf_token(client, page), "attended": [str(person.id)]})
    assert saved.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(sa.select(ModuleCompletion.mediator_id)) == person.id
    assert client.get("/pool/courses").status_code == 200


def test_cohort_views(client, login, coordinator):
    login(coordinator)
    token = csrf_token(client, "/pool/cohorts")
    assert client.post("/pool/cohorts", data={"csrf_token": token, "year": "2016"}
                       ).status_code == 302
    again = client.post("/pool/cohorts", data={"csrf_token": token, "year": "2016"})
    assert again.status_code == 400
    cohort = db.session.scalar(sa.select(Cohort))
    assert client.get(f"/pool/cohorts/{cohort.id}").status_code == 200


def test_last_seat_goes_to_one_of_two_concurrent_registrations(app, catalogue, coordinator,
                                                               make_mediator):
    """Two coordinators take the last seat at once: the course row lock lets only one win."""
    import threading

    if db.engine.dialect.name != "postgresql":
        pytest.skip("row locks are a PostgreSQL matter; SQLite serialises every writer")
    course = Course(module=catalogue[0], held_on=dt.date(2026, 3, 4), capacity=1)
    db.session.add(course)
    a, b = make_mediator(), make_mediator()
    db.session.commit()
    ids = (course.id, coordinator.id, a.id, b.id)
    first_holds_lock = threading.Event()
    outcome: dict[str, str] = {}

    def register(name: str, mediator_id: int, hold: bool) -> None:
        from app.models import Mediator, User

        with app.app_context():
            try:
                actor = db.session.get(User, ids[1])
                svc.add_participant(actor, ids[0], db.session.get(Mediator, mediator_id))
                if hold:
                    first_holds_lock.set()
                    threading.Event().wait(0.4)
                db.session.commit()
                outcome[name] = "ok"
            except DomainError as exc:
                db.session.rollback()
                outcome[name] = str(exc)
            finally:
                first_holds_lock.set()
                db.session.remove()

    first = threading.Thread(target=register, args=("first", ids[2], True))
    first.start()
    first_holds_lock.wait(5)
    second = threading.Thread(target=register, args=("second", ids[3], False))
    second.start()
    first.join(10)
    second.join(10)
    assert outcome == {"first": "ok", "second": "Der Kurs ist voll."}
    db.session.expire_all()
    assert len(db.session.get(Course, ids[0]).participants) == 1
