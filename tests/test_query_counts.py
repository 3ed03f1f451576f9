"""List pages issue a fixed number of queries, however many rows they show (no N+1)."""

from __future__ import annotations

import contextlib

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
