"""Coordinator views for mediators: list, record, languages, documents, invitation."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.extensions import db
from app.i18n import ui_language
from app.models import Mediator
from app.pool import bp
from app.pool.forms import (
    LanguageForm,
    MediatorFilterForm,
    MediatorForm,
    PledgeForm,
    PoliceCertificateForm,
)
from app.services.core.languages import language_choices
from app.services.pool import mediators as svc
from app.services.pool import qualification
from app.web.confirm import ask, confirmed, describe_language
from app.web.forms import MediatorInviteForm, language_field_choices
from app.web.guards import coordinator_required, live_mediator_or_404
from app.web.transaction import commit_or_message
from app.web.views import form_page, member_or_404


def _cohort_choices() -> list[tuple[int, str]]:
    return [(0, "–")] + [(c.id, str(c.year)) for c in qualification.cohorts()]


@bp.route("/pool/mediators")
@coordinator_required
def mediators():
    form = MediatorFilterForm(request.args)
    locale = ui_language()
    form.language.choices = [("", _("all"))] + language_choices(locale)
    form.district.choices = [("", _("all"))] + [(d, d) for d in svc.districts()]
    stmt = svc.search_query(
        text=form.q.data or "",
        language=form.language.data or "",
        status=form.status.data or "",
        district=form.district.data or "",
    )
    page = db.paginate(stmt, per_page=current_app.config["ITEMS_PER_PAGE"], error_out=False)
    # the export keeps the list's filters: the same query arguments with the format added
    query = request.args.to_dict()
    exports = [(fmt.upper(), url_for("pool.export_mediators", **{**query, "fmt": fmt}))
               for fmt in ("xlsx", "csv")]
    return render_template("pool/mediators.html", form=form, page=page, exports=exports)


@bp.route("/pool/mediators/new", methods=["GET", "POST"])
@coordinator_required
def new_mediator():
    form = MediatorForm()
    form.cohort_id.choices = _cohort_choices()
    if form.validate_on_submit():
        mediator = Mediator()
        _fill(form, mediator)
        outcome = commit_or_message(svc.save_mediator, current_user, mediator, created=True)
        if outcome.flash(_("Mediator saved.")):
            return redirect(url_for("pool.mediator", mediator_id=mediator.id))
        return render_template("pool/mediator_form.html", form=form, mediator=None), 409
    return form_page("pool/mediator_form.html", form, mediator=None)


def _fill(form: MediatorForm, mediator: Mediator) -> None:
    form.populate_obj(mediator)
    mediator.cohort_id = form.cohort_id.data or None
    mediator.email = (form.email.data or "").strip().lower()


@bp.route("/pool/mediators/<int:mediator_id>/edit", methods=["GET", "POST"])
@coordinator_required
def edit_mediator(mediator_id: int):
    mediator = live_mediator_or_404(mediator_id)
    form = MediatorForm(obj=mediator)
    form.cohort_id.choices = _cohort_choices()
    if request.method == "GET":
        form.cohort_id.data = mediator.cohort_id or 0
    if form.validate_on_submit():
        _fill(form, mediator)
        outcome = commit_or_message(svc.save_mediator, current_user, mediator, created=False)
        if outcome.flash(_("Mediator saved.")):
            return redirect(url_for("pool.mediator", mediator_id=mediator.id))
        return render_template("pool/mediator_form.html", form=form, mediator=mediator), 409
    return render_template("pool/mediator_form.html", form=form, mediator=mediator)


@bp.route("/pool/mediators/<int:mediator_id>")
@coordinator_required
def mediator(mediator_id: int):
    mediator = live_mediator_or_404(mediator_id)
    return _detail(mediator)


def _detail(mediator: Mediator, **forms):
    lang_form = forms.get("lang_form") or LanguageForm()
    lang_form.code.choices = language_field_choices()
    pledge = mediator.document("pledge")
    police = mediator.document("police_certificate")
    invite_form = forms.get("invite_form") or MediatorInviteForm(
        name=mediator.full_name, email=mediator.email
    )
    return render_template(
        "pool/mediator.html",
        mediator=mediator,
        lang_form=lang_form,
        pledge_form=forms.get("pledge_form") or PledgeForm(),
        police_form=forms.get("police_form") or PoliceCertificateForm(),
        invite_form=invite_form,
        pledge=pledge,
        police=police,
        police_due=svc.police_certificate_due(police) if police else None,
    ), (400 if forms else 200)


@bp.route("/pool/mediators/<int:mediator_id>/languages", methods=["POST"])
@coordinator_required
def add_language(mediator_id: int):
    mediator = live_mediator_or_404(mediator_id)
    form = LanguageForm()
    form.code.choices = language_field_choices()
    if not form.validate_on_submit():
        return _detail(mediator, lang_form=form)
    outcome = commit_or_message(svc.add_language, current_user, mediator, form.code.data,
                                form.variety.data or "", form.level.data)
    if not outcome.ok:
        form.code.errors = [outcome.error]
        return _detail(mediator, lang_form=form)
    flash(_("Language added."), "success")
    return redirect(url_for("pool.mediator", mediator_id=mediator.id))


@bp.route("/pool/mediators/<int:mediator_id>/languages/<int:language_id>/delete", methods=["POST"])
@coordinator_required
def remove_language(mediator_id: int, language_id: int):
    mediator = live_mediator_or_404(mediator_id)
    language = member_or_404(mediator.languages, language_id)
    name = describe_language(language)
    back = url_for("pool.mediator", mediator_id=mediator.id)
    if not confirmed():
        return ask(_("Remove the language %(language)s of %(name)s?", language=name,
                     name=mediator.full_name), back=back)
    commit_or_message(svc.remove_language, current_user, mediator, language_id).flash(
        _("Language %(name)s removed.", name=name))
    return redirect(back)


@bp.route("/pool/mediators/<int:mediator_id>/pledge", methods=["POST"])
@coordinator_required
def record_pledge(mediator_id: int):
    mediator = live_mediator_or_404(mediator_id)
    form = PledgeForm()
    if not form.validate_on_submit():
        return _detail(mediator, pledge_form=form)
    commit_or_message(svc.record_pledge, current_user, mediator, form.signed_on.data).flash(
        _("Confidentiality pledge recorded."))
    return redirect(url_for("pool.mediator", mediator_id=mediator.id))


@bp.route("/pool/mediators/<int:mediator_id>/police-certificate", methods=["POST"])
@coordinator_required
def record_police_certificate(mediator_id: int):
    mediator = live_mediator_or_404(mediator_id)
    form = PoliceCertificateForm()
    if not form.validate_on_submit():
        return _detail(mediator, police_form=form)
    outcome = commit_or_message(
        svc.record_police_certificate,
        current_user,
        mediator,
        inspected_on=form.inspected_on.data,
        issued_on=form.issued_on.data,
        has_relevant_entry=form.has_relevant_entry.data,
    )
    if not outcome.ok:
        form.issued_on.errors = [outcome.error]
        return _detail(mediator, police_form=form)
    flash(_("Inspection of the police certificate recorded."), "success")
    return redirect(url_for("pool.mediator", mediator_id=mediator.id))


@bp.route("/pool/mediators/<int:mediator_id>/invite", methods=["POST"])
@coordinator_required
def invite_mediator(mediator_id: int):
    mediator = live_mediator_or_404(mediator_id)
    form = MediatorInviteForm()
    if not form.validate_on_submit():
        return _detail(mediator, invite_form=form)
    if mediator.user is not None:
        flash(_("This mediator already has an account."), "error")
        return redirect(url_for("pool.mediator", mediator_id=mediator.id))
    outcome = commit_or_message(svc.invite, current_user, mediator, form.email.data,
                                name=form.name.data, locale=form.locale.data)
    if not outcome.ok:
        form.email.errors = [outcome.error]
        return _detail(mediator, invite_form=form)
    flash(_("Invitation sent to %(email)s.", email=outcome.result.email), "success")
    return redirect(url_for("pool.mediator", mediator_id=mediator.id))
