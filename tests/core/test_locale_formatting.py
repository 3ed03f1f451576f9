"""Dates, times and numbers follow the locale; e-mails and calendars use the recipient's."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from app.extensions import db
from app.i18n import babel_locale
from app.models import Offer
from app.services.booking import offers
from app.services.calendar import feeds, meetings
from app.services.calendar import tasks as calendar_tasks
from app.services.core.tasks import deliver_due
from tests.factories import NOW, eligible, make_request

UTC = dt.UTC
CHRISTMAS_EVE = dt.datetime(2026, 12, 24, 17, 0, tzinfo=UTC)  # 18:00 in Berlin


@pytest.mark.parametrize(("locale", "expected"), [
    ("de", ("24.12.2026, 18:00 Uhr", "24.12.2026", "1.234,50\xa0€", "1.234,5")),
    # British, as English in Germany's public services: never "12/24/26, 6:00 PM"
    ("en", ("24 Dec 2026, 18:00", "24 Dec 2026", "€1,234.50", "1,234.5")),
])
def test_template_filters_follow_the_locale(app, locale, expected):
    filters = app.jinja_env.filters
    with app.test_request_context("/"), force_locale(babel_locale(locale)):
        got = (filters["localdt"](CHRISTMAS_EVE), filters["localdate"](dt.date(2026, 12, 24)),
               filters["money"](123450), filters["number"](1234.5))
    assert got == expected


@pytest.mark.parametrize("value", [
    dt.datetime(2026, 3, 29, 0, 59, tzinfo=UTC),  # last minute of winter time: 01:59
    dt.datetime(2026, 3, 29, 1, 0, tzinfo=UTC),  # first minute of summer time: 03:00
    dt.datetime(2026, 10, 25, 0, 30, tzinfo=UTC),  # 02:30 summer time
    dt.datetime(2026, 10, 25, 1, 30, tzinfo=UTC),  # 02:30 again, winter time
    dt.datetime(2027, 1, 1, 5, 7),  # naive: stored UTC
])
def test_german_short_dates_match_babel(app, value):
    """The German short form skips Babel for speed; it must print exactly what Babel does."""
    from flask_babel import format_datetime

    with app.test_request_context("/"), force_locale("de"):
        expected = format_datetime(value, "dd.MM.yyyy, HH:mm 'Uhr'")
        assert app.jinja_env.filters["localdt"](value) == expected


def test_offer_mail_and_feed_in_each_recipients_language(app, clock, smtp_server, make_user,
                                                         make_institution, make_mediator):
    clock(NOW)
    inst = make_institution(name="Kita Regenbogen")
    coordinator = make_user("coordinator")
    english = eligible(make_mediator, first_name="Selam")
    german = eligible(make_mediator, first_name="Yonas")
    en_user = make_user("mediator", mediator=english, locale="en")
    de_user = make_user("mediator", mediator=german, locale="de")
    kita_user = make_user("institution", institution=inst, locale="de")
    req = make_request(inst, day=dt.date(2026, 12, 10), time=dt.time(14, 30))
    offers.send_offers(coordinator, req.id, [english.id, german.id])
    db.session.commit()
    deliver_due()
    mails = {m["To"]: m for m in smtp_server.messages}
    en_mail, de_mail = mails[en_user.email], mails[de_user.email]
    assert en_mail["Subject"] == "New interpreting request for you"
    assert "10 Dec 2026, 14:30" in en_mail.get_content()
    assert "Tigrinya" in en_mail.get_content()
    assert "10.12.2026, 14:30 Uhr" in de_mail.get_content()
    assert "Tigrinja" in de_mail.get_content() and "Hallo Yonas" in de_mail.get_content()

    offer = db.session.scalar(sa.select(Offer).where(Offer.mediator_id == english.id))
    offers.accept_offer(offer.id)
    db.session.commit()
    en_event = icalendar.Calendar.from_ical(feeds.build_feed(en_user)).walk("VEVENT")[0]
    de_event = icalendar.Calendar.from_ical(feeds.build_feed(kita_user)).walk("VEVENT")[0]
    assert str(en_event["SUMMARY"]) == "Interpreting Tigrinya: Kita Regenbogen"
    assert "Occasion: Parent meeting" in str(en_event["DESCRIPTION"])
    assert "Tigrinja" in str(de_event["SUMMARY"]) and "Selam" in str(de_event["SUMMARY"])


def test_meeting_reminder_dates_in_the_recipients_language(app, clock, smtp_server, make_user,
                                                           make_mediator):
    clock(dt.datetime(2026, 1, 2, 9, tzinfo=UTC))
    make_user("mediator", mediator=make_mediator(first_name="Selam"), locale="en")
    make_user("mediator", mediator=make_mediator(first_name="Yonas"), locale="de")
    meetings.create_series(kind="exchange", title="Winter", place="Rathaus", agenda="",
                           first_day=dt.date(2026, 1, 13), start=dt.time(18, 0),
                           duration_minutes=120, pattern="monthly", interval=2, until=None,
                           group=None)
    db.session.commit()
    deliver_due()
    before = len(smtp_server.messages)
    clock(dt.datetime(2026, 1, 6, 18, 0, tzinfo=UTC))
    assert calendar_tasks.send_meeting_reminders() == 2
    deliver_due()
    subjects = sorted(m["Subject"] for m in smtp_server.messages[before:])
    assert subjects == ["Erinnerung: Austauschtreffen: Winter am 13.01.2026 18:00 Uhr",
                        "Reminder: Exchange meeting: Winter on 13 Jan 2026, 18:00"], subjects


def test_templates_translate_in_the_forced_locale_and_back(app):
    """Jinja's gettext and the labels keep one catalog per locale and request: a mail
    rendered under force_locale inside a German page is English, the page goes on in German."""
    from flask import render_template_string

    template = ('{{ _("Candidates") }} · {{ ngettext("%(num)s point", "%(num)s points", 2) }}'
                ' · {{ label("request_status", "unfilled") }}')
    with app.test_request_context("/", headers={"Accept-Language": "de"}):
        before = render_template_string(template)
        with force_locale("en"):
            inside = render_template_string(template)
        after = render_template_string(template)
    german = "Kandidat/innen · 2 Punkte · Nicht besetzt"
    assert (before, inside, after) == (german, "Candidates · 2 points · Unfilled", german)


def test_a_badge_shows_the_label_in_its_colour_and_escapes(app):
    from flask import render_template_string

    with app.test_request_context("/", headers={"Accept-Language": "de"}):
        html = render_template_string('{{ badge("request_status", "offered") }}|'
                                      '{{ badge("flag", "x<y", text="<b>") }}')
    assert html == ('<span class="kern-badge kern-badge--warning badge-offered">'
                    '<span class="kern-label">Angefragt</span></span>|'
                    '<span class="kern-badge kern-badge--info badge-x&lt;y">'
                    '<span class="kern-label">&lt;b&gt;</span></span>')
