"""Forms of the reports area: the period selector and the allowance forms."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

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
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from app.services.core.periods import PERIOD_KINDS
from app.web.forms import FilterForm, RecordDateField

MONEY_RE = re.compile(r"^-?\d{1,3}(\.\d{3})*(,\d{1,2})?$|^-?\d+([.,]\d{1,2})?$")


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


class MoneyField(StringField):
    """An amount in euros typed the German or English way (15,50 / 1.234,50 / 15.50) → cents."""

    cents: int | None = None

    def __init__(self, *args, allow_negative: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.allow_negative = allow_negative

    def process_formdata(self, valuelist) -> None:
        super().process_formdata(valuelist)
        self.cents = None
        text = (self.data or "").strip().replace(" ", "").replace("€", "")
        if not text:
            return
        if not MONEY_RE.match(text):
            raise ValueError(_l("Please enter an amount such as 15,50."))
        if "," in text:
            text = text.replace(".", "").replace(",", ".")
        try:
            self.cents = int((Decimal(text) * 100).to_integral_value())
        except InvalidOperation as exc:
            raise ValueError(_l("Please enter an amount such as 15,50.")) from exc
        if self.cents < 0 and not self.allow_negative:
            self.cents = None
            raise ValueError(_l("The amount must not be negative."))


def cents_text(cents: int) -> str:
    """Show cents in a form field the German way (15,50)."""
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100},{abs(cents) % 100:02d}"


class AllowanceRuleForm(FlaskForm):
    hourly_rate = MoneyField(_l("Allowance per hour (EUR)"), validators=[DataRequired()])
    minimum = MoneyField(_l("Minimum per assignment (EUR)"), validators=[DataRequired()])
    per_km = MoneyField(_l("Travel allowance per km (EUR)"), validators=[DataRequired()])
    reimburse_tickets = BooleanField(_l("Reimburse public transport tickets"))
    annual_cap = MoneyField(_l("Tax-free annual cap (EUR)"), validators=[DataRequired()])
    warn_percent = IntegerField(_l("Warn from (percentage of the cap)"),
                                validators=[DataRequired(), NumberRange(min=1, max=100)])
    submit = SubmitField(_l("Save rule"))

    def values(self) -> dict:
        return {"hourly_rate_cents": self.hourly_rate.cents, "minimum_cents": self.minimum.cents,
                "per_km_cents": self.per_km.cents,
                "reimburse_tickets": bool(self.reimburse_tickets.data),
                "annual_cap_cents": self.annual_cap.cents,
                "warn_percent": self.warn_percent.data}

    def fill(self, rule) -> None:
        self.hourly_rate.data = cents_text(rule.hourly_rate_cents)
        self.minimum.data = cents_text(rule.minimum_cents)
        self.per_km.data = cents_text(rule.per_km_cents)
        self.reimburse_tickets.data = rule.reimburse_tickets
        self.annual_cap.data = cents_text(rule.annual_cap_cents)
        self.warn_percent.data = rule.warn_percent


class MonthForm(FilterForm):
    year = IntegerField(_l("Year"), validators=[Optional(), NumberRange(min=2000, max=2100)])
    month = SelectField(_l("Month"), coerce=int, choices=[(m, str(m)) for m in range(1, 13)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.month.choices = month_choices()


class ActionForm(FlaskForm):
    """An empty form: a POST button with its CSRF token."""


class CorrectionForm(FlaskForm):
    mediator_id = SelectField(_l("Mediator"), coerce=int, choices=[])
    fee = MoneyField(_l("Allowance for time (EUR, negative to reclaim)"), default="0",
                     allow_negative=True)
    travel = MoneyField(_l("Travel costs (EUR, negative to reclaim)"), default="0",
                        allow_negative=True)
    note = StringField(_l("Reason"), validators=[DataRequired(), Length(max=500)])
    submit = SubmitField(_l("Add correction"))
