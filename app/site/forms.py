"""Forms of the public pages: the accessibility feedback form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional


class AccessibilityFeedbackForm(FlaskForm):
    """Report a barrier; name and e-mail are optional (an answer needs the e-mail)."""

    message = TextAreaField(
        _l("What did not work for you?"), validators=[DataRequired(), Length(max=4000)]
    )
    page = StringField(_l("Which page (optional)"), validators=[Optional(), Length(max=300)])
    name = StringField(_l("Your name (optional)"), validators=[Optional(), Length(max=120)])
    email = EmailField(
        _l("Your e-mail address for an answer (optional)"),
        validators=[Optional(), Email(), Length(max=254)],
    )
    submit = SubmitField(_l("Send feedback"))
