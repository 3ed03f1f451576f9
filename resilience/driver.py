"""The load: institutions submit, coordinators offer and assign, mediators accept, feeds polled.

Threads, each a user agent with its own session, run until a deadline or a request budget.
Every response is recorded; the tests judge the record and the database afterwards.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

from resilience.http import CSRF_RE, Client

INSTITUTIONS = [("kita@skm-demo.de", "demo-kita"), ("schule@skm-demo.de", "demo-schule")]
COORDINATOR = ("koordination@skm-demo.de", "demo-koordination")
MEDIATOR = ("mittler@skm-demo.de", "demo-mittler")
LANGUAGES = ("ara", "tur", "fas", "ukr", "rus", "tir", "prs", "kur", "pus", "sqi")
ANSWER_RE = re.compile(r"https?://[^/\s]+(/me/offers/answer/[A-Za-z0-9_.\-]+)")


@dataclass
class Record:
    """Every response of the run, thread-safe."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    statuses: Counter = field(default_factory=Counter)
    server_errors: list = field(default_factory=list)  # (time, method, path, status, excerpt)
    unavailable: list = field(default_factory=list)  # 503 bodies (time, path, body)
    errors: list = field(default_factory=list)  # connection errors (time, repr)
    ok_after: list = field(default_factory=list)  # times of 2xx/3xx answers
    refused: Counter = field(default_factory=Counter)  # (method, path shape, 4xx status)

    def __call__(self, method: str, path: str, status: int, body: str) -> None:
        now = time.monotonic()
        with self.lock:
            self.statuses[status] += 1
            if status == 503:
                self.unavailable.append((now, path, body))
            elif status >= 500:
                self.server_errors.append((now, method, path, status, body[:300]))
            elif status < 400:
                self.ok_after.append(now)
            else:
                self.refused[(method, re.sub(r"/[\w.\-]{20,}|/\d+", "/*", path), status)] += 1

    def total(self) -> int:
        with self.lock:
            return sum(self.statuses.values())


class Load:
    """Run the role threads against `ports` until `seconds` pass or `max_requests` are made."""

    def __init__(self, ports: list[int], mailbox, seconds: float, max_requests: int,
                 seed: int = 8) -> None:
        self.ports, self.mailbox = ports, mailbox
        self.deadline = time.monotonic() + seconds
        self.max_requests = max_requests
        self.record = Record()
        self.rng = random.Random(seed)
        self.seen_links: set[str] = set()
        self.links_lock = threading.Lock()
        self.threads: list[threading.Thread] = []

    def running(self) -> bool:
        return time.monotonic() < self.deadline and self.record.total() < self.max_requests

    def _loop(self, name: str, step, login=None) -> None:
        client = Client(self.ports, self.record)
        logged_in = False
        while self.running():
            try:
                if login and not logged_in:
                    logged_in = client.login(*login)
                    if not logged_in:
                        time.sleep(0.5)
                        continue
                step(client)
            except OSError as exc:  # a refused connection is recorded, never a crash
                with self.record.lock:
                    self.record.errors.append((time.monotonic(), name, repr(exc)))
                time.sleep(0.2)

    # -- role steps ------------------------------------------------------------------------
    def institution_step(self, client: Client) -> None:
        status, _, html = client.get("/requests/new")
        token = CSRF_RE.search(html) if status == 200 else None
        if not token:
            time.sleep(0.2)
            return
        offered = set(re.findall(r'<option value="([a-z]{3})"', html))
        language = self.rng.choice([c for c in LANGUAGES if c in offered] or sorted(offered))
        day = dt.date.today() + dt.timedelta(days=self.rng.randint(8, 40))
        while day.weekday() >= 5:
            day += dt.timedelta(days=1)
        client.post("/requests/new", {
            "csrf_token": token.group(1), "day": day.isoformat(),
            "start_time": f"{self.rng.randint(8, 15):02d}:{self.rng.choice(['00', '30'])}",
            "duration_minutes": "60", "mode": "on_site", "place_kind": "institution",
            "language_code": language,
            "occasion": "parent_meeting", "family_members": "1", "preferred_gender": "none",
            "weeks": "1"})
        client.get("/requests/")

    def coordinator_step(self, client: Client) -> None:
        status, _, html = client.get("/coordination/requests")
        ids = re.findall(r"/coordination/requests/(\d+)\"", html) if status == 200 else []
        if not ids:
            time.sleep(0.3)
            return
        rid = self.rng.choice(ids)
        status, _, html = client.get(f"/coordination/requests/{rid}")
        token = CSRF_RE.search(html) if status == 200 else None
        candidates = re.findall(r'name="mediator_ids" value="(\d+)"', html)
        if not token or not candidates:
            return
        if self.rng.random() < 0.25:  # direct assignment races with accepted offers
            client.post(f"/coordination/requests/{rid}/assign",
                        {"csrf_token": token.group(1), "mediator_id": candidates[0]})
        else:
            chosen = self.rng.sample(candidates, min(len(candidates), 3))
            client.post(f"/coordination/requests/{rid}/offers",
                        {"csrf_token": token.group(1), "mediator_ids": chosen})

    def _next_link(self) -> str | None:
        with self.mailbox.lock:
            messages = list(self.mailbox.messages)
        with self.links_lock:
            for msg in messages:
                body = msg.get_body(preferencelist=("plain",))
                text = body.get_content() if body is not None else ""
                for path in ANSWER_RE.findall(text)[:1]:  # the first link accepts
                    if path not in self.seen_links:
                        self.seen_links.add(path)
                        return path
        return None

    def mediator_step(self, client: Client) -> None:
        path = self._next_link()
        if path is None:
            time.sleep(0.3)
            return
        status, _, html = client.get(path)
        token = CSRF_RE.search(html) if status == 200 else None
        if token:
            client.post(path, {"csrf_token": token.group(1)})

    def feed_step(self, client: Client, state: dict) -> None:
        if "feed" not in state:
            _, _, html = client.get("/calendar/")
            match = re.search(r"(/calendar/[A-Za-z0-9_\-]+\.ics)", html)
            if not match:
                time.sleep(0.5)
                return
            state["feed"] = match.group(1)
        headers = {"If-None-Match": state["etag"]} if state.get("etag") else None
        status, got, _ = client.get(state["feed"], headers=headers)
        if status == 200 and "etag" in got:
            state["etag"] = got["etag"]
        time.sleep(0.05)

    def start(self) -> None:
        plan = [("institution", self.institution_step, INSTITUTIONS[0]),
                ("institution", self.institution_step, INSTITUTIONS[1]),
                ("coordinator", self.coordinator_step, COORDINATOR),
                ("coordinator", self.coordinator_step, COORDINATOR),
                ("mediator", self.mediator_step, None),
                ("mediator", self.mediator_step, None)]
        for role in (MEDIATOR, COORDINATOR):
            state: dict = {}
            plan.append(("feed", lambda c, s=state: self.feed_step(c, s), role))
        for name, step, login in plan:
            thread = threading.Thread(target=self._loop, args=(name, step, login), daemon=True)
            thread.start()
            self.threads.append(thread)

    def join(self) -> None:
        for thread in self.threads:
            thread.join(timeout=90)
