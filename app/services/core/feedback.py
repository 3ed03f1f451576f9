"""Queue accessibility feedback (BITV 2.0 § 7 "Feedback-Mechanismus") for the office.

The message goes through the outbox like every other e-mail, so a mail outage loses nothing;
what the person typed stays in the body, never in a header.
"""

from __future__ import annotations

from flask_babel import gettext as _

from app.services.core.errors import DomainError
from app.services.core.recipients import Kind, queue, recipients

SUBJECT = "Rückmeldung zur Barrierefreiheit (SKM-Pool)"


def send_accessibility_feedback(
    office_email: str, *, message: str, name: str = "", email: str = "", page: str = ""
):
    """Queue one feedback e-mail to the office; refuse an empty message."""
    text = message.strip()
    if not text:
        raise DomainError(_("Please write your feedback."))
    body = "\n".join(
        [
            "Über das Formular der Erklärung zur Barrierefreiheit kam eine Rückmeldung:",
            "",
            f"Name: {name.strip() or '–'}",
            f"E-Mail für eine Antwort: {email.strip() or '–'}",
            f"Betroffene Seite: {page.strip() or '–'}",
            "",
            text,
            "",
            "Nach § 12b BGG ist innerhalb eines Monats zu antworten.",
        ]
    )
    for rcpt in recipients(Kind.ACCESSIBILITY_FEEDBACK, office_email):
        queue(rcpt, SUBJECT, body)
