"""Accounts: invitations and password resets through signed, expiring, single-use links.

A link names the user and a fingerprint of the password hash and the user's link counter:
setting a password kills every link, and issuing a new link kills the older ones. Setting a
password ends the user's sessions (`User.set_password`); the strength rule is `passwords`.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from app.extensions import db
from app.models import AuditLog, Institution, Mediator, User
from app.models.enums import Role
from app.models.user import dummy_password_check
from app.services.core import audit, link_people, passwords
from app.services.core.errors import DomainError
from app.services.core.links import external_url
from app.services.core.recipients import Kind, queue, recipients, speaking
from app.timeutil import now_utc

SALTS = {"invite": "skm-invite", "reset": "skm-reset"}


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    from app.services.core import signing  # here: the rest of the module is another's change

    return signing.serializer(SALTS[purpose])


def _fingerprint(user: User) -> str:
    """Change with the password and with every newer link, so older links stop working.

    Without a link issued since migration 0012 (`link_version` 0) the old formula stands, so
    invitations sent before the upgrade keep working.
    """
    base = user.password_hash or "unset"
    if user.link_version:
        base = f"{base}:{user.link_version}"
    return hashlib.sha256(base.encode()).hexdigest()[:16]


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
    uid = data.get("uid") if isinstance(data, dict) else None
    user = db.session.get(User, uid) if isinstance(uid, int) else None
    link_people.check_account(user)  # deleted, disabled, or the person left: 410
    if data.get("fp") != _fingerprint(user):
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
    label: str = "",
) -> User:
    """Create an account; e-mail uniqueness is enforced by the database as well.

    With `label` (the CLI) the creation is audited here; the web callers audit it themselves.
    """
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
        passwords.check(password, passwords.account_words(email, name))
        user.set_password(password)
    db.session.add(user)
    db.session.flush()
    if label:
        audit.record(None, "create", "user", user.id, label=label, email=user.email,
                     role=user.role)
    return user


def _send_link_mail(user: User, purpose: str, *, keep_older: bool = False) -> None:
    if not keep_older:
        user.link_version = (user.link_version or 0) + 1  # the links sent before stop working
        db.session.flush()
    token = make_token(user, purpose)
    endpoint = "accounts.accept_invite" if purpose == "invite" else "accounts.reset_password"
    link = external_url(endpoint, token=token)
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


def authenticate(email: str, password: str) -> User | None:
    """Return the enabled account this password opens, or None.

    Every attempt costs one password hash, whether the address is known, unknown, disabled
    or still waiting for its first password: the answer time tells nobody who has an account.
    """
    user = db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))
    if user is None:
        dummy_password_check(password)
        return None
    if not user.check_password(password) or not user.is_enabled:
        return None
    return user


def request_reset(email: str) -> None:
    """Queue a reset link if the account exists; silent otherwise (no account enumeration).

    An account that never set a password gets its invitation again instead, and the
    invitation already sent keeps working: an anonymous request must not kill it. Unknown
    addresses do the same work (a signed link, a rendered mail) without sending anything.
    """
    user = db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))
    if user is None or (not user.password_hash and not user.is_enabled):
        _rehearse_link_mail(email)
    elif not user.password_hash:
        _send_link_mail(user, "invite", keep_older=True)
        audit.record(None, "invite_again", "user", user.id, email=user.email)
    else:
        _send_link_mail(user, "reset")  # the policy sends no reset to a disabled account


def _rehearse_link_mail(email: str) -> None:
    """Sign a link and render the mail as for a real account, and send nothing."""
    placeholder = User(id=0, email=email, name="", role=Role.MEDIATOR)
    link = external_url("accounts.reset_password", token=make_token(placeholder, "reset"))
    render_template("email/reset.txt", user=placeholder, link=link)


def password_words(user: User) -> list[str]:
    """Return the account's own words, which a good password must not lean on."""
    return passwords.account_words(user.email, user.name)


def set_password_from_token(token: str, purpose: str, password: str) -> User:
    """Set the password through a link; this ends every session the user had."""
    user = user_from_token(token, purpose)
    passwords.check(password, password_words(user))
    user.set_password(password)
    audit.record(user, f"password_{purpose}", "user", user.id)
    db.session.flush()
    return user


def set_locale(user: User, code: str) -> None:
    """Remember the user's UI language (it also picks the language of their e-mails)."""
    user.locale = code


def change_password(user: User, current: str, new: str) -> User:
    """Change a logged-in user's password; their other sessions end with it."""
    if not user.check_password(current):
        raise DomainError(_("The current password is not correct."))
    passwords.check(new, password_words(user))
    user.set_password(new)
    audit.record(user, "password_change", "user", user.id)
    db.session.flush()
    return user


def record_login(user: User) -> None:
    """Note the time of a successful login (shown to coordinators) and audit it."""
    user.last_login_at = now_utc()
    audit.record(user, "login", "user", user.id)
    db.session.flush()


FAILED_LOGIN_WINDOW = dt.timedelta(minutes=1)


def record_failed_login(email: str) -> bool:
    """Audit a failed login; return whether a row was written.

    Never the password, and the typed address only when it is an account's: people type a
    password into the address field, and an unknown address is nobody's business (the row
    names the account by id only, so erasing the person leaves no address behind). The volume
    is bounded: at most one row per account, and one for all unknown addresses together, per
    minute (a burst of guesses is one line; the login rate limit slows the guessing itself).
    """
    user = db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))
    user_id = user.id if user is not None else None
    recent = db.session.scalar(
        sa.select(AuditLog.id).where(
            AuditLog.action == "login_failed", AuditLog.object_type == "user",
            AuditLog.object_id.is_(None) if user_id is None else AuditLog.object_id == user_id,
            AuditLog.at >= now_utc() - FAILED_LOGIN_WINDOW).limit(1))
    if recent is not None:
        return False
    if user is None:
        audit.record(None, "login_failed", "user", None, known=False)
    else:
        audit.record(None, "login_failed", "user", user.id, enabled=user.is_enabled)
    db.session.flush()
    return True


def end_sessions(user: User, actor: User | None = None, *, label: str = "") -> None:
    """End every session and remember cookie of a user; audited when someone else does it
    (a coordinator, or the CLI with `label`)."""
    user.end_sessions()
    if actor is not None or label:
        audit.record(actor, "end_sessions", "user", user.id, label=label, email=user.email)
    db.session.flush()


def user_by_email(email: str) -> User:
    """Return the account with this address, or raise DomainError."""
    user = db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise DomainError(_("No account has this e-mail address."))
    return user


def set_enabled(user: User, enabled: bool, *, actor: User | None = None,
                label: str = "") -> bool:
    """Enable or disable an account; disabling ends every session and remember cookie.

    A disabled account cannot log in, and its invitation and reset links stop working.
    Returns whether anything changed (a repeated command is harmless and not audited).
    """
    if user.is_enabled == enabled:
        return False
    user.is_enabled = enabled
    if not enabled:
        user.end_sessions()
    audit.record(actor, "enable" if enabled else "disable", "user", user.id, label=label,
                 email=user.email)
    db.session.flush()
    return True


def issue_reset_link(user: User, *, actor: User | None = None, label: str = "") -> str:
    """Return a fresh one-time password link for the account, and send nothing.

    For an operator who hands the link over in person or on the phone. Older links stop
    working; the link sets a password like a mailed one (a reset link, or an invitation link
    for an account that never had a password) and expires after RESET_MAX_AGE/INVITE_MAX_AGE.
    """
    if not user.is_enabled:
        raise DomainError(_("This account is disabled; enable it first."))
    user.link_version = (user.link_version or 0) + 1
    db.session.flush()
    purpose = "reset" if user.password_hash else "invite"
    endpoint = "accounts.reset_password" if purpose == "reset" else "accounts.accept_invite"
    audit.record(actor, "reset_link", "user", user.id, label=label, email=user.email)
    return external_url(endpoint, token=make_token(user, purpose))
