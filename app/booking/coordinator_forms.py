"""Forms of the coordinator's request pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from app.booking.request_forms import RequestEditForm, RequestForm
from app.web.forms import (
    SERIES_SCOPES,
    BoundedIntegerField,
    bounded_int,
    chosen,
    optional_int,
    required_choice,
)


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


class UnfilledReasonForm(FlaskForm):
    """Why a request was not served; "other" needs the free text."""

    unfilled_reason = SelectField(_l("Why could the request not be served?"),
                                  choices=required_choice("unfilled_reason"),
                                  validators=[chosen()])
    # no Optional(): it would stop the chain before validate_unfilled_note
    unfilled_note = StringField(_l("Other reason (free text)"), validators=[Length(max=500)])

    def validate_unfilled_note(self, field) -> None:
        if self.unfilled_reason.data == "other" and not (field.data or "").strip():
            raise ValidationError(_l("Please describe the other reason."))


class CancelRequestForm(UnfilledReasonForm):
    """The office cancels: the reason told to the institution, and why it was not served."""

    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=500)])
    scope = RadioField(_l("Which dates?"), choices=SERIES_SCOPES, default="one")


class ReassignForm(FlaskForm):
    mediator_id = SelectField(_l("New mediator"), coerce=optional_int, validate_choice=False,
                              validators=[DataRequired()])
    reason = StringField(_l("Reason for the change"), validators=[DataRequired(), Length(max=500)])
    override_reason = StringField(_l("Reason for the override (only for excluded mediators)"),
                                  validators=[Optional(), Length(max=500)])


def _id_or_none(value) -> int | None:
    """Coerce a choice to an id; the empty "please choose" choice is None (then required)."""
    return None if value in ("", None) else bounded_int(value)


def _internal_note() -> TextAreaField:
    return TextAreaField(_l("Internal note (office only)"),
                         validators=[Optional(), Length(max=2000)])


class OfficeEditForm(RequestEditForm):
    """The coordinator's change of a request: the institution's form and the internal note."""

    internal_note = _internal_note()


class PhoneIntakeForm(RequestForm):
    """The institution's request form with the institution chosen first (phone intake),
    and the office's internal note beside the note for the mediator."""

    internal_note = _internal_note()

    institution_id = SelectField(_l("Institution"), coerce=_id_or_none,
                                 validators=[DataRequired()])


class AnswerForm(FlaskForm):
    """The answer a volunteer gave on the phone, recorded by the coordinator."""

    reason = StringField(_l("Reason (optional)"), validators=[Optional(), Length(max=500)])
