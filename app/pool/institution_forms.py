"""Forms for institutions and contact persons."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, StringField, SubmitField, TelField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional

from app.web.forms import FilterForm, blank_choice, chosen, required_choice


class InstitutionFilterForm(FilterForm):
    q = StringField(_l("Search"))
    kind = SelectField(_l("Kind"), validate_choice=False)
    district = StringField(_l("District"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = blank_choice("institution_kind", _l("all"))


class InstitutionForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=required_choice("institution_kind"),
                       validators=[chosen()])
    street = StringField(_l("Street"), validators=[Optional(), Length(max=200)])
    postcode = StringField(_l("Postcode"), validators=[Optional(), Length(max=10)])
    city = StringField(_l("City"), validators=[Optional(), Length(max=100)])
    district = StringField(_l("District"), validators=[Optional(), Length(max=100)])
    phone = TelField(_l("Phone"), validators=[Optional(), Length(max=50)])
    email = EmailField(_l("E-mail"), validators=[Optional(), Email(), Length(max=254)])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=4000)])
    submit = SubmitField(_l("Save"))


class ContactForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    function = StringField(_l("Function"), validators=[Optional(), Length(max=120)])
    phone = TelField(_l("Phone"), validators=[Optional(), Length(max=50)])
    email = EmailField(_l("E-mail"), validators=[Optional(), Email(), Length(max=254)])
    submit = SubmitField(_l("Add contact person"))

