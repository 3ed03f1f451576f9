"""Coordinator views for institutions, their contact persons and user accounts."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.decorators import coordinator_required
from app.coordination import bp
from app.coordination.forms import ContactForm, InstitutionFilterForm, InstitutionForm
from app.extensions import db
from app.models import ContactPerson, Institution
from app.services.core import accounts, audit
from app.services.core.errors import DomainError
from app.services.pool import institutions as svc
from app.web.forms import InviteForm


def _get(institution_id: int) -> Institution:
    institution = db.session.get(Institution, institution_id)
    if institution is None:
        abort(404)
    return institution


@bp.route("/institutions")
@coordinator_required
def institutions():
    form = InstitutionFilterForm(request.args)
    stmt = svc.search_query(
        text=form.q.data or "", kind=form.kind.data or "", district=form.district.data or ""
    )
    page = db.paginate(stmt, per_page=current_app.config["ITEMS_PER_PAGE"], error_out=False)
    return render_template("coordination/institutions.html", form=form, page=page)


def _name_taken(name: str, own_id: int | None) -> bool:
    stmt = sa.select(Institution.id).where(sa.func.lower(Institution.name) == name.lower())
    found = db.session.scalar(stmt)
    return found is not None and found != own_id


@bp.route("/institutions/new", methods=["GET", "POST"])
@bp.route("/institutions/<int:institution_id>/edit", methods=["GET", "POST"])
@coordinator_required
def edit_institution(institution_id: int | None = None):
    institution = _get(institution_id) if institution_id else None
    form = InstitutionForm(obj=institution)
    if form.validate_on_submit():
        if _name_taken(form.name.data, institution_id):
            form.name.errors = [_("An institution with this name already exists.")]
        else:
            created = institution is None
            institution = institution or Institution()
            form.populate_obj(institution)
            db.session.add(institution)
            db.session.flush()
            audit.record(current_user, "create" if created else "update", "institution",
                         institution.id)
            db.session.commit()
            flash(_("Institution saved."), "success")
            return redirect(url_for("coordination.institution", institution_id=institution.id))
    status = 400 if form.errors else 200
    return render_template(
        "coordination/institution_form.html", form=form, institution=institution
    ), status


@bp.route("/institutions/<int:institution_id>")
@coordinator_required
def institution(institution_id: int, contact_form=None, invite_form=None):
    institution = _get(institution_id)
    return render_template(
        "coordination/institution.html",
        institution=institution,
        contact_form=contact_form or ContactForm(),
        invite_form=invite_form or InviteForm(),
    ), (400 if contact_form or invite_form else 200)


@bp.route("/institutions/<int:institution_id>/contacts", methods=["POST"])
@coordinator_required
def add_contact(institution_id: int):
    institution_obj = _get(institution_id)
    form = ContactForm()
    if not form.validate_on_submit():
        return institution(institution_id, contact_form=form)
    contact = ContactPerson()
    form.populate_obj(contact)
    institution_obj.contacts.append(contact)
    db.session.flush()
    audit.record(current_user, "create", "contact_person", contact.id)
    db.session.commit()
    flash(_("Contact person added."), "success")
    return redirect(url_for("coordination.institution", institution_id=institution_id))


@bp.route("/institutions/<int:institution_id>/contacts/<int:contact_id>/delete",
          methods=["POST"])
@coordinator_required
def delete_contact(institution_id: int, contact_id: int):
    contact = db.session.get(ContactPerson, contact_id)
    if contact is None or contact.institution_id != institution_id:
        abort(404)
    db.session.delete(contact)
    audit.record(current_user, "delete", "contact_person", contact_id)
    db.session.commit()
    flash(_("Contact person removed."), "success")
    return redirect(url_for("coordination.institution", institution_id=institution_id))


@bp.route("/institutions/<int:institution_id>/invite", methods=["POST"])
@coordinator_required
def invite_user(institution_id: int):
    institution_obj = _get(institution_id)
    form = InviteForm()
    if not form.validate_on_submit():
        return institution(institution_id, invite_form=form)
    try:
        user = accounts.create_user(
            form.email.data, "institution", name=form.name.data, institution=institution_obj,
            locale=form.locale.data,
        )
    except DomainError as exc:
        form.email.errors = [str(exc)]
        return institution(institution_id, invite_form=form)
    accounts.invite(current_user, user)
    db.session.commit()
    flash(_("Invitation sent to %(email)s.", email=user.email), "success")
    return redirect(url_for("coordination.institution", institution_id=institution_id))
