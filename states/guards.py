"""Guards shared by several procedures: votes at meetings and simple payload checks."""

from __future__ import annotations

from states.fields import Field
from states.rules import majority_carries, majority_needed, vote_passes, votes_needed
from states.spec import Guard, GuardContext, Verdict

EXCLUSION_REASONS: tuple[tuple[str, str], ...] = (
    ("temporary_transfer", "Chuyển sinh hoạt tạm thời đi đảng bộ khác"),
    ("exempt_absent", "Được miễn sinh hoạt và vắng mặt"),
    ("suspended", "Đang bị đình chỉ sinh hoạt đảng"),
    ("prosecuted", "Bị khởi tố, truy tố, tạm giam"),
    ("approved_absence", "Vắng mặt suốt buổi họp có lý do được cấp ủy đồng ý"),
)


def meeting_vote_fields(
    total_label: str, *, exclusions: bool, count_of: str | None = None
) -> tuple[Field, ...]:
    """The inputs of a vote at a meeting: the eligible total, exclusions and the ballots.
    ``count_of``: the total is the number the records give for the meeting's date."""
    fields: list[Field] = [
        Field("resolution_number", "Số nghị quyết", "line", required=False, max_length=40),
        Field("official_total", total_label, "int", min=1, max=10000, count_of=count_of),
    ]
    if exclusions:
        fields.append(
            Field(
                "excluded",
                "Đảng viên không tính vào tổng số (mỗi người một lý do)",
                "rows",
                required=False,
                max_rows=10,
                rows=(
                    Field("name", "Họ tên", "line", max_length=100),
                    Field("reason", "Lý do", "choice", choices=EXCLUSION_REASONS),
                ),
            )
        )
    fields += [
        Field("yes", "Số phiếu tán thành", "int", min=0, max=10000),
        Field("no", "Số phiếu không tán thành", "int", min=0, max=10000),
        Field(
            "invalid",
            "Số phiếu không hợp lệ / không biểu quyết",
            "int",
            required=False,
            min=0,
            max=10000,
        ),
    ]
    return tuple(fields)


def denominator(payload: dict) -> int:
    return int(payload["official_total"]) - len(payload.get("excluded") or [])


def vote_consistent(ctx: GuardContext) -> Verdict:
    """The ballots cannot exceed the members who may vote."""
    p = ctx.payload
    if p is None:
        return Verdict.needs_input()
    den = denominator(p)
    if den < 1:
        return Verdict.failed(
            "vote.no_eligible_members",
            "Sau khi trừ số đảng viên không tính, không còn đảng viên nào được tính.",
            "official_total",
        )
    cast = p["yes"] + p["no"] + (p.get("invalid") or 0)
    if cast > den:
        return Verdict.failed(
            "vote.too_many_ballots",
            f"Tổng số phiếu ({cast}) vượt quá số đảng viên được tính ({den}).",
            "yes",
        )
    return Verdict.passed()


def vote_reaches_threshold(ctx: GuardContext) -> Verdict:
    p = ctx.payload
    if p is None:
        return Verdict.needs_input()
    den = denominator(p)
    fraction = ctx.rules["vote.approval_fraction"]
    if den >= 1 and not vote_passes(p["yes"], den, fraction):
        need = votes_needed(den, fraction)
        return Verdict.failed(
            "vote.below_threshold",
            f"Số phiếu tán thành {p['yes']}/{den} chưa đạt {fraction[0]}/{fraction[1]} "
            f"(cần ít nhất {need}). Nếu đúng là kết quả biểu quyết, hãy ghi kết quả không đạt.",
            "yes",
        )
    return Verdict.passed()


def vote_below_threshold(ctx: GuardContext) -> Verdict:
    p = ctx.payload
    if p is None:
        return Verdict.needs_input()
    den = denominator(p)
    fraction = ctx.rules["vote.approval_fraction"]
    if den >= 1 and vote_passes(p["yes"], den, fraction):
        return Verdict.failed(
            "vote.reached_threshold",
            f"Số phiếu tán thành {p['yes']}/{den} đã đạt {fraction[0]}/{fraction[1]}: "
            "hãy ghi nghị quyết đề nghị thay vì ghi kết quả không đạt.",
            "yes",
        )
    return Verdict.passed()


def standing_vote_fields() -> tuple[Field, ...]:
    """The standing committee's meeting that decides: its members, those present and the
    vote on this decision."""
    return (
        Field("members_total", "Tổng số ủy viên Ban Thường vụ", "int", min=1, max=200),
        Field("members_present", "Số ủy viên dự họp", "int", min=1, max=200),
        Field("yes", "Số ủy viên tán thành", "int", min=0, max=200),
        Field("no", "Số ủy viên không tán thành", "int", min=0, max=200),
    )


def standing_vote_carries(ctx: GuardContext) -> Verdict:
    """More than half of all the standing committee's members agreed, at a meeting whose
    figures add up."""
    p = ctx.payload
    if p is None:
        return Verdict.needs_input()
    total, present = p["members_total"], p["members_present"]
    if present > total:
        return Verdict.failed(
            "vote.standing_present_above_total",
            f"Số ủy viên dự họp ({present}) lớn hơn tổng số ủy viên ({total}).",
            "members_present",
        )
    if p["yes"] + p["no"] > present:
        return Verdict.failed(
            "vote.standing_too_many_votes",
            f"Số ý kiến ({p['yes'] + p['no']}) nhiều hơn số ủy viên dự họp ({present}).",
            "yes",
        )
    fraction = ctx.rules["vote.standing_majority"]
    if not majority_carries(p["yes"], total, fraction):
        return Verdict.failed(
            "vote.standing_no_majority",
            f"{p['yes']}/{total} ủy viên tán thành: chưa quá một nửa tổng số ủy viên Ban Thường "
            f"vụ (cần ít nhất {majority_needed(total, fraction)}), nên chưa có quyết định.",
            "yes",
        )
    return Verdict.passed()


# --- guards that read only the organization, the proposer and the deadlines, whatever the
# procedure (facts with ``org``, ``actor_id``, ``proposer_id``, ``decision_extension_used``,
# ``paused_from``) ----------------------------------------------------------------------


def until_today(ctx: GuardContext, code: str, message: str) -> Verdict:
    """A limit that passes with time: before the form is filled (judged as of today) it is
    only a warning, because the event may have happened earlier, in time; once the form
    gives the event's date it is a refusal."""
    if ctx.payload is None:
        return Verdict(
            ok=True,
            pending=True,
            code=code,
            message=message + " (Nếu sự việc diễn ra sớm hơn, hãy ghi đúng ngày.)",
        )
    return Verdict.failed(code, message)


def _org_guard(name: str, test, code: str, message: str) -> Guard:
    """A structural guard: it depends only on the organization, so a failing one hides the
    action instead of showing it disabled."""

    def guard(ctx: GuardContext) -> Verdict:
        return Verdict.passed() if test(ctx.facts.org) else Verdict.failed(code, message)

    guard.__name__ = name
    guard.structural = True  # type: ignore[attr-defined]
    return guard


under_subcommittee = _org_guard(
    "under_subcommittee",
    lambda org: org.has_subcommittee,
    "org.no_subcommittee",
    "Chi bộ không thuộc đảng bộ bộ phận nào.",
)
not_under_subcommittee = _org_guard(
    "not_under_subcommittee",
    lambda org: not org.has_subcommittee,
    "org.subcommittee_first",
    "Chi bộ thuộc đảng bộ bộ phận: cần đảng ủy bộ phận thẩm định trước.",
)
has_grassroots_committee = _org_guard(
    "has_grassroots_committee",
    lambda org: not org.is_grassroots_cell,
    "org.grassroots_cell",
    "Chi bộ cơ sở không có đảng ủy cơ sở: hồ sơ chuyển thẳng lên Ban Tổ chức.",
)
is_grassroots_cell = _org_guard(
    "is_grassroots_cell",
    lambda org: org.is_grassroots_cell,
    "org.needs_grassroots_resolution",
    "Cần nghị quyết của đảng ủy cơ sở trước.",
)
grassroots_authorized = _org_guard(
    "grassroots_authorized",
    lambda org: org.grassroots_authorized,
    "org.not_authorized",
    "Đảng ủy cơ sở không được ủy quyền ra quyết định này.",
)
grassroots_not_authorized = _org_guard(
    "grassroots_not_authorized",
    lambda org: not org.grassroots_authorized,
    "org.authorized_decides",
    "Đảng ủy cơ sở được ủy quyền: ra quyết định thay vì nghị quyết đề nghị.",
)


def signer_not_proposer(ctx: GuardContext) -> Verdict:
    """Segregation of duties: who proposed a decision does not sign it."""
    f = ctx.facts
    if f.actor_id is not None and f.actor_id == f.proposer_id:
        return Verdict.failed(
            "decision.signer_is_proposer",
            "Người ký quyết định không được là người đã thẩm định, trình hồ sơ.",
        )
    return Verdict.passed()


def extension_available(setting: str) -> Guard:
    """At most ``rules[setting]`` working days of extension in all."""

    def guard(ctx: GuardContext) -> Verdict:
        used = ctx.facts.decision_extension_used
        limit = ctx.rules[setting]
        asked = (ctx.payload or {}).get("days") or 0
        if used + asked > limit or used >= limit:
            return Verdict.failed(
                "deadline.extension_exhausted",
                f"Chỉ được gia hạn tổng cộng tối đa {limit} ngày làm việc (đã gia hạn {used}).",
                "days",
            )
        return Verdict.passed()

    guard.__name__ = "extension_available"
    return guard


def paused_from(state: str) -> Guard:
    def guard(ctx: GuardContext) -> Verdict:
        if ctx.facts.paused_from == state:
            return Verdict.passed()
        return Verdict.failed(
            "case.not_paused_from", f"Hồ sơ không tạm dừng từ trạng thái này ({state})."
        )

    guard.__name__ = f"paused_from_{state}"
    guard.structural = True  # type: ignore[attr-defined]
    return guard
