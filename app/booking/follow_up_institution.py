"""The institution's side after the appointment: the day-after link and the rating.

The link (`follow_up_answer`) works without a password: it names one follow-up, expires and
works once; a used or expired link shows a page that says so, and changes nothing.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.booking import bp
from app.booking import requests_institution as pages
from app.booking.request_forms import FollowUpAnswerForm, RatingForm
from app.extensions import db
from app.models import InterpretingRequest
from app.models.enums import Role
from app.services.booking import debriefs
from app.services.booking import follow_up as svc
from app.web.guards import role_required
from app.web.transaction import commit_or_message
from app.web.views import form_page, link_gone_page, own_or_404


def _page(status: int = 200, **ctx):
    ctx.setdefault("error", None)
    ctx.setdefault("state", "open")
    return render_template("booking/institution/follow_up.html", **ctx), status


@bp.route("/requests/follow-up/<token>", methods=["GET", "POST"])
def follow_up_answer(token: str):
    """Answer "did it take place?" from the e-mail link (GET asks, POST answers once)."""
    follow_up, state, error = svc.open_link(token, "institution")
    if state == "gone":  # the people of the link have left: one clear page, nothing stored
        return link_gone_page(error)
    if state != "open":
        return _page(400 if state == "invalid" else 200, error=error, state=state)
    form = FollowUpAnswerForm()
    if form.validate_on_submit():
        outcome = commit_or_message(svc.answer_confirmation, follow_up.id, form.answer.data,
                                    stars=form.stars.data, comment=form.comment.data or "")
        if outcome.ok:
            return _page(state="done")
        db.session.expire_all()
        if svc.open_link(token, "institution")[1] == "gone":
            return link_gone_page(outcome.error)
        if svc.link_state(follow_up) != "open":  # someone answered a moment before
            return _page(state="answered")
        form.answer.errors = [outcome.error]
    req = follow_up.assignment.request
    return form_page("booking/institution/follow_up.html", form, req=req, error=None,
                     state="open")


@bp.route("/requests/<int:request_id>/rating", methods=["POST"])
@role_required(Role.INSTITUTION)
def rate_request(request_id: int):
    """Rate the interpreting of one's own request (the office reads it, nobody else)."""
    req = own_or_404(InterpretingRequest, request_id)
    form = RatingForm()
    if form.validate_on_submit():
        outcome = commit_or_message(debriefs.rate, current_user, req, form.stars.data,
                                    form.comment.data or "")
        if outcome.flash(_("Thank you for your rating.")):
            return redirect(url_for("booking.our_request", request_id=req.id))
    else:
        flash(_("Please choose between 1 and 5 stars."), "error")
    return pages.our_request(req.id), 400
