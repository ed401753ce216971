"""Facts and guards of the procedures by which a member leaves the lists: removal from the
member list (xóa tên), leaving the Party at one's own request, death (§2(g), §2(i))."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from states.dates import vn_date
from states.facts import OrgFacts, PersonFacts
from states.guards import until_today
from states.spec import Guard, GuardContext, Verdict


@dataclass(frozen=True)
class LeavingFacts:
    today: date
    state: str
    person: PersonFacts
    org: OrgFacts
    #: the purposes of the case's dossier papers
    documents: frozenset[str]
    #: the requests to write a self-review the cell committee has made (removal)
    requests: int
    #: the day the complaint period ends (removal, once decided), None before
    complaint_due: date | None
    proposer_id: int | None
    actor_id: int | None
    #: removal: the ground chosen when the case opened
    ground: str | None = None
    #: the day the member became official (None: never official, no party age to confirm)
    official_on: date | None = None
    decision_extension_used: int = 0
    paused_from: str | None = None
    #: what the record says about the member's standing: their open cases that put it in
    #: question (a violation considered, discipline in effect, a suspension)
    standing: tuple[str, ...] = ()
    #: of those, the ones whose violation is still being considered (no decision yet)
    considering: tuple[str, ...] = ()
    #: the day the case's decision was signed (removal, leaving), None before
    decided_on: date | None = None


def _facts(ctx: GuardContext) -> LeavingFacts:
    return ctx.facts


#: how the cell judges the member's violations before proposing removal or leaving
VIOLATIONS = (
    ("none", "Không có vi phạm đến mức phải xem xét, xử lý kỷ luật"),
    ("deserves_discipline", "Có vi phạm đến mức phải xem xét, xử lý kỷ luật"),
)


def no_discipline_due(ctx: GuardContext) -> Verdict:
    """A member whose violations deserve discipline is disciplined, not removed (HD 01-HD/TW
    2021 mục 11): the cell's own judgement at the meeting, and the record's discipline cases
    still being considered."""
    considering = _facts(ctx).considering
    if considering:
        return Verdict.failed(
            "removal.discipline_pending",
            "Đảng viên đang có vi phạm được xem xét: "
            + "; ".join(considering)
            + ". Xem xét, thi hành kỷ luật trước, không xóa tên thay cho kỷ luật.",
        )
    p = ctx.payload
    if p is None:
        return Verdict.needs_input()
    if p.get("violation") == "deserves_discipline":
        return Verdict.failed(
            "removal.discipline_due",
            "Đảng viên có vi phạm đến mức phải xử lý kỷ luật thì phải xem xét, thi hành kỷ luật "
            "theo quy định, không xóa tên thay cho kỷ luật.",
            "violation",
        )
    return Verdict.passed()


def standing_clear(ctx: GuardContext) -> Verdict:
    """Only a member without violations and without discipline pending may leave at their own
    request (HD 01-HD/TW 2021 mục 11.2): the record's discipline and suspension cases say so.
    A violation the record does not hold yet is opened as a discipline case (or the cell
    refuses, with the reason)."""
    standing = _facts(ctx).standing
    if standing:
        return Verdict.failed(
            "leaving.violation_pending",
            "Chưa xét cho ra khỏi Đảng: "
            + "; ".join(standing)
            + ". Phải xem xét, xử lý vi phạm và chờ quyết định kỷ luật hết hiệu lực trước.",
        )
    return Verdict.passed()


def ground_in_force(setting_prefix: str) -> Guard:
    """The ground chosen when the case opened is one of the rules in force on the event date."""

    def guard(ctx: GuardContext) -> Verdict:
        ground = getattr(ctx.facts, "ground", None)
        if ground is None or ctx.rules.get(f"{setting_prefix}{ground}") is None:
            return Verdict.failed(
                "removal.ground_not_in_force",
                f"Căn cứ xóa tên đã chọn không có trong quy định áp dụng ngày "
                f"{vn_date(ctx.event_date)}.",
            )
        return Verdict.passed()

    guard.__name__ = "ground_in_force"
    return guard


def below_request_limit(setting: str) -> Guard:
    def guard(ctx: GuardContext) -> Verdict:
        limit = ctx.rules[setting]
        if _facts(ctx).requests >= limit:
            return Verdict.failed(
                "removal.requests_done",
                f"Chi ủy đã yêu cầu {limit} lần: chi bộ xem xét, biểu quyết mà không cần bản tự "
                "kiểm điểm.",
            )
        return Verdict.passed()

    guard.__name__ = "below_request_limit"
    return guard


def may_proceed_without_review(setting: str) -> Guard:
    """The cell goes on without the self-review after the requests the rules ask for, or at
    once when the member deliberately refuses to write it."""

    def guard(ctx: GuardContext) -> Verdict:
        p = ctx.payload
        if p is None:
            return Verdict.needs_input()
        limit = ctx.rules[setting]
        made = _facts(ctx).requests
        if p.get("why") == "no_answer" and made < limit:
            return Verdict.failed(
                "removal.requests_missing",
                f"Chi ủy mới yêu cầu {made} lần; cần yêu cầu đủ {limit} lần mà đảng viên vẫn "
                "không viết, không dự họp thì chi bộ mới xem xét.",
                "why",
            )
        return Verdict.passed()

    guard.__name__ = "may_proceed_without_review"
    return guard


def card_accounted_for(ctx: GuardContext) -> Verdict:
    """The card has been collected, or the form says why it could not be."""
    if "card_returned" in _facts(ctx).documents:
        return Verdict.passed()
    p = ctx.payload
    if p is None:
        return Verdict(
            ok=True,
            pending=True,
            code="removal.card_not_collected",
            message="Chưa ghi thu hồi thẻ đảng viên: ghi lý do nếu không thu hồi được.",
        )
    if not p.get("card_note"):
        return Verdict.failed(
            "removal.card_not_collected",
            "Chưa ghi thu hồi thẻ đảng viên: ghi thu hồi thẻ, hoặc ghi lý do không thu hồi được.",
            "card_note",
        )
    return Verdict.passed()


def within_complaint_period(ctx: GuardContext) -> Verdict:
    due = _facts(ctx).complaint_due
    if due is not None and ctx.event_date > due:
        return Verdict.failed(
            "removal.complaint_late",
            f"Đã hết thời hạn khiếu nại (đến ngày {vn_date(due)}).",
            "event_date",
        )
    return Verdict.passed()


def complaint_period_over(ctx: GuardContext) -> Verdict:
    due = _facts(ctx).complaint_due
    if due is not None and ctx.event_date <= due:
        return until_today(
            ctx,
            "removal.complaint_period_running",
            f"Thời hạn khiếu nại chưa hết (đến ngày {vn_date(due)}).",
        )
    return Verdict.passed()


def document_held(purpose: str, message: str) -> Guard:
    def guard(ctx: GuardContext) -> Verdict:
        if purpose not in _facts(ctx).documents:
            return Verdict.failed(f"leaving.{purpose}_missing", message)
        return Verdict.passed()

    guard.__name__ = f"holds_{purpose}"
    return guard


def document_not_held(purpose: str, message: str) -> Guard:
    def guard(ctx: GuardContext) -> Verdict:
        if purpose in _facts(ctx).documents:
            return Verdict.not_applicable(f"leaving.{purpose}_held", message)
        return Verdict.passed()

    guard.__name__ = f"lacks_{purpose}"
    return guard


def was_official(ctx: GuardContext) -> Verdict:
    """Party age counts for a member who was official (a probationary member's counts only once
    recognized)."""
    if _facts(ctx).official_on is None:
        return Verdict.not_applicable(
            "leaving.never_official",
            "Đảng viên chưa được công nhận chính thức: không có tuổi đảng để xác nhận.",
        )
    return Verdict.passed()


def not_before_decision(ctx: GuardContext) -> Verdict:
    """What follows the decision (the card collected, the party-age confirmation, the closing)
    is not dated before the decision was signed."""
    decided_on = _facts(ctx).decided_on
    if decided_on is None or ctx.event_date is None or ctx.event_date >= decided_on:
        return Verdict.passed()
    return Verdict.failed(
        "leaving.before_decision",
        f"Ngày {vn_date(ctx.event_date)} trước ngày ký quyết định ({vn_date(decided_on)}): "
        f"chọn ngày từ {vn_date(decided_on)} trở đi.",
        "event_date",
    )
