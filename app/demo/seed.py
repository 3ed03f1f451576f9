"""Seed a plausible, deterministic demo pool so the app can be shown and tried without real data.

Only adds and flushes: the caller (the `seed-demo` command) commits once.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import sqlalchemy as sa

from app.demo import people
from app.demo.days import add_workdays, workday, workdays_between
from app.demo.people import ascii_name
from app.demo.pool import add_pipeline_extras
from app.demo.requests import OPEN_REQUEST_MODES, OPEN_REQUESTS, past_mode
from app.models import (
    Absence,
    Assignment,
    Availability,
    BoardSignup,
    Cohort,
    ContactPerson,
    Course,
    CourseParticipant,
    Document,
    Institution,
    InterpretingRequest,
    Mediator,
    MediatorLanguage,
    ModuleCompletion,
    Offer,
    QualificationModule,
    SupervisionGroup,
    SupervisionMember,
    User,
)
from app.models.enums import (
    AssignmentStatus,
    CancelledBy,
    MediatorStatus,
    OfferStatus,
    Outcome,
    ReportStatus,
    RequestStatus,
    Role,
)
from app.timeutil import from_local, now_utc, to_local

COORDINATOR_EMAIL = "koordination@skm-demo.de"
LOGINS = [
    (Role.COORDINATOR, COORDINATOR_EMAIL, "demo-koordination"),
    (Role.INSTITUTION, "kita@skm-demo.de", "demo-kita"),
    (Role.INSTITUTION, "schule@skm-demo.de", "demo-schule"),
    (Role.MEDIATOR, "mittler@skm-demo.de", "demo-mittler"),
]
TRAVEL_BUFFER = dt.timedelta(minutes=30)
PAST_REQUESTS = 150
COUNTED = {
    "users": User, "institutions": Institution, "contact_persons": ContactPerson,
    "cohorts": Cohort, "mediators": Mediator, "modules": QualificationModule,
    "module_completions": ModuleCompletion, "documents": Document, "availability": Availability,
    "absences": Absence, "requests": InterpretingRequest, "offers": Offer,
    "assignments": Assignment, "course_participants": CourseParticipant,
    "supervision_members": SupervisionMember,
}


def _covers(m: Mediator, req: InterpretingRequest) -> bool:
    """Tell whether one of m's weekly windows holds the whole request (local wall clock)."""
    start, end = to_local(req.starts_at), to_local(req.ends_at)
    return any(w.weekday == start.weekday() and w.start_time <= start.time()
               and end.time() <= w.end_time for w in m.availability)


class _Seeder:
    """Carry the random source, the clock and the rows built so far between the steps."""

    def __init__(self, session, today: dt.date, now: dt.datetime) -> None:
        self.s, self.today, self.now = session, today, now
        self.rng = random.Random(2012)
        self.busy: dict[int, list[tuple[dt.datetime, dt.datetime]]] = {}
        self.week_load: dict[tuple[int, int, int], int] = {}

    # -- places, modules, accounts ---------------------------------------------------------
    def institutions(self) -> None:
        self.insts: dict[str, Institution] = {}
        for i, (name, kind, street, district, contacts) in enumerate(people.INSTITUTIONS):
            slug = ascii_name(name)[:40].strip("-")
            inst = Institution(
                name=name, kind=kind, street=street, postcode=people.POSTCODE, city=people.CITY,
                district=district, phone=f"+49 6132 {710 + 3 * i} {self.rng.randint(10, 99)}",
                email=f"info@{slug}.example",
            )
            for j, (person, function) in enumerate(contacts):
                inst.contacts.append(ContactPerson(
                    name=person, function=function, phone=f"+49 6132 {710 + 3 * i} {20 + j}",
                    email=f"{ascii_name(person.split()[-1])}@{slug}.example",
                ))
            self.s.add(inst)
            self.insts[name] = inst

    def modules(self) -> None:
        self.modules_by_code = {}
        for pos, (code, title_de, title_en, required) in enumerate(people.MODULES, start=1):
            module = QualificationModule(code=code, title_de=title_de, title_en=title_en,
                                         required=required, position=pos)
            self.s.add(module)
            self.modules_by_code[code] = module

    def users(self, demo: Mediator) -> None:
        links = [{}, {"institution": self.insts["Kita Sonnenblume"]},
                 {"institution": self.insts["Grundschule Am Rheinufer"]}, {"mediator": demo}]
        names = ["Sabine Hartmann", "Petra Lindner", "Stefan Vogel", demo.full_name]
        for (role, email, password), name, link in zip(LOGINS, names, links, strict=True):
            user = User(email=email, name=name, role=role, locale="de", **link)
            user.set_password(password)
            self.s.add(user)
        self.s.flush()
        self.coordinator_id = self.s.scalar(sa.select(User.id).where(User.role == Role.COORDINATOR))
        self.user_ids = {u.institution.name: u.id for u in self.s.scalars(
            sa.select(User).where(User.role == Role.INSTITUTION))}

    def absences_and_groups(self, demo: Mediator) -> None:
        rng = self.rng
        active = [m for m in self.mediators if m.status == MediatorStatus.ACTIVE]
        for m in rng.sample([m for m in active if m is not demo], 4):
            start = self.today + dt.timedelta(days=rng.randint(1, 7))
            m.absences.append(Absence(start_date=start, reason=rng.choice(people.ABSENCE_REASONS),
                                      end_date=start + dt.timedelta(days=rng.randint(4, 9))))
        groups = [
            SupervisionGroup(name="Supervisionsgruppe A", supervisor_name="Ulrike Brandt",
                             supervisor_email="brandt@supervision-brandt.example"),
            SupervisionGroup(name="Supervisionsgruppe B", supervisor_name="Martin Kehl",
                             supervisor_email="kehl@praxis-kehl.example"),
        ]
        for i, m in enumerate(rng.sample(active, len(active))):
            groups[i % 2].members.append(SupervisionMember(mediator=m))
        self.s.add_all(groups)
        m4 = self.modules_by_code["M4"]
        course = Course(module=m4, held_on=self.today + dt.timedelta(days=21),
                        trainer="Dr. Miriam Kessler", place="Volkshochschule Rheinstadt, Raum 2",
                        capacity=16)
        learners = [m for m in self.mediators
                    if m.status in (MediatorStatus.IN_TRAINING, MediatorStatus.APPLICANT)]
        learners += [m for m in active if all(c.module is not m4 for c in m.completions)]
        for m in learners[:16]:
            course.participants.append(CourseParticipant(mediator=m))
        self.s.add(course)

    # -- requests ----------------------------------------------------------------------------
    def _free(self, m: Mediator, start: dt.datetime, end: dt.datetime) -> bool:
        """Tell whether m can take the slot: no overlap incl. travel buffer, weekly limit kept."""
        week = to_local(start).isocalendar()
        if self.week_load.get((id(m), week[0], week[1]), 0) >= m.max_per_week:
            return False
        return all(end + TRAVEL_BUFFER <= s or e + TRAVEL_BUFFER <= start
                   for s, e in self.busy.get(id(m), []))

    def _book(self, m: Mediator, start: dt.datetime, end: dt.datetime) -> None:
        week = to_local(start).isocalendar()
        self.busy.setdefault(id(m), []).append((start, end))
        key = (id(m), week[0], week[1])
        self.week_load[key] = self.week_load.get(key, 0) + 1

    def _request(self, inst, day, hour, minute, minutes, code, variety, occasion, **kw):
        starts = from_local(day, dt.time(hour, minute))
        created = kw.pop("created_at", self.now)
        req = InterpretingRequest(
            institution=inst, starts_at=starts, ends_at=starts + dt.timedelta(minutes=minutes),
            duration_minutes=minutes, place_kind="institution", language_code=code,
            variety=variety, occasion=occasion, room=self.rng.choice(people.ROOMS[inst.kind]),
            created_at=created, created_by_id=self.user_ids.get(inst.name, self.coordinator_id),
            urgent=workdays_between(to_local(created).date(), day) <= 3, **kw)
        self.s.add(req)
        return req

    def _assign(self, req, m: Mediator, status: str) -> Assignment:
        if status != AssignmentStatus.CANCELLED:
            self._book(m, req.starts_at, req.ends_at)
        req.assigned_at = req.created_at + dt.timedelta(days=self.rng.randint(1, 2))
        a = Assignment(mediator=m, status=status, starts_at=req.starts_at, ends_at=req.ends_at,
                       created_by_id=self.coordinator_id, created_at=req.assigned_at,
                       updated_at=req.assigned_at)
        req.assignments.append(a)
        return a

    def future_requests(self, demo: Mediator) -> None:
        rng, today = self.rng, self.today
        absent = {id(m) for m in self.mediators if m.absences}
        kita, school = self.insts["Kita Sonnenblume"], self.insts["Grundschule Am Rheinufer"]
        other = next(m for m in self.mediators
                     if m.status == MediatorStatus.ACTIVE and id(m) not in absent
                     and m is not demo and m.languages[0].code == "apc")
        win = other.availability[0]
        for m, inst, weekday, hour, lang, occasion in (
                (demo, kita, 3, 9, demo.languages[0], "parent_meeting"),
                (other, school, win.weekday, win.start_time.hour, other.languages[0],
                 "support_plan")):
            day = today + dt.timedelta(days=3 + (weekday - today.weekday() - 3) % 7)
            while not workday(day):
                day += dt.timedelta(days=7)
            req = self._request(inst, day, hour, 0, 60, lang.code, lang.variety, occasion,
                                status=RequestStatus.ASSIGNED,
                                note=rng.choice(people.NOTES[occasion]),
                                created_at=self.now - dt.timedelta(days=3))
            self._assign(req, m, AssignmentStatus.ACTIVE)
        for index, (ahead, weekday, (hour, minute), minutes, code, variety, occasion, gender,
                    family, inst_name, note, offered) in enumerate(OPEN_REQUESTS):
            if weekday is None:
                day = add_workdays(today, ahead)
            else:
                day = today + dt.timedelta(days=ahead + (weekday - today.weekday() - ahead) % 7)
                while not workday(day):
                    day += dt.timedelta(days=7)
            status = RequestStatus.OFFERED if offered else RequestStatus.SUBMITTED
            req = self._request(self.insts[inst_name], day, hour, minute, minutes, code, variety,
                                occasion, preferred_gender=gender, family_members=family,
                                note=note, status=status,
                                **OPEN_REQUEST_MODES.get(index, {}))
            if code == demo.languages[0].code and not offered:  # "Ich kann" on the board
                self.s.add(BoardSignup(request=req, mediator=demo, created_at=self.now))
            if offered:
                speakers = [m for m in self.mediators if m.status == MediatorStatus.ACTIVE
                            and id(m) not in absent and any(x.code == code for x in m.languages)]
                speakers.sort(key=lambda m: (not m.takes(req.mode), m is not demo,
                                             not _covers(m, req)))
                for m in speakers[:2]:
                    req.offers.append(Offer(mediator=m, status=OfferStatus.PENDING,
                                            created_at=self.now,
                                            expires_at=self.now + dt.timedelta(days=2)))

    def past_requests(self) -> None:
        """Build a year of history; each completed slot comes from the mediator's own week."""
        rng, now = self.rng, self.now
        active = [m for m in self.mediators if m.status == MediatorStatus.ACTIVE]
        insts = list(self.insts.values())
        made = 0
        while made < PAST_REQUESTS:
            m = rng.choice(active)
            lang, win = rng.choice(m.languages), rng.choice(m.availability)
            day = self.today - dt.timedelta(days=rng.randint(1, 358))
            day -= dt.timedelta(days=(day.weekday() - win.weekday) % 7)
            minutes = rng.choice((30, 45, 60, 60, 60, 90, 120))
            latest = (win.end_time.hour - win.start_time.hour) * 60 - minutes
            offset = rng.randrange(0, latest + 1, 30)
            start = from_local(day, win.start_time) + dt.timedelta(minutes=offset)
            roll = rng.random()
            if not workday(day) or (roll >= 0.18 and not self._free(
                    m, start, start + dt.timedelta(minutes=minutes))):
                continue
            made += 1
            local = to_local(start)
            inst = rng.choice(insts)
            occasion = rng.choice(people.OCCASIONS_BY_KIND[inst.kind])
            code = rng.choice(people.RARE_LANGUAGES) if roll < 0.04 else lang.code
            req = self._request(
                inst, day, local.hour, local.minute, minutes, code,
                lang.variety if code == lang.code else "", occasion,
                note=rng.choice(people.NOTES[occasion]), family_members=rng.randint(1, 3),
                preferred_gender=rng.choice(("none", "none", "none", m.gender.replace(
                    "diverse", "none"))),
                created_at=start - dt.timedelta(days=rng.randint(4, 28), hours=rng.randint(0, 6)),
                mode=past_mode(made))
            if roll < 0.08:
                req.status, req.escalated_at = RequestStatus.UNFILLED, start - dt.timedelta(days=2)
            elif roll < 0.18:
                late = rng.random() < 0.35
                req.status, req.late_cancellation = RequestStatus.CANCELLED, late
                req.cancel_reason = rng.choice(people.CANCEL_REASONS)
                req.cancelled_at = start - (dt.timedelta(hours=rng.randint(2, 20)) if late
                                            else dt.timedelta(days=rng.randint(1, 3)))
                if late:
                    a = self._assign(req, m, AssignmentStatus.CANCELLED)
                    a.cancelled_at, a.cancelled_by = req.cancelled_at, CancelledBy.INSTITUTION
                    a.cancel_reason, a.late_cancellation = req.cancel_reason, True
            else:
                a = self._assign(req, m, AssignmentStatus.COMPLETED)
                self._complete(req, a, m, rng.random() < 0.05)
            req.updated_at = min(now, req.ends_at + dt.timedelta(days=1))

    def _complete(self, req, a: Assignment, m: Mediator, no_show: bool) -> None:
        rng, now = self.rng, self.now
        req.status = RequestStatus.COMPLETED
        req.outcome = Outcome.NO_SHOW if no_show else Outcome.TOOK_PLACE
        req.outcome_at = min(now, req.ends_at + dt.timedelta(hours=rng.randint(1, 48)))
        minutes = 30 if no_show else max(15, req.duration_minutes + rng.choice((-15, 0, 0, 15)))
        a.reported_minutes = minutes
        if m.mobility == "car":
            a.travel_km = Decimal(f"{rng.uniform(2, 14):.1f}")
        elif m.mobility == "public":
            a.ticket_cost_cents = rng.choice((290, 580))
        if req.mode != "on_site":  # nobody travelled (drawn all the same: the demo stays)
            a.travel_km = a.ticket_cost_cents = None
        a.reported_at = req.ends_at + dt.timedelta(hours=rng.randint(2, 72))
        a.approved_at = a.reported_at + dt.timedelta(days=rng.randint(1, 6))
        a.report_status, a.approved_by_id = ReportStatus.APPROVED, self.coordinator_id
        if a.approved_at > now:  # recent ones still wait for the coordinator
            a.report_status, a.approved_at, a.approved_by_id = ReportStatus.REPORTED, None, None
        if a.reported_at > now:
            a.report_status, a.reported_at, a.reported_minutes = ReportStatus.NONE, None, None
            a.travel_km = a.ticket_cost_cents = None

    def counts(self) -> dict:
        def by_status(column) -> dict:
            rows = self.s.execute(sa.select(column, sa.func.count()).group_by(column))
            return dict(sorted(rows.all()))

        result = {name: self.s.scalar(sa.select(sa.func.count()).select_from(model))
                  for name, model in COUNTED.items()}
        result["languages"] = self.s.scalar(
            sa.select(sa.func.count(sa.distinct(MediatorLanguage.code))))
        result["mediators_by_status"] = by_status(Mediator.status)
        result["requests_by_status"] = by_status(InterpretingRequest.status)
        return result


def seed_demo(session, *, today: dt.date | None = None) -> dict:
    """Fill an empty database with the demo pool; a second call changes nothing."""
    if session.scalar(sa.select(User.id).where(User.email == COORDINATOR_EMAIL)) is not None:
        return {"created": False, "logins": LOGINS, "counts": {}}
    now = now_utc()
    if today is None:
        today = to_local(now).date()
    elif today != to_local(now).date():  # keep "now" on the requested day
        now = from_local(today, to_local(now).time())
    seeder = _Seeder(session, today, now)
    seeder.institutions()
    seeder.modules()
    pool = people.PoolBuilder(session, seeder.rng, today, now, seeder.modules_by_code)
    demo, seeder.mediators = pool.build(), pool.mediators
    seeder.users(demo)
    seeder.absences_and_groups(demo)
    seeder.future_requests(demo)
    seeder.past_requests()
    add_pipeline_extras(session, today, now, seeder.modules_by_code)
    session.flush()
    from app.demo.meetings import seed_meetings

    seed_meetings(session, today, now)
    return {"created": True, "logins": LOGINS, "counts": seeder.counts()}
