"""Forms of the coordinator's request pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.requests.forms import RequestForm
from app.web.forms import SERIES_SCOPES, BoundedIntegerField, bounded_int


class AssignForm(FlaskForm):
    """Assign one mediator; an excluded one needs a stated override reason."""

    mediator_id = BoundedIntegerField(validators=[DataRequired()])
    override_reason = StringField(_l("Reason for the override"),
                                  validators=[Optional(), Length(max=500)])


class OffersForm(FlaskForm):
    mediator_ids = SelectMultipleField(_l("Send offers to"), coerce=bounded_int,
                                       validate_choice=False,
                                       validators=[DataRequired()])
    # the two submit buttons: e-mail the offers, or record offers made on the phone
    channel = SelectField(choices=[("email", _l("by e-mail")), ("phone", _l("asked by phone"))],
                          default="email")


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=500)])


class CancelRequestForm(ReasonForm):
    scope = RadioField(_l("Which dates?"), choices=SERIES_SCOPES, default="one")


class ReassignForm(FlaskForm):
    mediator_id = SelectField(_l("New mediator"), coerce=bounded_int, validate_choice=False,
                              validators=[DataRequired()])
    reason = StringField(_l("Reason for the change"), validators=[DataRequired(), Length(max=500)])
    override_reason = StringField(_l("Reason for the override (only for excluded mediators)"),
                                  validators=[Optional(), Length(max=500)])


def _id_or_none(value) -> int | None:
    """Coerce a choice to an id; the empty "please choose" choice is None (then required)."""
    return None if value in ("", None) else bounded_int(value)


class PhoneIntakeForm(RequestForm):
    """The institution's request form with the institution chosen first (phone intake)."""

    institution_id = SelectField(_l("Institution"), coerce=_id_or_none,
                                 validators=[DataRequired()])
