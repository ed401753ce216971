"""The user's own API access tokens ("Mã truy cập API"): list, create (shown once), revoke."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from forms.base import apply_errors
from forms.tokens import ApiTokenForm, RevokeTokenForm
from workflow.ids import parse_id
from workflow.models import utcnow
from workflow.operations import tokens as token_ops
from workflow.store.errors import InvalidInput
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
        token = token_ops.create_token(
            current_user.id, form.name.data or "", days, actor=current_actor()
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
    name = token_ops.revoke_token(current_user.id, token_id, actor=current_actor())
    flash(f"Đã thu hồi mã truy cập “{name}”.", "success")
    return redirect(url_for("tokens.index"))
