"""The form of the coordinator's language names."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length


class LanguageNameForm(FlaskForm):
    code = StringField(_l("ISO 639-3 code"), validators=[DataRequired(), Length(min=3, max=3)])
    name_de = StringField(_l("Name in German"), validators=[DataRequired(), Length(max=120)])
    name_en = StringField(_l("Name in English"), validators=[DataRequired(), Length(max=120)])
    submit = SubmitField(_l("Save name"))
