"""Destructive actions ask first, without JavaScript.

A "Remove" button posts to the action as before. That first POST changes nothing: the view
returns `ask(...)`, a page that says what will be removed, with a "Yes, remove" button (a plain
form posting to the same URL with `confirmed=yes` and a fresh CSRF token) and a "Cancel" link
back. Only the confirmed POST acts, and its flash names what was done. One view reads:

    item = ... (load and check the object, 404 if it is not yours)
    if not confirmed():
        return ask(_("Remove the language %(name)s?", name=text), back=url_for(...))
    ... commit_or_message(...), flash(_("Language %(name)s removed.", name=text))

The `describe_*` helpers word the objects the same way in the question and in the flash.
"""

from __future__ import annotations

from flask import render_template, request
from flask_babel import format_date
from flask_babel import gettext as _

from app.i18n import ui_language
from app.labels import label
from app.services.core.languages import language_name


def confirmed() -> bool:
    """True for the POST of the confirmation page's "Yes" button (CSRF already checked)."""
    return request.method == "POST" and request.form.get("confirmed") == "yes"


def ask(question: str, *, back: str, details=(), button: str | None = None,
        title: str | None = None, status: int = 200):
    """Render the confirmation step for the current POST URL; nothing has changed yet."""
    return render_template(
        "confirm.html", question=question, details=list(details), back=back,
        action=request.path, button_text=button or _("Yes, remove"),
        title=title or _("Please confirm"),
    ), status


def describe_language(language) -> str:
    """ "Arabic (Levantine)": the language in the UI language with its variety."""
    name = language_name(language.code, ui_language())
    return f"{name} ({language.variety})" if language.variety else name


def describe_window(window) -> str:
    """ "Monday 14:00–18:00": a weekly availability window."""
    return (f"{label('weekday', window.weekday)} "
            f"{window.start_time:%H:%M}–{window.end_time:%H:%M}")


def describe_absence(absence) -> str:
    """ "02.03.2026 – 06.03.2026": an absence's days."""
    first = format_date(absence.start_date, "medium")
    last = format_date(absence.end_date, "medium")
    return first if first == last else f"{first} – {last}"
