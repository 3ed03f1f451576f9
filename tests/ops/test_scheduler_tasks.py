"""Scheduled jobs live in one place per domain: `app/services/<domain>/tasks.py`.

Fails when a job is declared anywhere else (a `Job(...)` outside a tasks.py, or a tasks.py job
whose entry point lives in another module), when two jobs share an id, when a tasks.py is
not collected by `app.scheduler`, or when a job's entry point cannot be resolved by name. The
ids and timings are pinned: the ids are stored in the `scheduler_run` table.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import types
from collections import Counter
from pathlib import Path

from app import scheduler
from app.services.core.jobs import Job

ROOT = Path(__file__).resolve().parents[2]
TASKS = "app/services/*/tasks.py"

# id: (minutes, misfire_grace_time, interval_setting), as stored and run before the move
PINNED = {
    "outbox.deliver": (1, 300, "OUTBOX_INTERVAL_SECONDS"),
    "meetings.extend_series": (24 * 60, 6 * 3600, None),
    "reminders.meetings": (10, 3600, None),
    "reminders.assignments": (10, 3600, None),
    "reminders.documents": (60, 6 * 3600, None),
    "reminders.open_requests_digest": (30, 6 * 3600, None),
    "requests.tick": (5, 1800, None),
    "follow_up.send": (30, 6 * 3600, None),
    "follow_up.assume": (60, 6 * 3600, None),
    "privacy.retention": (24 * 60, 12 * 3600, None),
}


def job_calls_outside_tasks(root: Path = ROOT) -> list[str]:
    """Every `Job(...)` call in app/ outside a domain's tasks.py."""
    allowed = {p.relative_to(root) for p in root.glob(TASKS)}
    found = []
    for path in sorted(root.glob("app/**/*.py")):
        where = path.relative_to(root)
        if where in allowed:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if name == "Job":
                    found.append(f"{where}:{node.lineno}")
    return found


def registry_offences(modules, jobs) -> list[str]:
    """What is wrong with a registry: `jobs` collected from the tasks `modules`."""
    offences = [f"id {i!r} is declared {n} times"
                for i, n in Counter(job.id for job in jobs).items() if n > 1]
    for job in jobs:
        module = inspect.getmodule(job.func)
        if not (module and module.__name__.startswith("app.services.")
                and module.__name__.endswith(".tasks") and module.__name__.count(".") == 3):
            offences.append(f"{job.id}: entry point {job.ref} is not in a domain's tasks.py")
        elif module not in modules or not any(job is j for j in module.JOBS):
            offences.append(f"{job.id}: not declared in the JOBS of {module.__name__}")
        try:
            name, _, qualname = job.ref.partition(":")
            resolved = getattr(importlib.import_module(name), qualname)
        except (ImportError, AttributeError):
            resolved = None
        if resolved is not job.func:
            offences.append(f"{job.id}: {job.ref} does not resolve to its entry point")
        elif any(p.default is p.empty for p in inspect.signature(job.func).parameters.values()):
            offences.append(f"{job.id}: {job.ref} needs arguments the scheduler does not pass")
    collected = [job for module in modules for job in module.JOBS]
    if [job.id for job in collected] != [job.id for job in jobs]:
        offences.append("JOBS is not the tasks modules' lists, in order")
    return offences


def test_jobs_are_declared_only_in_tasks_modules():
    assert job_calls_outside_tasks() == []
    assert registry_offences(scheduler.TASK_MODULES, scheduler.JOBS) == []


def test_every_tasks_module_is_collected():
    on_disk = {str(p.relative_to(ROOT)) for p in ROOT.glob(TASKS)}
    collected = {str(Path(m.__file__).relative_to(ROOT)) for m in scheduler.TASK_MODULES}
    assert collected == on_disk
    assert all(module.JOBS for module in scheduler.TASK_MODULES)  # no empty tasks.py


def test_ids_and_timings_are_the_stored_ones(app):
    got = {job.id: (job.minutes, job.misfire_grace_time, job.interval_setting)
           for job in scheduler.JOBS}
    assert got == PINNED
    assert scheduler.JOBS[0].id == "outbox.deliver"  # a pass delivers what waits first
    for job in scheduler.JOBS:
        assert job.coalesce is True
        assert job.interval_setting is None or job.interval_setting in app.config


def test_the_apscheduler_gets_exactly_the_collected_jobs(app):
    built = {j.id: j for j in scheduler.build_scheduler(app).get_jobs()}
    assert list(built) == [job.id for job in scheduler.JOBS]
    assert built["outbox.deliver"].trigger.interval.total_seconds() == (
        app.config["OUTBOX_INTERVAL_SECONDS"])
    assert built["requests.tick"].trigger.interval.total_seconds() == 5 * 60


def _stray() -> None:
    """An entry point outside any tasks.py (for the check below)."""


def test_the_check_names_a_shared_id_and_a_stray_job(tmp_path):
    """The checks themselves: a duplicate id, entry points elsewhere, a Job() elsewhere."""
    from app.services.booking import tasks as booking

    fake = types.SimpleNamespace(JOBS=[
        Job("requests.tick", booking.tick, 5, 60),
        Job("requests.tick", booking.send_follow_ups, 5, 60),
        Job("stray", _stray, 5, 60),
        Job("anonymous", lambda: None, 5, 60),
    ])
    said = registry_offences((fake,), fake.JOBS)
    assert "id 'requests.tick' is declared 2 times" in said
    assert "requests.tick: not declared in the JOBS of app.services.booking.tasks" in said
    assert any(s.startswith("stray: entry point tests.ops.test_scheduler_tasks:_stray")
               for s in said), said
    assert any(s.startswith("anonymous: entry point") for s in said), said

    for where in ("app/scheduler.py", "app/services/booking/tasks.py",
                  "app/services/booking/offers.py"):
        (tmp_path / where).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / where).write_text("JOBS = [\n    jobs.Job('x', f, 1, 60),\n]\n")
    assert job_calls_outside_tasks(tmp_path) == [
        "app/scheduler.py:2", "app/services/booking/offers.py:2"]
