"""User accounts and roles."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import TYPE_CHECKING, Optional

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates
from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import db
from app.models.base import TimestampMixin, in_check
from app.models.enums import Role
from app.timeutil import UTCDateTime

if TYPE_CHECKING:
    from app.models.institution import Institution
    from app.models.mediator import Mediator


def new_feed_secret() -> str:
    """Return a fresh per-user secret that feed tokens are derived from."""
    return secrets.token_hex(16)


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "app_user"
    __table_args__ = (
        in_check("role", Role, "role"),
        sa.CheckConstraint("email = lower(email)", name="email_lower"),
        sa.CheckConstraint(
            "role != 'institution' OR institution_id IS NOT NULL", name="institution_link"
        ),
        sa.CheckConstraint(
            "role != 'mediator' OR mediator_id IS NOT NULL", name="mediator_link"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120), default="")
    password_hash: Mapped[Optional[str]] = mapped_column(sa.String(256))
    role: Mapped[str] = mapped_column(sa.String(20))
    locale: Mapped[str] = mapped_column(sa.String(5), default="de")
    is_enabled: Mapped[bool] = mapped_column(default=True)
    institution_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("institution.id", ondelete="CASCADE"), index=True
    )
    mediator_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("mediator.id", ondelete="CASCADE"), unique=True
    )
    feed_secret: Mapped[Optional[str]] = mapped_column(sa.String(64), default=new_feed_secret)
    last_login_at: Mapped[Optional[dt.datetime]] = mapped_column(UTCDateTime)
    # part of the Flask-Login id in the session and the remember cookie: raising it ends
    # every session and remember cookie of this user (logout, password change, coordinator)
    session_version: Mapped[int] = mapped_column(default=1, server_default="1")
    # part of every invitation/reset link: raising it kills the links issued before
    link_version: Mapped[int] = mapped_column(default=0, server_default="0")

    institution: Mapped[Optional["Institution"]] = relationship(back_populates="users")
    mediator: Mapped[Optional["Mediator"]] = relationship(back_populates="user")

    @validates("email")
    def _normalise_email(self, _key: str, value: str) -> str:
        return value.strip().lower()

    def set_password(self, password: str) -> None:
        """Store the new hash and end every session opened with the old password."""
        self.password_hash = generate_password_hash(password)
        self.end_sessions()

    def end_sessions(self) -> None:
        """Make every session cookie and remember cookie issued so far invalid."""
        self.session_version = (self.session_version or 1) + 1

    def get_id(self) -> str:
        """Name user and session version, so a stale cookie no longer loads the user."""
        return f"{self.id}.{self.session_version or 1}"

    def check_password(self, password: str) -> bool:
        """Check a password; an account without one costs the same hash (tells nothing)."""
        if not self.password_hash:
            return dummy_password_check(password)
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # Flask-Login: disabled users cannot log in
        return self.is_enabled

    @property
    def is_coordinator(self) -> bool:
        return self.role == Role.COORDINATOR

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


_DUMMY_HASH: list[str] = []


def dummy_password_check(password: str) -> bool:
    """Spend what checking a real password costs, and fail: for addresses without a password.

    Without it a wrong password for a known address took ten times longer than one for an
    unknown address, which told anyone who has an account.
    """
    if not _DUMMY_HASH:  # same method and cost as the real hashes
        _DUMMY_HASH.append(generate_password_hash(secrets.token_urlsafe(16)))
    check_password_hash(_DUMMY_HASH[0], password)
    return False
