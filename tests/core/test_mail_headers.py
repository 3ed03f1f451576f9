"""Every delivered mail carries a Date and a Message-ID on the sender's domain; the digest links."""

from __future__ import annotations

import datetime as dt
from email.utils import parsedate_to_datetime

from app.extensions import db
from app.models import InterpretingRequest, OutboxMessage
from app.services.calendar import tasks as calendar_tasks
from app.services.core.tasks import deliver_due

UTC = dt.UTC


def test_delivered_mail_has_a_date_and_a_message_id_on_the_senders_domain(app, smtp_server):
    app.config["MAIL_DEFAULT_SENDER"] = "SKM-Pool <skm-pool@mib.stadt.example>"
    db.session.add(OutboxMessage(recipient="eins@example.org", subject="Hallo", body_text="x"))
    db.session.commit()
    before = dt.datetime.now(UTC).replace(microsecond=0)

    assert deliver_due() == {"sent": 1, "failed": 0}

    (msg,) = smtp_server.messages
    sent = parsedate_to_datetime(msg["Date"])
    assert sent.tzinfo is not None
    assert before - dt.timedelta(seconds=1) <= sent <= dt.datetime.now(UTC)
    assert msg["Message-ID"].startswith("<") and msg["Message-ID"].endswith(
        "@mib.stadt.example>")


def test_daily_digest_links_to_each_request(app, clock, smtp_server, make_user,
                                            make_institution):
    make_user("coordinator", email="koord@example.org")
    inst = make_institution(name="Beratungsstelle Süd")
    start = dt.datetime(2026, 3, 5, 8, tzinfo=UTC)
    req = InterpretingRequest(
        institution=inst, starts_at=start, ends_at=start + dt.timedelta(hours=1),
        duration_minutes=60, language_code="prs", occasion="counselling", status="submitted")
    db.session.add(req)
    db.session.commit()
    clock(dt.datetime(2026, 3, 2, 7, 0, tzinfo=UTC))

    assert calendar_tasks.send_open_requests_digest() == 1
    deliver_due()

    (msg,) = smtp_server.messages
    assert f"http://skm.test/coordination/requests/{req.id}" in msg.get_content()
