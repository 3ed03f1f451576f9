"""Forms of the institution's request pages."""

from __future__ import annotations

from flask import current_app, render_template
from flask_babel import format_date
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
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from app.i18n import ui_language
from app.labels import choices, label
from app.services.booking import intake as svc
from app.services.booking import workdays
from app.services.booking.intake import RequestData
from app.services.core.languages import language_choices, language_name
from app.timeutil import to_local
from app.web.forms import SERIES_SCOPES, AppointmentDateField, chosen, required_choice
from app.web.views import form_status


class RequestForm(FlaskForm):
    day = AppointmentDateField(_l("Date"), validators=[DataRequired()])
    start_time = TimeField(_l("Start time"), validators=[DataRequired()])
    duration_minutes = IntegerField(
        _l("Expected duration (minutes)"), default=60,
        validators=[InputRequired(), NumberRange(min=15, max=480)],
    )
    mode = RadioField(_l("How is the appointment held?"), choices=choices("request_mode"),
                      validators=[chosen()])
    # required on site only (validate_place_kind): a phone or video request has no place
    place_kind = RadioField(_l("Place"), choices=choices("place_kind"), validate_choice=False)
    address = StringField(_l("Address (if not in the institution)"),
                          validators=[Optional(), Length(max=250)])
    room = StringField(_l("Room"), validators=[Optional(), Length(max=100)])
    meeting_url = StringField(_l("Link of the video meeting"),
                              validators=[Optional(), Length(max=500)])
    phone_number = StringField(_l("Phone number"), validators=[Optional(), Length(max=50)])
    # checked by the service (only a phone appointment needs it)
    phone_caller = RadioField(_l("Who calls whom?"), choices=choices("phone_caller"),
                              validate_choice=False)
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
    # read by the mediator (offer answered, assignment page); the office's own note is
    # `internal_note`, only on the coordinator's forms (coordinator_forms.OfficeNote)
    note = TextAreaField(_l("Note for the mediator"), validators=[Optional(), Length(max=500)])
    follow_up_of_id = SelectField(_l("Follow-up of an earlier request (optional)"),
                                  coerce=lambda v: int(v) if v else None,
                                  validators=[Optional()])
    weeks = IntegerField(_l("Repeat weekly: number of weeks"), default=1,
                         validators=[InputRequired(), NumberRange(min=1, max=12)])
    # ticked on the second try after the duplicate warning (the form is shown again)
    confirm_duplicate = BooleanField(_l("Save anyway: this is a different appointment"))
    # ticked on the second try after the holiday warning of a weekly series
    confirm_holidays = BooleanField(_l("Save anyway: the series should include these dates"))

    def validate_place_kind(self, field) -> None:
        """Ask for the place of an on-site appointment; a remote one needs none."""
        if field.data in dict(choices("place_kind")):
            return
        if self.mode.data == "on_site" or field.data not in (None, ""):
            raise ValidationError(_l("Please choose an option."))


class RequestEditForm(RequestForm):
    """The same form for a change: one appointment, its follow-up link stays as it was."""

    weeks = None
    follow_up_of_id = None
    confirm_holidays = None


def request_data(form: RequestForm) -> RequestData:
    """Turn a validated request form (new, edit or phone intake) into the service's values."""
    return RequestData(
        day=form.day.data, start_time=form.start_time.data,
        duration_minutes=form.duration_minutes.data, language_code=form.language_code.data,
        occasion=form.occasion.data, place_kind=form.place_kind.data or "institution",
        address=form.address.data or "", room=form.room.data or "",
        variety=form.variety.data or "", legal_consequences=form.legal_consequences.data,
        family_members=form.family_members.data,
        preferred_gender=form.preferred_gender.data, note=form.note.data or "",
        # None: the form has no such field (the institution's), the stored note is kept
        internal_note=(form.internal_note.data or "") if "internal_note" in form else None,
        follow_up_of_id=form.follow_up_of_id.data if form.follow_up_of_id else None,
        weeks=form.weeks.data if form.weeks else 1,
        mode=form.mode.data, meeting_url=form.meeting_url.data or "",
        phone_number=form.phone_number.data or "", phone_caller=form.phone_caller.data or "",
    )


def page_context() -> dict:
    """Return what the request form page says besides the form: lead time, holidays, video."""
    days = current_app.config["MIN_LEAD_WORKING_DAYS"]
    return {"lead_days": days, "video_room": bool(current_app.config["VIDEO_ROOM_URL"]),
            "lead_holidays": workdays.holiday_text(workdays.skipped_holidays(
                workdays.lead_deadline(days)))}


def request_form_page(form: RequestForm, outcome=None, **extra):
    """Render the request form again (new, edit, phone intake) with what the last try gave.

    An outcome with duplicates or series dates on holidays asks to confirm (409); a refused
    one shows its message (400); everything typed stays in the form.
    """
    duplicates, holidays = [], {}
    if outcome is not None:
        if outcome.ok:
            duplicates = outcome.result.duplicates
            holidays = getattr(outcome.result, "holidays", {})
        else:
            form.form_errors.append(outcome.error)
    status = 409 if duplicates or holidays else form_status(form)
    return render_template("booking/request_form.html", form=form, duplicates=duplicates,
                           holidays=holidays, **page_context(), **extra), status


def prepare(form: RequestForm, institution_id: int | None) -> None:
    """Fill the choices: languages in the reader's language, the institution's requests."""
    locale = ui_language()
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
    # only shown for a weekly series; a single request posts nothing and keeps "one"
    scope = RadioField(_l("Which dates?"), choices=SERIES_SCOPES, default="one")


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


STAR_CHOICES = [(n, str(n)) for n in range(1, 6)]


class RatingForm(FlaskForm):
    """The institution's rating of the interpreting (seen by the office only)."""

    stars = RadioField(_l("How satisfied were you with the interpreting? (1 = not at all, "
                          "5 = very)"), choices=STAR_CHOICES, coerce=int,
                       validators=[InputRequired()])
    comment = TextAreaField(_l("Comment for the office (optional)"),
                            validators=[Optional(), Length(max=2000)])


def _optional_int(value):
    return int(value) if value not in (None, "") else None


class FollowUpAnswerForm(FlaskForm):
    """The answer to the day-after e-mail: what happened, and an optional rating."""

    answer = RadioField(
        _l("What happened?"),
        choices=[
            ("took_place", _l("The appointment took place")),
            ("no_show", _l("The family did not come")),
            ("cancelled_at_door", _l("It was cancelled at the door")),
            ("mediator_no_show", _l("The mediator did not come")),
        ],
        validators=[DataRequired()],
    )
    stars = RadioField(_l("How satisfied were you with the interpreting? (optional; 1 = not "
                          "at all, 5 = very)"), choices=STAR_CHOICES, coerce=_optional_int,
                       validate_choice=False, validators=[Optional()])
    comment = TextAreaField(_l("Comment for the office (optional)"),
                            validators=[Optional(), Length(max=2000)])
