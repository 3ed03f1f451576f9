"""Forms of the reports area: the period selector and the allowance forms."""

from __future__ import annotations

import datetime as dt

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import HiddenInput

from app.services.allowances.statements import max_correction_cents
from app.services.core.periods import PERIOD_KINDS
from app.web.forms import FilterForm, RecordDateField, chosen, optional_int
from app.web.money import MoneyField, cents_text


def month_choices() -> list[tuple[int, str]]:
    """Return (number, month name in the UI language) pairs."""
    return [(m, format_date(dt.date(2000, m, 1), "MMMM")) for m in range(1, 13)]


def period_kind_choices():
    names = {"month": _l("Month"), "quarter": _l("Quarter"), "year": _l("Year"),
             "custom": _l("Custom range")}
    return [(k, names[k]) for k in PERIOD_KINDS]


class PeriodForm(FilterForm):
    kind = SelectField(_l("Period"), choices=period_kind_choices(), default="year")
    year = IntegerField(_l("Year"), validators=[Optional(), NumberRange(min=2000, max=2100)])
    month = SelectField(_l("Month"), coerce=int, choices=[(m, str(m)) for m in range(1, 13)],
                        default=1)
    quarter = SelectField(_l("Quarter"), coerce=int, choices=[(q, f"Q{q}") for q in (1, 2, 3, 4)],
                          default=1)
    start = RecordDateField(_l("From"), validators=[Optional()])
    end = RecordDateField(_l("To (inclusive)"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.month.choices = month_choices()

    def validate_start(self, field) -> None:
        if self.kind.data == "custom" and (field.data is None or self.end.data is None):
            raise ValidationError(_l("Please enter both dates for a custom range."))


class AllowanceRuleForm(FlaskForm):
    # plausible bounds: a month's statement of such amounts stays far from any overflow
    hourly_rate = MoneyField(_l("Allowance per hour (EUR)"), validators=[DataRequired()],
                             max_cents=1000_00)
    minimum = MoneyField(_l("Minimum per assignment (EUR)"), validators=[DataRequired()],
                         max_cents=1000_00)
    per_km = MoneyField(_l("Travel allowance per km (EUR)"), validators=[DataRequired()],
                        max_cents=10_00)
    reimburse_tickets = BooleanField(_l("Reimburse public transport tickets"))
    annual_cap = MoneyField(_l("Tax-free annual cap (EUR)"), validators=[DataRequired()],
                            max_cents=100_000_00)
    warn_percent = IntegerField(_l("Warn from (percentage of the cap)"),
                                validators=[DataRequired(), NumberRange(min=1, max=100)])
    remote_time_percent = IntegerField(
        _l("Phone and video: percentage of the time allowance"), default=100,
        validators=[Optional(), NumberRange(min=0, max=100)])  # empty: 100
    submit = SubmitField(_l("Save rule"))

    def values(self) -> dict:
        return {"hourly_rate_cents": self.hourly_rate.cents, "minimum_cents": self.minimum.cents,
                "per_km_cents": self.per_km.cents,
                "reimburse_tickets": bool(self.reimburse_tickets.data),
                "annual_cap_cents": self.annual_cap.cents,
                "warn_percent": self.warn_percent.data,
                "remote_time_percent": 100 if self.remote_time_percent.data is None
                else self.remote_time_percent.data}

    def fill(self, rule) -> None:
        self.hourly_rate.data = cents_text(rule.hourly_rate_cents)
        self.minimum.data = cents_text(rule.minimum_cents)
        self.per_km.data = cents_text(rule.per_km_cents)
        self.reimburse_tickets.data = rule.reimburse_tickets
        self.annual_cap.data = cents_text(rule.annual_cap_cents)
        self.warn_percent.data = rule.warn_percent
        self.remote_time_percent.data = rule.remote_time_percent


class MonthForm(FilterForm):
    year = IntegerField(_l("Year"), validators=[Optional(), NumberRange(min=2000, max=2100)])
    month = SelectField(_l("Month"), coerce=int, choices=[(m, str(m)) for m in range(1, 13)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.month.choices = month_choices()


class ActionForm(FlaskForm):
    """An empty form: a POST button with its CSRF token."""


class ExportConfirmForm(FlaskForm):
    """The confirmation of an export: the count and sum the coordinator was shown."""

    count = IntegerField(widget=HiddenInput(), validators=[InputRequired(),
                                                           NumberRange(min=0, max=100_000)])
    total_cents = IntegerField(widget=HiddenInput(), validators=[
        InputRequired(), NumberRange(min=-(2**31), max=2**31 - 1)])
    submit = SubmitField(_l("Yes, export and freeze for good"))


class CorrectionForm(FlaskForm):
    mediator_id = SelectField(_l("Mediator"), coerce=optional_int, choices=[],
                              validators=[chosen()])
    fee = MoneyField(_l("Allowance for time (EUR, negative to reclaim)"), default="0",
                     allow_negative=True, max_cents=max_correction_cents)
    travel = MoneyField(_l("Travel costs (EUR, negative to reclaim)"), default="0",
                        allow_negative=True, max_cents=max_correction_cents)
    note = StringField(_l("Reason"), validators=[DataRequired(), Length(max=500)])
    submit = SubmitField(_l("Add correction"))
