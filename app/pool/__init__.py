"""The pool: mediators, training, import, bank details, applicants and recruiting,
institutions, and the mediator's own profile, languages and times."""

from flask import Blueprint

bp = Blueprint("pool", __name__)


def live_mediator_or_404(mediator_id: int):
    """Load a mediator record the pool pages may show: an erased person is gone (404)."""
    from flask import abort

    from app.extensions import db
    from app.models import Mediator

    mediator = db.session.get(Mediator, mediator_id)
    if mediator is None or mediator.erased_at is not None:
        abort(404)
    return mediator


from app.pool import (  # noqa: E402,F401
    bank_coordinator,
    import_coordinator,
    institutions_coordinator,
    mediators_coordinator,
    on_behalf_coordinator,
    people_coordinator,
    profile_mediator,
    recruiting_public,
    self_service_mediator,
    training_coordinator,
)
