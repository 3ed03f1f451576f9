"""`flask users ...`: accounts for the first coordinator, and the operator's toolbox.

`create`, `list`, `reset-password EMAIL` (prints a one-time link, sends nothing),
`disable EMAIL` / `enable EMAIL` (disabling ends every session), `end-sessions EMAIL`.
Every change goes through the accounts service, commits once and is audited with the actor
"CLI" (`audit.CLI`); a refusal is a one-line error and exit status 1, never a traceback.
"""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from app.extensions import db
from app.models import User
from app.models.enums import Role

users = AppGroup("users", help="Manage user accounts.")


@users.command("create")
@click.option("--role", type=click.Choice([role.value for role in Role]), required=True)
@click.option("--email", required=True)
@click.option("--name", default="")
@click.option("--institution-id", type=int, default=None)
@click.option("--mediator-id", type=int, default=None)
@click.password_option()
def create_user(role, email, name, institution_id, mediator_id, password) -> None:
    """Create a user account (asks for the password)."""
    from app.models import Institution, Mediator
    from app.services.core import accounts, audit
    from app.services.core.errors import DomainError

    institution = db.session.get(Institution, institution_id) if institution_id else None
    mediator = db.session.get(Mediator, mediator_id) if mediator_id else None
    if role == Role.INSTITUTION and institution is None:
        raise click.UsageError("--institution-id of an existing institution is required")
    if role == Role.MEDIATOR and mediator is None:
        raise click.UsageError("--mediator-id of an existing mediator is required")
    try:
        user = accounts.create_user(
            email, role, name=name, password=password,
            institution=institution, mediator=mediator, label=audit.CLI,
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


def _run(service, email: str, *args, **kwargs):
    """Find the account, call the service with the CLI as actor, commit once; errors exit 1."""
    from app.services.core import accounts, audit
    from app.services.core.errors import DomainError

    try:
        user = accounts.user_by_email(email)
        result = service(user, *args, label=audit.CLI, **kwargs)
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    return user, result


@users.command("reset-password")
@click.argument("email")
def reset_password(email: str) -> None:
    """Print a one-time link to set a new password (nothing is mailed; older links die)."""
    from app.services.core import accounts

    user, link = _run(accounts.issue_reset_link, email)
    click.echo(f"One-time password link for {user.email} (hand it over in person; it "
               f"expires and works once):")
    click.echo(link)


@users.command("disable")
@click.argument("email")
def disable(email: str) -> None:
    """Disable an account: no login, no links, no feed, every session ends now, and a
    mediator's pending offers are withdrawn."""
    from app.services.pool import departure

    user, changed = _run(lambda user, label: departure.disable_account(None, user, label=label),
                         email)
    click.echo(f"Disabled {user.email}; all sessions ended." if changed
               else f"{user.email} was disabled already.")


@users.command("enable")
@click.argument("email")
def enable(email: str) -> None:
    """Enable a disabled account again."""
    from app.services.core import accounts

    user, changed = _run(accounts.set_enabled, email, True)
    click.echo(f"Enabled {user.email}." if changed else f"{user.email} was enabled already.")


@users.command("end-sessions")
@click.argument("email")
def end_sessions(email: str) -> None:
    """End every session and remember cookie of an account (it stays enabled)."""
    from app.services.core import accounts

    user, _ = _run(accounts.end_sessions, email)
    click.echo(f"Ended all sessions of {user.email}.")
