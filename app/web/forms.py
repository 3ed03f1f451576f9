"""Form helpers shared by several blueprints."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, Length, Optional

from app.labels import choices


class FilterForm(FlaskForm):
    """GET filter forms carry no CSRF token (they change nothing)."""

    class Meta:
        csrf = False


class InviteForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    locale = SelectField(_l("Language"), choices=[("de", "Deutsch"), ("en", "English")])
    submit = SubmitField(_l("Send invitation"))


def blank_choice(kind: str, blank_label) -> list:
    return [("", blank_label), *choices(kind)]


class LanguageForm(FlaskForm):
    """Add a language: the coordinator on the record, the mediator under "My languages"."""

    code = SelectField(_l("Language"), choices=[], validators=[DataRequired()])
    variety = StringField(_l("Variety / dialect"), validators=[Optional(), Length(max=80)])
    level = SelectField(_l("Level"), choices=choices("language_level"))
    submit = SubmitField(_l("Add language"))
