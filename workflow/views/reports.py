"""The period report page with its downloads, locking its figures, and the yearly targets."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)

from states.indicators import TARGET_KINDS
from workflow.clock import today
from workflow.engine.errors import InvalidInput
from workflow.engine.uow import unit_of_work
from workflow.extensions import db
from workflow.ids import parse_id
from workflow.models import Organization
from workflow.permissions import REPORT_KEEPERS, REPORT_READERS, Actor
from workflow.reports import dashboard, export
from workflow.reports import document as document_mod
from workflow.reports import period as period_mod
from workflow.reports import targets as target_mod
from workflow.reports.params import (
    document_for,
    org_choices,
    parse_request,
    presets,
    whole_committee_allowed,
)
from workflow.web import current_actor, requires

bp = Blueprint("reports", __name__, url_prefix="/reports")

FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "json": "application/json",
}


@bp.route("/")
@requires(*REPORT_READERS)
def index():
    actor = current_actor()
    req, errors = parse_request(actor, request.args)
    doc = document_for(req) if req else None
    charts = None
    if doc is not None:
        charts = {
            "pipeline": dashboard.pipeline(req.org),
            "targets": dashboard.target_progress(doc),
            "monthly": dashboard.monthly(doc.report),
        }
    return render_template(
        "reports/index.html",
        doc=doc,
        req=req,
        errors=errors,
        args=request.args,
        orgs=org_choices(actor),
        whole_allowed=whole_committee_allowed(actor),
        presets=presets(today()),
        charts=charts,
        member_cells=export.member_cells,
        may_lock=req is not None and _keeper_scope(actor, req.org),
    )


def _keeper_scope(actor: Actor, org: Organization | None) -> bool:
    return actor.scope_for(REPORT_KEEPERS, org.path if org else None) is not None


@bp.route("/download.<any(xlsx, pdf, json):fmt>")
@requires(*REPORT_READERS)
def download(fmt: str):
    req, errors = parse_request(current_actor(), request.args)
    if req is None:
        flash(" ".join(errors.values()), "error")
        return redirect(url_for(".index", **request.args))
    doc = document_for(req)
    if fmt == "xlsx":
        data = export.to_xlsx(doc)
    elif fmt == "pdf":
        data = export.to_pdf(doc)
    else:
        data = export.to_json(doc).encode("utf-8")
    response = Response(data, mimetype=FORMATS[fmt])
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{export.file_stem(doc)}.{fmt}"'
    )
    return response


@bp.route("/lock", methods=["POST"])
@requires(*REPORT_KEEPERS)
def lock():
    actor = current_actor()
    req, errors = parse_request(actor, request.form)
    if req is None:
        flash(" ".join(errors.values()), "error")
        return redirect(url_for(".index"))
    if not _keeper_scope(actor, req.org):
        abort(404)
    args = {"from": req.start.isoformat(), "to": req.end.isoformat()}
    if req.org:
        args["org"] = str(req.org.id)
    if req.end >= today():
        flash("Chỉ chốt số liệu khi kỳ báo cáo đã kết thúc.", "error")
        return redirect(url_for(".index", **args))
    with unit_of_work():
        report = period_mod.compute(req.start, req.end, req.org)
        document_mod.lock(report, actor=actor)
    flash("Đã chốt số liệu của kỳ báo cáo.", "success")
    return redirect(url_for(".index", **args))


@bp.route("/targets", methods=["GET", "POST"])
@requires(*REPORT_READERS)
def targets():
    actor = current_actor()
    year_text = request.values.get("year") or str(today().year)
    year = int(year_text) if year_text.isdigit() and 2000 <= int(year_text) <= 2100 else None
    if year is None:
        abort(404)
    errors: dict[str, str] = {}
    if request.method == "POST":
        raw_org = request.form.get("org") or ""
        org = None
        if raw_org:
            org_id = parse_id(raw_org)
            org = db.session.get(Organization, org_id) if org_id else None
            if org is None:
                abort(404)
        if not _keeper_scope(actor, org):
            abort(403 if actor.has_role(*REPORT_KEEPERS) else 404)
        try:
            with unit_of_work():
                target_mod.set_target(request.form, org, actor=actor)
        except InvalidInput as exc:
            errors = exc.errors
        else:
            flash("Đã ghi chỉ tiêu.", "success")
            return redirect(url_for(".targets", year=request.form.get("year") or year))
    orgs = [o for o in org_choices(actor) if o.parent_id is None]
    set_targets = target_mod.targets_of(year)
    rows = [(None, "Toàn Đảng bộ")] if whole_committee_allowed(actor) else []
    rows += [(o, o.name) for o in orgs]
    return render_template(
        "reports/targets.html",
        year=year,
        rows=rows,
        kinds=TARGET_KINDS,
        set_targets=set_targets,
        scope_of=target_mod.scope_of,
        errors=errors,
        form=request.form if errors else None,
        may_set=actor.has_role(*REPORT_KEEPERS),
        keeper_scope=lambda org: _keeper_scope(actor, org),
    )
