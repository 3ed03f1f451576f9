"""`flask requests tick`: the periodic request tasks by hand (normally run by the scheduler)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

requests_group = AppGroup("requests", help="Interpreting requests.")


@requests_group.command("tick")
def tick() -> None:
    """Expire offers, mark unfilled requests and escalate unanswered ones, then commit."""
    from app.services.booking.tasks import tick as run_tick

    result = run_tick()
    click.echo(" ".join(f"{k}={v}" for k, v in result.items()))
