"""Forms of the institution's request pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.labels import choices
from app.web.forms import AppointmentDateField, chosen, required_choice


class RequestForm(FlaskForm):
    day = AppointmentDateField(_l("Date"), validators=[DataRequired()])
    start_time = TimeField(_l("Start time"), validators=[DataRequired()])
    duration_minutes = IntegerField(
        _l("Expected duration (minutes)"), default=60,
        validators=[InputRequired(), NumberRange(min=15, max=480)],
    )
    place_kind = RadioField(_l("Place"), choices=choices("place_kind"), validators=[chosen()])
    address = StringField(_l("Address (if not in the institution)"),
                          validators=[Optional(), Length(max=250)])
    room = StringField(_l("Room"), validators=[Optional(), Length(max=100)])
    language_code = SelectField(_l("Language"), validators=[DataRequired()])
    variety = StringField(_l("Variety or dialect (optional)"),
                          validators=[Optional(), Length(max=80)])
    occasion = SelectField(_l("Occasion"), choices=required_choice("occasion"),
                           validators=[DataRequired()])
    legal_consequences = BooleanField(
        _l("The conversation can have legal consequences (e.g. court, police, custody)")
    )
    family_members = IntegerField(_l("Number of family members"), default=1,
                                  validators=[InputRequired(), NumberRange(min=1, max=30)])
    preferred_gender = SelectField(_l("Preferred gender of the mediator"),
                                   choices=choices("preferred_gender"), default="none")
    note = TextAreaField(_l("Short note"), validators=[Optional(), Length(max=500)])
    follow_up_of_id = SelectField(_l("Follow-up of an earlier request (optional)"),
                                  coerce=lambda v: int(v) if v else None,
                                  validators=[Optional()])
    weeks = IntegerField(_l("Repeat weekly: number of weeks"), default=1,
                         validators=[InputRequired(), NumberRange(min=1, max=12)])


class CancelForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=500)])


class OutcomeForm(FlaskForm):
    outcome = RadioField(
        _l("What happened?"),
        choices=[
            ("took_place", _l("The appointment took place")),
            ("no_show", _l("The family did not come")),
            ("mediator_no_show", _l("The mediator did not come")),
        ],
        validators=[DataRequired()],
    )
