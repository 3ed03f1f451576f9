"""Mediator self-service views; every query is scoped to the logged-in mediator."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from app.models.enums import Role
from app.pool import bp
from app.services.pool.mediators import police_certificate_due
from app.web.guards import role_required


@bp.route("/me/profile")
@role_required(Role.MEDIATOR)
def my_profile():
    mediator = current_user.mediator
    police = mediator.document("police_certificate")
    return render_template(
        "pool/mediator/profile.html",
        mediator=mediator,
        pledge=mediator.document("pledge"),
        police=police,
        police_due=police_certificate_due(police) if police else None,
    )
