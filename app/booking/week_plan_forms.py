"""Forms of the week planner: choosing the week, and one choice per open request."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.validators import DataRequired, ValidationError
from wtforms.widgets import HiddenInput

from app.web.forms import AppointmentDateField, FilterForm


class WeekForm(FilterForm):
    day = AppointmentDateField(_l("Week (any day in it)"), validators=[DataRequired()])

    def validate_day(self, field) -> None:
        """Bound the day: the week's Monday of year 1 is before the first date there is."""
        if field.data and not 2000 <= field.data.year <= 2100:
            raise ValidationError(_("Please choose a year between 2000 and 2100."))


class PlanFormBase(FlaskForm):
    week = AppointmentDateField(widget=HiddenInput(), validators=[DataRequired()])


def line_field_name(request_id: int) -> str:
    return f"line_{request_id}"


def plan_form(lines, **kwargs) -> FlaskForm:
    """Build the plan form: per request a choice among its eligible mediators or none.

    Why a class per call: the fields depend on the week's requests; the default is the
    solver's proposal, and posted data (the coordinator's changes) wins over it.
    """

    class PlanForm(PlanFormBase):
        pass

    for line in lines:
        choices = [("", _("No offer"))] + [
            (str(o.mediator.id), _("%(name)s (score %(score)s)", name=o.mediator.full_name,
                                   score=o.score))
            for o in line.options
        ]
        setattr(PlanForm, line_field_name(line.request.id), SelectField(
            _("Mediator for request %(id)s", id=line.request.id), choices=choices,
            default=str(line.proposed_id or "")))
    return PlanForm(**kwargs)


def chosen(form, lines) -> dict[int, int | None]:
    """Read the coordinator's choice per request (None: no offer)."""
    result = {}
    for line in lines:
        value = getattr(form, line_field_name(line.request.id)).data
        result[line.request.id] = int(value) if value else None
    return result
