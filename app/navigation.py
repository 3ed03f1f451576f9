"""Main navigation per role; each area adds its entries here (endpoint, label)."""

from flask_babel import lazy_gettext as _l

NAV_ITEMS = {
    "coordinator": [
        ("pool.mediators", _l("Mediators")),
        ("coordination.institutions", _l("Institutions")),
    ],
    "mediator": [
        ("mediator.profile", _l("My profile")),
    ],
    "institution": [
        ("main.index", _l("Overview")),
    ],
}
NAV_ITEMS["coordinator"].insert(0, ("coordination.requests_dashboard", _l("Requests")))
NAV_ITEMS["mediator"].insert(0, ("mediator.offers", _l("My offers and assignments")))
NAV_ITEMS["institution"].append(("requests.new", _l("New request")))
