"""Login, logout and the user's own password."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from forms.auth import LoginForm, PasswordChangeForm
from forms.base import apply_errors
from workflow.auth import authenticate, end_sessions
from workflow.engine.errors import InvalidInput
from workflow.engine.uow import unit_of_work
from workflow.extensions import db
from workflow.models import User
from workflow.operations.users import change_password
from workflow.web import current_actor, public, requires

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only local paths: never an absolute or protocol-relative URL (open redirect)."""
    if not target:
        return url_for("main.dashboard")
    parts = urlsplit(target)
    if (
        any(ch.isspace() or not ch.isprintable() for ch in target)
        or parts.scheme
        or parts.netloc
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
    ):
        return url_for("main.dashboard")
    return target


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    error = ""
    if form.validate_on_submit():
        result = authenticate(
            form.username.data or "", form.password.data or "", ip=request.remote_addr or ""
        )
        if result.user is not None:
            session.clear()  # a fresh session at login (no fixation)
            login_user(result.user)
            return redirect(_safe_next(form.next.data))
        error = result.error
    return render_template("auth/login.html", form=form, error=error), 401 if error else 200


@bp.route("/logout", methods=["POST"])
@requires()
def logout():
    end_sessions(current_user.id)
    logout_user()
    session.clear()
    flash("Đã đăng xuất.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@requires()
def password():
    form = PasswordChangeForm()
    errors: list[str] = []
    status = 200
    if form.validate_on_submit():
        try:
            with unit_of_work():
                user = db.session.get(User, current_user.id)
                change_password(
                    user,
                    form.current.data or "",
                    form.new.data or "",
                    form.confirm.data or "",
                    actor=current_actor(),
                )
        except InvalidInput as exc:
            errors, status = apply_errors(form, exc.errors), 422
        else:
            user = db.session.get(User, current_user.id)
            session.clear()
            login_user(user)  # this session continues under the new epoch; others end
            flash("Đã đổi mật khẩu. Các phiên đăng nhập khác đã kết thúc.", "success")
            return redirect(url_for("main.dashboard"))
    elif form.is_submitted():
        status = 422
    return render_template("auth/password.html", form=form, errors=errors), status
