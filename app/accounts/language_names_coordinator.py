"""Coordinator page for the languages' display names (German, English)."""

from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts import bp
from app.accounts.language_names_forms import LanguageNameForm
from app.i18n import ui_language
from app.services.core import language_admin
from app.services.core.languages import language_name
from app.web.confirm import ask, confirmed
from app.web.guards import coordinator_required
from app.web.transaction import commit_or_message


@bp.route("/coordination/languages", methods=["GET", "POST"])
@coordinator_required
def language_names():
    form = LanguageNameForm()
    status = 200
    if form.validate_on_submit():
        outcome = commit_or_message(language_admin.save, current_user, form.code.data,
                                    form.name_de.data, form.name_en.data)
        if outcome.flash(success=_("The name was saved.")):
            return redirect(url_for("accounts.language_names"))
        status = 409
    elif form.is_submitted():
        status = 400
    return render_template("accounts/language_names.html", form=form,
                           rows=language_admin.table()), status


@bp.route("/coordination/languages/<code>/remove", methods=["POST"])
@coordinator_required
def language_name_remove(code: str):
    code = code[:3]
    name = language_name(code, ui_language())
    if not confirmed():
        return ask(_("Remove the office's name %(name)s? The reviewed name is shown again.",
                     name=name), back=url_for("accounts.language_names"))
    outcome = commit_or_message(language_admin.remove, current_user, code)
    outcome.flash(success=_("The office's name %(name)s was removed.", name=name))
    return redirect(url_for("accounts.language_names"))
