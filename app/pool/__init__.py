"""The pool: mediators, training, import, bank details, applicants and recruiting,
institutions, and the mediator's own profile, languages and times."""

from flask import Blueprint

bp = Blueprint("pool", __name__)


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
