"""Form helpers shared by several blueprints, and the bounded field types every form uses.

Why the field types: a date or an integer a user types must fit the calendar arithmetic and the
database before a service sees it. `AppointmentDateField` (appointments, meetings, absences,
planner weeks: today ± APPOINTMENT_WINDOW_YEARS), `RecordDateField` (birth-like dates:
1900-2100), `BoundedIntegerField` and `bounded_int` (as a SelectField's coerce) refuse values
outside with a message; the bounds themselves live in app/services/core/bounds.py, which the
services ask too. Control characters are already gone when a form sees its data
(app/web/input.py).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)

from app.i18n import STAFF_LANGUAGES, UI_LANGUAGES, ui_language
from app.labels import choices
from app.services.core import bounds
from app.services.core.languages import language_choices

# which dates of a weekly series a cancellation covers (app.services.booking.series.SCOPES)
SERIES_SCOPES = [("one", _l("Only this date")),
                 ("following", _l("This date and all following ones")),
                 ("all", _l("The whole series (every date still to come)"))]


class FilterForm(FlaskForm):
    """GET filter forms carry no CSRF token (they change nothing)."""

    class Meta:
        csrf = False


class _BoundedDateField(DateField):
    def window(self):
        raise NotImplementedError

    def pre_validate(self, form) -> None:
        if self.data is not None:
            first, last = self.window()
            if not first <= self.data <= last:
                raise ValidationError(bounds.outside_message(first, last))


class AppointmentDateField(_BoundedDateField):
    """A date of something that happens: within the configured window around today."""

    def window(self):
        return bounds.appointment_window()


class RecordDateField(_BoundedDateField):
    """A birth-like date (pledge, certificate, joining, report range): 1900-2100."""

    def window(self):
        return bounds.record_window()


class BoundedIntegerField(IntegerField):
    """An integer that fits the database's INTEGER column (an id, a count), else an error."""

    def process_formdata(self, valuelist) -> None:
        super().process_formdata(valuelist)
        if self.data is not None and not bounds.fits_int32(self.data):
            self.data = None
            raise ValueError(_l("This number is too large."))


def bounded_int(value) -> int:
    """Coerce a choice to an INTEGER id; a ValueError makes WTForms report an invalid choice."""
    number = value if isinstance(value, int) else int(value)
    if not bounds.fits_int32(number):
        raise ValueError("out of range")
    return number


def ui_language_choices(codes=tuple(UI_LANGUAGES)) -> list[tuple[str, str]]:
    """Languages to choose from, each in its own name and script (app/i18n.py)."""
    return [(code, UI_LANGUAGES[code]) for code in codes]


class InviteForm(FlaskForm):
    """An institution's account: staff pages exist in German and English."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    locale = SelectField(_l("Language"), choices=ui_language_choices(STAFF_LANGUAGES))
    submit = SubmitField(_l("Send invitation"))


class MediatorInviteForm(InviteForm):
    """A mediator's account: the mediators' side exists in seven languages."""

    locale = SelectField(_l("Language"), choices=ui_language_choices())


def blank_choice(kind: str, blank_label) -> list:
    return [("", blank_label), *choices(kind)]


#: the empty first option of a choice that matters (forms do not decide for the user)
PLEASE_CHOOSE = _l("– please choose –")


def please_choose(options) -> list:
    """Put an empty "– please choose –" first, so nothing is pre-selected for the user."""
    return [("", PLEASE_CHOOSE), *options]


def required_choice(kind: str) -> list:
    """The labelled codes of `kind` behind an empty first option (pair with `chosen()`)."""
    return please_choose(choices(kind))


def chosen(message=None) -> InputRequired:
    """Refuse the empty first option with a clear message (0, e.g. Monday, is a choice)."""
    return InputRequired(message=message or _l("Please choose an option."))


def optional_int(value):
    """Coerce a choice to an INTEGER id, the empty first option to None."""
    if value in ("", None):
        return None
    return bounded_int(value)


class LanguageForm(FlaskForm):
    """Add a language: the coordinator on the record, the mediator under "My languages"."""

    code = SelectField(_l("Language"), choices=[], validators=[DataRequired()])
    variety = StringField(_l("Variety / dialect"), validators=[Optional(), Length(max=80)])
    level = SelectField(_l("Level"), choices=required_choice("language_level"),
                        validators=[chosen()])
    submit = SubmitField(_l("Add language"))


class BankDetailsForm(FlaskForm):
    """Account holder, IBAN and optional BIC (validated by app/services/pool/bank.py).

    The stored IBAN is never put into the form: an empty IBAN field keeps it.
    """

    account_holder = StringField(_l("Account holder"), validators=[Length(max=70)],
                                 render_kw={"autocomplete": "name"})
    iban = StringField(_l("IBAN"), validators=[Length(max=42)],
                       render_kw={"autocomplete": "off", "spellcheck": "false"})
    bic = StringField(_l("BIC (optional)"), validators=[Length(max=14)],
                      render_kw={"autocomplete": "off", "spellcheck": "false"})
    remove = BooleanField(_l("Delete the bank details"))
    submit = SubmitField(_l("Save bank details"))


def language_field_choices() -> list:
    """The offered languages in the UI language behind an empty first option."""
    return please_choose(language_choices(ui_language()))
