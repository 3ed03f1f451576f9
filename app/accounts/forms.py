"""Forms for login and passwords."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, ValidationError

from app.services.core import passwords


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    remember = BooleanField(_l("Stay logged in"))
    submit = SubmitField(_l("Log in"))


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email()])
    submit = SubmitField(_l("Send link"))


class SetPasswordForm(FlaskForm):
    """Choose a new password; `account_words` are the user's e-mail and name parts."""

    password = PasswordField(_l("New password"), validators=[DataRequired()])
    confirm = PasswordField(
        _l("Repeat password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )
    submit = SubmitField(_l("Save password"))

    def __init__(self, *args, account_words: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.account_words = account_words or []

    def validate_password(self, field) -> None:
        found = passwords.problems(field.data or "", self.account_words)
        if found:
            raise ValidationError(" ".join(found))


class ChangePasswordForm(SetPasswordForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired()])
