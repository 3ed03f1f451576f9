"""Calendar polls answered from memory on PostgreSQL, kept current by LISTEN/NOTIFY.

Each test changes rows the way the app (or an operator with psql) would and polls again: a
rotated link must be dead and a change must show as soon as the notification has arrived;
a listener whose connection drops falls back to the database and forgets what it knew.
"""

from __future__ import annotations

import datetime as dt
import os
import time
import uuid

import icalendar
import pytest
import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.services.calendar import feed_listener, feeds
from tests.core.test_query_counts import count_queries
from tests.factories import make_booking

UTC = dt.UTC
ON_POSTGRES = bool(os.environ.get("SKM_TEST_POSTGRES_URL"))
postgres_only = pytest.mark.skipif(not ON_POSTGRES, reason="LISTEN/NOTIFY is PostgreSQL's")


@pytest.fixture()
def listening(app):
    """Switch the poll memory on for this test and wait until the listener is connected."""
    app.config["FEED_LISTEN"] = True
    memo = feed_listener.memo_for(app)
    assert memo.wait(lambda m: m.connected, timeout=10), "listener did not connect"
    yield memo
    feed_listener.stop(app)
    app.config["FEED_LISTEN"] = False


def _settled(memo) -> None:
    """Wait until every notification committed so far has arrived.

    PostgreSQL delivers notifications in commit order, so once a sentinel sent now has
    arrived, so have the notifications of every earlier commit.
    """
    sentinel = f"test:{uuid.uuid4().hex}"
    with db.engine.begin() as conn:
        conn.execute(sa.text("SELECT pg_notify(:channel, :payload)"),
                     {"channel": feed_listener.CHANNEL, "payload": sentinel})
    assert memo.wait(lambda m: m.seen(sentinel), timeout=10), "notifications do not arrive"


def _after_next_notification(memo, change) -> float:
    """Run `change` (which commits) and wait until its notification has arrived."""
    started = time.perf_counter()
    change()
    _settled(memo)
    return (time.perf_counter() - started) * 1000


def _starts(response) -> list:
    """Read the events' start times with a real iCalendar parser."""
    cal = icalendar.Calendar.from_ical(response.data)
    return [e.decoded("DTSTART").astimezone(UTC).hour for e in cal.walk("VEVENT")]


def _setup(clock, make_user, make_institution, make_mediator):
    clock(dt.datetime(2026, 3, 1, 9, tzinfo=UTC))
    inst, mediator = make_institution(name="Kita Vorher"), make_mediator()
    user = make_user("mediator", mediator=mediator)
    assignment = make_booking(inst, mediator, dt.datetime(2026, 3, 30, 8, tzinfo=UTC))
    db.session.commit()
    if feed_listener.memo_for(current_app) is not None:
        _settled(feed_listener.memo_for(current_app))
    return user, assignment


@postgres_only
def test_a_repeated_poll_asks_the_database_nothing(
        app, client, clock, make_user, make_institution, make_mediator, listening):
    user, _ = _setup(clock, make_user, make_institution, make_mediator)
    url = f"/calendar/{feeds.token_for(user)}.ics"
    first = client.get(url)
    assert first.status_code == 200
    with count_queries() as seen:
        again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and seen == []
    with count_queries() as seen:
        body = client.get(url)
    assert seen == [] and body.data == first.data  # the feed itself comes from its cache


@postgres_only
def test_a_change_shows_on_the_next_poll_also_when_written_outside_the_app(
        app, client, clock, make_user, make_institution, make_mediator, listening):
    user, assignment = _setup(clock, make_user, make_institution, make_mediator)
    url = f"/calendar/{feeds.token_for(user)}.ics"
    etag = client.get(url).headers["ETag"]

    def move_through_the_app():
        clock(dt.datetime(2026, 3, 1, 10, tzinfo=UTC))  # the ETag reads updated_at
        assignment.starts_at += dt.timedelta(hours=1)
        assignment.ends_at += dt.timedelta(hours=1)
        db.session.commit()

    _after_next_notification(listening, move_through_the_app)
    moved = client.get(url)
    assert moved.headers["ETag"] != etag and _starts(moved) == [9]

    def move_with_sql():  # an operator's psql session: no ORM, no app code
        with db.engine.begin() as conn:
            conn.execute(sa.text(
                "UPDATE assignment SET starts_at = starts_at + interval '1 hour', "
                "ends_at = ends_at + interval '1 hour', "
                "updated_at = updated_at + interval '1 minute' WHERE id = :id"),
                {"id": assignment.id})

    _after_next_notification(listening, move_with_sql)
    assert _starts(client.get(url)) == [10]


@postgres_only
def test_a_rotated_link_is_dead_once_the_notification_arrives(
        app, client, clock, make_user, make_institution, make_mediator, listening):
    user, _ = _setup(clock, make_user, make_institution, make_mediator)
    old = f"/calendar/{feeds.token_for(user)}.ics"
    assert client.get(old).status_code == 200
    assert client.get(old).status_code == 200  # remembered

    def rotate():
        clock(dt.datetime(2026, 3, 1, 10, tzinfo=UTC))
        feeds.rotate(user)
        db.session.commit()

    latency_ms = _after_next_notification(listening, rotate)
    assert client.get(old).status_code == 404
    assert client.get(f"/calendar/{feeds.token_for(user)}.ics").status_code == 200
    assert latency_ms < 5000


@postgres_only
def test_an_unrelated_change_keeps_the_memory_of_other_feeds(
        app, client, clock, make_user, make_institution, make_mediator, listening):
    user, _ = _setup(clock, make_user, make_institution, make_mediator)
    other = make_booking(make_institution(), make_mediator(),
                            dt.datetime(2026, 3, 31, 8, tzinfo=UTC))
    db.session.commit()
    url = f"/calendar/{feeds.token_for(user)}.ics"
    client.get(url)

    def cancel_other():
        clock(dt.datetime(2026, 3, 1, 10, tzinfo=UTC))
        other.status = "cancelled"
        db.session.commit()

    _after_next_notification(listening, cancel_other)
    with count_queries() as seen:
        assert client.get(url).status_code == 200
    assert seen == []  # another mediator's and institution's scopes: still remembered


@postgres_only
def test_a_dropped_listener_falls_back_to_the_database_and_reconnects(
        app, client, clock, make_user, make_institution, make_mediator, listening):
    user, assignment = _setup(clock, make_user, make_institution, make_mediator)
    url = f"/calendar/{feeds.token_for(user)}.ics"
    etag = client.get(url).headers["ETag"]
    listener = feed_listener.listener_for(app)
    dropped_pid = listener.backend_pid
    with db.engine.begin() as conn:
        conn.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": dropped_pid})
    # changed while the listener is away: its notification goes to a dead backend, lost
    with db.engine.begin() as conn:
        conn.execute(sa.text(
                "UPDATE assignment SET starts_at = starts_at + interval '2 hour', "
                "ends_at = ends_at + interval '2 hour', "
                "updated_at = updated_at + interval '1 minute' WHERE id = :id"),
                {"id": assignment.id})
    # The listener notices the closed socket a moment later and connects again. Reconnecting
    # forgets every poll remembered before the loss, so the lost notification is harmless.
    assert listening.wait(lambda m: m.connected and listener.backend_pid not in
                          (None, dropped_pid), timeout=20), "listener did not reconnect"
    changed = client.get(url)
    assert changed.headers["ETag"] != etag and _starts(changed) == [10]
    with count_queries() as seen:
        again = client.get(url)  # read after the reconnect: remembered again
    assert seen == [] and again.headers["ETag"] == changed.headers["ETag"]


@pytest.mark.skipif(ON_POSTGRES, reason="the SQLite case")
def test_sqlite_keeps_one_statement_per_poll(
        app, client, clock, make_user, make_institution, make_mediator):
    app.config["FEED_LISTEN"] = True
    try:
        assert feed_listener.memo_for(app) is None
        user, _ = _setup(clock, make_user, make_institution, make_mediator)
        url = f"/calendar/{feeds.token_for(user)}.ics"
        client.get(url)
        with count_queries() as seen:
            assert client.get(url).status_code == 200
        assert len(seen) == 1
    finally:
        app.config["FEED_LISTEN"] = False


@postgres_only
def test_without_a_connection_every_poll_asks_the_database(
        app, client, clock, make_user, make_institution, make_mediator, listening):
    user, _ = _setup(clock, make_user, make_institution, make_mediator)
    url = f"/calendar/{feeds.token_for(user)}.ics"
    client.get(url)
    listening.set_connected(False)  # as the listener does the moment its connection fails
    with count_queries() as seen:
        assert client.get(url).status_code == 200
    assert len(seen) == 1
