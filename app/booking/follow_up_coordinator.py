"""Coordinator pages after the appointment: unanswered follow-ups and burdened debriefs.

The counts behind these lists (`follow_up.unanswered_follow_ups`,
`debriefs.burdened_debriefs`) also feed the line on the request dashboard.
"""

from __future__ import annotations

from flask import current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.booking import bp
from app.booking.debrief_forms import DebriefNoteForm
from app.extensions import db
from app.models import Debrief
from app.services.booking import debriefs as svc
from app.services.booking import follow_up
from app.timeutil import now_utc
from app.web.guards import coordinator_required
from app.web.transaction import commit_or_message
from app.web.views import load_or_404

SHOW = {"open": False, "done": True, "all": None}


@bp.route("/coordination/follow-ups")
@coordinator_required
def follow_ups():
    """List follow-ups nobody answered within FOLLOW_UP_ESCALATE_DAYS, oldest first."""
    page = db.paginate(follow_up.unanswered_query(now_utc()),
                       per_page=current_app.config["ITEMS_PER_PAGE"], error_out=False)
    return render_template("booking/coordinator/follow_ups.html", page=page,
                           days=current_app.config["FOLLOW_UP_ESCALATE_DAYS"])


def _forms(rows: list[Debrief]) -> dict[int, DebriefNoteForm]:
    return {d.id: DebriefNoteForm(prefix=f"d{d.id}", formdata=None,
                                  data={"note": d.follow_up_note, "done": d.follow_up_done})
            for d in rows}


@bp.route("/coordination/debriefs")
@coordinator_required
def debriefs(status: int = 200):
    """List debriefs with the burden flag (open ones by default) with note and agenda."""
    show = request.args.get("show", "open")
    if show not in SHOW:
        show = "open"
    page = db.paginate(svc.burdened_query(done=SHOW[show]),
                       per_page=current_app.config["ITEMS_PER_PAGE"], error_out=False)
    return render_template("booking/coordinator/debriefs.html", page=page, show=show,
                           forms=_forms(page.items)), status


def _get(debrief_id: int) -> Debrief:
    return load_or_404(Debrief, debrief_id, burdened=True)  # the office follows up burdened ones


@bp.route("/coordination/debriefs/<int:debrief_id>/note", methods=["POST"])
@coordinator_required
def debrief_note(debrief_id: int):
    debrief = _get(debrief_id)
    form = DebriefNoteForm(prefix=f"d{debrief.id}")
    if not form.validate_on_submit():
        return debriefs(status=400)
    if commit_or_message(svc.note_follow_up, current_user, debrief, form.note.data or "",
                         bool(form.done.data)).flash(_("The follow-up note was saved.")):
        return redirect(url_for("booking.debriefs"))
    return debriefs(status=409)


@bp.route("/coordination/debriefs/<int:debrief_id>/agenda", methods=["POST"])
@coordinator_required
def debrief_agenda(debrief_id: int):
    debrief = _get(debrief_id)
    if commit_or_message(svc.put_on_agenda, current_user, debrief).flash(
            _("The debrief is on the agenda of the next supervision session.")):
        return redirect(url_for("booking.debriefs"))
    return debriefs(status=409)
