"""Operator commands (`flask --app wsgi ...`)."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask import Flask

from app.cli_ops import register_ops_cli
from app.extensions import db
from app.models import User
from app.models.user import ROLES


def register_cli(app: Flask) -> None:
    """Attach the command groups to the app."""
    register_ops_cli(app)

    @app.cli.command("seed-demo")
    def seed_demo_command() -> None:
        """Load German demo data into an empty database (safe to run again)."""
        from app.demo_data import seed_demo

        result = seed_demo(db.session)
        db.session.commit()
        if not result["created"]:
            click.echo("Demo data already present; nothing changed.")
        else:
            click.echo("Demo data loaded: " + ", ".join(
                f"{k}={v}" for k, v in result.get("counts", {}).items()))
        click.echo("Demo logins:")
        for role, email, password in result.get("logins", []):
            click.echo(f"  {role:<12} {email:<28} {password}")

    users = click.Group("users", help="Manage user accounts.")
    app.cli.add_command(users)

    @users.command("create")
    @click.option("--role", type=click.Choice(ROLES), required=True)
    @click.option("--email", required=True)
    @click.option("--name", default="")
    @click.option("--institution-id", type=int, default=None)
    @click.option("--mediator-id", type=int, default=None)
    @click.password_option()
    def create_user(role, email, name, institution_id, mediator_id, password) -> None:
        """Create a user account (asks for the password)."""
        from app.models import Institution, Mediator
        from app.services import accounts
        from app.services.errors import DomainError

        institution = db.session.get(Institution, institution_id) if institution_id else None
        mediator = db.session.get(Mediator, mediator_id) if mediator_id else None
        if role == "institution" and institution is None:
            raise click.UsageError("--institution-id of an existing institution is required")
        if role == "mediator" and mediator is None:
            raise click.UsageError("--mediator-id of an existing mediator is required")
        try:
            user = accounts.create_user(
                email, role, name=name, password=password,
                institution=institution, mediator=mediator,
            )
        except DomainError as exc:
            raise click.ClickException(str(exc)) from exc
        db.session.commit()
        click.echo(f"Created {user.role} {user.email} (id {user.id}).")

    @users.command("list")
    def list_users() -> None:
        """List all user accounts."""
        for user in db.session.scalars(sa.select(User).order_by(User.role, User.email)):
            state = "" if user.is_enabled else " (disabled)"
            click.echo(f"{user.id:>5}  {user.role:<12} {user.email}{state}")

    outbox = click.Group("outbox", help="The e-mail outbox.")
    app.cli.add_command(outbox)

    @outbox.command("send")
    def send_outbox() -> None:
        """Deliver queued e-mails that are due (the scheduler does this every minute)."""
        from app.services.outbox import deliver_due

        result = deliver_due(limit=10_000)
        click.echo(f"sent={result['sent']} failed={result['failed']}")

    from app.cli_calendar import register_calendar_cli

    register_calendar_cli(app)

    privacy = click.Group("privacy", help="Data protection: retention and erasure.")
    app.cli.add_command(privacy)

    @privacy.command("purge")
    def privacy_purge() -> None:
        """Apply the retention rules now: request notes, police certificates, old applicants."""
        from app.services.privacy import run_retention

        result = run_retention()
        db.session.commit()
        click.echo(" ".join(f"{k}={v}" for k, v in result.items()))


def register_request_cli(app: Flask) -> None:
    """Attach `flask requests tick` (periodic request tasks, normally run by the scheduler)."""
    group = click.Group("requests", help="Interpreting requests.")
    app.cli.add_command(group)

    @group.command("tick")
    def tick() -> None:
        """Expire offers, mark unfilled requests and escalate unanswered ones, then commit."""
        from app.services.offers import tick as run_tick
        from app.timeutil import now_utc

        result = run_tick(now_utc())
        db.session.commit()
        click.echo(" ".join(f"{k}={v}" for k, v in result.items()))
