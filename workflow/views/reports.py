"""The period report page with its downloads, locking its figures, and the yearly targets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

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

from states.fields import parse_date
from states.indicators import TARGET_KINDS
from states.spec import Role
from workflow.clock import today
from workflow.engine.errors import InvalidInput
from workflow.engine.uow import unit_of_work
from workflow.extensions import db
from workflow.ids import parse_id
from workflow.models import Organization
from workflow.permissions import Actor
from workflow.queries import visible_orgs
from workflow.reports import dashboard, export
from workflow.reports import document as document_mod
from workflow.reports import period as period_mod
from workflow.reports import targets as target_mod
from workflow.web import current_actor, requires

bp = Blueprint("reports", __name__, url_prefix="/reports")

#: who may read reports (each over the organizations of their grants)
READERS = frozenset(
    {
        Role.DEPARTMENT_STAFF,
        Role.SIGNER,
        Role.INSPECTION,
        Role.AUDITOR,
        Role.GRASSROOTS_STAFF,
    }
)
#: who sets targets and locks a period's figures
KEEPERS = frozenset({Role.DEPARTMENT_STAFF})
FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "json": "application/json",
}
#: the longest period one report covers
MAX_DAYS = 3 * 366


def quarter_of(day: date) -> tuple[date, date]:
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = date(day.year, first_month, 1)
    nxt = date(day.year + (first_month == 10), 1 if first_month == 10 else first_month + 3, 1)
    return start, nxt - timedelta(days=1)


def presets(day: date) -> list[tuple[str, date, date]]:
    """The periods reports are usually made for: last quarter, this quarter so far, the
    first 6 and 9 months, the year (party bodies report Q1, 6 months, 9 months, year)."""
    this_start, _ = quarter_of(day)
    last_start, last_end = quarter_of(this_start - timedelta(days=1))
    y = day.year
    return [
        ("Quý trước", last_start, last_end),
        ("Quý này", this_start, day),
        ("6 tháng", date(y, 1, 1), date(y, 6, 30)),
        ("9 tháng", date(y, 1, 1), date(y, 9, 30)),
        ("Cả năm", date(y, 1, 1), date(y, 12, 31)),
        ("Năm trước", date(y - 1, 1, 1), date(y - 1, 12, 31)),
    ]


def whole_committee_allowed(actor: Actor, roles=READERS) -> bool:
    return actor.scope_for(roles, None) is not None


@dataclass
class Request:
    start: date
    end: date
    org: Organization | None


def _org_choices(actor: Actor) -> list[Organization]:
    return visible_orgs(actor, READERS)


def parse_request(actor: Actor, args) -> tuple[Request | None, dict[str, str]]:
    """The period and organization asked for (default: last quarter, the user's broadest
    organization); an organization outside the user's grants is 404."""
    errors: dict[str, str] = {}
    default_start, default_end = presets(today())[0][1:]
    dates = {}
    for key, default in (("from", default_start), ("to", default_end)):
        raw = args.get(key)
        try:
            dates[key] = parse_date(raw) if raw else default
        except ValueError as exc:
            errors[key] = str(exc)
    if not errors:
        if dates["to"] < dates["from"]:
            errors["to"] = "Ngày kết thúc kỳ không được trước ngày bắt đầu."
        elif (dates["to"] - dates["from"]).days > MAX_DAYS:
            errors["to"] = "Một báo cáo không dài quá 3 năm."
        elif dates["from"] < date(1930, 2, 3):
            errors["from"] = "Ngày bắt đầu kỳ không hợp lệ."
        elif dates["to"].year > 2100:
            errors["to"] = "Ngày kết thúc kỳ không hợp lệ."
    org = None
    raw_org = args.get("org")
    if raw_org:
        org_id = parse_id(raw_org)
        org = db.session.get(Organization, org_id) if org_id else None
        if org is None or actor.scope_for(READERS, org.path) is None:
            abort(404)
    elif not whole_committee_allowed(actor):
        choices = _org_choices(actor)
        if not choices:
            abort(404)
        org = choices[0]
    if errors:
        return None, errors
    return Request(dates["from"], dates["to"], org), errors


def build(req: Request) -> document_mod.ReportDocument:
    report = period_mod.compute(req.start, req.end, req.org)
    return document_mod.build(report, committee_name=current_app.config["UPPER_COMMITTEE_NAME"])


@bp.route("/")
@requires(*READERS)
def index():
    actor = current_actor()
    req, errors = parse_request(actor, request.args)
    doc = build(req) if req else None
    charts = None
    if doc is not None:
        charts = {
            "pipeline": dashboard.pipeline(req.org),
            "targets": dashboard.target_progress(doc.report),
            "monthly": dashboard.monthly(doc.report),
        }
    return render_template(
        "reports/index.html",
        doc=doc,
        req=req,
        errors=errors,
        args=request.args,
        orgs=_org_choices(actor),
        whole_allowed=whole_committee_allowed(actor),
        presets=presets(today()),
        charts=charts,
        member_cells=export.member_cells,
        may_lock=req is not None and _keeper_scope(actor, req.org),
    )


def _keeper_scope(actor: Actor, org: Organization | None) -> bool:
    return actor.scope_for(KEEPERS, org.path if org else None) is not None


@bp.route("/download.<any(xlsx, pdf, json):fmt>")
@requires(*READERS)
def download(fmt: str):
    req, errors = parse_request(current_actor(), request.args)
    if req is None:
        flash(" ".join(errors.values()), "error")
        return redirect(url_for(".index", **request.args))
    doc = build(req)
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
@requires(*KEEPERS)
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
@requires(*READERS)
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
            abort(403 if actor.has_role(*KEEPERS) else 404)
        try:
            with unit_of_work():
                target_mod.set_target(request.form, org, actor=actor)
        except InvalidInput as exc:
            errors = exc.errors
        else:
            flash("Đã ghi chỉ tiêu.", "success")
            return redirect(url_for(".targets", year=request.form.get("year") or year))
    orgs = [o for o in _org_choices(actor) if o.parent_id is None]
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
        may_set=actor.has_role(*KEEPERS),
        keeper_scope=lambda org: _keeper_scope(actor, org),
    )
