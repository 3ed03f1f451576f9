"""The form of the coordinator's debrief follow-up."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, TextAreaField
from wtforms.validators import Length, Optional


class DebriefNoteForm(FlaskForm):
    """The coordinator's note on how a burdened debrief was followed up."""

    note = TextAreaField(_l("Follow-up note"), validators=[Optional(), Length(max=4000)])
    done = BooleanField(_l("Followed up"))
