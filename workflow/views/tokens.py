"""The user's own API access tokens ("Mã truy cập API"): list, create (shown once), revoke."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from forms.base import apply_errors
from forms.tokens import ApiTokenForm, RevokeTokenForm
from workflow.extensions import db
from workflow.ids import parse_id
from workflow.models import User, utcnow
from workflow.operations import tokens as token_ops
from workflow.store.errors import InvalidInput
from workflow.store.uow import unit_of_work
from workflow.web import current_actor, requires

bp = Blueprint("tokens", __name__, url_prefix="/account/tokens")


def _page(form: ApiTokenForm, *, errors=(), created: str = "", status: int = 200):
    return render_template(
        "auth/tokens.html",
        form=form,
        revoke_form=RevokeTokenForm(),
        tokens=token_ops.tokens_of(current_user.id),
        now=utcnow(),
        errors=list(errors),
        created=created,
    ), status


@bp.route("/", methods=["GET", "POST"])
@requires()
def index():
    form = ApiTokenForm()
    if not form.validate_on_submit():
        return _page(form, status=422 if form.is_submitted() else 200)
    lifetime = form.lifetime.data or ""
    # "" is "until revoked"; anything else must be one of the offered lengths (0 never is)
    days = (parse_id(lifetime) or 0) if lifetime else None
    try:
        with unit_of_work():
            user = db.session.get(User, current_user.id)
            _, token = token_ops.create_token(
                user, form.name.data or "", days, actor=current_actor()
            )
    except InvalidInput as exc:
        return _page(form, errors=apply_errors(form, exc.errors), status=422)
    # the token is shown in this response only; it is not stored anywhere
    return _page(ApiTokenForm(formdata=None), created=token)


@bp.route("/<int:token_id>/revoke", methods=["POST"])
@requires()
def revoke(token_id: int):
    if not RevokeTokenForm().validate_on_submit():
        abort(400)
    with unit_of_work():
        user = db.session.get(User, current_user.id)
        row = token_ops.revoke_token(user, token_id, actor=current_actor())
        name = row.name
    flash(f"Đã thu hồi mã truy cập “{name}”.", "success")
    return redirect(url_for("tokens.index"))
