"""Authentication views."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from app.auth import bp
from app.auth.forms import ForgotPasswordForm, LoginForm, SetPasswordForm
from app.extensions import db, limiter
from app.models import User
from app.services.core import accounts
from app.services.core.errors import DomainError
from app.timeutil import now_utc
from app.web.redirects import safe_next as _safe_next


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = db.session.scalar(sa.select(User).where(User.email == form.email.data.lower()))
        if user is None or not user.is_enabled or not user.check_password(form.password.data):
            flash(_("E-mail or password is wrong."), "error")
            return render_template("auth/login.html", form=form), 200
        login_user(user, remember=form.remember.data)
        user.last_login_at = now_utc()
        db.session.commit()
        return redirect(_safe_next(request.args.get("next")) or url_for("main.index"))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    logout_user()
    flash(_("You have been logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/forgot", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        accounts.request_reset(form.email.data)
        db.session.commit()
        flash(_("If an account exists for this address, we have sent a link."), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form)


def _password_page(token: str, purpose: str, title: str):
    try:
        user = accounts.user_from_token(token, purpose)
    except DomainError as exc:
        flash(str(exc), "error")
        return redirect(url_for("auth.login"))
    form = SetPasswordForm()
    if form.validate_on_submit():
        accounts.set_password_from_token(token, purpose, form.password.data)
        db.session.commit()
        flash(_("Your password has been saved. Please log in."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/set_password.html", form=form, title=title, user=user)


@bp.route("/invite/<token>", methods=["GET", "POST"])
def accept_invite(token: str):
    return _password_page(token, "invite", _("Welcome: choose your password"))


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    return _password_page(token, "reset", _("Choose a new password"))
