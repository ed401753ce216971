"""Scans attached to a case's dossier: add, download, withdraw."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)

from forms.attachments import AttachmentForm
from forms.base import apply_errors, options
from workflow.extensions import db
from workflow.models import Attachment
from workflow.operations import access_log
from workflow.operations import attachments as ops
from workflow.permissions import CASE_VIEW_ROLES
from workflow.queries import get_case
from workflow.store import files
from workflow.store.errors import InvalidInput, PermissionDenied
from workflow.web import current_actor, requires

bp = Blueprint("attachments", __name__, url_prefix="/cases")


def _attachment(case_id: int, attachment_id: int) -> Attachment:
    """The attachment, only through a case the user may see (else 404)."""
    get_case(case_id, current_actor())
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.case_id != case_id or attachment.removed_at:
        abort(404)
    return attachment


@bp.route("/<int:case_id>/attachments/new", methods=["GET", "POST"])
@requires(*ops.WRITE_ROLES)
def new(case_id: int):
    actor = current_actor()
    case = get_case(case_id, actor)
    if not ops.may_write(actor, case):
        abort(403)
    form = AttachmentForm()
    form.purpose.choices = options(ops.purposes(case), blank="— chọn giấy tờ —")
    if request.method == "GET" and request.args.get("purpose"):
        form.purpose.data = request.args["purpose"]
    errors: list[str] = []
    status = 200
    if form.validate_on_submit():
        upload = request.files.get(form.file.name)
        limit = current_app.config["ATTACHMENT_MAX_BYTES"]
        data = b""
        if upload:
            data = upload.stream.read(limit + 1)
            upload.close()
        scan = ops.Upload(upload.filename or "" if upload else "", data)
        purpose = form.purpose.data or ""
        try:
            content_type = ops.inspect(case, purpose, scan)  # outside the write transaction
            name = ops.add(case_id, purpose, scan, actor=actor, content_type=content_type)
        except PermissionDenied:
            abort(403)
        except InvalidInput as exc:
            errors, status = apply_errors(form, exc.errors), 422
        else:
            flash(f"Đã đính kèm bản quét “{name}”.", "success")
            return redirect(url_for("cases.detail", case_id=case_id) + "#attachments")
    elif form.is_submitted():
        status = 422
    return render_template("cases/attachment_new.html", case=case, form=form, errors=errors), status


@bp.route("/<int:case_id>/attachments/<int:attachment_id>")
@requires(*CASE_VIEW_ROLES)
def download(case_id: int, attachment_id: int):
    attachment = _attachment(case_id, attachment_id)
    key = ops.key_of(attachment)
    stored = files.stat(key)
    if stored is None:
        abort(404)
    access_log.record(current_actor(), "case", case_id, "attachment", attachment.id)
    response = send_file(
        files.open_file(key),  # read by chunks as it is sent, from a folder or the database
        mimetype=attachment.content_type,
        as_attachment=True,
        download_name=attachment.original_name,
        conditional=False,
        etag=False,
        max_age=0,
    )
    response.content_length = stored.size
    # even if a browser were to render it, it could run nothing and reach nothing
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.route("/<int:case_id>/attachments/<int:attachment_id>/remove", methods=["POST"])
@requires(*ops.WRITE_ROLES)
def remove(case_id: int, attachment_id: int):
    form = AttachmentForm()  # only for its CSRF check
    if not form.validate_on_submit():
        abort(400)
    try:
        _attachment(case_id, attachment_id)
        ops.remove(case_id, attachment_id, actor=current_actor())
    except PermissionDenied:
        abort(403)
    except InvalidInput as exc:
        flash(str(exc), "error")
    else:
        flash("Đã gỡ bản quét khỏi hồ sơ.", "success")
    return redirect(url_for("cases.detail", case_id=case_id) + "#attachments")
