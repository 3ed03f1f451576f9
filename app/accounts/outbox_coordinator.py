"""Coordinator view of the e-mail outbox: messages that failed, with retry and discard.

Why: a message the mail server refuses (or one that cannot be built) is set aside as `dead`
so the others keep flowing; somebody has to see it and decide.
"""

from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts import bp
from app.models import OutboxMessage
from app.services.core import outbox
from app.web.confirm import ask, confirmed
from app.web.guards import coordinator_required
from app.web.transaction import commit_or_message
from app.web.views import load_or_404


@bp.route("/coordination/outbox")
@coordinator_required
def outbox_page(status: int = 200):
    dead, retrying = outbox.failed_messages()
    return render_template("accounts/outbox.html", dead=dead, retrying=retrying), status


@bp.route("/coordination/outbox/<int:message_id>/retry", methods=["POST"])
@coordinator_required
def outbox_retry(message_id: int):
    return _decide(outbox.retry, message_id, _("The message is queued again."))


@bp.route("/coordination/outbox/<int:message_id>/discard", methods=["POST"])
@coordinator_required
def outbox_discard(message_id: int):
    message = load_or_404(OutboxMessage, message_id)
    text = _("“%(subject)s” to %(recipient)s", subject=message.subject,
             recipient=message.recipient)
    if not confirmed():
        return ask(_("Discard the message %(message)s? It will not be sent.", message=text),
                   back=url_for("accounts.outbox_page"), button=_("Yes, discard"))
    # the flash names the subject only: a discarded message's recipient is no longer shown
    return _decide(outbox.discard, message_id, _("The message “%(subject)s” was discarded.",
                                                 subject=message.subject))


def _decide(action, message_id: int, done: str):
    if not commit_or_message(action, current_user, message_id).flash(done):
        return outbox_page(status=409)
    return redirect(url_for("accounts.outbox_page"))
