"""Generate the state-wide benchmark data set, deterministically, into a fresh database.

Run `python -m bench.generate --url postgresql+psycopg://postgres@127.0.0.1:5432/skm_bench`
(or `make bench-data`); `--scale 0.1 --url sqlite:///bench/skm_bench.sqlite` builds the town
variant. The schema comes from `flask db upgrade`, rows from bench.loader (COPY). Dates are
relative to `--today` (default: the current UTC date) so the open requests lie ahead.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time
from collections.abc import Iterator
from zoneinfo import ZoneInfo

from bench import people
from bench.loader import Loader, create_database

UTC = dt.UTC
BERLIN = ZoneInfo("Europe/Berlin")
PASSWORD = "bench-password"  # noqa: S105 - every generated account's password
COORDINATOR_EMAIL = "koordination@bench.example"
BASE = {"mediators": 5000, "institutions": 3000, "past": 1_000_000, "open": 2000,
        "future_assigned": 1500, "supervision_groups": 200, "institution_users": 500,
        "mediator_users": 2000}


class Generator:
    """Synthesize every table's rows from one seeded random stream."""

    def __init__(self, scale: float, seed: int, today: dt.date):
        self.rng = random.Random(seed)
        self.n = {k: max(1, round(v * scale)) for k, v in BASE.items()}
        self.n["supervision_groups"] = max(2, self.n["supervision_groups"])
        self.today = today
        self.now = dt.datetime.combine(today, dt.time(6, 0), tzinfo=UTC)
        self.lang_pool: dict[str, list[int]] = {}
        self.active: list[int] = []
        self.booked: dict[tuple[int, dt.date], list[tuple[dt.datetime, dt.datetime]]] = {}

    def local(self, day: dt.date, minutes: int) -> dt.datetime:
        """Turn a local day plus minutes after midnight into aware UTC."""
        wall = dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60), tzinfo=BERLIN)
        return wall.astimezone(UTC)

    def run(self, loader: Loader) -> dict[str, int]:
        """Load all tables in foreign-key order and return the row counts."""
        from werkzeug.security import generate_password_hash

        self.password_hash = generate_password_hash(PASSWORD)
        for step in (self.reference, self.institutions, self.mediators, self.users,
                     self.past_requests, self.upcoming_requests, self.meetings):
            step(loader)
        return dict(loader.counts)

    # -- reference data -------------------------------------------------------------------
    def reference(self, loader: Loader) -> None:
        loader.load("cohort", ["id", "year", "name"],
                    [(i + 1, y, f"Jahrgang {y}") for i, y in enumerate(range(2012, 2027))])
        loader.load("qualification_module", ["id", "code", "title_de", "title_en", "required",
                                             "position"],
                    [(i + 1, c, de, en, req, i) for i, (c, de, en, req) in
                     enumerate(people.MODULES)])

    def institutions(self, loader: Loader) -> None:
        rng, n = self.rng, self.n["institutions"]

        def rows() -> Iterator[tuple]:
            for i in range(1, n + 1):
                kind = rng.choices(people.INSTITUTION_KINDS, people.INSTITUTION_WEIGHTS)[0]
                district = rng.choice(people.DISTRICTS)
                yield (i, f"{people.KIND_PREFIX[kind]} {district} {i}", kind,
                       f"Hauptstraße {i % 200 + 1}", f"55{i % 1000:03d}", "Rheinstadt",
                       district, f"einrichtung{i}@bench.example")

        loader.load("institution", ["id", "name", "kind", "street", "postcode", "city",
                                    "district", "email"], rows())

    def mediators(self, loader: Loader) -> None:
        rng, n = self.rng, self.n["mediators"]
        med_rows, lang_rows, avail_rows, doc_rows, done_rows = [], [], [], [], []
        for i in range(1, n + 1):
            status = rng.choices(people.STATUSES, people.STATUS_WEIGHTS)[0]
            joined = self.today - dt.timedelta(days=rng.randint(30, 3650))
            left = joined + dt.timedelta(days=rng.randint(10, max(11, (self.today - joined).days)))
            gender = rng.choices(("female", "male", "diverse"), (62, 37, 1))[0]
            med_rows.append((
                i, rng.choice(people.FIRST_NAMES), rng.choice(people.LAST_NAMES),
                f"skm{i}@bench.example", f"0151 {1000000 + i}", gender,
                rng.choice(people.DISTRICTS), rng.choice(("foot", "bike", "public", "car")),
                rng.choice(("B1", "B2", "C1", "C2", "native")), status,
                min(joined.year, 2026) - 2011, joined,
                left if status in ("retired", "withdrawn") else None,
                rng.choice((1, 2, 3, 3, 4, 5, 6)), self.now))
            codes: set[str] = set()
            while len(codes) < rng.choices((1, 2, 3, 4), (35, 40, 18, 7))[0]:
                codes.add(rng.choices(people.LANGUAGES, people.LANGUAGE_WEIGHTS)[0])
            for code in sorted(codes):
                lang_rows.append((len(lang_rows) + 1, i, code, "",
                                  rng.choice(("native", "native", "C2", "C1", "B2"))))
                if status in ("active", "paused"):
                    self.lang_pool.setdefault(code, []).append(i)
            if status not in ("active", "paused", "retired"):
                continue
            if status == "active":
                self.active.append(i)
            for weekday in sorted(rng.sample(range(6), rng.randint(1, 4))):
                start = rng.randint(8, 14)
                avail_rows.append((len(avail_rows) + 1, i, weekday, dt.time(start),
                                   dt.time(min(20, start + rng.randint(3, 6)))))
            doc_rows.append((len(doc_rows) + 1, i, "pledge", joined, joined, False))
            if rng.random() < 0.9:
                seen = self.today - dt.timedelta(days=rng.randint(0, 1800))
                doc_rows.append((len(doc_rows) + 1, i, "police_certificate", seen,
                                 seen - dt.timedelta(days=rng.randint(0, 60)), False))
            for module_id in range(1, len(people.MODULES) + 1):
                if module_id <= 3 or rng.random() < 0.5:
                    done_rows.append((len(done_rows) + 1, i, module_id,
                                      joined + dt.timedelta(days=7 * module_id)))
        loader.load("mediator", ["id", "first_name", "last_name", "email", "phone", "gender",
                                 "district", "mobility", "german_level", "status", "cohort_id",
                                 "joined_on", "left_on", "max_per_week", "consent_at"], med_rows)
        loader.load("mediator_language", ["id", "mediator_id", "code", "variety", "level"],
                    lang_rows)
        loader.load("availability", ["id", "mediator_id", "weekday", "start_time", "end_time"],
                    avail_rows)
        loader.load("document", ["id", "mediator_id", "kind", "recorded_on", "issued_on",
                                 "has_relevant_entry"], doc_rows)
        loader.load("module_completion", ["id", "mediator_id", "module_id", "completed_on"],
                    done_rows)
        self.all_pool = [m for ids in self.lang_pool.values() for m in ids] or [1]

    def users(self, loader: Loader) -> None:
        rng = self.rng
        rows = [(1, COORDINATOR_EMAIL, "Koordination", self.password_hash, "coordinator",
                 None, None, f"{rng.getrandbits(128):032x}")]
        for i in range(1, self.n["institution_users"] + 1):
            rows.append((len(rows) + 1, f"einrichtung{i}@bench.example", f"Einrichtung {i}",
                         self.password_hash, "institution", i, None,
                         f"{rng.getrandbits(128):032x}"))
        mediator_ids = (self.active or [1])[: self.n["mediator_users"]]
        for mid in mediator_ids:
            rows.append((len(rows) + 1, f"skm{mid}@bench.example", f"SKM {mid}",
                         self.password_hash, "mediator", None, mid,
                         f"{rng.getrandbits(128):032x}"))
        loader.load("app_user", ["id", "email", "name", "password_hash", "role",
                                 "institution_id", "mediator_id", "feed_secret"], rows)

    # -- requests ---------------------------------------------------------------------------
    def _request(self, rid: int, day: dt.date) -> tuple:
        rng = self.rng
        start = self.local(day, rng.randrange(8 * 4, 17 * 4) * 15)
        minutes = rng.choice((30, 45, 60, 60, 60, 90, 90, 120))
        code = rng.choices(people.LANGUAGES, people.LANGUAGE_WEIGHTS)[0]
        created = start - dt.timedelta(days=rng.randint(2, 30), minutes=rng.randint(0, 600))
        return (rid, rng.randint(1, self.n["institutions"]), start,
                start + dt.timedelta(minutes=minutes), minutes, code,
                rng.choices(people.OCCASIONS, people.OCCASION_WEIGHTS)[0], rng.randint(1, 4),
                rng.choices(("none", "female", "male"), (85, 12, 3))[0], created)

    def _mediator_for(self, code: str) -> int:
        pool = self.lang_pool.get(code) or self.all_pool
        return pool[self.rng.randrange(len(pool))]

    def _book(self, code: str, start: dt.datetime, end: dt.datetime) -> int | None:
        """Pick a mediator free at that time (30 minutes travel buffer), or None: no history
        with double bookings, so later checks for them stay meaningful."""
        pad = dt.timedelta(minutes=30)
        for _ in range(6):
            mediator_id = self._mediator_for(code)
            taken = self.booked.setdefault((mediator_id, start.date()), [])
            if all(end + pad <= s or e + pad <= start for s, e in taken):
                taken.append((start, end))
                return mediator_id
        return None

    def past_requests(self, loader: Loader) -> None:
        rng, n = self.rng, self.n["past"]
        assignments: list[tuple] = []
        req_cols = ["id", "institution_id", "starts_at", "ends_at", "duration_minutes",
                    "language_code", "occasion", "family_members", "preferred_gender",
                    "created_at", "updated_at", "status", "assigned_at", "cancelled_at",
                    "cancel_reason", "late_cancellation", "outcome", "outcome_at"]
        asg_cols = ["id", "request_id", "mediator_id", "status", "starts_at", "ends_at",
                    "created_by_id", "created_at", "updated_at", "cancelled_at",
                    "cancelled_by", "cancel_reason", "report_status", "reported_minutes",
                    "travel_km", "ticket_cost_cents", "reported_at", "approved_at",
                    "approved_by_id"]

        def rows() -> Iterator[tuple]:
            for rid in range(1, n + 1):
                day = self.today - dt.timedelta(days=rng.randint(1, 3650))
                if day.weekday() >= 5:
                    day -= dt.timedelta(days=2)
                base = self._request(rid, day)
                start, end, minutes, code, created = base[2], base[3], base[4], base[5], base[9]
                state = rng.choices(("completed", "cancelled", "unfilled"), (84, 10, 6))[0]
                assigned = created + dt.timedelta(hours=rng.randint(2, 72))
                mediator_id = self._book(code, start, end) if state == "completed" else None
                if state == "completed" and mediator_id is None:
                    state = "unfilled"
                if state == "completed":
                    outcome = "took_place" if rng.random() < 0.94 else "no_show"
                    age = (self.today - day).days
                    report = "approved" if age > 45 else rng.choice(("reported", "none"))
                    done = report != "none"
                    assignments.append((
                        len(assignments) + 1, rid, mediator_id, "completed", start,
                        end, 1, assigned, end, None, "", "", report,
                        minutes + rng.choice((0, 0, 15, 30)) if done else None,
                        f"{rng.randint(0, 250) / 10:.1f}" if done else None,
                        rng.choice((None, None, 300, 560)) if done else None,
                        end + dt.timedelta(days=1) if done else None,
                        end + dt.timedelta(days=9) if report == "approved" else None,
                        1 if report == "approved" else None))
                    yield base + (end, "completed", assigned, None, "", False, outcome,
                                  end + dt.timedelta(days=2))
                elif state == "cancelled":
                    cancelled = start - dt.timedelta(hours=rng.randint(2, 200))
                    late = cancelled > start - dt.timedelta(hours=24)
                    if rng.random() < 0.5:
                        assignments.append((
                            len(assignments) + 1, rid, self._mediator_for(code), "cancelled",
                            start, end, 1, assigned, cancelled, cancelled, "institution",
                            "Termin abgesagt", "none", None, None, None, None, None, None))
                    yield base + (cancelled, "cancelled", None, cancelled, "Termin abgesagt",
                                  late, None, None)
                else:
                    yield base + (start, "unfilled", None, None, "", False, None, None)

        loader.load("interpreting_request", req_cols, rows())
        self.next_request = n + 1
        self.asg_cols = asg_cols
        loader.load("assignment", asg_cols, assignments)
        self.next_assignment = len(assignments) + 1

    def upcoming_requests(self, loader: Loader) -> None:
        """Open requests (some with pending offers) and assigned ones in the next weeks."""
        rng = self.rng
        requests, offers, assignments = [], [], []
        cols = ["id", "institution_id", "starts_at", "ends_at", "duration_minutes",
                "language_code", "occasion", "family_members", "preferred_gender",
                "created_at", "updated_at", "status", "assigned_at", "urgent"]
        for k in range(self.n["open"] + self.n["future_assigned"]):
            rid = self.next_request + k
            day = self.today + dt.timedelta(days=rng.randint(1, 28))
            base = self._request(rid, day)
            created = min(base[9], self.now - dt.timedelta(hours=1))
            base = base[:9] + (created,)
            if k < self.n["open"]:
                status = "offered" if rng.random() < 0.35 else "submitted"
                requests.append(base + (created, status, None, rng.random() < 0.05))
                if status == "offered":
                    for mid in sorted({self._mediator_for(base[5]) for _ in range(3)}):
                        offers.append((len(offers) + 1, rid, mid, "pending", self.now,
                                       self.now + dt.timedelta(days=2)))
            elif (mediator_id := self._book(base[5], base[2], base[3])) is None:
                requests.append(base + (created, "submitted", None, False))
            else:
                requests.append(base + (created, "assigned", created, False))
                assignments.append((
                    self.next_assignment + len(assignments), rid, mediator_id, "active",
                    base[2], base[3], 1, created, created, None, "", "", "none",
                    None, None, None, None, None, None))
        loader.load("interpreting_request", cols, requests)
        loader.load("offer", ["id", "request_id", "mediator_id", "status", "created_at",
                              "expires_at"], offers)
        loader.load("assignment", self.asg_cols, assignments)

    # -- meetings ---------------------------------------------------------------------------
    def meetings(self, loader: Loader) -> None:
        rng = self.rng
        groups, members, meetings, attendance = [], [], [], []
        pool = self.active or [1]
        for g in range(1, self.n["supervision_groups"] + 1):
            groups.append((g, f"Supervisionsgruppe {g}", f"Supervisorin {g}"))
            for mid in sorted(set(rng.sample(pool, min(len(pool), 15)))):
                members.append((len(members) + 1, g, mid))
        for month in range(0, 120, 2):  # exchange meetings every two months, ten years
            day = (self.today.replace(day=1) - dt.timedelta(days=30 * month)).replace(day=15)
            start = self.local(day, 18 * 60)
            meetings.append((len(meetings) + 1, "exchange", None, "Austauschtreffen", start,
                             start + dt.timedelta(hours=2)))
        by_group: dict[int, list[int]] = {}
        for _, g, mid in members:
            by_group.setdefault(g, []).append(mid)
        for g in by_group:
            for month in range(36):
                day = (self.today.replace(day=1) - dt.timedelta(days=30 * month)).replace(
                    day=1 + g % 27)
                start = self.local(day, 17 * 60)
                meetings.append((len(meetings) + 1, "supervision", g, f"Supervision {g}",
                                 start, start + dt.timedelta(minutes=90)))
        for mid_, kind, g, _title, start, _end in meetings:
            past = start < self.now
            who = by_group[g] if kind == "supervision" else rng.sample(pool, min(len(pool), 40))
            for mediator_id in who:
                rsvp = rng.choices(("yes", "no", "maybe", None), (70, 15, 5, 10))[0]
                attended = (rsvp == "yes" and rng.random() < 0.9) if past else None
                attendance.append((len(attendance) + 1, mid_, mediator_id, rsvp, attended))
        loader.load("supervision_group", ["id", "name", "supervisor_name"], groups)
        loader.load("supervision_member", ["id", "group_id", "mediator_id"], members)
        loader.load("meeting", ["id", "kind", "group_id", "title", "starts_at", "ends_at"],
                    meetings)
        loader.load("meeting_attendance", ["id", "meeting_id", "mediator_id", "rsvp",
                                           "attended"], attendance)


def generate(url: str, scale: float = 1.0, seed: int = 8, today: dt.date | None = None,
             migrate: bool = True) -> dict[str, int]:
    """Build the data set into `url` (recreated and migrated first) and return row counts."""
    from app.extensions import db

    if migrate:
        create_database(url)
    today = today or dt.datetime.now(UTC).date()
    gen = Generator(scale, seed, today)
    loader = Loader(url, db.metadata, gen.now)
    counts = gen.run(loader)
    loader.finish()
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="postgresql+psycopg://postgres@127.0.0.1:5432/skm_bench")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--today", type=dt.date.fromisoformat, default=None)
    args = parser.parse_args()
    started = time.perf_counter()
    counts = generate(args.url, args.scale, args.seed, args.today)
    seconds = time.perf_counter() - started
    for name, count in counts.items():
        print(f"{name:<22} {count:>10,}")
    print(f"generated in {seconds:.1f} s (scale {args.scale}, seed {args.seed})")


if __name__ == "__main__":
    main()
