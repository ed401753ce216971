"""The period report page with its downloads, locking its figures, and the yearly targets."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy import select

from states.indicators import TARGET_KINDS
from workflow.clock import today
from workflow.extensions import db
from workflow.ids import parse_id
from workflow.models import IssuedReport, Organization, User
from workflow.permissions import REPORT_ISSUERS, REPORT_KEEPERS, REPORT_READERS, Actor
from workflow.reports import dashboard, export
from workflow.reports import document as document_mod
from workflow.reports import issue as issue_mod
from workflow.reports import targets as target_mod
from workflow.reports.params import (
    document_for,
    org_choices,
    parse_request,
    presets,
    whole_committee_allowed,
)
from workflow.store.errors import InvalidInput
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
    issuing = _issuing(actor, doc) if doc is not None else None
    return render_template("reports/index.html", **_page(actor, req, doc, errors), issuing=issuing)


def _page(actor: Actor, req, doc: document_mod.ReportDocument | None, errors=None) -> dict:
    charts = None
    if doc is not None:
        charts = {
            "pipelines": dashboard.pipelines(req.org),
            "targets": dashboard.target_progress(doc),
            "monthly": dashboard.monthly(doc.report),
        }
    return {
        "doc": doc,
        "req": req,
        "errors": errors or {},
        "args": request.args,
        "orgs": org_choices(actor),
        "whole_allowed": whole_committee_allowed(actor),
        "presets": presets(today()),
        "charts": charts,
        "member_cells": export.member_cells,
        "may_lock": req is not None and _keeper_scope(actor, req.org),
    }


def _issuing(actor: Actor, doc: document_mod.ReportDocument, form=None, errors=None) -> dict:
    """What the page shows of numbering the report to send it: the reports of this period
    numbered before, and the form for those who may number one."""
    r = doc.report
    return {
        "done": [
            i
            for i in issue_mod.visible(actor)
            if (i.snapshot.start_on, i.snapshot.end_on, i.snapshot.org_id)
            == (r.start, r.end, r.org.id if r.org else None)
        ],
        "allowed": issue_mod.may_issue(actor),
        "refusal": issue_mod.refusal(doc),
        "signers": issue_mod.signers(),
        "form": form or {"recipients": issue_mod.default_recipients(), "signer": actor.user_id},
        "errors": errors or {},
    }


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
    document_mod.lock_period(req.start, req.end, req.org.id if req.org else None, actor=actor)
    flash("Đã chốt số liệu của kỳ báo cáo.", "success")
    return redirect(url_for(".index", **args))


@bp.route("/issue", methods=["POST"])
@requires(*REPORT_ISSUERS)
def issue():
    """Number the report in the committee's register to send it."""
    actor = current_actor()
    if not issue_mod.may_issue(actor):
        abort(403)
    req, errors = parse_request(actor, request.form)
    if req is None:
        flash(" ".join(errors.values()), "error")
        return redirect(url_for(".index"))
    doc = document_for(req)
    try:
        signer, recipients = issue_mod.read_form(request.form)
        issued_id, reference = issue_mod.issue(
            doc, actor=actor, signer=signer, recipients=recipients
        )
    except InvalidInput as exc:
        for key, message in exc.errors.items():
            if key not in issue_mod.FORM_FIELDS:  # the period, the register's date order
                flash(message, "error")
        return render_template(
            "reports/index.html",
            **_page(actor, req, doc),
            issuing=_issuing(actor, doc, request.form, exc.errors),
        ), 422
    try:
        issue_mod.pdf_of(issued_id)
    except Exception:  # the page is kept: the PDF is made again on download
        current_app.logger.exception("rendering report %s failed", issued_id)
    flash(f"Đã lấy số cho báo cáo: {reference}; tải bản PDF để gửi đi.", "success")
    return redirect(url_for(".issued"))


@bp.route("/issued")
@requires(*REPORT_READERS)
def issued():
    """The reports numbered to be sent, with the figures' audit position for the auditor."""
    reports = issue_mod.visible(current_actor())
    ids = {r.issued_by for r in reports if r.issued_by}
    names = dict(db.session.execute(select(User.id, User.full_name).where(User.id.in_(ids))).all())
    return render_template("reports/issued.html", reports=reports, names=names)


@bp.route("/issued/<int:issued_id>.pdf")
@requires(*REPORT_READERS)
def issued_pdf(issued_id: int):
    found = db.session.get(IssuedReport, issued_id)
    if found is None or not issue_mod.readable(current_actor(), found):
        abort(404)
    response = Response(issue_mod.pdf_of(found.id), mimetype=FORMATS["pdf"])
    name = f"bao-cao-{found.number}-{found.doc_type}-{found.issued_on.isoformat()}.pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


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
            target_mod.set_target(request.form.to_dict(), org, actor=actor)
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
