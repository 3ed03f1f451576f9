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
        ("pool.audit_log", _l("Audit log")),
        ("reports.index", _l("Reports")),
    ],
    "mediator": [
        ("mediator.profile", _l("My profile")),
        ("mediator.availability", _l("My times")),
        ("mediator.qualification", _l("My training")),
    ],
    "institution": [
        ("main.index", _l("Overview")),
    ],
}
