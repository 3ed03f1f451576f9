"""Forms of the institution's request pages."""

from __future__ import annotations

from flask_babel import format_date, get_locale
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

from app.labels import choices, label
from app.services.booking import intake as svc
from app.services.booking.intake import RequestData
from app.services.core.languages import language_choices, language_name
from app.timeutil import to_local
from app.web.forms import AppointmentDateField


class RequestForm(FlaskForm):
    day = AppointmentDateField(_l("Date"), validators=[DataRequired()])
    start_time = TimeField(_l("Start time"), validators=[DataRequired()])
    duration_minutes = IntegerField(
        _l("Expected duration (minutes)"), default=60,
        validators=[InputRequired(), NumberRange(min=15, max=480)],
    )
    place_kind = RadioField(_l("Place"), choices=choices("place_kind"), default="institution")
    address = StringField(_l("Address (if not in the institution)"),
                          validators=[Optional(), Length(max=250)])
    room = StringField(_l("Room"), validators=[Optional(), Length(max=100)])
    language_code = SelectField(_l("Language"), validators=[DataRequired()])
    variety = StringField(_l("Variety or dialect (optional)"),
                          validators=[Optional(), Length(max=80)])
    occasion = SelectField(_l("Occasion"), choices=choices("occasion"),
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
    # ticked on the second try after the duplicate warning (the form is shown again)
    confirm_duplicate = BooleanField(_l("Save anyway: this is a different appointment"))


class RequestEditForm(RequestForm):
    """The same form for a change: one appointment, its follow-up link stays as it was."""

    weeks = None
    follow_up_of_id = None


def request_data(form: RequestForm) -> RequestData:
    """Turn a validated request form (new, edit or phone intake) into the service's values."""
    return RequestData(
        day=form.day.data, start_time=form.start_time.data,
        duration_minutes=form.duration_minutes.data, language_code=form.language_code.data,
        occasion=form.occasion.data, place_kind=form.place_kind.data,
        address=form.address.data or "", room=form.room.data or "",
        variety=form.variety.data or "", legal_consequences=form.legal_consequences.data,
        family_members=form.family_members.data,
        preferred_gender=form.preferred_gender.data, note=form.note.data or "",
        follow_up_of_id=form.follow_up_of_id.data if form.follow_up_of_id else None,
        weeks=form.weeks.data if form.weeks else 1,
    )


def prepare(form: RequestForm, institution_id: int | None) -> None:
    """Fill the choices: languages in the reader's language, the institution's requests."""
    locale = str(get_locale() or "de")
    form.language_code.choices = [("", _l("– please choose –")), *language_choices(locale)]
    if form.follow_up_of_id is None:
        return
    earlier = svc.follow_up_choices(institution_id) if institution_id else []
    form.follow_up_of_id.choices = [("", _l("– none –"))] + [
        (r.id, f"{format_date(to_local(r.starts_at).date(), 'short')} · "
               f"{language_name(r.language_code, locale)} · {label('occasion', r.occasion)}")
        for r in earlier
    ]


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
