"""Read from a generated data set the ids and tokens the benchmark's URLs need."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from bench.generate import COORDINATOR_EMAIL, PASSWORD

# the candidates metric wants a language with about this many speakers (the target
# is stated for a 1,000-speaker language); "Arabisch" (the macrolanguage, served by every
# Arabic variety's speakers) is measured separately as the widest case
SPEAKERS_WANTED = 1000
ARABIC = "ara"


def _speakers(conn, codes: tuple[str, ...]) -> int:
    return conn.scalar(sa.text(
        "SELECT count(DISTINCT mediator_id) FROM mediator_language WHERE code IN :codes"
    ).bindparams(sa.bindparam("codes", expanding=True)), {"codes": list(codes)}) or 0


def _open_request(conn, now: dt.datetime, code: str) -> int | None:
    return conn.scalar(sa.text(
        "SELECT id FROM interpreting_request WHERE status IN ('submitted', 'offered') "
        "AND starts_at > :now AND language_code = :code ORDER BY starts_at, id LIMIT 1"),
        {"now": now, "code": code})


def _arabic_request(conn, now: dt.datetime, template_id: int | None) -> int | None:
    """Return an open request for "Arabisch"; copy one in if the generator made none.

    The generator books single languages only; the copy changes nothing but the language, so
    the measured page differs from the 1,000-speaker case only in the number of speakers.
    """
    found = _open_request(conn, now, ARABIC)
    if found or template_id is None:
        return found
    table = sa.Table("interpreting_request", sa.MetaData(), autoload_with=conn)
    names = [c.name for c in table.columns if c.name != "id"]
    columns = [sa.literal(ARABIC).label(n) if n == "language_code" else table.c[n]
               for n in names]
    conn.execute(table.insert().from_select(
        names, sa.select(*columns).where(table.c.id == template_id)))
    conn.commit()
    return _open_request(conn, now, ARABIC)


def _busiest_week(conn, now: dt.datetime):
    """Return (Monday, open requests) of the coming week with the most open requests: the
    planner's state-scale case (PostgreSQL; None elsewhere)."""
    if conn.dialect.name != "postgresql":
        return None
    return conn.execute(sa.text(
        "SELECT (date_trunc('week', starts_at AT TIME ZONE 'Europe/Berlin'))::date AS w, "
        "count(*) FROM interpreting_request WHERE status IN ('submitted', 'offered') "
        "AND starts_at > :now GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1"), {"now": now}).first()


def context(url: str, secret_key: str) -> dict:
    """Read the ids the URL builders need (open requests, a busy mediator's feed, a year).

    The candidates request is in the language whose speaker count is nearest 1,000 (every
    speaker is loaded and checked); the Arabic one is served by all Arabic varieties; the
    busy mediator is the one with the most assignments in the last year.
    """
    from app.services.core.languages import MACROLANGUAGES

    engine = sa.create_engine(url)
    now = dt.datetime.now(dt.UTC)
    with engine.connect() as conn:
        counts = conn.execute(sa.text(
            "SELECT l.code, count(DISTINCT l.mediator_id) FROM mediator_language l "
            "WHERE EXISTS (SELECT 1 FROM interpreting_request r WHERE r.language_code = "
            "l.code AND r.status IN ('submitted', 'offered') AND r.starts_at > :now) "
            "GROUP BY l.code"), {"now": now}).all()
        code, speakers = min(counts, key=lambda row: (abs(row[1] - SPEAKERS_WANTED), row[0]),
                             default=(None, 0))
        open_id = _open_request(conn, now, code) if code else None
        arabic_id = _arabic_request(conn, now, open_id)
        arabic_speakers = _speakers(conn, (ARABIC, *MACROLANGUAGES[ARABIC]))
        busy = conn.execute(sa.text(
            "SELECT u.id, u.feed_secret FROM app_user u JOIN assignment a "
            "ON a.mediator_id = u.mediator_id WHERE a.starts_at >= :since "
            "AND u.feed_secret IS NOT NULL "
            "GROUP BY u.id, u.feed_secret ORDER BY count(*) DESC, u.id LIMIT 1"),
            {"since": now - dt.timedelta(days=365)}).first()
        busiest = _busiest_week(conn, now)
        filter_code = conn.scalar(sa.text(
            "SELECT code FROM mediator_language GROUP BY code ORDER BY count(*) DESC, code "
            "LIMIT 1"))
    engine.dispose()
    return {"open_request_id": open_id, "language": code, "speakers": speakers,
            "arabic_request_id": arabic_id, "arabic_speakers": arabic_speakers,
            "filter_language": filter_code, "report_year": now.year - 1,
            "planner_week": busiest[0].isoformat() if busiest else None,
            "planner_open": busiest[1] if busiest else 0,
            "busy_user_id": busy[0] if busy else None,
            "feed_token": feed_token(busy[0], busy[1], secret_key) if busy else None}


def feed_token(user_id: int, feed_secret: str, secret_key: str) -> str | None:
    """Derive a feed token with the calendar service itself, under gunicorn's SECRET_KEY."""
    from types import SimpleNamespace

    from flask import Flask

    from app.services.calendar import feeds

    holder = Flask(__name__)
    holder.config["SECRET_KEY"] = secret_key
    with holder.app_context():
        return feeds.token_for(SimpleNamespace(id=user_id, feed_secret=feed_secret))


def credentials(role: str, url: str) -> tuple[str, str]:
    """Return a generated account of `role` (they all share the bench password)."""
    if role == "coordinator":
        return COORDINATOR_EMAIL, PASSWORD
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        email = conn.scalar(sa.text("SELECT email FROM app_user WHERE role = :r ORDER BY id"),
                            {"r": role})
    engine.dispose()
    return email, PASSWORD
