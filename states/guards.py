"""Guards shared by several procedures: votes at meetings and simple payload checks."""

from __future__ import annotations

from states.fields import Field
from states.rules import vote_passes, votes_needed
from states.spec import GuardContext, Verdict

EXCLUSION_REASONS: tuple[tuple[str, str], ...] = (
    ("temporary_transfer", "Chuyển sinh hoạt tạm thời đi đảng bộ khác"),
    ("exempt_absent", "Được miễn sinh hoạt và vắng mặt"),
    ("suspended", "Đang bị đình chỉ sinh hoạt đảng"),
    ("prosecuted", "Bị khởi tố, truy tố, tạm giam"),
    ("approved_absence", "Vắng mặt suốt buổi họp có lý do được cấp ủy đồng ý"),
)


def meeting_vote_fields(total_label: str, *, exclusions: bool) -> tuple[Field, ...]:
    """The inputs of a vote at a meeting: the eligible total, exclusions and the ballots."""
    fields: list[Field] = [
        Field("resolution_number", "Số nghị quyết", "line", required=False, max_length=40),
        Field("official_total", total_label, "int", min=1, max=10000),
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
