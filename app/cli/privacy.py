"""`flask privacy purge`: apply the retention rules now instead of waiting for the scheduler."""

from __future__ import annotations

import click
from flask.cli import AppGroup

privacy = AppGroup("privacy", help="Data protection: retention and erasure.")


@privacy.command("purge")
def privacy_purge() -> None:
    """Apply the retention rules now: request notes, police certificates, old applicants."""
    from app.services.pool.tasks import run_retention

    result = run_retention()
    click.echo(" ".join(f"{k}={v}" for k, v in result.items()))
