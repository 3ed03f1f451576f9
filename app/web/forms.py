"""Form helpers shared by several blueprints."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, Length

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


class BankDetailsForm(FlaskForm):
    """Account holder, IBAN and optional BIC (validated by app/services/pool/bank.py).

    The stored IBAN is never put into the form: an empty IBAN field keeps it.
    """

    account_holder = StringField(_l("Account holder"), validators=[Length(max=70)],
                                 render_kw={"autocomplete": "name"})
    iban = StringField(_l("IBAN"), validators=[Length(max=42)],
                       render_kw={"autocomplete": "off", "spellcheck": "false"})
    bic = StringField(_l("BIC (optional)"), validators=[Length(max=14)],
                      render_kw={"autocomplete": "off", "spellcheck": "false"})
    remove = BooleanField(_l("Delete the bank details"))
    submit = SubmitField(_l("Save bank details"))
