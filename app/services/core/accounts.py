"""Accounts: invitations and password resets through signed, expiring, single-use links."""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from flask import current_app, render_template, url_for
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from app.extensions import db
from app.models import Institution, Mediator, User
from app.services.core import audit
from app.services.core.errors import DomainError
from app.services.core.recipients import Kind, queue, recipients, speaking

SALTS = {"invite": "skm-invite", "reset": "skm-reset"}


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALTS[purpose])


def _fingerprint(user: User) -> str:
    """Change whenever the password changes, so a used link cannot be used again."""
    return hashlib.sha256((user.password_hash or "unset").encode()).hexdigest()[:16]


def make_token(user: User, purpose: str) -> str:
    return _serializer(purpose).dumps({"uid": user.id, "fp": _fingerprint(user)})


def user_from_token(token: str, purpose: str) -> User:
    """Return the user a link belongs to, or raise DomainError when it expired or was used."""
    max_age = current_app.config["INVITE_MAX_AGE" if purpose == "invite" else "RESET_MAX_AGE"]
    try:
        data = _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise DomainError(_("This link has expired. Please ask for a new one.")) from exc
    except BadSignature as exc:
        raise DomainError(_("This link is invalid.")) from exc
    user = db.session.get(User, data.get("uid"))
    if user is None or not user.is_enabled or data.get("fp") != _fingerprint(user):
        raise DomainError(_("This link has already been used or is no longer valid."))
    return user


def email_taken(email: str) -> bool:
    return (
        db.session.scalar(sa.select(User.id).where(User.email == email.strip().lower()))
        is not None
    )


def create_user(
    email: str,
    role: str,
    *,
    name: str = "",
    password: str | None = None,
    institution: Institution | None = None,
    mediator: Mediator | None = None,
    locale: str = "de",
) -> User:
    """Create an account; e-mail uniqueness is enforced by the database as well."""
    if email_taken(email):
        raise DomainError(_("An account with this e-mail address already exists."))
    user = User(
        email=email,
        role=role,
        name=name,
        institution=institution,
        mediator=mediator,
        locale=locale,
    )
    if password:
        user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def _send_link_mail(user: User, purpose: str) -> None:
    token = make_token(user, purpose)
    endpoint = "auth.accept_invite" if purpose == "invite" else "auth.reset_password"
    link = current_app.config["BASE_URL"].rstrip("/") + url_for(endpoint, token=token)
    kind = Kind.ACCOUNT_INVITE if purpose == "invite" else Kind.PASSWORD_RESET
    for rcpt in recipients(kind, user):
        with speaking(rcpt):
            if purpose == "invite":
                subject = _("Your access to SKM-Pool")
            else:
                subject = _("Reset your SKM-Pool password")
            body = render_template(f"email/{purpose}.txt", user=user, link=link)
        queue(rcpt, subject, body)


def invite(actor: User, user: User) -> None:
    """Queue an invitation e-mail with a link to set the password."""
    _send_link_mail(user, "invite")
    audit.record(actor, "invite", "user", user.id, email=user.email, role=user.role)


def request_reset(email: str) -> None:
    """Queue a reset link if the account exists; silent otherwise (no account enumeration)."""
    user = db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))
    if user is not None:
        _send_link_mail(user, "reset")  # the policy sends no reset to a disabled account


def set_password_from_token(token: str, purpose: str, password: str) -> User:
    user = user_from_token(token, purpose)
    user.set_password(password)
    audit.record(user, f"password_{purpose}", "user", user.id)
    db.session.flush()
    return user


def set_locale(user: User, code: str) -> None:
    """Remember the user's UI language (it also picks the language of their e-mails)."""
    user.locale = code
