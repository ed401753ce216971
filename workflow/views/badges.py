"""Pages of the badge rounds: the rounds, a round's list (for the department, a grassroots
committee, or a cell on a phone), the forms of each step, and the printed lists."""

from __future__ import annotations

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy import func, select

from states import badges as rules_of
from states.dates import format_months
from states.rules import rules_on
from workflow import presenters
from workflow.badges import access, lists, rounds
from workflow.clock import today
from workflow.documents.render import html_to_pdf
from workflow.extensions import db
from workflow.ids import parse_id
from workflow.models import BadgeAward, BadgeRound, Organization, Person
from workflow.paging import seek_page
from workflow.store.errors import InvalidInput, NotFound, PermissionDenied, StaleRecord
from workflow.web import current_actor, requires

bp = Blueprint("badges", __name__, url_prefix="/badges")
VIEWERS = tuple(access.VIEWERS)
PER_PAGE = 25
#: members offered in the picker of an early or re-issue proposal (a cell's, a committee's)
PICKER_LIMIT = 300
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

ACTION_LABELS = {
    "badge.round_opened": "Mở đợt xét tặng Huy hiệu Đảng",
    "badge.proposed_early": "Đề nghị tặng sớm Huy hiệu Đảng",
    "badge.reissue_proposed": "Đề nghị cấp lại Huy hiệu Đảng",
    "badge.confirmed": "Chi bộ xét, đề nghị tặng Huy hiệu Đảng",
    "badge.excluded": "Chi bộ không đề nghị tặng Huy hiệu Đảng",
    "badge.list_sent": "Đảng ủy cơ sở gửi danh sách đề nghị tặng Huy hiệu Đảng",
    "badge.compiled": "Ban Tổ chức tổng hợp danh sách trình Ban Thường vụ Tỉnh ủy",
    "badge.decided": "Ghi quyết định tặng Huy hiệu Đảng của Ban Thường vụ Tỉnh ủy",
    "badge.awarded": "Trao Huy hiệu Đảng",
    "badge.reissued": "Trao lại Huy hiệu Đảng (cấp lại)",
}


def init_app(app: Flask) -> None:
    presenters.ACTION_LABELS.update(ACTION_LABELS)
    presenters.SUBJECT_LABELS["badge_round"] = "Đợt Huy hiệu Đảng"


@bp.app_template_filter("months_label")
def months_label(months: int) -> str:
    """ "3 tháng", "30 năm", "30 năm 2 tháng"."""
    return f"{months} tháng" if 0 < months < 12 else format_months(months)


def _round(round_id: int) -> BadgeRound:
    rnd = db.session.get(BadgeRound, round_id)
    if rnd is None:
        abort(404)
    return rnd


def _flash_errors(exc: InvalidInput) -> None:
    flash(" ".join(exc.errors.values()), "error")


@bp.route("/")
@requires(*VIEWERS)
def index():
    listing = seek_page(
        select(BadgeRound),
        (BadgeRound.round_on, BadgeRound.id),
        descending=True,
        after=request.args.get("after", ""),
        before=request.args.get("before", ""),
        per_page=PER_PAGE,
    )
    occasions = rules_on(today())["badge.occasions"]
    key, day = rules_of.next_round(today(), occasions)
    return render_template(
        "badges/index.html",
        rounds=listing.rows,
        listing=listing,
        occasions=occasions,
        next_key=key,
        next_day=day,
        statuses=rules_of.ROUND_STATUSES,
        is_department=access.is_department(current_actor()),
    )


@bp.route("/open", methods=["POST"])
@requires(*VIEWERS)
def open_round():
    try:
        rnd = rounds.open_round(request.form.to_dict(), actor=current_actor())
    except PermissionDenied:
        abort(403)
    except InvalidInput as exc:
        _flash_errors(exc)
        return redirect(url_for("badges.index"))
    flash(f"Đã mở đợt {rnd.occasion}/{rnd.year}.", "success")
    return redirect(url_for("badges.detail", round_id=rnd.id))


def _visible_orgs(actor) -> list[Organization]:
    return list(
        db.session.scalars(
            select(Organization)
            .where(actor.visible_filter(Organization.path), Organization.active.is_(True))
            .order_by(Organization.path)
        )
    )


@bp.route("/<int:round_id>")
@requires(*VIEWERS)
def detail(round_id: int):
    actor = current_actor()
    rnd = _round(round_id)
    rules = rules_on(rnd.round_on)
    orgs = _visible_orgs(actor)
    visible_ids = [o.id for o in orgs]
    org_id = parse_id(request.args.get("org"))
    cell_id = parse_id(request.args.get("cell"))
    status = request.args.get("status", "")
    stmt = select(BadgeAward).where(
        BadgeAward.round_id == rnd.id, BadgeAward.cell_id.in_(visible_ids or [0])
    )
    if org_id:
        stmt = stmt.where(BadgeAward.org_id == org_id)
    if cell_id:
        stmt = stmt.where(BadgeAward.cell_id == cell_id)
    if status in rules_of.STATUSES:
        stmt = stmt.where(BadgeAward.status == status)
    listing = seek_page(
        stmt,
        (BadgeAward.sort_key, BadgeAward.id),
        descending=False,
        after=request.args.get("after", ""),
        before=request.args.get("before", ""),
        per_page=PER_PAGE,
    )
    summary: dict[int, dict[str, int]] = {}
    for oid, st, n in db.session.execute(
        select(BadgeAward.org_id, BadgeAward.status, func.count())
        .where(BadgeAward.round_id == rnd.id, BadgeAward.cell_id.in_(visible_ids or [0]))
        .group_by(BadgeAward.org_id, BadgeAward.status)
    ):
        summary.setdefault(oid, {})[st] = n
    by_id = {o.id: o for o in orgs}
    missing = [oid for oid in summary if oid not in by_id]
    for o in db.session.scalars(select(Organization).where(Organization.id.in_(missing or [0]))):
        by_id[o.id] = o
    gifts = {y: rules_of.gift(y, rules) for y in rules["badge.thresholds"]}
    # a cell secretary or a grassroots committee picks one of their official members; the
    # department (the whole committee) types the member's number from the member's page
    pickable = []
    if rnd.status == "open" and not actor.sees_all():
        pickable = db.session.execute(
            select(Person.id, Person.full_name, Person.birth_date)
            .join(Organization, Organization.id == Person.cell_id)
            .where(
                actor.visible_filter(Organization.path, access.REVIEWERS),
                Person.member_status == "official",
            )
            .order_by(Person.sort_key, Person.id)
            .limit(PICKER_LIMIT)
        ).all()
    return render_template(
        "badges/detail.html",
        rnd=rnd,
        awards=listing.rows,
        listing=listing,
        summary=summary,
        orgs=by_id,
        cells=[o for o in orgs if o.is_cell],
        org_id=org_id,
        cell_id=cell_id,
        status=status,
        statuses=rules_of.STATUSES,
        kinds=rules_of.KINDS,
        thresholds=rules["badge.thresholds"],
        gifts=gifts,
        base_salary=rules["badge.base_salary"],
        occasion=rules_of.OCCASIONS.get(rnd.occasion, (0, 0, ""))[2],
        round_statuses=rules_of.ROUND_STATUSES,
        is_department=access.is_department(actor),
        may_review=lambda a: access.may_review(actor, a.cell),
        may_send=lambda o: access.may_send(actor, o),
        may_hand=lambda a: access.may_hand_over(actor, a.org),
        today=today(),
        pickable=pickable,
    )


def _back(round_id: int):
    target = request.form.get("next") or ""
    if target.startswith(f"/badges/{round_id}"):
        return redirect(target)
    return redirect(url_for("badges.detail", round_id=round_id))


def _run(round_id: int, func_, *args, success: str):
    try:
        func_(*args, request.form.to_dict(), actor=current_actor())
    except PermissionDenied:
        abort(403)
    except NotFound:
        abort(404)
    except StaleRecord as exc:
        flash(str(exc), "error")
    except InvalidInput as exc:
        _flash_errors(exc)
    else:
        flash(success, "success")
    return _back(round_id)


@bp.route("/award/<int:award_id>/review", methods=["POST"])
@requires(*VIEWERS)
def review(award_id: int):
    award = db.session.get(BadgeAward, award_id) or abort(404)
    return _run(award.round_id, rounds.cell_review, award_id, success="Đã ghi ý kiến chi bộ.")


@bp.route("/award/<int:award_id>/hand-over", methods=["POST"])
@requires(*VIEWERS)
def hand_over(award_id: int):
    award = db.session.get(BadgeAward, award_id) or abort(404)
    return _run(award.round_id, rounds.hand_over, award_id, success="Đã ghi trao Huy hiệu.")


@bp.route("/<int:round_id>/send/<int:org_id>", methods=["POST"])
@requires(*VIEWERS)
def send(round_id: int, org_id: int):
    return _run(round_id, rounds.send_list, round_id, org_id, success="Đã gửi danh sách.")


@bp.route("/<int:round_id>/compile", methods=["POST"])
@requires(*VIEWERS)
def compile_list(round_id: int):
    return _run(round_id, rounds.compile_round, round_id, success="Đã tổng hợp danh sách.")


@bp.route("/<int:round_id>/decision", methods=["POST"])
@requires(*VIEWERS)
def decision(round_id: int):
    return _run(round_id, rounds.record_decision, round_id, success="Đã ghi quyết định.")


@bp.route("/<int:round_id>/early", methods=["POST"])
@requires(*VIEWERS)
def early(round_id: int):
    return _run(round_id, rounds.propose_early, round_id, success="Đã thêm đề nghị tặng sớm.")


@bp.route("/<int:round_id>/reissue", methods=["POST"])
@requires(*VIEWERS)
def reissue(round_id: int):
    return _run(round_id, rounds.propose_reissue, round_id, success="Đã thêm đề nghị cấp lại.")


def _list_scope(rnd: BadgeRound) -> Organization | None:
    """The organization whose list is asked for (None: the compiled list, the department's)."""
    actor = current_actor()
    org_id = parse_id(request.args.get("org"))
    if org_id is None:
        if not access.is_department(actor):
            abort(403)
        return None
    org = db.session.get(Organization, org_id)
    if org is None or not actor.can_view(org.path):
        abort(404)
    return org


@bp.route("/<int:round_id>/list.<fmt>")
@requires(*VIEWERS)
def printed(round_id: int, fmt: str):
    rnd = _round(round_id)
    org = _list_scope(rnd)
    listing = lists.build(rnd, org, reissue=request.args.get("kind") == "reissue")
    name = f"huy-hieu-dang-{rnd.occasion.replace('/', '-')}-{rnd.year}"
    if org is not None:
        name += f"-{org.code or org.id}"
    if fmt == "pdf":
        body, mime = html_to_pdf(lists.to_html(listing)), "application/pdf"
    elif fmt == "xlsx":
        body, mime = lists.to_xlsx(listing), XLSX
    else:
        abort(404)
    response = Response(body, mimetype=mime)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
