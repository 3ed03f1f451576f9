"""Main navigation per role; each area adds its entries here (endpoint, label)."""

from flask_babel import lazy_gettext as _l

NAV_ITEMS = {
    "coordinator": [
        ("pool.mediators", _l("Mediators")),
        ("coordination.institutions", _l("Institutions")),
        ("meetings.index", _l("Meetings")),
        ("calendar.mine", _l("My calendar")),
    ],
    "mediator": [
        ("mediator.profile", _l("My profile")),
        ("mediator.meetings", _l("My meetings")),
        ("calendar.mine", _l("My calendar")),
    ],
    "institution": [
        ("main.index", _l("Overview")),
        ("calendar.mine", _l("My calendar")),
    ],
}
