"""Role guards shared by every domain's views: anonymous users go to the login page, wrong
roles get 403."""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from app.models.enums import Role


def role_required(*roles: str):
    """Allow only logged-in users with one of the given roles."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


coordinator_required = role_required(Role.COORDINATOR)


def live_mediator_or_404(mediator_id: int):
    """Load a mediator record a coordinator page may show: an erased person is gone (404)."""
    from app.extensions import db
    from app.models import Mediator

    mediator = db.session.get(Mediator, mediator_id)
    if mediator is None or mediator.erased_at is not None:
        abort(404)
    return mediator
