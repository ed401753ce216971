"""Party age (tuổi đảng) from a member's record: the first admission decision's date, less the
periods out of party activity the record shows.

The rule (§(e) of the procedures): party age counts from the day the competent body signed the
admission decision (the joining date on the card when no decision was kept), probation
included; periods out of party activity do not count — time expelled or removed from the list,
time out of contact with the Party, a transfer whose letter was presented after its deadline.
A re-admitted member counts from the first admission less the time out, once the member's
party-age declaration has been verified by the cell.

Months are counted as the provincial department counts them: full calendar months from the
start, less the full months of each period out (overlapping periods counted once). A start on
29 February reaches its anniversaries on a clamped day (28 February) a person should confirm,
as the end of a probation that began on 29 February is.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from states.dates import (
    add_months,
    format_months,
    full_months_between,
    needs_leap_day_review,
    party_age_months,
)


@dataclass(frozen=True)
class Gap:
    """A period out of party activity: from ``start`` to ``end`` (None: not over yet)."""

    start: date
    end: date | None
    reason: str
    #: the case that recorded it, where one did (None: entered by hand, or read from the trail)
    case_id: int | None = None

    def until(self, on: date) -> date:
        return on if self.end is None or self.end > on else self.end


@dataclass(frozen=True)
class CountedGap:
    gap: Gap
    #: full months deducted as of the day the age is computed
    months: int


@dataclass(frozen=True)
class PartyAge:
    start: date
    #: what the start date is: the admission decision, or the joining day written on the card
    start_basis: str
    on: date
    months: int
    gaps: tuple[CountedGap, ...]
    #: the start is 29 February: anniversaries fall on a clamped day someone should confirm
    needs_review: bool
    #: a re-admitted member whose party-age declaration the cell has not verified yet
    awaiting_declaration: bool = False

    @property
    def label(self) -> str:
        return format_months(self.months)

    @property
    def years(self) -> int:
        return self.months // 12


def merge(gaps: Iterable[Gap]) -> list[Gap]:
    """The periods in date order, overlapping or touching ones joined (their reasons kept)."""
    out: list[Gap] = []
    for gap in sorted(gaps, key=lambda g: g.start):
        if out and (out[-1].end is None or gap.start <= out[-1].end):
            last = out[-1]
            end = None if last.end is None or gap.end is None else max(last.end, gap.end)
            reason = last.reason if gap.reason in last.reason else f"{last.reason}; {gap.reason}"
            out[-1] = Gap(last.start, end, reason, last.case_id or gap.case_id)
        else:
            out.append(gap)
    return out


def _pairs(gaps: list[Gap], on: date) -> list[tuple[date, date]]:
    return [(g.start, g.until(on)) for g in gaps if g.start < on]


def compute(
    admission_decision_on: date | None,
    joined_on: date | None,
    gaps: Iterable[Gap],
    on: date,
    *,
    awaiting_declaration: bool = False,
) -> PartyAge | None:
    """The party age on ``on``; None when the record has neither start date."""
    start = admission_decision_on or joined_on
    if start is None:
        return None
    basis = "ngày ký quyết định kết nạp" if admission_decision_on else "ngày vào Đảng ghi trên thẻ"
    merged = [g for g in merge(gaps) if g.end is None or g.end > start]
    counted = tuple(
        CountedGap(g, max(0, full_months_between(g.start, g.until(on)))) for g in merged
    )
    months = party_age_months(start, on, _pairs(merged, on)) if on >= start else 0
    return PartyAge(
        start=start,
        start_basis=basis,
        on=on,
        months=months,
        gaps=counted,
        needs_review=needs_leap_day_review(start),
        awaiting_declaration=awaiting_declaration,
    )


def reached_on(start: date, gaps: Iterable[Gap], months: int) -> date:
    """The first day the party age counts ``months`` full months.

    Party age grows by at most a month a month, so from the day the months would be reached
    without gaps the search moves forward by the months still missing until they are reached.
    An ongoing gap (no end) never lets the age grow: the day is then past any date of interest
    (``date.max``)."""
    merged = merge(gaps)
    day = add_months(start, months)
    for _ in range(len(merged) * 2 + 4):
        if any(g.end is None and g.start < day for g in merged):
            return date.max
        have = party_age_months(start, day, _pairs(merged, day))
        if have >= months:
            return day
        day = add_months(day, months - have)
    return day
