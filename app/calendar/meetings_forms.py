"""Forms of the meetings area."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from app.web.forms import AppointmentDateField, chosen, please_choose

KIND_CHOICES = [("exchange", _l("Exchange meeting")), ("supervision", _l("Supervision session"))]


class _MeetingBase(FlaskForm):
    kind = SelectField(_l("Kind"), choices=please_choose(KIND_CHOICES), validators=[chosen()])
    group_id = SelectField(_l("Supervision group"), coerce=int, choices=[])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    place = StringField(_l("Place"), validators=[Length(max=250)])
    agenda = TextAreaField(_l("Agenda"), validators=[Length(max=4000)])
    start = TimeField(_l("Start time"), validators=[DataRequired()])
    duration_minutes = IntegerField(_l("Duration (minutes)"), default=120,
                                    validators=[DataRequired(), NumberRange(15, 600)])


class SeriesForm(_MeetingBase):
    first_day = AppointmentDateField(_l("First date"), validators=[DataRequired()])
    pattern = SelectField(_l("Repeats"), choices=please_choose([
        ("monthly", _l("monthly on the same weekday (e.g. second Tuesday)")),
        ("weekly", _l("weekly on the same weekday")),
    ]), validators=[chosen()])
    interval = IntegerField(_l("Every … months / weeks"), default=2,
                            validators=[DataRequired(), NumberRange(1, 12)])
    until = AppointmentDateField(_l("Last date (optional)"), validators=[Optional()])


class SingleForm(_MeetingBase):
    day = AppointmentDateField(_l("Date"), validators=[DataRequired()])


class OccurrenceForm(FlaskForm):
    day = AppointmentDateField(_l("Date"), validators=[DataRequired()])
    start = TimeField(_l("Start time"), validators=[DataRequired()])
    duration_minutes = IntegerField(_l("Duration (minutes)"),
                                    validators=[DataRequired(), NumberRange(15, 600)])
    place = StringField(_l("Place"), validators=[Length(max=250)])
    agenda = TextAreaField(_l("Agenda"), validators=[Length(max=4000)])


class GroupForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    supervisor_name = StringField(_l("Supervisor"), validators=[DataRequired(), Length(max=120)])
    supervisor_email = EmailField(_l("Supervisor's e-mail"),
                                  validators=[Optional(), Email(), Length(max=254)])
    members = SelectMultipleField(_l("Members"), coerce=int, choices=[])
