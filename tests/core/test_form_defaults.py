"""Forms that do not decide for the user.

Every FlaskForm subclass in app/ is instantiated inside a request; every SelectField and
RadioField must start empty ("– please choose –", nothing checked) or on an explicitly neutral
choice ("no preference", "– none –"). A harmless default (a UI language, a report period) is
listed in EXEMPT with the reason it was accepted. Choices the view fills are filled here by the
view's own helper (VIEW_CHOICES), so a new form with view-filled choices must be listed.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
from flask_login import login_user
from flask_wtf import FlaskForm
from wtforms import Form, RadioField, SelectField, SelectMultipleField
from wtforms.fields import FieldList, FormField

import app as app_package

NEUTRAL_VALUES = {"", None, "none", "no_preference", "not_stated"}
NEUTRAL_LABELS = {"–", "– none –", "– keine –", "all", "alle", "– please choose –", "– bitte wählen –",
                  "keine Angabe", "no preference", "keine Präferenz"}

EXEMPT = {
    "app.booking.coordinator_forms.CancelRequestForm.scope": "the least a cancellation can "
                                                              "touch: this one date only",
    "app.booking.request_forms.CancelForm.scope": "the least a cancellation can touch: this one date",
    "app.web.forms.InviteForm.locale": "the invited person's UI language; changeable any time",
    "app.web.forms.MediatorInviteForm.locale": "the invited mediator's UI language; changeable any time",
    "app.pool.import_forms.InviteAllForm.locale": "UI language of the invitations",
    "app.pool.self_service_forms.ProfileForm.locale": "the website language itself",
    "app.pool.self_service_forms.OnBehalfProfileForm.locale": "the website language itself",
    "app.reports.forms.PeriodForm.kind": "a report filter: the year is the usual view",
    "app.reports.forms.PeriodForm.month": "a report filter, only read for a monthly period",
    "app.reports.forms.PeriodForm.quarter": "a report filter, only read for a quarter",
    "app.reports.forms.MonthForm.month": "a GET filter: which month's statements are shown",
    "app.booking.coordinator_forms.OffersForm.channel":
        "carried by the two submit buttons (e-mail / phone), never shown as a choice",
}


def _view_choices():
    """Field → the function the view fills its choices with (same helper, not a copy)."""
    from app.booking.request_forms import prepare
    from app.calendar.meetings_coordinator import _group_choices
    from app.pool.mediators_coordinator import _cohort_choices
    from app.pool.recruiting_public import application_language_choices
    from app.pool.training_coordinator import module_choices
    from app.reports.allowance_routes import correction_field_choices
    from app.services.booking.intake import institution_choices
    from app.web.forms import language_field_choices

    def field(name, make):
        return lambda form: setattr(getattr(form, name), "choices", make())

    return {
        "app.web.forms.LanguageForm": field("code", language_field_choices),
        "app.pool.forms.MediatorForm": field("cohort_id", _cohort_choices),
        "app.calendar.meetings_forms.SeriesForm": _group_choices,
        "app.calendar.meetings_forms.SingleForm": _group_choices,
        "app.pool.training_forms.CourseForm": field("module_id", module_choices),
        "app.pool.recruiting_forms.ApplicationForm": application_language_choices,
        "app.reports.forms.CorrectionForm": field("mediator_id", correction_field_choices),
        "app.booking.request_forms.RequestForm": lambda form: prepare(form, None),
        "app.booking.request_forms.RequestEditForm": lambda form: prepare(form, None),
        "app.booking.coordinator_forms.OfficeEditForm": lambda form: prepare(form, None),
        "app.booking.coordinator_forms.PhoneIntakeForm": lambda form: (
            prepare(form, None), setattr(form.institution_id, "choices", [
                ("", "– bitte wählen –"), *institution_choices()])),
    }


#: forms whose choice lists are built from one object at a time (the view passes it);
#: their blank first option is checked in the view's own test
BUILT_PER_OBJECT = {
    "app.pool.training_forms.StatusForm": "transitions of one mediator's status "
                                          "(tests/core/test_form_defaults.py::test_status_form_starts_empty)",
    "app.pool.training_forms.AttendanceForm": "a checkbox list of the course participants",
    "app.pool.training_forms.AuditFilterForm": "a GET filter, view sets 'all' first",
    "app.pool.forms.MediatorFilterForm": "a GET filter, view sets 'all' first",
    "app.pool.training_forms.ParticipantForm": "one course's candidates, '– please choose –' "
                                               "first (app/pool/training_coordinator.py _course_page)",
    "app.booking.coordinator_forms.ReassignForm": "one request's ranked candidates, "
                                                   "'– please choose –' first",
    "app.booking.coordinator_forms.OffersForm": "a checkbox list of candidates",
    "app.calendar.meetings_forms.GroupForm": "a checkbox list of group members",
}


def _form_classes():
    found = {}
    for info in pkgutil.walk_packages(app_package.__path__, "app."):
        module = importlib.import_module(info.name)
        for name, obj in vars(module).items():
            if (inspect.isclass(obj) and issubclass(obj, FlaskForm) and obj is not FlaskForm
                    and obj.__module__ == module.__name__ and not name.startswith("_")):
                found[f"{obj.__module__}.{name}"] = obj
    return found


def _choice_fields(form, prefix=""):
    for field in form:
        if isinstance(field, FieldList):
            for entry in field:
                yield from _choice_fields(entry.form, f"{prefix}{field.name}.")
        elif isinstance(field, FormField):
            yield from _choice_fields(field.form, prefix)
        elif isinstance(field, SelectMultipleField):
            continue  # nothing is chosen until the user ticks or selects
        elif isinstance(field, (SelectField, RadioField)):
            yield prefix + field.short_name.split("-")[-1], field


def _preselected(field):
    """What the browser shows chosen: the selected option, else a select's first option."""
    options = list(field.iter_choices())
    chosen = [(value, label) for value, label, selected, *_ in options if selected]
    if chosen:
        return chosen[0]
    if isinstance(field, RadioField) or not options:
        return (None, "")
    return (options[0][0], options[0][1])


def _offenders(app, institution_user):
    fillers = _view_choices()
    offenders, unlisted = [], []
    with app.test_request_context("/"):
        login_user(institution_user)  # the request form offers the institution's requests
        for key, cls in sorted(_form_classes().items()):
            form = cls()
            if key in fillers:
                fillers[key](form)
            for name, field in _choice_fields(form):
                full = f"{key}.{name.split('.')[-1]}"
                if full in EXEMPT:
                    continue
                if not field.choices:
                    if key not in BUILT_PER_OBJECT:
                        unlisted.append(full)
                    continue
                value, label = _preselected(field)
                if value in NEUTRAL_VALUES or str(label) in NEUTRAL_LABELS:
                    continue
                offenders.append(f"{full} starts on {value!r} ({label})")
    return sorted(set(offenders)), sorted(set(unlisted))


def test_no_choice_is_made_for_the_user(app, make_user):
    offenders, unlisted = _offenders(app, make_user("institution"))
    assert offenders == []
    assert unlisted == [], "choices filled by a view: add the form to VIEW_CHOICES"


def test_every_form_is_found(app):
    """The walk finds the forms of every area (guards against an import that stops it)."""
    areas = {key.split(".")[1] for key in _form_classes()}
    assert {"pool", "booking", "calendar", "reports", "web", "accounts", "site"} <= areas


def test_exemptions_name_real_fields(app):
    with app.test_request_context("/"):
        forms = _form_classes()
        for key in EXEMPT:
            module_form, field = key.rsplit(".", 1)
            assert field in forms[module_form]()._fields, key


def test_status_form_starts_empty(app, make_mediator):
    from app.pool.people_coordinator import status_choices

    with app.test_request_context("/"):
        assert status_choices(make_mediator())[0][0] == ""


@pytest.mark.parametrize("path", ["/pool/mediators/new"])
def test_new_mediator_refuses_to_save_without_a_gender(client, login, make_user, path):
    from tests.conftest import csrf_token

    login(make_user("coordinator"))
    token = csrf_token(client, path)
    response = client.post(path, data={
        "csrf_token": token, "first_name": "Karl", "last_name": "Muster", "gender": "",
        "mobility": "", "german_level": "", "status": "", "cohort_id": "0",
        "max_per_week": "3"})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "Please choose" in body or "Bitte wählen" in body
    from app.extensions import db
    from app.models.mediator import Mediator

    assert db.session.query(Mediator).filter_by(last_name="Muster").count() == 0


def test_nested_forms_are_walked():
    """LanguageRow / AvailabilityRow are plain Forms inside the application form."""
    from app.pool.recruiting_forms import LanguageRow

    assert issubclass(LanguageRow, Form)

