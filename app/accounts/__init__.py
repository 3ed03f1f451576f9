"""Accounts and settings: login, logout, invitations, password reset, the e-mail outbox and
the language names."""

from flask import Blueprint

bp = Blueprint("accounts", __name__)

from app.accounts import (  # noqa: E402,F401
    auth,
    language_names_coordinator,
    outbox_coordinator,
    translations_coordinator,
)
