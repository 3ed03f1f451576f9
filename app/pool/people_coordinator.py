"""Coordinator views for recruiting and data protection.

Applicant pipeline, pending language changes, expiring documents, the read-only audit log,
GDPR export and erasure, and the certificate of participation.
"""

from __future__ import annotations

import json

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.extensions import db
from app.labels import choices, label
from app.models import User
from app.pool import bp
from app.pool.training_forms import AuditFilterForm, EraseForm, StatusForm
from app.services.core import audit_text
from app.services.pool import privacy, recruiting, self_service
from app.services.pool.qualification import completed_modules
from app.timeutil import today_local
from app.web.forms import please_choose
from app.web.guards import coordinator_required, live_mediator_or_404
from app.web.transaction import commit_or_message
from app.web.views import form_page, load_or_404


@bp.route("/pool/applicants")
@coordinator_required
def applicants():
    return _applicants_page()


def status_choices(person) -> list:
    """The statuses `person` may move to, behind an empty first option."""
    return please_choose([(s, label("mediator_status", s))
                          for s in recruiting.TRANSITIONS.get(person.status, ())])


def _applicants_page(status: int = 200):
    people = recruiting.pipeline()
    forms = {}
    for person in people:
        form = StatusForm(prefix=f"p{person.id}")
        form.status.choices = status_choices(person)
        forms[person.id] = form
    steps = {p.id: recruiting.next_steps(p) for p in people}
    return render_template("pool/applicants.html", people=people, forms=forms,
                           steps=steps), status


@bp.route("/pool/mediators/<int:mediator_id>/status", methods=["POST"])
@coordinator_required
def change_status(mediator_id: int):
    mediator = live_mediator_or_404(mediator_id)
    form = StatusForm(prefix=f"p{mediator.id}")
    form.status.choices = [(s, s) for s in recruiting.TRANSITIONS.get(mediator.status, ())]
    if not form.validate_on_submit():
        flash(_("This change of status is not possible."), "error")
        return _applicants_page(400)
    if not commit_or_message(recruiting.change_status, current_user, mediator,
                             form.status.data).flash():
        return _applicants_page(409)
    flash(_("Status of %(name)s changed to %(status)s.", name=mediator.full_name,
            status=label("mediator_status", mediator.status)), "success")
    return redirect(url_for("pool.applicants"))


@bp.route("/pool/language-changes")
@coordinator_required
def language_changes():
    return _language_changes_page()


def _language_changes_page(status: int = 200):
    return render_template("pool/language_changes.html",
                           pending=self_service.pending_languages()), status


@bp.route("/pool/language-changes/<int:language_id>/<any(confirm, reject):decision>",
          methods=["POST"])
@coordinator_required
def decide_language(language_id: int, decision: str):
    outcome = commit_or_message(self_service.decide_language, current_user, language_id,
                                confirm=decision == "confirm")
    if not outcome.flash(_("Language confirmed.") if decision == "confirm"
                         else _("Language rejected.")):
        return _language_changes_page(409)
    return redirect(url_for("pool.language_changes"))


@bp.route("/pool/documents/expiring")
@coordinator_required
def expiring_documents():
    today = today_local()
    return render_template("pool/expiring.html", rows=privacy.expiring_documents(today),
                           today=today)


@bp.route("/pool/audit")
@coordinator_required
def audit_log():
    form = AuditFilterForm(request.args)
    form.object_type.choices = [("", _("all")), *choices("audit_object")]
    valid = form.validate()
    object_type = (form.object_type.data or "") if valid else ""
    stmt = privacy.audit_query(object_type, form.object_id.data if valid else None)
    page = db.paginate(stmt, per_page=50, error_out=False)
    return render_template("pool/audit.html", form=form, page=page,  # errors shown, filter off
                           sentences=audit_text.sentences(page.items))


def _json_download(data: dict, filename: str) -> Response:
    return Response(json.dumps(data, ensure_ascii=False, indent=2),
                    mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("/pool/mediators/<int:mediator_id>/export.json")
@coordinator_required
def export_mediator(mediator_id: int):
    outcome = commit_or_message(privacy.export_mediator, current_user,
                                live_mediator_or_404(mediator_id))
    if not outcome.flash():
        return redirect(url_for("pool.mediator", mediator_id=mediator_id))
    return _json_download(outcome.result, f"skm-pool-mediator-{mediator_id}.json")


@bp.route("/pool/users/<int:user_id>/export.json")
@coordinator_required
def export_user(user_id: int):
    user = load_or_404(User, user_id)
    outcome = commit_or_message(privacy.export_user, current_user, user)
    if not outcome.flash():
        return redirect(url_for("site.index"))
    return _json_download(outcome.result, f"skm-pool-user-{user_id}.json")


@bp.route("/pool/mediators/<int:mediator_id>/erase", methods=["GET", "POST"])
@coordinator_required
def erase_mediator(mediator_id: int):
    mediator = live_mediator_or_404(mediator_id)
    form = EraseForm()
    if form.validate_on_submit():
        outcome = commit_or_message(privacy.erase_mediator, current_user, mediator)
        if not outcome.ok:
            form.confirm.errors = [outcome.error]
            return render_template("pool/erase.html", form=form, mediator=mediator), 409
        flash(_("The personal data was erased; the statistics are kept."), "success")
        return redirect(url_for("pool.mediators"))
    return form_page("pool/erase.html", form, mediator=mediator)


@bp.route("/pool/mediators/<int:mediator_id>/certificate")
@coordinator_required
def certificate(mediator_id: int):
    mediator = live_mediator_or_404(mediator_id)
    return render_template("pool/certificate.html", mediator=mediator,
                           completions=completed_modules(mediator), today=today_local())
