"""The public application form."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    FieldList,
    Form,
    FormField,
    SelectField,
    StringField,
    SubmitField,
    TelField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from app.labels import choices
from app.web.forms import chosen, required_choice


class LanguageRow(Form):
    code = SelectField(_l("Language"), choices=[], validate_choice=False)
    variety = StringField(_l("Variety / dialect"), validators=[Optional(), Length(max=80)])
    level = SelectField(_l("Level"), choices=required_choice("language_level"))


class AvailabilityRow(Form):
    weekday = SelectField(_l("Weekday"), coerce=str, choices=[])
    start = TimeField(_l("From"), validators=[Optional()])
    end = TimeField(_l("Until"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.weekday.choices = [("", "–")] + [(str(k), v) for k, v in choices("weekday")]

    def validate_end(self, field) -> None:
        if self.weekday.data and not (self.start.data and field.data):
            raise ValidationError(_l("Please give a start and an end time."))
        if self.start.data and field.data and field.data <= self.start.data:
            raise ValidationError(_l("The end must be after the start."))


class ApplicationForm(FlaskForm):
    first_name = StringField(_l("First name"), validators=[DataRequired(), Length(max=80)])
    last_name = StringField(_l("Last name"), validators=[DataRequired(), Length(max=80)])
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    phone = TelField(_l("Phone"), validators=[Optional(), Length(max=50)])
    gender = SelectField(_l("Gender"), choices=required_choice("gender"), validators=[chosen()])
    district = StringField(_l("District"), validators=[Optional(), Length(max=100)])
    german_level = SelectField(_l("German level"), choices=required_choice("german_level"),
                               validators=[chosen()])
    languages = FieldList(FormField(LanguageRow), min_entries=3, max_entries=3)
    availability = FieldList(FormField(AvailabilityRow), min_entries=3, max_entries=3)
    motivation = TextAreaField(_l("Why would you like to become a mediator?"),
                               validators=[Optional(), Length(max=4000)])
    consent = BooleanField(
        _l("I agree that the Migration and Integration Office stores my data to process "
           "my application."), validators=[DataRequired()])
    submit = SubmitField(_l("Send application"))

    def validate_languages(self, field) -> None:
        if not any(row.form.code.data for row in field):
            raise ValidationError(_("Please name at least one language."))
        for row in field:
            if row.form.code.data and not row.form.level.data:
                row.form.level.errors = [_("Please choose the level.")]
                raise ValidationError(_("Please choose the level of each language."))
