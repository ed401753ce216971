"""Login, logout and the user's own password."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user

from forms.auth import CodeForm, LoginForm, PasswordChangeForm, SecondFactorForm
from forms.base import apply_errors
from workflow import totp
from workflow.auth import (
    LOGIN_EXPIRED,
    authenticate,
    end_sessions,
    needs_second_factor,
    verify_code,
)
from workflow.documents.render import qr_svg
from workflow.extensions import db
from workflow.models import User
from workflow.operations.users import (
    change_password,
    disable_second_factor,
    enable_second_factor,
)
from workflow.store.errors import InvalidInput
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
        if result.second_factor:
            session.clear()
            session["mfa_pending"] = {
                "uid": result.user.id,
                "epoch": result.user.session_epoch,
                "at": int(time.time()),
                "next": _safe_next(form.next.data),
            }
            return redirect(url_for("auth.login_code"))
        if result.user is not None:
            session.clear()  # a fresh session at login (no fixation)
            login_user(result.user)
            return redirect(_safe_next(form.next.data))
        error = result.error
        status = 429 if result.throttled else 401
        return render_template("auth/login.html", form=form, error=error), status
    return render_template("auth/login.html", form=form, error=error)


def _pending_login() -> dict | None:
    pending = session.get("mfa_pending")
    if not isinstance(pending, dict):
        return None
    age = time.time() - pending.get("at", 0)
    if not 0 <= age <= current_app.config["MFA_PENDING_SECONDS"]:
        session.pop("mfa_pending", None)
        return None
    return pending


@bp.route("/login/code", methods=["GET", "POST"])
@public
def login_code():
    """The second step of a login with an authenticator app: its current code."""
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    pending = _pending_login()
    if pending is None:
        flash(LOGIN_EXPIRED, "info")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit():
        result = verify_code(
            pending["uid"], pending["epoch"], form.code.data or "", ip=request.remote_addr or ""
        )
        if result.user is not None:
            session.clear()
            login_user(result.user)
            return redirect(_safe_next(pending["next"]))
        if result.error == LOGIN_EXPIRED:
            session.pop("mfa_pending", None)
            flash(LOGIN_EXPIRED, "info")
            return redirect(url_for("auth.login"))
        status = 429 if result.throttled else 401
        return render_template("auth/code.html", form=form, error=result.error), status
    return render_template("auth/code.html", form=form, error="")


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
            change_password(
                current_user.id,
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


@bp.route("/account/mfa", methods=["GET", "POST"])
@requires()
def second_factor():
    """Set up (or, where the role allows, turn off) the authenticator app."""
    user = db.session.get(User, current_user.id)
    required = needs_second_factor(current_actor())
    form = SecondFactorForm()
    errors: list[str] = []
    status = 200
    if user.totp_secret is None:
        secret = session.get("mfa_setup_secret") or totp.new_secret()
        session["mfa_setup_secret"] = secret
    else:
        secret = ""
    if form.validate_on_submit():
        try:
            password, code = form.password.data or "", form.code.data or ""
            if secret:
                enable_second_factor(current_user.id, secret, password, code, actor=current_actor())
            else:
                disable_second_factor(current_user.id, password, code, actor=current_actor())
        except InvalidInput as exc:
            errors, status = apply_errors(form, exc.errors), 422
        else:
            session.clear()
            login_user(db.session.get(User, current_user.id))  # the other sessions end
            if secret:
                flash("Đã bật xác thực hai lớp. Các phiên đăng nhập khác đã kết thúc.", "success")
            else:
                flash("Đã tắt xác thực hai lớp.", "success")
            return redirect(url_for("main.dashboard"))
    elif form.is_submitted():
        status = 422
    uri = totp.provisioning_uri(secret, user.username, current_app.config["MFA_ISSUER"])
    return render_template(
        "auth/mfa.html",
        form=form,
        errors=errors,
        enrolled=user.totp_secret is not None,
        required=required,
        secret=totp.grouped(secret) if secret else "",
        qr=qr_svg(uri) if secret else "",
    ), status
