"""Main navigation per role; each area adds its entries here (endpoint, label)."""

from flask_babel import lazy_gettext as _l

NAV_ITEMS = {
    "coordinator": [
        ("pool.mediators", _l("Mediators")),
        ("coordination.institutions", _l("Institutions")),
        ("reports.index", _l("Reports")),
    ],
    "mediator": [
        ("mediator.profile", _l("My profile")),
    ],
    "institution": [
        ("main.index", _l("Overview")),
    ],
}
