"""Main navigation per role, in the order shown; each area adds its entries here.

Each entry is (endpoint, label) or a group {"label": ..., "entries": [(endpoint, label), ...]};
the whole menu of a role is spelled in one literal, so the order on screen is the order below.
"""

from flask_babel import lazy_gettext as _l

from app.models.enums import Role

NAV_ITEMS = {
    # the coordinator's fifteen pages in five groups (a row of fifteen links wrapped to three
    # lines): a group opens as a disclosure list, KERN's pattern
    Role.COORDINATOR: [
        ("site.index", _l("Start")),
        {"label": _l("Requests"), "entries": [
            ("booking.requests_dashboard", _l("Open requests")),
            ("booking.planner", _l("Plan the week")),
        ]},
        {"label": _l("Pool"), "entries": [
            ("pool.mediators", _l("Mediators")),
            ("pool.institutions", _l("Institutions")),
            ("pool.applicants", _l("Applicants")),
            ("pool.courses", _l("Training")),
            ("pool.expiring_documents", _l("Expiring documents")),
            ("pool.language_changes", _l("Language changes")),
        ]},
        {"label": _l("Meetings"), "entries": [
            ("calendar.meetings", _l("Meetings")),
            ("calendar.mine", _l("My calendar")),
        ]},
        ("reports.index", _l("Reports")),
        {"label": _l("Administration"), "entries": [
            ("pool.audit_log", _l("Audit log")),
            ("accounts.outbox_page", _l("E-mail outbox")),
            ("accounts.language_names", _l("Language names")),
            ("accounts.translations", _l("Translations")),
        ]},
    ],
    Role.MEDIATOR: [
        ("site.index", _l("Start")),
        ("booking.my_offers", _l("My offers and assignments")),
        ("booking.board", _l("Open requests (board)")),
        ("pool.my_profile", _l("My profile")),
        ("pool.my_availability", _l("My times")),
        ("pool.my_qualification", _l("My training")),
        ("calendar.my_meetings", _l("My meetings")),
        ("calendar.mine", _l("My calendar")),
    ],
    Role.INSTITUTION: [
        ("site.index", _l("Start")),
        ("booking.our_requests", _l("Our requests")),
        ("calendar.mine", _l("My calendar")),
        ("booking.new_request", _l("New request")),
    ],
}
