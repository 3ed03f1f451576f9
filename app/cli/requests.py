"""`flask requests tick`: the periodic request tasks by hand (normally run by the scheduler)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.extensions import db

requests_group = AppGroup("requests", help="Interpreting requests.")


@requests_group.command("tick")
def tick() -> None:
    """Expire offers, mark unfilled requests and escalate unanswered ones, then commit."""
    from app.services.booking.offers import tick as run_tick
    from app.timeutil import now_utc

    result = run_tick(now_utc())
    db.session.commit()
    click.echo(" ".join(f"{k}={v}" for k, v in result.items()))
