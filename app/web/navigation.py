"""Main navigation per role; each area adds its entries here (endpoint, label)."""

from flask_babel import lazy_gettext as _l

NAV_ITEMS = {
    "coordinator": [
        ("pool.mediators", _l("Mediators")),
        ("coordination.institutions", _l("Institutions")),
        ("pool.applicants", _l("Applicants")),
        ("pool.courses", _l("Training")),
        ("pool.expiring_documents", _l("Expiring documents")),
        ("pool.language_changes", _l("Language changes")),
        ("meetings.index", _l("Meetings")),
        ("reports.index", _l("Reports")),
        ("pool.audit_log", _l("Audit log")),
        ("coordination.outbox_page", _l("E-mail outbox")),
        ("calendar.mine", _l("My calendar")),
    ],
    "mediator": [
        ("mediator.profile", _l("My profile")),
        ("mediator.availability", _l("My times")),
        ("mediator.qualification", _l("My training")),
        ("mediator.meetings", _l("My meetings")),
        ("calendar.mine", _l("My calendar")),
    ],
    "institution": [
        ("main.index", _l("Overview")),
        ("calendar.mine", _l("My calendar")),
    ],
}
NAV_ITEMS["coordinator"].insert(0, ("coordination.requests_dashboard", _l("Requests")))
NAV_ITEMS["mediator"].insert(0, ("mediator.offers", _l("My offers and assignments")))
NAV_ITEMS["institution"].append(("requests.new", _l("New request")))
NAV_ITEMS["coordinator"].insert(1, ("coordination.planner", _l("Plan the week")))
