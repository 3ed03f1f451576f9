"""Calendar feeds: RFC 5545 as two independent parsers read it, HTTP caching, tokens."""

from __future__ import annotations

import datetime as dt
import re

import icalendar
import recurring_ical_events
import sqlalchemy as sa

from app.extensions import db
from app.models import Meeting
from app.services.calendar import feeds
from app.services.calendar import meetings as msvc
from app.services.calendar.itip import assignment_changed
from tests.factories import make_booking
from tests.tokens import tamper

UTC = dt.UTC
BERLIN = __import__("zoneinfo").ZoneInfo("Europe/Berlin")


def _series(clock):
    clock(dt.datetime(2026, 1, 5, 9, tzinfo=UTC))
    series = msvc.create_series(
        kind="exchange", title="Austauschtreffen", place="Rathaus, Raum 101", agenda="",
        first_day=dt.date(2026, 1, 13), start=dt.time(18, 0), duration_minutes=120,
        pattern="monthly", interval=2, until=None)
    db.session.commit()
    return series


def _occ(series, month):
    return next(m for m in series.occurrences if m.recurrence_id.month == month
                and m.recurrence_id.year == 2026)


def _feed(client, user):
    token = feeds.token_for(user)
    return client.get(f"/calendar/{token}.ics")


def test_series_with_moved_and_cancelled_occurrence_in_both_parsers(
        app, client, clock, make_user):
    series = _series(clock)
    assert series.rrule == "FREQ=MONTHLY;INTERVAL=2;BYDAY=2TU"
    assert len(series.occurrences) >= 9  # 18 months materialised
    march, may = _occ(series, 3), _occ(series, 5)
    msvc.update_occurrence(march, day=dt.date(2026, 3, 12), start=dt.time(17, 0),
                           duration_minutes=90, place="Bürgerhaus", agenda="Neue Fälle")
    msvc.cancel_occurrence(may)
    db.session.commit()
    user = make_user("mediator")
    resp = _feed(client, user)
    assert resp.status_code == 200
    raw = resp.get_data()
    assert b"\r\n" in raw and all(len(line) <= 75 for line in raw.split(b"\r\n"))
    text = raw.decode()
    for needle in ("VERSION:2.0", "PRODID:", "NAME:", "X-WR-CALNAME:",
                   "REFRESH-INTERVAL;VALUE=DURATION:PT1H", "X-PUBLISHED-TTL:PT1H",
                   "RRULE:FREQ=MONTHLY;INTERVAL=2;BYDAY=2TU",
                   "DTSTART;TZID=Europe/Berlin:20260113T180000",
                   "EXDATE;TZID=Europe/Berlin:20260512T180000",
                   "RECURRENCE-ID;TZID=Europe/Berlin:20260310T180000",
                   "BEGIN:VTIMEZONE", "TZID:Europe/Berlin"):
        assert needle in text, needle
    cal = icalendar.Calendar.from_ical(raw)
    events = cal.walk("VEVENT")
    uids = {str(e["UID"]) for e in events}
    assert uids == {f"series-{series.id}@skm.test"}
    for e in events:
        assert e.decoded("DTSTAMP").tzinfo is not None
        assert e.decoded("DTSTAMP").utcoffset() == dt.timedelta(0)
    # second parser expands the rule like a calendar app
    found = recurring_ical_events.of(cal).between(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    starts = sorted(e.decoded("DTSTART").astimezone(BERLIN).replace(tzinfo=None) for e in found)
    assert dt.datetime(2026, 3, 12, 17, 0) in starts  # moved: new time
    assert dt.datetime(2026, 3, 10, 18, 0) not in starts  # ... and not the old one
    assert not any(s.month == 5 for s in starts)  # cancelled
    # across the DST changes (end of March, end of October) it stays at 18:00 local
    assert dt.datetime(2026, 7, 14, 18, 0) in starts
    assert dt.datetime(2026, 11, 10, 18, 0) in starts
    assert dt.datetime(2026, 1, 13, 18, 0) in starts
    july = next(e for e in found if e.decoded("DTSTART").month == 7)
    assert july.decoded("DTSTART").utcoffset() == dt.timedelta(hours=2)


def test_assignment_feed_per_viewer_sequence_and_cancel(
        app, client, clock, make_user, make_institution, make_mediator):
    clock(dt.datetime(2026, 3, 1, 9, tzinfo=UTC))
    inst = make_institution(name="Kita Sonnenschein", phone="06131 123")
    mediator = make_mediator(first_name="Amanuel", last_name="Tesfay", phone="0170 555",
                             share_phone=False)
    mediator_user = make_user("mediator", mediator=mediator)
    inst_user = make_user("institution", institution=inst)
    coordinator = make_user("coordinator")
    assignment = make_booking(inst, mediator, dt.datetime(2026, 3, 30, 8, tzinfo=UTC))
    assignment_changed(assignment, "created")
    db.session.commit()
    uid = f"assignment-{assignment.id}@skm.test"
    med = icalendar.Calendar.from_ical(_feed(client, mediator_user).get_data())
    (event,) = med.walk("VEVENT")
    assert str(event["UID"]) == uid and int(event["SEQUENCE"]) == 0
    assert "Kita Sonnenschein" in str(event["SUMMARY"])
    assert "Elterngespräch" in str(event["DESCRIPTION"])  # occasion, in German
    assert "Familie" not in event.to_ical().decode()  # notes never leave the office
    assert event.decoded("DTSTART").hour == 10  # 08:00 UTC = 10:00 CEST
    (inst_event,) = icalendar.Calendar.from_ical(_feed(client, inst_user).get_data()).walk(
        "VEVENT")
    inst_text = inst_event.to_ical().decode()
    assert "Amanuel" in inst_text
    assert "Tesfay" not in inst_text and "0170" not in inst_text  # no surname, phone not shared
    assert "Tesfay" in _feed(client, coordinator).get_data(as_text=True)
    # a change keeps the UID and raises SEQUENCE
    clock(dt.datetime(2026, 3, 2, 9, tzinfo=UTC))
    assignment.starts_at += dt.timedelta(hours=1)
    assignment.ends_at += dt.timedelta(hours=1)
    assignment_changed(assignment, "updated")
    db.session.commit()
    (event,) = icalendar.Calendar.from_ical(_feed(client, mediator_user).get_data()).walk(
        "VEVENT")
    assert str(event["UID"]) == uid and int(event["SEQUENCE"]) == 1
    # a cancelled assignment leaves every feed
    assignment.status = "cancelled"
    assignment_changed(assignment, "cancelled")
    db.session.commit()
    for user in (mediator_user, inst_user, coordinator):
        assert uid not in _feed(client, user).get_data(as_text=True)


def test_http_headers_etag_and_304(app, client, clock, make_user):
    _series(clock)
    user = make_user("mediator")
    resp = _feed(client, user)
    assert resp.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert 'filename="skm-pool.ics"' in resp.headers["Content-Disposition"]
    assert resp.headers["Cache-Control"] == "private"
    etag, modified = resp.headers["ETag"], resp.headers["Last-Modified"]
    url = f"/calendar/{feeds.token_for(user)}.ics"
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert client.get(url, headers={"If-Modified-Since": modified}).status_code == 304
    meeting = db.session.scalars(sa.select(Meeting).order_by(Meeting.starts_at)).first()
    clock(dt.datetime(2026, 1, 6, 9, tzinfo=UTC))
    msvc.cancel_occurrence(meeting)
    db.session.commit()
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_tokens_rotate_revoke_unknown(app, client, make_user, runner):
    user = make_user("mediator")
    token = feeds.token_for(user)
    assert len(token.split(".", 1)[1]) >= 22  # at least 128 bits
    assert user.feed_secret not in token  # the stored secret alone is no URL
    assert client.get(f"/calendar/{token}.ics").status_code == 200
    assert client.get(f"/calendar/{tamper(token)}.ics").status_code == 404
    assert client.get("/calendar/999.abc.ics").status_code == 404
    old = token
    feeds.rotate(user)
    db.session.commit()
    assert client.get(f"/calendar/{old}.ics").status_code == 404
    assert client.get(f"/calendar/{feeds.token_for(user)}.ics").status_code == 200
    result = runner.invoke(args=["feeds", "url", user.email])
    assert result.exit_code == 0, result.output
    assert f"/calendar/{feeds.token_for(user)}.ics" in result.output
    assert "webcal://" in result.output
    feeds.revoke(user, None)
    db.session.commit()
    assert feeds.token_for(user) is None
    assert client.get(f"/calendar/{old}.ics").status_code == 404


def test_supervision_only_for_members(app, client, clock, make_user, make_mediator):
    from app.services.calendar.meetings import save_group

    clock(dt.datetime(2026, 1, 5, 9, tzinfo=UTC))
    member, other = make_mediator(), make_mediator()
    group = save_group(None, name="Gruppe A", supervisor_name="U. Brandt",
                       supervisor_email="brandt@example.org", member_ids=[member.id])
    msvc.create_single(kind="supervision", title="Supervision", place="MIB", agenda="",
                       day=dt.date(2026, 2, 3), start=dt.time(17, 0), duration_minutes=90,
                       group=group)
    db.session.commit()
    member_user = make_user("mediator", mediator=member)
    other_user = make_user("mediator", mediator=other)
    assert "Supervision" in _feed(client, member_user).get_data(as_text=True)
    assert "BEGIN:VEVENT" not in _feed(client, other_user).get_data(as_text=True)


def test_token_is_masked_in_access_logs(app):
    import logging

    from app.calendar.logmask import TokenMaskFilter

    record = logging.LogRecord("werkzeug", logging.INFO, "", 0,
                               '%s - - "%s" %s', ("127.0.0.1", "GET /calendar/7.abcDEF_-x.ics HTTP/1.1", 200), None)
    TokenMaskFilter().filter(record)
    assert "abcDEF" not in record.getMessage() and "/calendar/***.ics" in record.getMessage()
    gunicorn = logging.LogRecord("gunicorn.access", logging.INFO, "", 0, "%(r)s",
                                 None, None)
    gunicorn.args = {"r": "GET /calendar/7.secret.ics HTTP/1.1"}
    TokenMaskFilter().filter(gunicorn)
    assert "secret" not in gunicorn.getMessage()
    assert re.search(r"/calendar/\*\*\*\.ics", gunicorn.getMessage())
    assert any(isinstance(f, TokenMaskFilter) for f in logging.getLogger("werkzeug").filters)


def test_feed_follows_a_renamed_institution(app, client, clock, make_user, make_institution,
                                            make_mediator):
    clock(dt.datetime(2026, 3, 1, 9, tzinfo=UTC))
    inst = make_institution(name="Kita Alt")
    mediator = make_mediator()
    user = make_user("mediator", mediator=mediator)
    make_booking(inst, mediator, dt.datetime(2026, 3, 30, 8, tzinfo=UTC))
    db.session.commit()
    first = _feed(client, user)
    assert "Kita Alt" in first.get_data(as_text=True)
    clock(dt.datetime(2026, 3, 2, 9, tzinfo=UTC))
    inst.name = "Kita Neu"
    db.session.commit()
    again = client.get(f"/calendar/{feeds.token_for(user)}.ics",
                       headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200 and "Kita Neu" in again.get_data(as_text=True)


def test_a_year_of_events_is_served_in_one_statement_per_poll(
        app, client, clock, make_user, make_institution, make_mediator):
    """A year of a busy mediator's events: every one in the feed, and a repeated poll (304
    or the cached body) still one statement, so the cost of a poll does not grow with the
    events. How fast is the benchmark's business (`feed_ms`, `feed_304_ms`), not a timed
    unit test's, which a loaded CI machine fails for nothing."""
    from tests.core.test_query_counts import count_queries

    clock(dt.datetime(2026, 1, 1, 9, tzinfo=UTC))
    inst, mediator = make_institution(), make_mediator()
    user = make_user("mediator", mediator=mediator)
    days = range(0, 365, 2)
    for day in days:
        make_booking(inst, mediator, dt.datetime(2026, 1, 1, 8, tzinfo=UTC)
                        + dt.timedelta(days=day))
    db.session.commit()
    url = f"/calendar/{feeds.token_for(user)}.ics"
    first = client.get(url)
    assert len(icalendar.Calendar.from_ical(first.data).walk("VEVENT")) == len(days)
    with count_queries() as seen_304:
        assert client.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    with count_queries() as seen_hit:
        assert client.get(url).data == first.data
    assert len(seen_304) == 1 and len(seen_hit) == 1, (seen_304, seen_hit)


def test_series_with_end_date_stops_in_the_parser(app, client, clock, make_user):
    clock(dt.datetime(2026, 1, 5, 9, tzinfo=UTC))
    msvc.create_series(kind="exchange", title="Austausch", place="", agenda="",
                       first_day=dt.date(2026, 1, 13), start=dt.time(18, 0),
                       duration_minutes=120, pattern="monthly", interval=2,
                       until=dt.date(2026, 7, 31))
    db.session.commit()
    raw = _feed(client, make_user("mediator")).get_data()
    assert b"UNTIL=20260731T215959Z" in raw
    found = recurring_ical_events.of(icalendar.Calendar.from_ical(raw)).between(
        dt.date(2026, 1, 1), dt.date(2027, 12, 31))
    assert [e.decoded("DTSTART").month for e in found] == [1, 3, 5, 7]
    assert db.session.scalar(sa.select(sa.func.count(Meeting.id))) == 4


def test_poll_costs_one_query_and_a_cached_feed_builds_nothing(
        app, client, clock, make_user, make_institution, make_mediator):
    """A calendar poll reads the owner and its aggregates in one statement; an unchanged feed comes
    from the per-worker cache, and any change gives a new ETag and so a rebuilt feed."""
    from tests.core.test_query_counts import count_queries

    clock(dt.datetime(2026, 3, 1, 9, tzinfo=UTC))
    inst, mediator = make_institution(name="Kita Vorher"), make_mediator()
    user = make_user("mediator", mediator=mediator)
    make_booking(inst, mediator, dt.datetime(2026, 3, 30, 8, tzinfo=UTC))
    db.session.commit()
    url = f"/calendar/{feeds.token_for(user)}.ics"
    first = client.get(url)
    with count_queries() as seen_304:
        assert client.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    with count_queries() as seen_hit:
        again = client.get(url)
    assert len(seen_304) == 1 and len(seen_hit) == 1, (seen_304, seen_hit)
    assert again.data == first.data and again.headers["ETag"] == first.headers["ETag"]
    clock(dt.datetime(2026, 3, 2, 9, tzinfo=UTC))
    inst.name = "Kita Nachher"
    db.session.commit()
    changed = client.get(url)
    assert changed.headers["ETag"] != first.headers["ETag"]
    assert "Kita Nachher" in changed.get_data(as_text=True)
    assert "Kita Vorher" not in changed.get_data(as_text=True)


def test_feed_cache_stays_within_its_byte_budget(app, client, clock, make_user):
    _series(clock)
    app.config["FEED_CACHE_BYTES"] = 4096
    users = [make_user("mediator") for _ in range(6)]
    for user in users:
        assert _feed(client, user).status_code == 200
    cache = feeds._feed_cache()
    assert cache.currsize <= 4096
    assert 0 < len(cache) < len(users)  # older feeds were evicted, the newest kept


def test_one_poll_statement_follows_each_viewers_own_rows(
        app, client, clock, make_user, make_mediator, make_institution):
    """The poll's aggregates are chosen per role inside one statement: a supervision date
    changes the member's and the coordinator's ETag, not an outsider's or a Kita's; a
    booking changes its Kita's ETag and its mediator's."""
    from app.services.calendar.meetings import save_group

    clock(dt.datetime(2026, 1, 5, 9, tzinfo=UTC))
    member, outsider = make_mediator(), make_mediator()
    group = save_group(None, name="Gruppe B", supervisor_name="U. Brandt",
                       supervisor_email="brandt@example.org", member_ids=[member.id])
    kita = make_institution(name="Kita Sonne")
    db.session.commit()
    users = {"member": make_user("mediator", mediator=member),
             "outsider": make_user("mediator", mediator=outsider),
             "kita": make_user("institution", institution=kita),
             "coordinator": make_user("coordinator")}

    def etags() -> dict[str, str]:
        return {name: feeds.poll(feeds.token_for(user))[1] for name, user in users.items()}

    before = etags()
    clock(dt.datetime(2026, 1, 6, 9, tzinfo=UTC))
    msvc.create_single(kind="supervision", title="Supervision", place="MIB", agenda="",
                       day=dt.date(2026, 2, 3), start=dt.time(17, 0), duration_minutes=90,
                       group=group)
    db.session.commit()
    after_meeting = etags()
    assert {n for n in users if after_meeting[n] != before[n]} == {"member", "coordinator"}
    clock(dt.datetime(2026, 1, 7, 9, tzinfo=UTC))
    make_booking(kita, outsider, dt.datetime(2026, 2, 10, 8, tzinfo=UTC))
    db.session.commit()
    after_booking = etags()
    for name in ("kita", "outsider", "coordinator"):
        assert after_booking[name] != after_meeting[name]
    assert "Kita Sonne" in _feed(client, users["outsider"]).get_data(as_text=True)
