"""`flask seed-demo`: the demo data of a fictitious town (what `make run` serves)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from app.extensions import db


@click.command("seed-demo")
@with_appcontext
def seed_demo() -> None:
    """Load German demo data into an empty database (safe to run again)."""
    from app.demo.seed import seed_demo as run_seed

    result = run_seed(db.session)
    db.session.commit()
    if not result["created"]:
        click.echo("Demo data already present; nothing changed.")
    else:
        click.echo("Demo data loaded: " + ", ".join(
            f"{k}={v}" for k, v in result.get("counts", {}).items()))
    click.echo("Demo logins:")
    for role, email, password in result.get("logins", []):
        click.echo(f"  {role:<12} {email:<28} {password}")
