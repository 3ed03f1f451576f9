"""List pages issue a fixed number of queries, however many rows they show (no N+1)."""

from __future__ import annotations

import contextlib
import datetime as dt

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


def test_mediator_list_filtered_by_language_has_no_query_per_row(
        client, login, make_user, make_mediator):
    login(make_user("coordinator"))
    counts = []
    for total in (2, 12):
        while _count_mediators() < total:
            make_mediator(languages=(("tir", "", "native"), ("ara", "Levante", "C1")))
        db.session.commit()
        with count_queries() as seen:
            response = client.get("/pool/mediators?language=tir")
        assert response.status_code == 200
        assert response.get_data(as_text=True).count("/pool/mediators/") >= total
        counts.append(len(seen))
    assert counts[0] == counts[1], counts


def _count_mediators() -> int:
    from app.models import Mediator

    return db.session.scalar(sa.select(sa.func.count()).select_from(Mediator))


def test_board_asks_the_rules_for_all_requests_in_a_fixed_number_of_queries(
        client, login, clock, make_user, make_mediator, make_institution):
    """The mediator's board: one mediator, many open requests, never a query per request."""
    from tests.request_helpers import DAY, NOW, eligible, make_request

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
        with count_queries() as seen:
            response = client.get("/me/board")
        assert response.status_code == 200
        assert response.get_data(as_text=True).count("/signup") == total
        counts.append(len(seen))
    assert counts[0] == counts[1], counts
