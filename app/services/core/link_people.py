"""Is a link still good for the person it was sent to? One answer for every signed link.

Why: a signature only proves that we wrote the link, not that its addressee may still use it.
A mediator who was retired or erased, an account that was disabled, an institution that left
the pool: their offer, report, rating, invitation, reset and calendar links must stop
working at once, and on every use (GET and POST), not only when they expire. Each link kind
reads its token in its own service (`offers.read_token`, `follow_up.read_token`,
`accounts.user_from_token`, the feed's poll statement) and then asks here, with the people
the link names as they are *now* in the database. The views answer `LinkGoneError` with one clear
page (410) and store nothing.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from app.models import Institution, Mediator, User
from app.models.mediator import MEDIATOR_LEFT_STATUSES
from app.services.core.errors import DomainError


class LinkGoneError(DomainError):
    """The person (or what the link is about) is no longer there: 410, nothing changes."""

    status = 410

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or _(
            "This link no longer works: the person or the account it was sent for is no "
            "longer active in SKM-Pool. Nothing was changed. If you have questions, please "
            "contact the office."))


def person_gone(*, user: User | None = None, mediator: Mediator | None = None,
                institution: Institution | None = None) -> bool:
    """Tell whether any of the people a link names has left: a mediator erased, retired,
    rejected or withdrawn; an account disabled; an institution no longer active."""
    if mediator is not None and mediator.has_left:
        return True
    if user is not None and not user.is_enabled:
        return True
    return institution is not None and not institution.active


def check(*, user: User | None = None, mediator: Mediator | None = None,
          institution: Institution | None = None, about: Mediator | None = None) -> None:
    """Refuse a link whose people have left (`LinkGoneError`); `about` is the mediator whose
    work a link rates: once they are erased, nothing more may be stored about it."""
    if person_gone(user=user, mediator=mediator, institution=institution):
        raise LinkGoneError()
    if about is not None and about.erased_at is not None:
        raise LinkGoneError()


def check_account(user: User | None) -> None:
    """Refuse an account link (invitation, reset) of a deleted or departed account."""
    if user is None:  # the signature was ours, so the account existed: it was deleted
        raise LinkGoneError()
    check(user=user, mediator=user.mediator, institution=user.institution)


def account_alive() -> list[sa.ColumnElement[bool]]:
    """`check_account` as SQL conditions on `app_user` (the calendar feed's poll statement):
    the account's mediator is neither erased nor left, its institution still active.

    The account's own `is_enabled` is the caller's (the poll filters it already). The
    statuses are written into the text (our own constants), so the poll keeps the user id
    as its only bound parameter and PostgreSQL its one generic plan.
    """
    left = [sa.literal_column(f"'{status}'") for status in MEDIATOR_LEFT_STATUSES]
    live_mediator = sa.exists().where(Mediator.id == User.mediator_id,
                                      Mediator.erased_at.is_(None), Mediator.status.not_in(left))
    live_institution = sa.exists().where(Institution.id == User.institution_id,
                                         Institution.active.is_(True))
    return [sa.or_(User.mediator_id.is_(None), live_mediator),
            sa.or_(User.institution_id.is_(None), live_institution)]
