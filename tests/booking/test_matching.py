"""Every hard rule and soft score of the matching service, without HTTP."""

from __future__ import annotations

import datetime as dt

import pytest

from app.extensions import db
from app.models import Absence, Assignment, QualificationModule
from app.services.core.languages import language_name
from app.services.matching import ranking as matching
from tests.factories import DAY, NOW, eligible, make_request


@pytest.fixture()
def setup(app, clock, make_institution):
    clock(NOW)
    return make_institution(kind="kita", district="Nord")


def _result(req):
    result = matching.match(req)
    ranked = {c.mediator.id: c for c in result.ranked}
    excluded = {e.mediator.id: e.reasons for e in result.excluded}
    return ranked, excluded


def _book(m, starts, minutes=60, status="active", inst=None, req=None):
    req = req or make_request(inst, day=starts.date(), time=starts.time(), status="assigned")
    a = Assignment(request=req, mediator=m, starts_at=req.starts_at, ends_at=req.ends_at,
                   status=status)
    db.session.add(a)
    db.session.flush()
    return a


def test_eligible_mediator_is_ranked(setup, make_mediator):
    m = eligible(make_mediator)
    ranked, excluded = _result(make_request(setup))
    assert m.id in ranked and not excluded


def test_not_active_is_excluded(setup, make_mediator):
    m = eligible(make_mediator, status="paused")
    _, excluded = _result(make_request(setup))
    assert excluded[m.id] == ["Nicht aktiv (Status: Pausiert)"]


def test_language_prefilter_and_rule(setup, make_mediator):
    other = eligible(make_mediator, languages=(("prs", "", "native"),))
    req = make_request(setup)
    ranked, excluded = _result(req)
    assert other.id not in ranked and other.id not in excluded  # prefiltered in SQL
    _, ctx = matching.load_context(req)
    assert matching.exclusion_reasons(other, ctx)[0] == "Spricht die Sprache nicht"


def test_absent_that_day(setup, make_mediator):
    m = eligible(make_mediator)
    m.absences.append(Absence(start_date=DAY - dt.timedelta(days=1), end_date=DAY))
    db.session.flush()
    _, excluded = _result(make_request(setup))
    assert excluded[m.id] == ["Abwesend 02.12.2026–03.12.2026"]  # the absence, not the day


def test_absence_on_other_day_does_not_count(setup, make_mediator):
    m = eligible(make_mediator)
    m.absences.append(Absence(start_date=DAY + dt.timedelta(days=1), end_date=DAY + dt.timedelta(days=3)))
    db.session.flush()
    ranked, _ = _result(make_request(setup))
    assert m.id in ranked


def test_overlap_including_travel_buffer(setup, make_mediator, make_institution):
    m = eligible(make_mediator)
    # other appointment 11:20-12:20 local: no real overlap with 10:00-11:00, but within 30 min
    other = _book(m, dt.datetime.combine(DAY, dt.time(11, 20)), inst=make_institution())
    _, excluded = _result(make_request(setup))
    assert excluded[m.id] == [
        f"Überschneidung mit Einsatz (Anfrage {other.request_id}) am 03.12. 11:20–12:20 Uhr "
        "(inkl. 30 Min. Fahrzeit)"
    ]


def test_each_overlap_is_named_and_reasons_are_worded_when_read(
        setup, make_mediator, make_institution):
    """Reasons are worded on first read (the page words only the closest 25); each deferred
    text must still name its own booking, not the loop's last one."""
    m = eligible(make_mediator)
    first = _book(m, dt.datetime.combine(DAY, dt.time(9, 30)), inst=make_institution())
    second = _book(m, dt.datetime.combine(DAY, dt.time(10, 45)), inst=make_institution())
    req = make_request(setup)
    result = matching.match(req)
    [entry] = [e for e in result.excluded if e.mediator.id == m.id]
    assert entry.keys == ["overlap", "overlap"] and entry._reasons is None
    assert [f"(Anfrage {first.request_id})" in entry.reasons[0],
            f"(Anfrage {second.request_id})" in entry.reasons[1]] == [True, True]
    _, ctx = matching.load_context(req)
    assert entry.reasons == matching.exclusion_reasons(entry.mediator, ctx)


def test_no_overlap_outside_buffer_and_cancelled_ignored(setup, make_mediator, make_institution):
    m = eligible(make_mediator)
    _book(m, dt.datetime.combine(DAY, dt.time(11, 30)), inst=make_institution())
    _book(m, dt.datetime.combine(DAY, dt.time(10)), inst=make_institution(), status="cancelled")
    ranked, _ = _result(make_request(setup))
    assert m.id in ranked


def test_no_availability_declared(setup, make_mediator):
    m = make_mediator()
    eligible_one = eligible(make_mediator)
    db.session.delete(eligible_one.availability[0])
    eligible_one.availability.clear()
    db.session.flush()
    _, excluded = _result(make_request(setup))
    assert "Keine Verfügbarkeit angegeben" in excluded[eligible_one.id]
    assert "Keine Verfügbarkeit angegeben" in excluded[m.id]


def test_outside_availability(setup, make_mediator):
    late = eligible(make_mediator, start=dt.time(10, 30), end=dt.time(18))
    other_day = eligible(make_mediator, weekday=2)
    _, excluded = _result(make_request(setup))
    assert excluded[late.id] == ["Verfügbarkeit: Do 10:30–18 (Termin liegt außerhalb)"]
    assert excluded[other_day.id] == ["Verfügbarkeit: Mi 8–18 (Termin liegt außerhalb)"]


def test_weekly_limit(setup, make_mediator, make_institution):
    m = eligible(make_mediator, max_per_week=1)
    inst = make_institution()
    _book(m, dt.datetime.combine(DAY - dt.timedelta(days=2), dt.time(9)), inst=inst)  # Tuesday
    _, excluded = _result(make_request(setup))
    assert excluded[m.id] == ["Wochenlimit erreicht (1 von 1 in KW 49)"]


def test_weekly_limit_counts_only_the_iso_week(setup, make_mediator, make_institution):
    m = eligible(make_mediator, max_per_week=1)
    _book(m, dt.datetime.combine(DAY - dt.timedelta(days=4), dt.time(9)), inst=make_institution())
    ranked, _ = _result(make_request(setup))
    assert m.id in ranked  # the Sunday before is another ISO week


def test_required_modules_missing(setup, make_mediator):
    m = eligible(make_mediator)
    db.session.add_all([
        QualificationModule(code="M1", title_de="Rolle", title_en="Role", required=True),
        QualificationModule(code="M9", title_de="Extra", title_en="Extra", required=False),
    ])
    db.session.flush()
    _, excluded = _result(make_request(setup))
    assert excluded[m.id] == ["Pflichtmodule fehlen: M1"]


def test_pledge_missing(setup, make_mediator):
    m = eligible(make_mediator)
    m.documents.remove(m.document("pledge"))
    db.session.flush()
    _, excluded = _result(make_request(setup))
    assert excluded[m.id] == ["Schweigepflichterklärung fehlt"]


@pytest.mark.parametrize("kind, excluded_expected", [("kita", True), ("school", True),
                                                      ("counselling", False)])
def test_police_certificate_for_school_and_kita(app, clock, make_institution, make_mediator,
                                                kind, excluded_expected):
    clock(NOW)
    m = eligible(make_mediator)
    m.documents.remove(m.document("police_certificate"))
    db.session.flush()
    _, excluded = _result(make_request(make_institution(kind=kind)))
    reason = "Erweitertes Führungszeugnis fehlt (nötig für den 03.12.2026)"
    assert (excluded.get(m.id) == [reason]) is excluded_expected


def test_police_certificate_expired_on_the_day(setup, make_mediator):
    m = eligible(make_mediator)
    m.document("police_certificate").recorded_on = dt.date(2021, 12, 1)
    m.document("police_certificate").issued_on = dt.date(2021, 11, 20)
    db.session.flush()
    _, excluded = _result(make_request(setup))
    assert excluded[m.id] == [
        "Erweitertes Führungszeugnis (eingesehen am 01.12.2021) abgelaufen am 01.12.2026"
    ]


def _parts(candidate):
    return {c.key: c.points for c in candidate.components}


def test_variety_and_level_scores(setup, make_mediator):
    exact = eligible(make_mediator, languages=(("tir", "Eritrea", "B2"),))
    other = eligible(make_mediator, languages=(("tir", "Äthiopien", "native"),))
    ranked, _ = _result(make_request(setup, variety="eritrea"))
    assert _parts(ranked[exact.id])["variety"] == 20 and _parts(ranked[exact.id])["level"] == 5
    assert _parts(ranked[other.id])["variety"] == 0 and _parts(ranked[other.id])["level"] == 15


def test_gender_preference(setup, make_mediator):
    woman = eligible(make_mediator, gender="female")
    man = eligible(make_mediator, gender="male")
    ranked, _ = _result(make_request(setup, preferred_gender="female"))
    assert _parts(ranked[woman.id])["gender"] == 15
    assert _parts(ranked[man.id])["gender"] == -15
    ranked, _ = _result(make_request(setup, time=dt.time(14), preferred_gender="none"))
    assert _parts(ranked[man.id])["gender"] == 0


def test_continuity(setup, make_mediator, clock):
    served_inst = eligible(make_mediator)
    served_earlier = eligible(make_mediator)
    stranger = eligible(make_mediator)
    clock(NOW - dt.timedelta(days=30))
    old = make_request(setup, day=DAY - dt.timedelta(days=30), status="completed")
    _book(served_earlier, None, req=old)
    other_old = make_request(setup, day=DAY - dt.timedelta(days=20), status="completed")
    _book(served_inst, None, req=other_old)
    clock(NOW)
    ranked, _ = _result(make_request(setup, follow_up_of_id=old.id))
    assert _parts(ranked[served_earlier.id])["continuity"] == 25
    assert _parts(ranked[served_inst.id])["continuity"] == 10
    assert _parts(ranked[stranger.id])["continuity"] == 0


def test_fairness_prefers_fewer_recent_hours(setup, make_mediator, make_institution):
    busy = eligible(make_mediator)
    idle = eligible(make_mediator)
    inst = make_institution(kind="counselling")
    _book(busy, dt.datetime.combine(DAY - dt.timedelta(days=10), dt.time(9)), inst=inst)
    _book(busy, dt.datetime.combine(DAY - dt.timedelta(days=200), dt.time(9)), inst=inst)
    ranked, _ = _result(make_request(setup))
    assert _parts(ranked[idle.id])["fairness"] == 20
    assert _parts(ranked[busy.id])["fairness"] == 0
    assert ranked[busy.id].recent_minutes == 60  # the 200-day-old one does not count
    result = matching.match(make_request(setup, time=dt.time(15)))
    assert result.ranked[0].mediator.id == idle.id


def test_the_fairness_fact_writes_the_pages_decimal_mark(setup, make_mediator,
                                                         make_institution):
    """"1,0 h in the last 90 days" read as German inside an English sentence."""
    from flask_babel import force_locale

    from app.i18n import babel_locale

    busy = eligible(make_mediator)
    _book(busy, dt.datetime.combine(DAY - dt.timedelta(days=10), dt.time(9)),
          inst=make_institution(kind="counselling"))
    for language, expected in (("de", "1,0 Std."), ("en", "1.0 h")):
        with force_locale(babel_locale(language)):
            ranked, _ = _result(make_request(setup, time=dt.time(8 if language == "de" else 16)))
            fact = next(c.detail for c in ranked[busy.id].components if c.key == "fairness")
        assert fact.startswith(expected), (language, fact)


def test_district_and_mobility(setup, make_mediator):
    near = eligible(make_mediator, district="Nord")
    car = eligible(make_mediator, district="Süd", mobility="car")
    foot = eligible(make_mediator, district="Süd", mobility="foot")
    ranked, _ = _result(make_request(setup))
    assert _parts(ranked[near.id])["district"] == 10
    assert _parts(ranked[car.id])["district"] == 5
    assert _parts(ranked[foot.id])["district"] == 0


def test_query_count_does_not_grow_with_mediators(setup, make_mediator):
    from sqlalchemy import event

    for _ in range(3):
        eligible(make_mediator)
    req = make_request(setup)
    counts = []
    for extra in (0, 10):
        for _ in range(extra):
            eligible(make_mediator)
        db.session.expire_all()
        statements: list[int] = []

        def listener(*_args, statements=statements, **_kwargs):
            statements.append(1)

        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            matching.match(db.session.get(type(req), req.id))
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        counts.append(len(statements))
    assert counts[0] == counts[1] and counts[0] <= 15


def test_match_many_answers_as_match_does_per_request(setup, make_mediator, make_institution):
    """The week planner's batched matching must give exactly the per-request answers:
    overlaps with travel time, absences, weekly limits and availability differ by day."""
    other_inst = make_institution(kind="school")
    busy = eligible(make_mediator, max_per_week=2)
    absent = eligible(make_mediator)
    absent.absences.append(Absence(start_date=DAY, end_date=DAY))
    limited = eligible(make_mediator, max_per_week=1)
    monday = eligible(make_mediator, weekday=0)
    arabic = eligible(make_mediator, languages=(("arb", "", "native"),), weekday=3)
    eligible(make_mediator, languages=(("arb", "", "C1"),), weekday=0)
    _book(busy, dt.datetime.combine(DAY, dt.time(11, 15)), inst=other_inst)
    _book(limited, dt.datetime.combine(DAY - dt.timedelta(days=2), dt.time(9)), inst=other_inst)
    requests = [
        make_request(setup),  # Thursday 10:00: busy is booked 11:15 (travel time overlaps)
        make_request(setup, time=dt.time(15)),  # Thursday afternoon: busy is free again
        make_request(setup, day=DAY - dt.timedelta(days=3), time=dt.time(9)),  # Monday
        make_request(other_inst, language="arb"),
        make_request(other_inst, language="arb", day=DAY - dt.timedelta(days=3)),
    ]
    db.session.flush()
    batched = matching.match_many(requests)

    def view(result):
        """The planner reads the ranking and the rule counts (no per-speaker reasons)."""
        return ([(c.mediator.id, c.score, [p.detail for p in c.components])
                 for c in result.ranked], result.rule_counts, result.excluded_count)

    for req in requests:
        single = matching.match(req)
        assert view(batched[req.id]) == view(single), req.starts_at
        assert single.excluded_count == len(single.excluded)
    ranked = [{c.mediator.id for c in batched[req.id].ranked} for req in requests]
    assert not {busy.id, absent.id, limited.id, monday.id} & ranked[0]
    assert busy.id in ranked[1] and monday.id in ranked[2] and arabic.id in ranked[3]
    assert batched[requests[0].id].rule_counts == {"absent": 1, "overlap": 1,
                                                   "outside_availability": 1,
                                                   "weekly_limit": 1}


def test_macrolanguage_request_finds_speakers_of_its_languages(setup, make_mediator):
    """A Kita asking for "Arabisch" (ara) is served by speakers of Levantine (apc), Standard
    (arb) and plain "Arabisch"; Turkish speakers are not even listed."""
    levantine = eligible(make_mediator, languages=(("apc", "Syrisch", "native"),))
    standard = eligible(make_mediator, languages=(("arb", "", "C1"),))
    plain = eligible(make_mediator, languages=(("ara", "", "C2"),))
    turkish = eligible(make_mediator, languages=(("tur", "", "native"),))
    ranked, excluded = _result(make_request(setup, language="ara", variety="Syrisch"))
    assert set(ranked) == {levantine.id, standard.id, plain.id} and not excluded
    assert turkish.id not in ranked
    details = {c.key: c.detail for c in ranked[levantine.id].components}
    assert details["variety"] == "spricht Syrisch"
    assert details["level"] == f"Muttersprache ({language_name('apc', 'de')})"
    assert {c.key: c.detail for c in ranked[plain.id].components}["level"] == "C2"
    assert {c.key: c.detail for c in ranked[standard.id].components}["level"] == \
        "C1 (Standard-Arabisch)"


def test_single_language_request_takes_macrolanguage_speakers_not_sisters(
        setup, make_mediator):
    levantine = eligible(make_mediator, languages=(("apc", "", "native"),))
    plain = eligible(make_mediator, languages=(("ara", "", "C1"),))
    egyptian = eligible(make_mediator, languages=(("arz", "", "native"),))
    ranked, _ = _result(make_request(setup, language="apc"))
    assert set(ranked) == {levantine.id, plain.id}
    assert egyptian.id not in ranked
    assert {c.key: c.detail for c in ranked[plain.id].components}["level"] == "C1 (Arabisch)"


def test_the_list_and_the_booking_check_agree_on_every_rule(setup, make_mediator,
                                                            make_institution):
    """The list asks each rule of all speakers at once, the booking asks one mediator: both
    must name the same rules and reasons, closest first, and count each rule once a person."""
    db.session.add(QualificationModule(code="M1", title_de="Rolle", title_en="Role",
                                       required=True))
    db.session.flush()
    ok = eligible(make_mediator, last_name="Adam")
    paused = eligible(make_mediator, status="paused", takes_on_site=False, last_name="Berg")
    absent = eligible(make_mediator, last_name="Cem")
    db.session.add(Absence(mediator=absent, start_date=DAY, end_date=DAY))
    busy = eligible(make_mediator, max_per_week=1, last_name="Diaz")
    _book(busy, dt.datetime.combine(DAY, dt.time(9, 30)), inst=make_institution())
    undocumented = make_mediator(last_name="Ek")  # no windows, pledge, certificate, modules
    late = eligible(make_mediator, start=dt.time(10, 30), last_name="Fox")
    late.document("police_certificate").has_relevant_entry = True
    db.session.flush()
    req = make_request(setup)
    result = matching.match(req)
    assert [c.mediator.id for c in result.ranked] == [ok.id]
    by_id = {e.mediator.id: e for e in result.excluded}
    assert by_id[paused.id].keys == ["inactive", "mode"]
    assert by_id[absent.id].keys == ["absent"]
    assert by_id[busy.id].keys == ["overlap", "weekly_limit"]
    assert by_id[undocumented.id].keys == ["no_availability", "modules", "pledge",
                                           "certificate"]
    assert by_id[late.id].keys == ["outside_availability", "certificate"]
    counts = [len(e.keys) for e in result.excluded]
    assert counts == sorted(counts)
    assert result.rule_counts == {"inactive": 1, "mode": 1, "absent": 1, "overlap": 1,
                                  "no_availability": 1, "outside_availability": 1,
                                  "weekly_limit": 1, "modules": 1, "pledge": 1,
                                  "certificate": 2}
    for person in (ok, paused, absent, busy, undocumented, late):
        expected = by_id[person.id].reasons if person.id in by_id else []
        assert matching.check_eligible(req, person) == expected
    assert by_id[late.id].reasons[1].endswith("hat einen einschlägigen Eintrag")
