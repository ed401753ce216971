"""Guards of the transfer of party activity (§2(c) of the domain reference)."""

from __future__ import annotations

from states.dates import vn_date
from states.facts import TransferFacts
from states.spec import Guard, GuardContext, Verdict


def _facts(ctx: GuardContext) -> TransferFacts:
    return ctx.facts


def _destination_guard(name: str, internal: bool, message: str) -> Guard:
    """Structural: whether the receiving organization is one of the committee's own decides
    who records the arrival, so the other variant is hidden rather than shown disabled."""

    def guard(ctx: GuardContext) -> Verdict:
        if ctx.facts.internal_destination == internal:
            return Verdict.passed()
        return Verdict.failed("transfer.destination", message)

    guard.__name__ = name
    guard.structural = True  # type: ignore[attr-defined]
    return guard


destination_internal = _destination_guard(
    "destination_internal",
    True,
    "Nơi đến ở ngoài Đảng bộ: Ban Tổ chức ghi nhận xác nhận của nơi nhận.",
)
destination_external = _destination_guard(
    "destination_external",
    False,
    "Nơi đến thuộc Đảng bộ: tổ chức đảng nơi đến xác nhận tiếp nhận.",
)


def late_reason_given(ctx: GuardContext) -> Verdict:
    """A letter presented after its deadline is accepted with the reasons reported."""
    due = _facts(ctx).present_by
    p = ctx.payload
    if p is None or due is None:
        return Verdict.needs_input()
    if ctx.event_date > due and not p.get("late_reason"):
        return Verdict.failed(
            "transfer.late_without_reason",
            f"Giấy giới thiệu xuất trình sau hạn ({vn_date(due)}): phải ghi rõ lý do chậm.",
            "late_reason",
        )
    return Verdict.passed()


def period_started(ctx: GuardContext) -> Verdict:
    """A temporary stay is confirmed no earlier than the day it begins."""
    start = _facts(ctx).period_start
    if start is not None and ctx.event_date < start:
        return Verdict.failed(
            "transfer.before_period",
            f"Thời gian sinh hoạt tạm thời bắt đầu từ ngày {vn_date(start)}.",
            "event_date",
        )
    return Verdict.passed()
