"""The mediator's report and debrief forms: assignment page and the e-mail link."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from app.services.booking.debriefs import DebriefData
from app.web.money import DecimalTextField, MoneyField


class ReportForm(FlaskForm):
    """Hours and travel after the appointment (German decimals: 12,5 km; 2,80 EUR)."""

    minutes = IntegerField(_l("How long did it take (minutes)?"),
                           validators=[InputRequired(), NumberRange(min=0, max=960)])
    travel_km = DecimalTextField(_l("Kilometres by car or bike"), places=1, maximum=9999,
                                 validators=[Optional()])
    ticket_cost = MoneyField(_l("Ticket cost in euros"), max_cents=999_00,
                             validators=[Optional()])


class DebriefFields:
    """Mixed into both forms below; `data_debrief()` hands the values to the service."""

    debrief = TextAreaField(_l("What do you want the office to know? (optional)"),
                            validators=[Optional(), Length(max=4000)])
    burdened = BooleanField(_l("The conversation weighed on me"))
    share_content = BooleanField(_l("My debrief may be discussed in my supervision group"))

    def debrief_data(self) -> DebriefData:
        return DebriefData(self.debrief.data or "", bool(self.burdened.data),
                           bool(self.share_content.data))


class DebriefForm(DebriefFields, FlaskForm):
    pass


class FollowUpReportForm(ReportForm, DebriefFields):
    pass
