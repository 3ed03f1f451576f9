"""The mediator's meetings: upcoming exchange meetings and own supervision sessions, RSVP."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.calendar import bp
from app.models.enums import Role
from app.services.calendar import meeting_admin as admin
from app.services.calendar import meetings as svc
from app.timeutil import now_utc
from app.web.guards import role_required
from app.web.transaction import commit_or_message
from app.web.views import found_or_404


@bp.route("/me/meetings")
@role_required(Role.MEDIATOR)
def my_meetings():
    mediator = current_user.mediator
    rows, answers, attended, recorded = admin.mediator_meetings(mediator, now_utc())
    return render_template("calendar/meetings/mediator.html", meetings=rows, answers=answers,
                           attended=attended, recorded=recorded)


@bp.route("/me/meetings/<int:meeting_id>/rsvp", methods=["POST"])
@role_required(Role.MEDIATOR)
def rsvp(meeting_id: int):
    mediator = current_user.mediator
    meeting = found_or_404(admin.visible_meeting(meeting_id, mediator))
    outcome = commit_or_message(svc.set_rsvp, meeting, mediator, request.form.get("answer", ""))
    if not outcome.flash(_("Thank you. Your answer is saved.")):
        return redirect(url_for("calendar.my_meetings")), 303
    return redirect(url_for("calendar.my_meetings"))
