"""A person leaves: pending offers withdrawn, calendar feed off, sessions ended, in one go.

Why: retiring a mediator used to leave their offers "pending" (the e-mail links still asked
"Can you come?", and a yes then failed with a conflict), their calendar feed running and
their browser sessions open. Every way out of the pool now calls `person_left` inside the
transaction that records it: the mediator's status set to retired, rejected or withdrawn
(`mediators.save_mediator`, `recruiting.change_status`), the erasure
(`privacy.erase_mediator`) and disabling an account (`disable_account`). The links
themselves are also refused on use (`app.services.core.link_people`), so a status set any
other way (an import, the database) stops them too. Flushes, never commits.
"""

from __future__ import annotations

from app.extensions import db
from app.models import Mediator, User
from app.models.mediator import MEDIATOR_LEFT_STATUSES
from app.services.booking import offers
from app.services.core import accounts, audit


def _close_account(user: User) -> bool:
    """End every session and remember cookie and switch the feed off; return whether a
    feed was running."""
    user.end_sessions()
    had_feed = user.feed_secret is not None
    user.feed_secret = None
    return had_feed


def person_left(actor: User | None, mediator: Mediator) -> list[int]:
    """Withdraw the mediator's pending offers and close their account's doors (sessions,
    feed); audit it once. Return the ids of the requests whose offer was withdrawn."""
    withdrawn = offers.withdraw_offers_of(mediator.id)
    feed = _close_account(mediator.user) if mediator.user is not None else False
    request_ids = sorted({offer.request_id for offer in withdrawn})
    if request_ids or mediator.user is not None:  # an applicant without either: nothing to say
        audit.record(actor, "person_left", "mediator", mediator.id, status=mediator.status,
                     withdrawn_offers=request_ids, feed_switched_off=feed,
                     sessions_ended=mediator.user is not None)
    db.session.flush()
    return request_ids


def is_leaving(mediator: Mediator, old_status: str | None) -> bool:
    """Tell whether a status change takes the mediator out of the pool (not already out)."""
    return (mediator.status in MEDIATOR_LEFT_STATUSES
            and old_status is not None and old_status not in MEDIATOR_LEFT_STATUSES)


def disable_account(actor: User | None, user: User, *, label: str = "") -> bool:
    """Disable a login: it can no longer log in, its links, feed and sessions end at once,
    and a mediator's pending offers are withdrawn (nobody could answer them). Return whether
    the account was enabled before (disabling twice changes nothing more)."""
    changed = accounts.set_enabled(user, False, actor=actor, label=label)
    if user.mediator is not None:
        person_left(actor, user.mediator)
    else:
        _close_account(user)
    db.session.flush()
    return changed
