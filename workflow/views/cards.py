"""Party cards: the cards on their way (new cards proposed with the recognition, lost or
damaged ones to re-issue) by step, each with the form of its next step, a member's loss or
damage reported, and the card lists printed."""

from __future__ import annotations

from flask import (
    Blueprint,
    Flask,
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
from sqlalchemy.orm import joinedload

from states import cards as rules_of
from workflow.badges import lists
from workflow.clock import today
from workflow.documents.render import html_to_pdf
from workflow.extensions import db
from workflow.ids import parse_id
from workflow.models import CardIssuance, Organization, Person
from workflow.operations import cards as ops
from workflow.paging import seek_page
from workflow.permissions import CASE_VIEW_ROLES
from workflow.procedures.common import ON_MEMBERSHIP_END
from workflow.store.errors import InvalidInput, NotFound, PermissionDenied, StaleRecord
from workflow.web import current_actor, requires

bp = Blueprint("cards", __name__, url_prefix="/cards")
PER_PAGE = 25
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def init_app(app: Flask) -> None:
    """A member leaving the lists has their card collected (``end_membership``'s hook)."""
    if ops.collect_on_leaving not in ON_MEMBERSHIP_END:
        ON_MEMBERSHIP_END.append(ops.collect_on_leaving)


@bp.app_template_filter("card_step_label")
def card_step_label(key: str) -> str:
    step = rules_of.STEP_BY_KEY.get(key)
    return step.label.lower() if step else key


def _filtered():
    actor = current_actor()
    stmt = (
        select(CardIssuance)
        .join(Person, Person.id == CardIssuance.person_id)
        .join(Organization, Organization.id == Person.cell_id)
        .where(actor.visible_filter(Organization.path))
        .options(joinedload(CardIssuance.person).joinedload(Person.cell))
    )
    status = request.args.get("status", "open")
    if status == "issued":  # the cards with their number
        stmt = stmt.where(CardIssuance.card_number.is_not(None))
    elif status in rules_of.STATUSES:
        stmt = stmt.where(CardIssuance.status == status)
    else:
        status = "open"
        stmt = stmt.where(CardIssuance.status.in_(ops.open_statuses()))
    kind = request.args.get("kind", "")
    if kind in rules_of.KINDS:
        stmt = stmt.where(CardIssuance.kind == kind)
    org_id = parse_id(request.args.get("org"))
    if org_id:
        stmt = stmt.where(CardIssuance.org_id == org_id)
    return stmt, status, kind, org_id


@bp.route("/")
@requires(*CASE_VIEW_ROLES)
def index():
    stmt, status, kind, org_id = _filtered()
    listing = seek_page(
        stmt,
        (CardIssuance.proposed_on, CardIssuance.id),
        descending=False,
        after=request.args.get("after", ""),
        before=request.args.get("before", ""),
        per_page=PER_PAGE,
    )
    orgs = {
        o.id: o
        for o in db.session.scalars(
            select(Organization).where(Organization.id.in_({c.org_id for c in listing.rows} or {0}))
        )
    }
    actor = current_actor()
    department = actor.scope_for(ops.DEPARTMENT, None) is not None
    roots = (
        list(
            db.session.scalars(
                select(Organization)
                .where(Organization.parent_id.is_(None), Organization.active.is_(True))
                .order_by(Organization.name)
            )
        )
        if department
        else []
    )
    return render_template(
        "cards.html",
        roots=roots,
        progress=[p for p in ops.exchange_progress(roots) if p.exchanged or p.under_way],
        generations=rules_of.GENERATIONS,
        cards=listing.rows,
        listing=listing,
        orgs=orgs,
        status=status,
        kind=kind,
        org_id=org_id,
        statuses=rules_of.STATUSES,
        kinds=rules_of.KINDS,
        next_steps=lambda c: [
            s for s in rules_of.steps_for(c.kind, c.status) if ops.may_step(actor, c, s.key)
        ],
        form_of=rules_of.form_of,
        step_dates=ops.step_dates,
    )


def _done(message: str):
    target = request.form.get("next") or ""
    flash(message, "success")
    return redirect(target if target.startswith("/cards") else url_for("cards.index"))


def _failed(exc: Exception):
    if isinstance(exc, InvalidInput):
        flash(" ".join(exc.errors.values()), "error")
    else:
        flash(str(exc), "error")
    target = request.form.get("next") or ""
    return redirect(target if target.startswith("/cards") else url_for("cards.index"))


@bp.route("/<int:card_id>", methods=["POST"])
@requires(*CASE_VIEW_ROLES)
def record(card_id: int):
    """The decision with the card's number (the form of the list's last column)."""
    return step(card_id, "decide")


@bp.route("/<int:card_id>/<step_key>", methods=["POST"])
@requires(*CASE_VIEW_ROLES)
def step(card_id: int, step_key: str):
    raw = request.form.to_dict()
    raw.setdefault("on", raw.get("issued_on"))
    try:
        ops.advance(card_id, step_key, raw, actor=current_actor())
    except (PermissionDenied, NotFound):
        abort(404)
    except (InvalidInput, StaleRecord) as exc:
        return _failed(exc)
    label = rules_of.STEP_BY_KEY[step_key].label
    return _done(f"Đã ghi: {label.lower() if step_key != 'decide' else 'số thẻ đảng viên'}.")


@bp.route("/exchange", methods=["POST"])
@requires(*CASE_VIEW_ROLES)
def exchange():
    """The 2025 exchange started for an organization (the department)."""
    org_id = parse_id(request.form.get("org"))
    try:
        count = ops.start_exchange(org_id or 0, request.form.to_dict(), actor=current_actor())
    except PermissionDenied:
        abort(403)
    except NotFound:
        flash("Chọn tổ chức cơ sở đảng.", "error")
        return redirect(url_for("cards.index"))
    except InvalidInput as exc:
        return _failed(exc)
    return _done(f"Đã lập đề nghị đổi thẻ cho {count} đảng viên.")


@bp.route("/loss/<int:person_id>", methods=["POST"])
@requires(*CASE_VIEW_ROLES)
def loss(person_id: int):
    try:
        ops.report_loss(person_id, request.form.to_dict(), actor=current_actor())
    except (PermissionDenied, NotFound):
        abort(404)
    except InvalidInput as exc:
        flash(" ".join(exc.errors.values()), "error")
        return redirect(url_for("people.detail", person_id=person_id))
    flash("Đã ghi bản tự kiểm điểm: đề nghị cấp lại, đổi thẻ đảng viên.", "success")
    return redirect(url_for("cards.index", kind=request.form.get("kind")))


@bp.route("/list.<fmt>")
@requires(*CASE_VIEW_ROLES)
def printed(fmt: str):
    """The card list of the filter as the grassroots committee's list (1-TĐV, 2-TĐV, 3-TĐV)
    for one organization, or the department's compiled one (1A-, 2A-, 3A-TĐV)."""
    stmt, _, kind, org_id = _filtered()
    kind = kind or "new"
    cards = list(db.session.scalars(stmt.order_by(Person.sort_key, CardIssuance.id).limit(5000)))
    org = db.session.get(Organization, org_id) if org_id else None
    if org is None and current_actor().scope_for(ops.DEPARTMENT, None) is None:
        abort(403)  # the compiled list is the department's
    form = ops.LIST_FORMS[kind][0 if org else 1]
    what = {
        "new": "PHÁT THẺ",
        "lost": "CẤP LẠI THẺ",
        "damaged": "ĐỔI LẠI THẺ",
        "exchange": "ĐỔI THẺ",
    }[kind]
    listing = lists.Listing(
        title=f"DANH SÁCH ĐẢNG VIÊN ĐỀ NGHỊ {what} ĐẢNG VIÊN",
        subtitle=f"Ngày {today():%d/%m/%Y}",
        form_code=f"Mẫu {form}" if form else "",
        keeper=org.name if org else current_app.config["UPPER_COMMITTEE_NAME"],
        on_behalf="T/M ĐẢNG ỦY" if org else "T/M BAN THƯỜNG VỤ",
        rows=ops.list_rows(cards),
        columns=tuple(c for c, _ in ops.LIST_COLUMNS),
        widths=tuple(w for _, w in ops.LIST_COLUMNS),
    )
    if fmt == "pdf":
        body, mime = html_to_pdf(lists.to_html(listing)), "application/pdf"
    elif fmt == "xlsx":
        body, mime = lists.to_xlsx(listing), XLSX
    else:
        abort(404)
    response = Response(body, mimetype=mime)
    name = f"danh-sach-the-dang-vien-{(form or kind).lower()}.{fmt}"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
