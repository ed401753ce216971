"""Pages of the quality rating: the periods, a period with its organizations, a cell's grid
(and its Excel sheet), the grassroots committee's approval, the organizations' self-review and
the upper committee's rating, the report (page, PDF, XLSX), the commendation lists and the
model-cell rounds."""

from __future__ import annotations

import io

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from sqlalchemy import func, select

from forms.base import apply_errors
from forms.ratings import (
    DecisionForm,
    PeriodForm,
    ReturnForm,
    RoundForm,
    SheetUploadForm,
    VersionForm,
)
from states import ratings as rules
from states.numbers import vn_number
from workflow import presenters
from workflow.clock import today
from workflow.extensions import db
from workflow.ids import parse_id
from workflow.models import ModelCellRound, Organization, OrgRating, RatingPeriod
from workflow.models.orgs import CELL_KINDS
from workflow.paging import seek_page
from workflow.ratings import access, labels, model_cells, operations, report, rules_for, sheets
from workflow.ratings import commendations as commendations_mod
from workflow.store.errors import InvalidInput, NotFound, PermissionDenied, StaleRecord
from workflow.web import current_actor, requires

bp = Blueprint("ratings", __name__, url_prefix="/ratings")
VIEWERS = tuple(access.VIEWERS)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PER_PAGE = 25
MAX_UPLOAD = 2 * 1024 * 1024


def init_app(app: Flask) -> None:
    presenters.ACTION_LABELS.update(labels.ACTION_LABELS)
    presenters.SUBJECT_LABELS["rating_period"] = "Kỳ đánh giá, xếp loại"
    presenters.SUBJECT_LABELS["model_cell_round"] = "Đợt chi bộ kiểu mẫu"
    presenters.PAYLOAD_LABELS.update(labels.PAYLOAD_LABELS)
    app.add_template_global(rating_history)
    app.add_template_global(rating_tasks)


def rating_tasks() -> list[tuple[str, str]]:
    """What the signed-in user has to do in the open rating periods (the home page's card):
    their cells' grids not sent yet, the cells waiting for their approval, the grassroots
    organizations left to rate; (text, address) each, a few at most."""
    actor = current_actor()
    if not access.may_view(actor):
        return []
    periods = db.session.scalars(
        select(RatingPeriod)
        .where(RatingPeriod.status == "open")
        .order_by(RatingPeriod.ends_on.desc())
        .limit(3)
    ).all()
    out: list[tuple[str, str]] = []
    for period in periods:
        for scope in actor.scopes:
            if scope.role not in access.CELL_ENTRY or scope.org_id is None:
                continue
            org = db.session.get(Organization, scope.org_id)
            if org is None or not org.is_cell:
                continue
            row = operations.sheet(period, org)
            if row is None or row.sheet_status == "draft":
                out.append(
                    (
                        f"{org.name}: xếp loại đảng viên {period.title.lower()} chưa gửi",
                        url_for("ratings.cell", period_id=period.id, cell_id=org.id),
                    )
                )
        if actor.has_role(*access.APPROVERS):
            waiting = db.session.scalar(
                select(func.count())
                .select_from(OrgRating)
                .join(Organization, Organization.id == OrgRating.org_id)
                .where(
                    OrgRating.period_id == period.id,
                    OrgRating.sheet_status == "proposed",
                    actor.visible_filter(Organization.path, access.APPROVERS),
                )
            )
            if waiting:
                out.append(
                    (
                        f"{vn_number(waiting)} chi bộ chờ duyệt xếp loại {period.title.lower()}",
                        url_for("ratings.period", period_id=period.id),
                    )
                )
        if access.may_rate_upper(actor):
            out.append(
                (
                    f"Xếp loại tổ chức cơ sở đảng {period.title.lower()}",
                    url_for("ratings.grassroots", period_id=period.id),
                )
            )
    return out[:10]


def rating_history(person_id: int) -> list[dict]:
    """The member page's rating history: period, level (with the score), who proposed what."""
    out = []
    for period, row in operations.history(person_id):
        out.append(
            {
                "period": period.title,
                "self": _words(row.self_level, row.self_score),
                "proposed": _words(row.proposed_level, row.proposed_score),
                "level": _words(row.level, row.score) or "Chờ đảng ủy cơ sở duyệt",
            }
        )
    return out


def _words(level: str | None, score: int | None) -> str:
    if not level:
        return ""
    text = rules.LEVEL_LABELS[level]
    return f"{text} ({score} điểm)" if score is not None else text


def _period(period_id: int) -> RatingPeriod:
    period = db.session.get(RatingPeriod, period_id)
    if period is None:
        abort(404)
    return period


def _org(org_id: int) -> Organization:
    org = db.session.get(Organization, org_id)
    if org is None or not access.may_view_org(current_actor(), org):
        abort(404)
    return org


def _flash_errors(errors: dict[str, str]) -> list[str]:
    return list(errors.values())


# --- periods --------------------------------------------------------------------------------


@bp.route("/", methods=["GET", "POST"])
@requires(*VIEWERS)
def index():
    actor = current_actor()
    form = PeriodForm()
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        if not access.may_manage(actor):
            abort(403)
        if not form.validate_on_submit():
            abort(400)
        try:
            period = operations.create_period(
                {"kind": form.kind.data, "year": form.year.data, "number": form.number.data},
                actor=actor,
            )
        except InvalidInput as exc:
            errors, status = apply_errors(form, exc.errors), 422
        else:
            flash(f"Đã mở kỳ đánh giá {period.title}.", "success")
            return redirect(url_for("ratings.period", period_id=period.id))
    elif not form.year.data:
        form.year.data = str(today().year)
    listing = seek_page(
        select(RatingPeriod),
        (RatingPeriod.ends_on, RatingPeriod.id),
        descending=True,
        after=request.args.get("after", ""),
        before=request.args.get("before", ""),
        per_page=PER_PAGE,
    )
    rounds = db.session.scalars(
        select(ModelCellRound).order_by(ModelCellRound.year.desc()).limit(10)
    ).all()
    return (
        render_template(
            "ratings/index.html",
            listing=listing,
            periods=listing.rows,
            form=form,
            errors=errors,
            can_manage=access.may_manage(actor),
            rounds=rounds,
            rules_of=rules_for,
            kinds=rules.PERIOD_KINDS,
        ),
        status,
    )


@bp.route("/<int:period_id>")
@requires(*VIEWERS)
def period(period_id: int):
    period = _period(period_id)
    actor = current_actor()
    roots = [o for o in operations.grassroots_orgs(period.ends_on) if access.may_view_org(actor, o)]
    chosen = next((o for o in roots if o.id == parse_id(request.args.get("org", ""))), None)
    where = [
        Organization.kind.in_(CELL_KINDS),
        Organization.active.is_(True),
        actor.visible_filter(Organization.path, access.VIEWERS),
    ]
    if chosen is not None:
        where.append(Organization.path.startswith(chosen.path, autoescape=True))
    stmt = select(Organization).where(*where)
    progress = dict(
        db.session.execute(
            select(OrgRating.sheet_status, func.count())
            .join(Organization, Organization.id == OrgRating.org_id)
            .where(OrgRating.period_id == period.id, *where)
            .group_by(OrgRating.sheet_status)
        ).all()
    )
    listing = seek_page(
        stmt,
        (Organization.path, Organization.id),
        descending=False,
        after=request.args.get("after", ""),
        before=request.args.get("before", ""),
        per_page=PER_PAGE,
    )
    cells = listing.rows
    sheets_ = {
        s.org_id: s
        for s in db.session.scalars(
            select(operations.OrgRating).where(
                operations.OrgRating.period_id == period.id,
                operations.OrgRating.org_id.in_([c.id for c in cells] or [0]),
            )
        )
    }
    own_orgs = [
        o
        for o in operations.grassroots_orgs(period.ends_on)
        if access.may_self_review(actor, o) and not access.may_rate_upper(actor)
    ][:PER_PAGE]
    return render_template(
        "ratings/period.html",
        period=period,
        in_force=rules_for(period),
        listing=listing,
        cells=cells,
        sheets=sheets_,
        statuses=operations.SHEET_STATUSES,
        may_enter=lambda c: access.may_enter(actor, c),
        may_approve=lambda c: access.may_approve(actor, c),
        may_rate_upper=access.may_rate_upper(actor),
        can_manage=access.may_manage(actor),
        own_orgs=own_orgs,
        close_form=VersionForm(expected_version=str(period.version)),
        roots=roots,
        chosen=chosen,
        progress=progress,
    )


@bp.route("/<int:period_id>/close", methods=["POST"])
@requires(*access.MANAGERS)
def close(period_id: int):
    form = VersionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        operations.close_period(period_id, form.expected_version.data, actor=current_actor())
    except (InvalidInput, StaleRecord) as exc:
        flash(" ".join(exc.errors.values()) if isinstance(exc, InvalidInput) else str(exc), "error")
    except PermissionDenied:
        abort(403)
    else:
        flash("Đã khóa kỳ đánh giá: không sửa được xếp loại nữa.", "success")
    return redirect(url_for("ratings.period", period_id=period_id))


# --- a cell's grid --------------------------------------------------------------------------


def _grid_values(members, ratings) -> dict[int, dict[str, str]]:
    out = {}
    for p in members:
        r = ratings.get(p.id)
        out[p.id] = {
            "self_level": (r.self_level or "") if r else "",
            "self_score": "" if not r or r.self_score is None else str(r.self_score),
            "proposed_level": (r.proposed_level or "") if r else "",
            "proposed_score": "" if not r or r.proposed_score is None else str(r.proposed_score),
            "proposed_conditions": "1" if r and r.conditions_met else "",
            "note": r.note if r else "",
            "level": ((r.level or r.proposed_level) or "") if r else "",
            "score": _score_text(r),
            "conditions": "1" if r and r.conditions_met else "",
        }
    return out


def _score_text(r) -> str:
    """The approval grid's score: the approved one, else the cell's proposal."""
    if r is None:
        return ""
    score = r.score if r.score is not None else r.proposed_score
    return "" if score is None else str(score)


GRID_FIELDS = (
    "self_level",
    "self_score",
    "proposed_level",
    "proposed_score",
    "proposed_conditions",
    "note",
)
APPROVE_FIELDS = ("level", "score", "conditions")


@bp.route("/<int:period_id>/cells/<int:cell_id>", methods=["GET", "POST"])
@requires(*VIEWERS)
def cell(period_id: int, cell_id: int):
    period = _period(period_id)
    cell = _org(cell_id)
    if not cell.is_cell:
        abort(404)
    actor = current_actor()
    members = operations.cell_members(cell)
    ratings = operations.ratings_of(period, cell)
    row_sheet = operations.sheet(period, cell)
    editable = (
        access.may_enter(actor, cell)
        and period.status == "open"
        and (row_sheet is None or row_sheet.sheet_status == "draft")
    )
    form = VersionForm()
    errors: list[str] = []
    status = 200
    values = _grid_values(members, ratings)
    if request.method == "POST":
        if not access.may_enter(actor, cell):
            abort(403)
        if not form.validate_on_submit():
            abort(400)
        submitted = {
            p.id: {name: request.form.get(f"{name}-{p.id}", "") for name in GRID_FIELDS}
            for p in members
        }
        try:
            changed = operations.save_cell_sheet(
                period_id,
                cell_id,
                submitted,
                form.expected_version.data,
                actor=actor,
                submit=request.form.get("submit") == "propose",
            )
        except InvalidInput as exc:
            errors, status, values = _flash_errors(exc.errors), 422, submitted
        except StaleRecord as exc:
            flash(str(exc), "error")
            return redirect(url_for("ratings.cell", period_id=period_id, cell_id=cell_id)), 303
        else:
            if request.form.get("submit") == "propose":
                flash("Đã gửi đề xuất xếp loại đảng viên lên đảng ủy cơ sở.", "success")
            else:
                flash(f"Đã lưu xếp loại của {vn_number(changed)} đảng viên.", "success")
            return redirect(url_for("ratings.cell", period_id=period_id, cell_id=cell_id))
    else:
        form.expected_version.data = str(row_sheet.version) if row_sheet else "0"
    in_force = rules_for(period)
    return (
        render_template(
            "ratings/cell.html",
            period=period,
            cell=cell,
            members=members,
            ratings=ratings,
            values=values,
            form=form,
            errors=errors,
            editable=editable,
            sheet=row_sheet,
            statuses=operations.SHEET_STATUSES,
            levels=rules.LEVELS,
            in_force=in_force,
            disciplined=operations.disciplined_in(period, [p.id for p in members]),
            may_approve=access.may_approve(actor, cell),
            upload_form=SheetUploadForm(expected_version=form.expected_version.data),
            words=_words,
        ),
        status,
    )


@bp.route("/<int:period_id>/cells/<int:cell_id>/sheet.xlsx")
@requires(*VIEWERS)
def cell_xlsx(period_id: int, cell_id: int):
    period = _period(period_id)
    cell = _org(cell_id)
    if not cell.is_cell:
        abort(404)
    data = sheets.workbook(
        period, cell, operations.cell_members(cell), operations.ratings_of(period, cell)
    )
    return _download(data, f"xep-loai-{period.year}-{cell.code}.xlsx")


@bp.route("/<int:period_id>/cells/<int:cell_id>/import", methods=["POST"])
@requires(*access.CELL_ENTRY)
def cell_import(period_id: int, cell_id: int):
    _period(period_id)
    cell = _org(cell_id)
    form = SheetUploadForm()
    if not form.validate_on_submit():
        abort(400)
    file = request.files.get(form.file.name)
    data = file.stream.read(MAX_UPLOAD + 1) if file else b""
    target = url_for("ratings.cell", period_id=period_id, cell_id=cell.id)
    if len(data) > MAX_UPLOAD:
        flash("Tệp lớn hơn 2 MB.", "error")
        return redirect(target)
    try:
        changed = sheets.import_sheet(
            period_id, cell.id, data, form.expected_version.data, actor=current_actor()
        )
    except InvalidInput as exc:
        flash("Chưa nhập gì. " + " ".join(exc.errors.values()), "error")
    except StaleRecord as exc:
        flash(str(exc), "error")
    except (PermissionDenied, NotFound):
        abort(403)
    else:
        flash(f"Đã nhập xếp loại của {vn_number(changed)} đảng viên từ tệp Excel.", "success")
    return redirect(target)


@bp.route("/<int:period_id>/cells/<int:cell_id>/approve", methods=["GET", "POST"])
@requires(*access.APPROVERS)
def approve(period_id: int, cell_id: int):
    period = _period(period_id)
    cell = _org(cell_id)
    actor = current_actor()
    if not access.may_approve(actor, cell):
        abort(403)
    members = operations.cell_members(cell)
    ratings = operations.ratings_of(period, cell)
    row_sheet = operations.sheet(period, cell)
    form = VersionForm()
    errors: list[str] = []
    status = 200
    values = _grid_values(members, ratings)
    own = {
        "level": (row_sheet.level or row_sheet.self_level or "") if row_sheet else "",
        "score": "",
        "conditions": "",
    }
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        rated = [p for p in members if p.id in ratings]
        submitted = {
            p.id: {name: request.form.get(f"{name}-{p.id}", "") for name in APPROVE_FIELDS}
            for p in rated
        }
        own = {name: request.form.get(f"cell_{name}", "") for name in APPROVE_FIELDS}
        try:
            count = operations.approve_cell_sheet(
                period_id, cell_id, submitted, own, form.expected_version.data, actor=actor
            )
        except InvalidInput as exc:
            errors, status = _flash_errors(exc.errors), 422
            for pid, v in submitted.items():
                values[pid].update(v)
        except StaleRecord as exc:
            flash(str(exc), "error")
            return redirect(url_for("ratings.approve", period_id=period_id, cell_id=cell_id)), 303
        else:
            flash(f"Đã duyệt xếp loại của {vn_number(count)} đảng viên.", "success")
            return redirect(url_for("ratings.period", period_id=period_id))
    else:
        form.expected_version.data = str(row_sheet.version) if row_sheet else "0"
    return (
        render_template(
            "ratings/approve.html",
            period=period,
            cell=cell,
            members=[p for p in members if p.id in ratings],
            ratings=ratings,
            values=values,
            own=own,
            form=form,
            return_form=ReturnForm(expected_version=form.expected_version.data),
            errors=errors,
            sheet=row_sheet,
            statuses=operations.SHEET_STATUSES,
            levels=rules.LEVELS,
            in_force=rules_for(period),
            words=_words,
        ),
        status,
    )


@bp.route("/<int:period_id>/cells/<int:cell_id>/return", methods=["POST"])
@requires(*access.APPROVERS)
def return_sheet(period_id: int, cell_id: int):
    form = ReturnForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        operations.return_cell_sheet(
            period_id,
            cell_id,
            form.expected_version.data,
            form.reason.data or "",
            actor=current_actor(),
        )
    except (InvalidInput, StaleRecord) as exc:
        flash(" ".join(exc.errors.values()) if isinstance(exc, InvalidInput) else str(exc), "error")
        return redirect(url_for("ratings.approve", period_id=period_id, cell_id=cell_id))
    except (PermissionDenied, NotFound):
        abort(403)
    flash("Đã trả lại đề xuất để chi bộ sửa.", "success")
    return redirect(url_for("ratings.period", period_id=period_id))


# --- organizations --------------------------------------------------------------------------


@bp.route("/<int:period_id>/orgs/<int:org_id>/self-review", methods=["GET", "POST"])
@requires(*VIEWERS)
def self_review(period_id: int, org_id: int):
    period = _period(period_id)
    org = _org(org_id)
    actor = current_actor()
    if not access.may_self_review(actor, org):
        abort(403)
    row = operations.sheet(period, org)
    form = VersionForm()
    errors: list[str] = []
    status = 200
    values = {
        "level": (row.self_level or "") if row else "",
        "score": "" if not row or row.self_score is None else str(row.self_score),
        "conditions": "",
        "note": row.note if row else "",
    }
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        values = {k: request.form.get(k, "") for k in values}
        try:
            operations.self_review(
                period_id, org_id, values, form.expected_version.data, actor=actor
            )
        except InvalidInput as exc:
            errors, status = _flash_errors(exc.errors), 422
        except StaleRecord as exc:
            flash(str(exc), "error")
            return redirect(url_for("ratings.self_review", period_id=period_id, org_id=org_id)), 303
        else:
            flash(f"Đã ghi kết quả tự đánh giá, xếp loại của {org.name}.", "success")
            return redirect(url_for("ratings.period", period_id=period_id))
    else:
        form.expected_version.data = str(row.version) if row else "0"
    return (
        render_template(
            "ratings/self_review.html",
            period=period,
            org=org,
            row=row,
            values=values,
            form=form,
            errors=errors,
            levels=rules.LEVELS,
            in_force=rules_for(period),
        ),
        status,
    )


@bp.route("/<int:period_id>/grassroots", methods=["GET", "POST"])
@requires(*VIEWERS)
def grassroots(period_id: int):
    period = _period(period_id)
    actor = current_actor()
    orgs = [o for o in operations.grassroots_orgs(period.ends_on) if access.may_view_org(actor, o)]
    rows = {
        r.org_id: r
        for r in db.session.scalars(
            select(operations.OrgRating).where(
                operations.OrgRating.period_id == period.id,
                operations.OrgRating.org_id.in_([o.id for o in orgs] or [0]),
            )
        )
    }
    editable = access.may_rate_upper(actor) and period.status == "open"
    form = VersionForm()
    errors: list[str] = []
    status = 200
    values = {
        o.id: {
            "level": (rows[o.id].level or "") if o.id in rows else "",
            "score": "" if o.id not in rows or rows[o.id].score is None else str(rows[o.id].score),
            "conditions": "1" if o.id in rows and rows[o.id].conditions_met else "",
            "exemplary": "1" if o.id in rows and rows[o.id].exemplary else "",
        }
        for o in orgs
    }
    if request.method == "POST":
        if not access.may_rate_upper(actor):
            abort(403)
        if not form.validate_on_submit():
            abort(400)
        submitted = {
            o.id: {
                k: request.form.get(f"{k}-{o.id}", "")
                for k in ("level", "score", "conditions", "exemplary")
            }
            for o in orgs
        }
        try:
            changed = operations.rate_grassroots(
                period_id, submitted, form.expected_version.data, actor=actor
            )
        except InvalidInput as exc:
            errors, status, values = _flash_errors(exc.errors), 422, submitted
        except StaleRecord as exc:
            flash(str(exc), "error")
            return redirect(url_for("ratings.grassroots", period_id=period_id)), 303
        else:
            flash(f"Đã ghi xếp loại của {vn_number(changed)} tổ chức cơ sở đảng.", "success")
            return redirect(url_for("ratings.grassroots", period_id=period_id))
    else:
        form.expected_version.data = str(period.version)
    return (
        render_template(
            "ratings/grassroots.html",
            period=period,
            orgs=orgs,
            rows=rows,
            values=values,
            form=form,
            errors=errors,
            editable=editable,
            levels=rules.LEVELS,
            in_force=rules_for(period),
            words=_words,
        ),
        status,
    )


# --- the report -----------------------------------------------------------------------------


def _reader_scope():
    """The organizations the reader's grants cover, as a condition on their path (None: the
    whole committee)."""
    actor = current_actor()
    if actor.sees_all(access.VIEWERS):
        return None
    return actor.visible_filter(Organization.path, access.VIEWERS)


def _figures(period: RatingPeriod) -> report.Figures:
    return report.figures(period, _reader_scope())


def _download(data: bytes, name: str):
    response = send_file(io.BytesIO(data), mimetype=XLSX, as_attachment=True, download_name=name)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/<int:period_id>/report")
@requires(*VIEWERS)
def period_report(period_id: int):
    period = _period(period_id)
    fig = _figures(period)
    return render_template(
        "ratings/report.html",
        period=period,
        fig=fig,
        groups=report.all_groups(fig),
        levels=rules.LEVELS,
    )


@bp.route("/<int:period_id>/report.xlsx")
@requires(*VIEWERS)
def report_xlsx(period_id: int):
    period = _period(period_id)
    return _download(report.workbook(_figures(period)), f"xep-loai-{period.year}.xlsx")


@bp.route("/<int:period_id>/report.pdf")
@requires(*VIEWERS)
def report_pdf(period_id: int):
    from workflow.documents.render import html_to_pdf

    period = _period(period_id)
    pdf = html_to_pdf(report.to_html(_figures(period)))
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="xep-loai-{period.year}.pdf"'
    response.headers["Cache-Control"] = "no-store"
    return response


# --- commendations --------------------------------------------------------------------------


@bp.route("/commendations")
@requires(*VIEWERS)
def commendations():
    year = _year_asked()
    years = commendations_mod.years_in_a_row(year)
    page = max(1, parse_id(request.args.get("page", "")) or 1)
    actor = current_actor()
    scope = _reader_scope()
    people, total = operations.years_excellent(
        year, years, scope=scope, offset=(page - 1) * PER_PAGE, limit=PER_PAGE
    )
    period = operations.year_period(year)
    orgs = operations.exemplary_orgs(period) if period else []
    return render_template(
        "ratings/commendations.html",
        year=year,
        years=years,
        people=people,
        total=total,
        page=page,
        per_page=PER_PAGE,
        orgs=[o for o in orgs if access.may_view_org(actor, o)],
    )


def _year_asked() -> int:
    year = parse_id(request.args.get("year", "")) or today().year - 1
    return year if 2000 <= year <= today().year else today().year - 1


@bp.route("/commendations.xlsx")
@requires(*VIEWERS)
def commendations_xlsx():
    found = commendations_mod.lists(_year_asked(), _reader_scope())
    return _download(commendations_mod.workbook(found), f"khen-thuong-{found.year}.xlsx")


@bp.route("/commendations.pdf")
@requires(*VIEWERS)
def commendations_pdf():
    from workflow.documents.render import html_to_pdf

    found = commendations_mod.lists(_year_asked(), _reader_scope())
    response = Response(html_to_pdf(commendations_mod.to_html(found)), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="khen-thuong-{found.year}.pdf"'
    response.headers["Cache-Control"] = "no-store"
    return response


# --- model cells ----------------------------------------------------------------------------


@bp.route("/model-cells", methods=["GET", "POST"])
@requires(*VIEWERS)
def rounds():
    actor = current_actor()
    form = RoundForm()
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        if not access.may_manage(actor):
            abort(403)
        if not form.validate_on_submit():
            abort(400)
        try:
            found = model_cells.create_round(
                {"year": form.year.data, "target_percent": form.target_percent.data}, actor=actor
            )
        except InvalidInput as exc:
            errors, status = apply_errors(form, exc.errors), 422
        else:
            flash(f"Đã mở đợt đăng ký chi bộ kiểu mẫu năm {found.year}.", "success")
            return redirect(url_for("ratings.model_round", round_id=found.id))
    all_rounds = db.session.scalars(
        select(ModelCellRound).order_by(ModelCellRound.year.desc()).limit(50)
    ).all()
    return (
        render_template(
            "ratings/rounds.html",
            rounds=all_rounds,
            form=form,
            errors=errors,
            can_manage=access.may_manage(actor),
            statuses=model_cells.ROUND_STATUSES,
        ),
        status,
    )


@bp.route("/model-cells/<int:round_id>")
@requires(*VIEWERS)
def model_round(round_id: int):
    found = db.session.get(ModelCellRound, round_id)
    if found is None:
        abort(404)
    actor = current_actor()
    page = max(1, parse_id(request.args.get("page", "")) or 1)
    eligible = [c for c in model_cells.eligible_cells(found.year) if access.may_view_org(actor, c)]
    entries = [e for e in found.entries if access.may_view_org(actor, e.cell)]
    registered = {e.cell_id: e for e in found.entries if e.status != "withdrawn"}
    mine = [
        c
        for c in db.session.scalars(
            select(Organization)
            .where(
                Organization.kind.in_(CELL_KINDS),
                Organization.active.is_(True),
                actor.visible_filter(Organization.path, access.CELL_ENTRY),
            )
            .limit(PER_PAGE)
        )
        if access.may_register_model(actor, c) and c.id not in registered
    ]
    return render_template(
        "ratings/round.html",
        found=found,
        eligible=eligible[(page - 1) * PER_PAGE : page * PER_PAGE],
        eligible_total=len(eligible),
        page=page,
        per_page=PER_PAGE,
        entries=entries,
        mine=mine,
        reasons=model_cells.eligibility(found.year, mine),
        crit=model_cells.criteria(found.year),
        progress=model_cells.progress(found),
        statuses=model_cells.ENTRY_STATUSES,
        round_statuses=model_cells.ROUND_STATUSES,
        form=VersionForm(expected_version=str(found.version)),
        decision_form=DecisionForm(expected_version=str(found.version)),
        can_approve=access.may_rate_upper(actor),
        can_manage=access.may_manage(actor),
        level_labels=rules.LEVEL_LABELS,
    )


@bp.route("/model-cells/<int:round_id>/<action>", methods=["POST"])
@requires(*VIEWERS)
def round_action(round_id: int, action: str):
    actor = current_actor()
    target = url_for("ratings.model_round", round_id=round_id)
    form = DecisionForm()
    if action not in ("register", "withdraw", "approve", "recognize"):
        abort(404)
    if not form.validate_on_submit():
        abort(400)
    try:
        if action == "register":
            entry = model_cells.register(
                round_id, parse_id(request.form.get("cell_id", "")) or 0, actor=actor
            )
            flash(f"{entry.cell.name} đã đăng ký xây dựng chi bộ kiểu mẫu.", "success")
        elif action == "withdraw":
            model_cells.withdraw(
                round_id, parse_id(request.form.get("entry_id", "")) or 0, actor=actor
            )
            flash("Đã rút đăng ký.", "success")
        elif action == "approve":
            found = model_cells.approve_list(
                round_id,
                {"decided_on": form.decided_on.data or ""},
                form.expected_version.data,
                actor=actor,
            )
            flash(f"Đã duyệt danh sách: Quyết định số {found.decision_reference}.", "success")
        else:
            chosen = {parse_id(v) or 0 for v in request.form.getlist("recognized")}
            model_cells.recognize(round_id, chosen, form.expected_version.data, actor=actor)
            flash("Đã ghi kết quả công nhận chi bộ kiểu mẫu.", "success")
    except InvalidInput as exc:
        flash(" ".join(exc.errors.values()), "error")
    except StaleRecord as exc:
        flash(str(exc), "error")
    except PermissionDenied:
        abort(403)
    except NotFound:
        abort(404)
    return redirect(target)


@bp.route("/model-cells/<int:round_id>/decision.pdf")
@requires(*VIEWERS)
def round_decision(round_id: int):
    from workflow.documents.render import html_to_pdf

    found = db.session.get(ModelCellRound, round_id)
    if found is None or found.decision_number is None:
        abort(404)
    pdf = html_to_pdf(model_cells.decision_html(found))
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="chi-bo-kieu-mau-{found.year}.pdf"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.app_template_global("rating_level_label")
def rating_level_label(key: str | None) -> str:
    return rules.LEVEL_LABELS.get(key or "", "")
