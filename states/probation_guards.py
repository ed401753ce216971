"""Guards of probation, recognition as an official member and removal from the probationary
list (§2(b) of the domain reference)."""

from __future__ import annotations

from states.dates import vn_date
from states.facts import ProbationFacts
from states.spec import Guard, GuardContext, Verdict


def _facts(ctx: GuardContext) -> ProbationFacts:
    return ctx.facts


def probation_over(ctx: GuardContext) -> Verdict:
    """The 12 months have ended on the event's date (a cell resolution must come after)."""
    end = _facts(ctx).probation_end
    if end is None or ctx.event_date < end:
        return Verdict.failed(
            "probation.not_over",
            f"Chưa hết thời kỳ dự bị: 12 tháng dự bị kết thúc ngày {vn_date(end)}.",
        )
    return Verdict.passed()


def end_confirmed(ctx: GuardContext) -> Verdict:
    if _facts(ctx).probation_end_needs_review:
        return Verdict.failed(
            "probation.end_unconfirmed",
            "Lễ kết nạp ngày 29/02: cần xác nhận ngày kết thúc thời kỳ dự bị trước.",
        )
    return Verdict.passed()


def end_needs_review(ctx: GuardContext) -> Verdict:
    if not _facts(ctx).probation_end_needs_review:
        return Verdict.not_applicable("probation.end_clear", "Ngày kết thúc dự bị đã rõ.")
    return Verdict.passed()


def removal_reason_given(ctx: GuardContext) -> Verdict:
    p = ctx.payload
    if p is None:
        return Verdict.needs_input()
    if p.get("proposal") == "removal" and not p.get("reason"):
        return Verdict.failed(
            "probation.removal_reason_missing",
            "Đề nghị xóa tên trong danh sách đảng viên dự bị phải ghi rõ lý do.",
            "reason",
        )
    return Verdict.passed()


def _failed_votes(name: str, last: bool) -> Guard:
    """Which variant of an inconclusive vote applies: the last allowed one escalates."""

    def guard(ctx: GuardContext) -> Verdict:
        limit = ctx.rules["probation.max_failed_votes"]
        reaches = _facts(ctx).failed_votes + 1 >= limit
        if reaches == last:
            return Verdict.passed()
        return Verdict.not_applicable("probation.vote_count", "")

    guard.__name__ = name
    return guard


below_vote_limit = _failed_votes("below_vote_limit", last=False)
reaches_vote_limit = _failed_votes("reaches_vote_limit", last=True)


def proposal_is(proposal: str) -> Guard:
    def guard(ctx: GuardContext) -> Verdict:
        if _facts(ctx).proposal == proposal:
            return Verdict.passed()
        return Verdict.not_applicable(
            "probation.other_proposal", "Đề nghị của hồ sơ không phải là nội dung này."
        )

    guard.__name__ = f"proposal_is_{proposal}"
    return guard


def _required(f: ProbationFacts, stage: str) -> list[str]:
    required = ["cell_resolution"]
    if f.proposal != "removal":
        required = ["self_review", "helper_assessment", "opinions", *required]
    if stage == "department":
        if f.org.has_subcommittee:
            required.append("subcommittee_report")
        if not f.org.is_grassroots_cell:
            required.append("grassroots_resolution")
    return required


def documents_present(stage: str) -> Guard:
    """The recognition dossier (10-, 11-, 12-, 13-KNĐ …) holds what the stage needs."""

    def guard(ctx: GuardContext) -> Verdict:
        f = _facts(ctx)
        forms = ctx.rules["probation.forms"]
        missing = [forms[p][0] for p in _required(f, stage) if p not in f.documents]
        if missing:
            return Verdict.failed(
                "probation.documents_missing", "Hồ sơ còn thiếu: " + ", ".join(missing) + "."
            )
        return Verdict.passed()

    guard.__name__ = f"documents_present_{stage}"
    return guard


def new_member_class_done(ctx: GuardContext) -> Verdict:
    """The new-member political class certificate, or a recorded reason for its absence."""
    f = _facts(ctx)
    proposal = (ctx.payload or {}).get("proposal") or f.proposal
    if proposal == "removal" or "new_member_certificate" in f.documents:
        return Verdict.passed()
    message = "Chưa có giấy chứng nhận học lớp bồi dưỡng lý luận chính trị dành cho đảng viên mới"
    if ctx.payload is None:
        return Verdict(
            ok=True,
            pending=True,
            code="probation.class_missing",
            message=message + " (ghi lý do nếu được miễn).",
        )
    if not ctx.payload.get("certificate_exemption"):
        return Verdict.failed("probation.class_missing", message + ".", "certificate_exemption")
    return Verdict.passed()
