"""`flask users create|list|disable`: accounts for the first coordinator and for operators."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from app.extensions import db
from app.models import User
from app.models.user import ROLES

users = AppGroup("users", help="Manage user accounts.")


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
    from app.services.core import accounts
    from app.services.core.errors import DomainError

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


@users.command("disable")
@click.argument("email")
def disable_user(email) -> None:
    """Disable an account: no login, its sessions, links and calendar feed end at once, and a
    mediator's pending offers are withdrawn."""
    from app.services.pool import departure

    user = db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise click.ClickException(f"No account with the address {email}.")
    departure.disable_account(None, user)
    db.session.commit()
    click.echo(f"Disabled {user.role} {user.email} (id {user.id}).")
