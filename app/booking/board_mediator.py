"""The open-request board ("Offene Anfragen (Börse)"): see, sign up ("Ich kann"), withdraw."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from app.booking import bp
from app.models.enums import Role
from app.services.booking import board as board_svc
from app.timeutil import now_utc
from app.web.guards import role_required
from app.web.transaction import commit_or_message

mediator_required = role_required(Role.MEDIATOR)


class BoardForm(FlaskForm):
    """CSRF only: the request id is in the URL."""


@bp.route("/me/board")
@mediator_required
def board(status: int = 200):
    """List the open requests I may take; nothing but date, time, district, language, occasion."""
    entries = board_svc.board(current_user.mediator_id, now_utc())
    return render_template("booking/mediator/board.html", entries=entries), status


def _after(outcome, success: str):
    if outcome.flash(success):
        return redirect(url_for("booking.board"))
    return board(status=409)


@bp.route("/me/board/<int:request_id>/signup", methods=["POST"])
@mediator_required
def board_signup(request_id: int):
    if not BoardForm().validate_on_submit():
        abort(400)
    outcome = commit_or_message(board_svc.sign_up, current_user, request_id)
    if outcome.ok and outcome.result is not None:
        flash(_("Thank you! The appointment is now yours."), "success")
        return redirect(url_for("booking.my_assignment", assignment_id=outcome.result.id))
    return _after(outcome, _("Thank you! The office now sees that you can take this request."))


@bp.route("/me/board/<int:request_id>/withdraw", methods=["POST"])
@mediator_required
def board_withdraw(request_id: int):
    if not BoardForm().validate_on_submit():
        abort(400)
    outcome = commit_or_message(board_svc.withdraw, current_user, request_id)
    return _after(outcome, _("You have withdrawn your offer to take this request."))
