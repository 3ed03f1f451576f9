"""Authentication views: login, logout, password links and changes, ending sessions."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user

from app import logs
from app.accounts import bp
from app.accounts.forms import ChangePasswordForm, ForgotPasswordForm, LoginForm, SetPasswordForm
from app.extensions import db, limiter
from app.models import User
from app.services.core import accounts
from app.services.core.errors import DomainError
from app.services.core.link_people import LinkGoneError
from app.web.guards import coordinator_required
from app.web.redirects import safe_next as _safe_next
from app.web.transaction import commit_or_message
from app.web.views import form_page, link_gone_page, load_or_404, speak_to

SESSION_KEYS_KEPT_AT_LOGIN = ("locale",)  # everything else, the CSRF secret too, starts anew


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _start_session(user: User, remember: bool) -> None:
    """Log in on a fresh session: a CSRF token planted before the login stops working."""
    kept = {key: session[key] for key in SESSION_KEYS_KEPT_AT_LOGIN if key in session}
    session.clear()
    session.update(kept)
    login_user(user, remember=remember)
    logs.remember_user(user)  # the login's commit expires the user before the access line


@bp.route("/auth/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("site.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is None:
            commit_or_message(accounts.record_failed_login, form.email.data)  # audit only
            flash(_("E-mail or password is wrong."), "error")
            return render_template("accounts/login.html", form=form), 200
        _start_session(user, remember=form.remember.data)
        commit_or_message(accounts.record_login, user)  # a lost stamp does not block it
        return redirect(_safe_next(request.args.get("next")) or url_for("site.index"))
    return render_template("accounts/login.html", form=form)


@bp.route("/auth/logout", methods=["POST"])
def logout():
    """Log out everywhere: copies of this session's cookies stop working too."""
    if current_user.is_authenticated:
        user = db.session.get(User, current_user.id)
        if not commit_or_message(accounts.end_sessions, user).flash():
            return redirect(url_for("site.index"))
    logout_user()
    flash(_("You have been logged out."), "info")
    return redirect(url_for("accounts.login"))


@bp.route("/auth/forgot", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        if not commit_or_message(accounts.request_reset, form.email.data).flash():
            return render_template("accounts/forgot.html", form=form), 409
        flash(_("If an account exists for this address, we have sent a link."), "info")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot.html", form=form)


def _password_page(token: str, purpose: str, title: str):
    try:
        user = accounts.user_from_token(token, purpose)
    except LinkGoneError as exc:  # the account or its person is gone: a page, no redirect
        return link_gone_page(exc)
    except DomainError as exc:
        flash(str(exc), "error")
        return redirect(url_for("accounts.login"))
    speak_to(user)
    form = SetPasswordForm(account_words=accounts.password_words(user))
    if form.validate_on_submit():
        outcome = commit_or_message(accounts.set_password_from_token, token, purpose,
                                    form.password.data)
        if not outcome.ok:
            form.password.errors = [outcome.error]
            return render_template("accounts/set_password.html", form=form, title=title,
                                   user=user), 400
        flash(_("Your password has been saved. Please log in."), "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/set_password.html", form=form, title=title, user=user)


@bp.route("/auth/invite/<token>", methods=["GET", "POST"])
def accept_invite(token: str):
    return _password_page(token, "invite", _l("Welcome: choose your password"))


@bp.route("/auth/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    return _password_page(token, "reset", _l("Choose a new password"))


@bp.route("/auth/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change the own password; this session goes on, every other one ends."""
    user = db.session.get(User, current_user.id)
    form = ChangePasswordForm(account_words=accounts.password_words(user))
    if form.validate_on_submit():
        outcome = commit_or_message(accounts.change_password, user, form.current.data,
                                    form.password.data)
        if outcome.ok:
            remember = current_app.config["REMEMBER_COOKIE_NAME"] in request.cookies
            _start_session(user, remember=remember)
            flash(_("Your password has been changed. You were logged out everywhere else."),
                  "success")
            return redirect(url_for("site.index"))
        form.current.errors = [outcome.error]
    return form_page("accounts/change_password.html", form, user=user)


def _account_page(user: User) -> str:
    """Return the coordinator's page that shows this account."""
    if user.mediator_id is not None:
        return url_for("pool.mediator", mediator_id=user.mediator_id)
    if user.institution_id is not None:
        return url_for("pool.institution", institution_id=user.institution_id)
    return url_for("site.index")


@bp.route("/auth/users/<int:user_id>/end-sessions", methods=["POST"])
@coordinator_required
def end_sessions(user_id: int):
    """End every session and remember cookie of one user (e.g. a volunteer who left)."""
    user = load_or_404(User, user_id)
    commit_or_message(accounts.end_sessions, user, current_user).flash(
        _("All sessions of %(email)s have been ended.", email=user.email))
    if user.id == current_user.id:  # ended their own sessions, this one included
        logout_user()
        return redirect(url_for("accounts.login"))
    return redirect(_account_page(user))
