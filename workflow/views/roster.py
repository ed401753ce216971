"""The member list as a spreadsheet: the template, the export, and the import (upload, check,
then import all or only the clean rows)."""

from __future__ import annotations

import io

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
from sqlalchemy import select

from forms.base import apply_errors
from forms.roster import CommitForm, DiscardForm, UploadForm
from states.numbers import vn_number
from workflow.clock import today
from workflow.extensions import db
from workflow.ids import parse_id
from workflow.models import ImportBatch, Organization
from workflow.models.imports import MODES
from workflow.models.people import MEMBER_STATUSES
from workflow.operations import access_log
from workflow.permissions import ROSTER_KEEPERS
from workflow.roster import batches, export
from workflow.roster.checks import describe
from workflow.store.errors import InvalidInput, NotFound
from workflow.web import current_actor, requires

bp = Blueprint("roster", __name__, url_prefix="/people")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: problems listed on the page (the rest are counted)
SHOWN_PROBLEMS = 1000


def _download(data: bytes, name: str):
    response = send_file(io.BytesIO(data), mimetype=XLSX, as_attachment=True, download_name=name)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/import/template.xlsx")
@requires(*ROSTER_KEEPERS)
def template():
    return _download(export.template(current_actor()), "mau-danh-sach-dang-vien.xlsx")


@bp.route("/export.xlsx")
@requires(*ROSTER_KEEPERS)
def export_list():
    actor = current_actor()
    org = None
    org_id = parse_id(request.args.get("org", ""))
    if org_id:
        org = db.session.get(Organization, org_id)
        if org is None or actor.scope_for(ROSTER_KEEPERS, org.path) is None:
            abort(404)
    status = request.args.get("status", "")
    status = status if status in MEMBER_STATUSES else ""
    data = export.workbook(actor, org, status)
    access_log.record(actor, "organization", org.id if org else 0, "member_list")
    stem = org.code.lower() if org else "dang-bo"
    return _download(data, f"danh-sach-{stem}-{today().isoformat()}.xlsx")


@bp.route("/import/", methods=["GET", "POST"])
@requires(*ROSTER_KEEPERS)
def upload():
    actor = current_actor()
    form = UploadForm()
    errors: list[str] = []
    status = 200
    if form.validate_on_submit():
        file = request.files.get(form.file.name)
        limit = current_app.config["ROSTER_MAX_BYTES"]
        data = file.stream.read(limit + 1) if file else b""
        try:
            if not file or not file.filename:
                raise InvalidInput({"file": "Chọn tệp danh sách (.xlsx)."})
            batch = batches.store(file.filename, data, actor)
        except InvalidInput as exc:
            errors, status = apply_errors(form, exc.errors), 422
        else:
            return redirect(url_for("roster.batch", batch_id=batch.id))
    elif form.is_submitted():
        errors, status = apply_errors(form, {}), 400
    recent = db.session.scalars(
        select(ImportBatch)
        .where(ImportBatch.user_id == actor.user_id)
        .order_by(ImportBatch.id.desc())
        .limit(10)
    ).all()
    return (
        render_template("people/import.html", form=form, errors=errors, recent=recent, modes=MODES),
        status,
    )


@bp.route("/import/<int:batch_id>")
@requires(*ROSTER_KEEPERS)
def batch(batch_id: int):
    actor = current_actor()
    try:
        found = batches.get_batch(batch_id, actor)
    except NotFound:
        abort(404)
    plan = None
    waiting = found.status in ("queued", "running")
    if found.committed_at is None and found.data is not None and not waiting:
        plan = batches.recheck(found, actor)
    return render_template(
        "people/import_batch.html",
        batch=found,
        plan=plan,
        shown=SHOWN_PROBLEMS,
        describe=describe,
        waiting=waiting,
        commit_form=CommitForm(),
        discard_form=DiscardForm(),
        modes=MODES,
    )


@bp.route("/import/<int:batch_id>/commit", methods=["POST"])
@requires(*ROSTER_KEEPERS)
def commit(batch_id: int):
    actor = current_actor()
    form = CommitForm()
    if not form.validate_on_submit():
        abort(400)
    mode = form.mode.data if form.mode.data in MODES else ""
    try:
        batches.queue_import(batch_id, mode, actor)
    except NotFound:
        abort(404)
    except InvalidInput as exc:
        flash(" ".join(exc.errors.values()) + " Chưa nhập gì.", "error")
        return redirect(url_for("roster.batch", batch_id=batch_id))
    db.session.expire_all()
    done = batches.get_batch(batch_id, actor)
    if done.status == "done":  # a worker was quick (or runs in this process)
        flash(
            f"Đã nhập: {vn_number(done.created)} người mới, cập nhật {vn_number(done.updated)}, "
            f"không đổi {vn_number(done.unchanged)}, bỏ qua {vn_number(done.skipped)} dòng có "
            "lỗi.",
            "success",
        )
    elif done.status in ("queued", "running"):
        flash("Đã đưa tệp vào hàng đợi để nhập; trang tự cập nhật khi nhập xong.", "success")
    return redirect(url_for("roster.batch", batch_id=batch_id))


@bp.route("/import/<int:batch_id>/discard", methods=["POST"])
@requires(*ROSTER_KEEPERS)
def discard(batch_id: int):
    if not DiscardForm().validate_on_submit():
        abort(400)
    try:
        batches.discard(batch_id, current_actor())
    except NotFound:
        abort(404)
    except InvalidInput as exc:
        flash(" ".join(exc.errors.values()), "error")
        return redirect(url_for("roster.batch", batch_id=batch_id))
    flash("Đã bỏ tệp; không nhập gì.", "success")
    return redirect(url_for("roster.upload"))
