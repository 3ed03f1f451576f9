"""Coordinator views for institutions, their contact persons and user accounts."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.extensions import db
from app.models import ContactPerson, Institution
from app.pool import bp
from app.pool.institution_forms import ContactForm, InstitutionFilterForm, InstitutionForm
from app.services.pool import institutions as svc
from app.web.confirm import ask, confirmed
from app.web.forms import InviteForm
from app.web.guards import coordinator_required
from app.web.transaction import commit_or_message
from app.web.views import form_page, load_or_404


@bp.route("/coordination/institutions")
@coordinator_required
def institutions():
    form = InstitutionFilterForm(request.args)
    stmt = svc.search_query(
        text=form.q.data or "", kind=form.kind.data or "", district=form.district.data or ""
    )
    page = db.paginate(stmt, per_page=current_app.config["ITEMS_PER_PAGE"], error_out=False)
    return render_template("pool/institutions.html", form=form, page=page)


@bp.route("/coordination/institutions/new", methods=["GET", "POST"])
@bp.route("/coordination/institutions/<int:institution_id>/edit", methods=["GET", "POST"])
@coordinator_required
def edit_institution(institution_id: int | None = None):
    institution = load_or_404(Institution, institution_id) if institution_id else None
    form = InstitutionForm(obj=institution)
    if form.validate_on_submit():
        values = {name: getattr(form, name).data for name in svc.INSTITUTION_FIELDS}
        outcome = commit_or_message(svc.save_institution, current_user, institution, values)
        if outcome.ok:
            flash(_("Institution saved."), "success")
            return redirect(url_for("pool.institution",
                                    institution_id=outcome.result.id))
        form.name.errors = [outcome.error]
    return form_page("pool/institution_form.html", form, institution=institution)


@bp.route("/coordination/institutions/<int:institution_id>")
@coordinator_required
def institution(institution_id: int, contact_form=None, invite_form=None):
    institution = load_or_404(Institution, institution_id)
    return render_template(
        "pool/institution.html",
        institution=institution,
        contact_form=contact_form or ContactForm(),
        invite_form=invite_form or InviteForm(),
    ), (400 if contact_form or invite_form else 200)


@bp.route("/coordination/institutions/<int:institution_id>/contacts", methods=["POST"])
@coordinator_required
def add_contact(institution_id: int):
    institution_obj = load_or_404(Institution, institution_id)
    form = ContactForm()
    if not form.validate_on_submit():
        return institution(institution_id, contact_form=form)
    values = {name: getattr(form, name).data for name in svc.CONTACT_FIELDS}
    commit_or_message(svc.add_contact, current_user, institution_obj, values).flash(
        _("Contact person added."))
    return redirect(url_for("pool.institution", institution_id=institution_id))


@bp.route("/coordination/institutions/<int:institution_id>/contacts/<int:contact_id>/delete",
          methods=["POST"])
@coordinator_required
def delete_contact(institution_id: int, contact_id: int):
    contact = load_or_404(ContactPerson, contact_id, institution_id=institution_id)
    back = url_for("pool.institution", institution_id=institution_id)
    name = contact.name
    if not confirmed():
        return ask(_("Remove the contact person %(name)s?", name=name), back=back)
    commit_or_message(svc.delete_contact, current_user, contact).flash(
        _("Contact person %(name)s removed.", name=name))
    return redirect(back)


@bp.route("/coordination/institutions/<int:institution_id>/invite", methods=["POST"])
@coordinator_required
def invite_user(institution_id: int):
    institution_obj = load_or_404(Institution, institution_id)
    form = InviteForm()
    if not form.validate_on_submit():
        return institution(institution_id, invite_form=form)
    outcome = commit_or_message(svc.invite_user, current_user, institution_obj,
                                form.email.data, name=form.name.data, locale=form.locale.data)
    if not outcome.ok:
        form.email.errors = [outcome.error]
        return institution(institution_id, invite_form=form)
    flash(_("Invitation sent to %(email)s.", email=outcome.result.email), "success")
    return redirect(url_for("pool.institution", institution_id=institution_id))
