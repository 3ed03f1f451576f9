"""Forms for mediator records."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TelField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from app.web.forms import (
    FilterForm,
    LanguageForm,
    RecordDateField,
    blank_choice,
    chosen,
    required_choice,
)

__all__ = ["LanguageForm"]  # shared with the mediator's own pages (app.web.forms)


class MediatorFilterForm(FilterForm):
    q = StringField(_l("Search"))
    language = SelectField(_l("Language"), choices=[], validate_choice=False)
    status = SelectField(_l("Status"), validate_choice=False)
    district = SelectField(_l("District"), choices=[], validate_choice=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.status.choices = blank_choice("mediator_status", _l("all"))


class MediatorForm(FlaskForm):
    first_name = StringField(_l("First name"), validators=[DataRequired(), Length(max=80)])
    last_name = StringField(_l("Last name"), validators=[DataRequired(), Length(max=80)])
    email = EmailField(_l("E-mail"), validators=[Optional(), Email(), Length(max=254)])
    phone = TelField(_l("Phone"), validators=[Optional(), Length(max=50)])
    share_phone = BooleanField(_l("Institutions may see the phone number"))
    gender = SelectField(_l("Gender"), choices=required_choice("gender"),
                         validators=[chosen()])
    district = StringField(_l("District"), validators=[Optional(), Length(max=100)])
    mobility = SelectField(_l("Mobility"), choices=required_choice("mobility"),
                           validators=[chosen()])
    german_level = SelectField(_l("German level"), choices=required_choice("german_level"),
                               validators=[chosen()])
    status = SelectField(_l("Status"), choices=required_choice("mediator_status"),
                         validators=[chosen()])
    cohort_id = SelectField(_l("Cohort"), coerce=int, choices=[])
    joined_on = RecordDateField(_l("Joined on"), validators=[Optional()])
    max_per_week = IntegerField(
        _l("Maximum assignments per week"), default=3, validators=[NumberRange(min=0, max=40)]
    )
    takes_on_site = BooleanField(_l("Takes appointments on site"), default=True)
    takes_phone = BooleanField(_l("Takes appointments by phone"))
    takes_video = BooleanField(_l("Takes appointments by video"))
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=4000)])
    submit = SubmitField(_l("Save"))


class PledgeForm(FlaskForm):
    signed_on = RecordDateField(_l("Signed on"), validators=[DataRequired()])
    submit = SubmitField(_l("Record pledge"))


class PoliceCertificateForm(FlaskForm):
    inspected_on = RecordDateField(_l("Inspected on"), validators=[DataRequired()])
    issued_on = RecordDateField(_l("Issue date of the certificate"), validators=[DataRequired()])
    has_relevant_entry = BooleanField(_l("Contains a relevant entry"))
    submit = SubmitField(_l("Record inspection"))
