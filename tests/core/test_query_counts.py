"""List pages issue a fixed number of queries, however many rows they show (no N+1)."""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest
import sqlalchemy as sa

from app.extensions import db


@contextlib.contextmanager
def count_queries():
    """Collect the SQL statements the app sends while the block runs."""
    seen: list[str] = []

    def listener(_conn, _cursor, statement, *_args):
        seen.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", listener)
    try:
        yield seen
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", listener)


def warm_get(client, path: str):
    """GET `path` twice and return the second response with its statements: a running
    worker has its copies of speaker facts and language names (`core.stamps`) loaded."""
    client.get(path)
    with count_queries() as seen:
        response = client.get(path)
    return response, seen


def test_mediator_list_filtered_by_language_has_no_query_per_row(
        client, login, make_user, make_mediator):
    login(make_user("coordinator"))
    counts = []
    for total in (2, 12):
        while _count_mediators() < total:
            make_mediator(languages=(("tir", "", "native"), ("ara", "Levante", "C1")))
        db.session.commit()
        response, seen = warm_get(client, "/pool/mediators?language=tir")
        assert response.status_code == 200
        assert response.get_data(as_text=True).count("/pool/mediators/") >= total
        counts.append(len(seen))
    assert counts[0] == counts[1], counts


def _count_mediators() -> int:
    from app.models import Mediator

    return db.session.scalar(sa.select(sa.func.count()).select_from(Mediator))


# the user's row plus one count per card (two for "no candidate" and "next meeting"): a new
# card adds its queries here, and a card that loops over rows fails the equality below
# the coordinator's 16 include reading the spoken languages, which a worker keeps between
# pages while no speaker fact changes (here every batch adds a mediator, so it is read)
START_PAGE_QUERIES = {"coordinator": 16, "institution": 5, "mediator": 6}


def test_start_pages_have_a_fixed_query_count(app, client, clock, make_user, make_mediator):
    """A start page counts with one query per card, however many requests there are."""
    import datetime as dt

    from app.models import Offer
    from tests.conftest import csrf_token
    from tests.factories import NOW, make_request

    clock(NOW)
    users = {role: make_user(role) for role in START_PAGE_QUERIES}
    clients = {}
    for role, user in users.items():  # one client each (isolated: `client` set the class)
        clients[role] = app.test_client()
        clients[role].post("/auth/login", data={
            "email": user.email, "password": "correct-horse-battery",
            "csrf_token": csrf_token(clients[role], "/auth/login")})
    inst = users["institution"].institution
    seen: dict[str, list[int]] = {role: [] for role in START_PAGE_QUERIES}
    for batch in (1, 10):
        for n in range(batch):
            req = make_request(inst, language=("tir", "yor", "som")[n % 3], status="offered")
            db.session.add(Offer(request=req, mediator=users["mediator"].mediator,
                                 created_at=NOW - dt.timedelta(hours=30),
                                 expires_at=NOW + dt.timedelta(hours=5)))
        make_mediator(status="applicant")
        db.session.commit()
        for role, role_client in clients.items():
            with count_queries() as queries:
                page = role_client.get("/")
            assert page.status_code == 200 and b"start-card" in page.data
            seen[role].append(len(queries))
    for role, counts in seen.items():
        assert counts[0] == counts[1] <= START_PAGE_QUERIES[role], (role, counts)
def test_board_asks_the_rules_for_all_requests_in_a_fixed_number_of_queries(
        client, login, clock, make_user, make_mediator, make_institution):
    """The mediator's board: one mediator, many open requests, never a query per request."""
    from tests.factories import DAY, NOW, eligible, make_request

    clock(NOW)
    user = make_user("mediator", mediator=eligible(make_mediator))
    login(user)
    counts = []
    made = 0
    for total in (2, 12):
        while made < total:
            make_request(make_institution(), day=DAY + dt.timedelta(days=7 * made))
            made += 1
        db.session.commit()
        response, seen = warm_get(client, "/me/board")
        assert response.status_code == 200
        assert response.get_data(as_text=True).count("/signup") == total
        counts.append(len(seen))
    assert counts[0] == counts[1], counts


def _add_past_row(req, kind: str, mediator) -> None:
    """Give the request one more earlier assignment (cancelled) or answered offer."""
    from app.models import Assignment, Offer
    from tests.factories import NOW

    if kind == "assignments":
        db.session.add(Assignment(request=req, mediator=mediator, starts_at=req.starts_at,
                                  ends_at=req.ends_at, status="cancelled",
                                  cancelled_by="office", cancel_reason="krank"))
    else:
        db.session.add(Offer(request=req, mediator=mediator, status="declined",
                             expires_at=NOW + dt.timedelta(hours=24)))
    db.session.flush()


@pytest.mark.parametrize("kind", ["assignments", "offers"])
def test_request_page_names_every_assignment_and_offer_without_a_query_each(
        kind, client, login, clock, make_user, make_mediator, make_institution):
    """The request page names each earlier assignment's and each offer's mediator."""
    from tests.factories import NOW, eligible, make_request

    clock(NOW)
    login(make_user("coordinator"))
    req = make_request(make_institution(), status="offered")
    counts = []
    for total in (1, 4):
        while len(getattr(req, kind)) < total:
            name = f"Früher{len(getattr(req, kind))}"
            _add_past_row(req, kind, eligible(make_mediator, last_name=name))
        db.session.commit()
        response, seen = warm_get(client, f"/coordination/requests/{req.id}")
        assert response.status_code == 200
        assert response.get_data(as_text=True).count("Früher") >= total
        counts.append(len(seen))
    assert counts[0] == counts[1], counts


# the user; the request with its institution, assignments, offers and their mediators; the
# stamps (the worker keeps the speakers and the language names under them); absences;
# bookings; the score facts; the board's volunteers. A request never booked has no rating
# or debrief to read. Every round trip counts on the page of a widely spoken language.
OPEN_REQUEST_PAGE_QUERIES = 7


def test_an_open_request_page_reads_a_fixed_number_of_statements(
        client, login, clock, make_user, make_mediator, make_institution):
    from tests.factories import NOW, eligible, make_request

    clock(NOW)
    login(make_user("coordinator"))
    req = make_request(make_institution())
    for n in range(3):
        eligible(make_mediator, last_name=f"Bereit{n}")
    db.session.commit()
    response, seen = warm_get(client, f"/coordination/requests/{req.id}")
    assert response.status_code == 200
    assert response.get_data(as_text=True).count("Bereit") >= 3
    assert len(seen) == OPEN_REQUEST_PAGE_QUERIES, "\n".join(seen)


def test_the_unfiltered_dashboard_takes_its_total_from_the_status_counts(
        app, client, login, clock, make_user, make_institution):
    """The open requests' total is the sum of the status counts the page reads anyway; a
    filtered list counts its own rows."""
    from tests.factories import NOW, make_request

    clock(NOW)
    login(make_user("coordinator"))
    inst = make_institution()
    for status in ("submitted", "offered", "offered", "unfilled"):
        make_request(inst, status=status)
    db.session.commit()
    def counted(statements):
        return [s for s in statements if " ".join(s.split()).startswith(
            "SELECT count(*) AS count_1 FROM (SELECT interpreting_request.id")]

    response, seen = warm_get(client, "/coordination/requests")
    assert "3 Einträge" in response.get_data(as_text=True)
    assert not counted(seen)
    response, seen = warm_get(client, "/coordination/requests?filter=unanswered")
    assert response.status_code == 200 and len(counted(seen)) == 1
