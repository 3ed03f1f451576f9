"""Forms of the coordinator's language names and debrief follow-up."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class LanguageNameForm(FlaskForm):
    code = StringField(_l("ISO 639-3 code"), validators=[DataRequired(), Length(min=3, max=3)])
    name_de = StringField(_l("Name in German"), validators=[DataRequired(), Length(max=120)])
    name_en = StringField(_l("Name in English"), validators=[DataRequired(), Length(max=120)])
    submit = SubmitField(_l("Save name"))


class DebriefNoteForm(FlaskForm):
    """The coordinator's note on how a burdened debrief was followed up."""

    note = TextAreaField(_l("Follow-up note"), validators=[Optional(), Length(max=4000)])
    done = BooleanField(_l("Followed up"))
