"""Forms for the mediator's own data (kept short and simple for phones)."""

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
    TimeField,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from app.web.forms import (
    AppointmentDateField,
    LanguageForm,
    chosen,
    optional_int,
    required_choice,
    ui_language_choices,
)


class ProfileForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    phone = TelField(_l("Phone"), validators=[Optional(), Length(max=50)])
    share_phone = BooleanField(_l("Institutions may see my phone number"))
    district = StringField(_l("District"), validators=[Optional(), Length(max=100)])
    mobility = SelectField(_l("How do you travel?"), choices=required_choice("mobility"),
                           validators=[chosen()])
    max_per_week = IntegerField(_l("Maximum assignments per week"),
                                validators=[DataRequired(message=_l("Please enter a number.")),
                                            NumberRange(min=0, max=40)])
    takes_on_site = BooleanField(_l("I take appointments on site"))
    takes_phone = BooleanField(_l("I take appointments by phone"))
    takes_video = BooleanField(_l("I take appointments by video"))
    notify_by_email = BooleanField(_l(
        "Send me e-mails about offers, assignments, meetings and reminders (cancellations "
        "always come)"))
    locale = SelectField(_l("Language of the website"), choices=ui_language_choices())
    submit = SubmitField(_l("Save"))


class AvailabilityForm(FlaskForm):
    weekday = SelectField(_l("Weekday"), coerce=optional_int, choices=[],
                          validators=[chosen(_l("Please choose a weekday."))])
    start = TimeField(_l("From"), validators=[DataRequired()])
    end = TimeField(_l("Until"), validators=[DataRequired()])
    submit = SubmitField(_l("Add time"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.weekday.choices = required_choice("weekday")


class AbsenceForm(FlaskForm):
    start = AppointmentDateField(_l("First day"), validators=[DataRequired()])
    end = AppointmentDateField(_l("Last day"), validators=[DataRequired()])
    reason = StringField(_l("Reason (optional)"), validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("Add absence"))


# The mediator adds a language with the same fields the coordinator uses.
OwnLanguageForm = LanguageForm


class OnBehalfProfileForm(ProfileForm):
    """The same form for the coordinator acting for a volunteer: the contact address may be
    empty (a volunteer without e-mail), and the website language only applies to an account."""

    email = EmailField(_l("E-mail"), validators=[Optional(), Email(), Length(max=254)])

