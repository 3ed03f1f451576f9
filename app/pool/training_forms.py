"""Forms for the qualification catalogue, courses, cohorts, the pipeline and erasure."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.web.forms import FilterForm, RecordDateField, chosen, optional_int


class ModuleForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=20)])
    title_de = StringField(_l("Title (German)"), validators=[DataRequired(), Length(max=200)])
    title_en = StringField(_l("Title (English)"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=4000)])
    required = BooleanField(_l("Required for assignments"))
    position = IntegerField(_l("Position in the list"), default=0,
                            validators=[NumberRange(min=0, max=999)])
    submit = SubmitField(_l("Save"))


class CourseForm(FlaskForm):
    module_id = SelectField(_l("Module"), coerce=optional_int, choices=[], validators=[chosen()])
    held_on = RecordDateField(_l("Date"), validators=[DataRequired()])
    trainer = StringField(_l("Trainer"), validators=[Optional(), Length(max=120)])
    place = StringField(_l("Place"), validators=[Optional(), Length(max=200)])
    capacity = IntegerField(_l("Capacity"), default=16,
                            validators=[DataRequired(), NumberRange(min=1, max=500)])
    submit = SubmitField(_l("Save"))


class ParticipantForm(FlaskForm):
    mediator_id = SelectField(_l("Person"), coerce=optional_int, choices=[])
    submit = SubmitField(_l("Register"))


class CohortForm(FlaskForm):
    year = IntegerField(_l("Year"), validators=[DataRequired(), NumberRange(min=2000, max=2100)])
    name = StringField(_l("Name"), validators=[Optional(), Length(max=120)])
    submit = SubmitField(_l("Save"))


class StatusForm(FlaskForm):
    status = SelectField(_l("New status"), choices=[])
    submit = SubmitField(_l("Change status"))


class EraseForm(FlaskForm):
    confirm = BooleanField(_l("I confirm: erase the personal data of this person."),
                           validators=[DataRequired()])
    submit = SubmitField(_l("Erase personal data"))


class AuditFilterForm(FilterForm):
    object_type = SelectField(_l("Object"), choices=[], default="")
    # ids are 32-bit INTEGER columns: a larger number can only be a typo (and broke the query)
    object_id = IntegerField(_l("Id"), validators=[Optional(), NumberRange(min=1, max=2**31 - 1)])


class AttendanceForm(FlaskForm):
    """Checkboxes (rendered by hand) with the ids of the participants who attended."""

    attended = SelectMultipleField(_l("Attended"), coerce=int, choices=[])
    submit = SubmitField(_l("Save attendance"))
