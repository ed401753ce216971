"""Party badges (Huy hiệu Đảng): the rounds, who a round proposes, the waits after discipline,
and the gift money, as rule settings with their sources (§(e) of the procedures).

A round is held for an anniversary (3/2, 19/5, 2/9, 7/11). It proposes the members whose party
age reaches a threshold (30, 40, 45, 50 … 90 years) since the previous round's day and by this
round's day, those held back in an earlier round whose wait has ended, and, posthumously, the
members who died since the previous round within the allowance of their threshold. A member
under discipline (reprimand and above) is held back for a wait that depends on the form; a
seriously ill member may be proposed early by hand, within the allowance of the threshold.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from states.dates import add_months, needs_leap_day_review, party_age_months
from states.party_age import Gap, merge, reached_on
from states.rules import Setting

SINCE = date(2022, 1, 18)
URL_YEARS = (
    "https://thuvienphapluat.vn/hoi-dap-phap-luat/55C58-hd-se-duoc-xet-tang-huy-hieu-dang-vao-"
    "nhung-nam-nao.html"
)
URL_EARLY = (
    "https://tintuc.thuvienphapluat.com/ho-tro-phap-luat/tu-van-phap-luat/48289/quy-dinh-ve-"
    "viec-tang-huy-hieu-dang-cho-dang-vien-moi-nhat-2023"
)
URL_WAIT = "https://luatminhkhue.vn/mau-to-khai-de-nghi-tang-huy-hieu-dang.aspx"
URL_OCCASIONS = (
    "https://thuvienphapluat.vn/hoi-dap-phap-luat/55C5A-hd-vec-trao-tang-su-dung-quan-ly-huy-"
    "hieu-dang-duoc-quy-dinh-ra-sao.html"
)
URL_SALARY = (
    "https://thuvienphapluat.vn/van-ban/Lao-dong-Tien-luong/Nghi-dinh-73-2024-ND-CP-583213.aspx"
)

#: key → (day, month, what the day celebrates)
OCCASIONS: Mapping[str, tuple[int, int, str]] = {
    "3/2": (3, 2, "Kỷ niệm ngày thành lập Đảng Cộng sản Việt Nam"),
    "19/5": (19, 5, "Kỷ niệm ngày sinh Chủ tịch Hồ Chí Minh"),
    "2/9": (2, 9, "Kỷ niệm Quốc khánh nước Cộng hòa xã hội chủ nghĩa Việt Nam"),
    "7/11": (7, 11, "Kỷ niệm Cách mạng Tháng Mười Nga"),
}

SETTINGS: dict[str, tuple[tuple[date, Setting], ...]] = {
    "badge.thresholds": (
        (
            SINCE,
            Setting(
                (30, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90),
                "HD 01-HD/TW 2021 mục 18 (Huy hiệu 30, 40, 45, 50 … 90 năm tuổi Đảng); "
                + URL_YEARS,
            ),
        ),
    ),
    "badge.occasions": (
        (
            SINCE,
            Setting(
                OCCASIONS,
                "Trao tặng vào các dịp 3/2, 19/5, 2/9, 7/11 và ngày kỷ niệm lớn; " + URL_OCCASIONS,
            ),
        ),
    ),
    "badge.early_ill_months": (
        (
            SINCE,
            Setting(
                ((65, 12), (90, 24)),
                "QĐ 24-QĐ/TW: đảng viên ốm đau nặng được xét tặng sớm Huy hiệu 30–65 năm không "
                f"quá 12 tháng, 70–90 năm không quá 24 tháng; {URL_EARLY}",
            ),
        ),
    ),
    "badge.posthumous_early_months": (
        (
            SINCE,
            Setting(
                12,
                "QĐ 24-QĐ/TW: truy tặng sớm không quá 12 tháng đối với đảng viên từ trần; "
                + URL_EARLY,
            ),
        ),
    ),
    "badge.discipline_wait_months": (
        (
            SINCE,
            Setting(
                {"reprimand": 6, "warning": 9, "dismissal": 12},
                "QĐ 24-QĐ/TW: đảng viên bị kỷ luật chưa xét; sau 6 tháng (khiển trách), 9 tháng "
                f"(cảnh cáo), 1 năm (cách chức) nếu đã sửa chữa, chi bộ xác nhận; {URL_WAIT}",
                note="Tính từ ngày công bố quyết định kỷ luật.",
            ),
        ),
    ),
    "badge.gift_multipliers": (
        (
            SINCE,
            Setting(
                {30: 1.5, 40: 2.0, 50: 3.0, 55: 3.5, 60: 5.0, 65: 6.0},
                "HD 56-HD/VPTW ngày 27/10/2015: tặng phẩm kèm Huy hiệu theo hệ số mức lương cơ "
                f"sở; {URL_EARLY}",
                uncertain=True,
                note="Chưa có hệ số cho Huy hiệu 45 năm và từ 70 năm trở lên.",
            ),
        ),
    ),
    "badge.base_salary": (
        (
            SINCE,
            Setting(
                2_340_000,
                "Nghị định 73/2024/NĐ-CP: mức lương cơ sở 2.340.000 đồng/tháng từ 01/7/2024; "
                + URL_SALARY,
            ),
        ),
    ),
}

KINDS = {
    "regular": "Tặng",
    "early": "Tặng sớm (ốm đau nặng)",
    "posthumous": "Truy tặng",
    "reissue": "Cấp lại (mất Huy hiệu)",
}
STATUSES = {
    "proposed": "Đề nghị, chờ chi bộ xét",
    "held": "Tạm hoãn",
    "excluded": "Chi bộ không đề nghị",
    "confirmed": "Chi bộ đã xét",
    "sent": "Đảng ủy cơ sở đã gửi danh sách",
    "decided": "Có quyết định của Ban Thường vụ Tỉnh ủy",
    "handed": "Đã trao",
}
ROUND_STATUSES = {
    "open": "Đang xét",
    "compiled": "Ban Tổ chức đã tổng hợp, trình Ban Thường vụ Tỉnh ủy",
    "decided": "Đã có quyết định",
}
DISCIPLINE_FORMS = {"reprimand": "khiển trách", "warning": "cảnh cáo", "dismissal": "cách chức"}


def round_day(occasion: str, year: int, occasions: Mapping[str, tuple[int, int, str]]) -> date:
    day, month, _ = occasions[occasion]
    return date(year, month, day)


def previous_round_day(on: date, occasions: Mapping[str, tuple[int, int, str]]) -> date:
    """The latest anniversary day before ``on``."""
    days = [date(y, m, d) for y in (on.year - 1, on.year) for d, m, _ in occasions.values()]
    return max(d for d in days if d < on)


def next_round(on: date, occasions: Mapping[str, tuple[int, int, str]]) -> tuple[str, date]:
    """The next anniversary (key, day) from ``on`` (that day included)."""
    days = [
        (date(y, m, d), key) for y in (on.year, on.year + 1) for key, (d, m, _) in occasions.items()
    ]
    day, key = min(x for x in days if x[0] >= on)
    return key, day


def early_months(years: int, allowance: tuple[tuple[int, int], ...]) -> int:
    """How many months early a seriously ill member may receive the ``years`` badge."""
    return next((months for upto, months in allowance if years <= upto), 0)


@dataclass(frozen=True)
class Record:
    """What the record says of one member for a round."""

    person_id: int
    start: date
    gaps: tuple[Gap, ...] = ()
    died_on: date | None = None
    #: the thresholds awarded (or decided) already
    awarded: frozenset[int] = frozenset()
    #: thresholds held back in an earlier round and not awarded since
    deferred: frozenset[int] = frozenset()
    #: (form, announced on) of the member's discipline decisions
    disciplines: tuple[tuple[str, date], ...] = ()
    suspended_since: date | None = None
    awaiting_declaration: bool = False


@dataclass(frozen=True)
class Proposal:
    person_id: int
    years: int
    kind: str
    reached_on: date
    held_until: date | None = None
    hold_reason: str = ""
    needs_review: bool = False
    awaiting_declaration: bool = False


def hold(record: Record, on: date, waits: Mapping[str, int]) -> tuple[date | None, str] | None:
    """Why the member is held back on ``on`` and until when (None: not held)."""
    if record.suspended_since is not None and record.suspended_since <= on:
        return None, "Đang bị đình chỉ sinh hoạt đảng"
    worst: tuple[date, str] | None = None
    for form, announced in record.disciplines:
        if form not in waits or announced > on:
            continue
        until = add_months(announced, waits[form])
        if until > on and (worst is None or until > worst[0]):
            label = DISCIPLINE_FORMS.get(form, form)
            worst = (until, f"Kỷ luật {label} công bố ngày {announced:%d/%m/%Y}")
    return worst


def _months_on(record: Record, day: date) -> int:
    if day < record.start:
        return 0
    gaps = merge(record.gaps) if len(record.gaps) > 1 else record.gaps
    pairs = [(g.start, g.until(day)) for g in gaps if g.start < day]
    return party_age_months(record.start, day, pairs)


def propose(record: Record, on: date, since: date, rules: Any) -> Proposal | None:
    """The badge the round of day ``on`` proposes for the member (None: none), the previous
    round having been held on ``since``.

    Party age never decreases, so a threshold is reached by a day exactly when the months
    counted on that day reach it: the months on ``since`` and on ``on`` (or, for a member who
    died, on the last day of the posthumous allowance) tell which threshold, and only its day
    is looked for."""
    thresholds = sorted(rules["badge.thresholds"], reverse=True)
    top_awarded = max(record.awarded, default=0)
    before = _months_on(record, since)
    if record.died_on is not None:
        allowance = rules["badge.posthumous_early_months"]
        if not since < record.died_on <= on and not record.deferred:
            return None
        limit = _months_on(record, add_months(record.died_on, allowance))
        years = next((y for y in thresholds if y * 12 <= limit), None)
        in_round = since < record.died_on <= on or years in record.deferred
        if years is None or years <= top_awarded or not in_round:
            return None
        reached = reached_on(record.start, record.gaps, years * 12)
        review = needs_leap_day_review(record.start)
        return Proposal(record.person_id, years, "posthumous", reached, needs_review=review)
    now = _months_on(record, on)
    years = next(
        (y for y in thresholds if y * 12 <= now and (y * 12 > before or y in record.deferred)),
        None,
    )
    if years is None or years <= top_awarded:
        return None
    reached = reached_on(record.start, record.gaps, years * 12)
    held = hold(record, on, rules["badge.discipline_wait_months"])
    return Proposal(
        record.person_id,
        years,
        "regular",
        reached,
        held_until=held[0] if held else None,
        hold_reason=held[1] if held else "",
        needs_review=needs_leap_day_review(record.start),
        awaiting_declaration=record.awaiting_declaration,
    )


def check_early(record: Record, years: int, on: date, rules: Any) -> str | None:
    """Why ``years`` cannot be proposed early for a seriously ill member on ``on`` (None:
    it can)."""
    if years not in rules["badge.thresholds"]:
        return "Không có Huy hiệu loại này."
    if years <= max(record.awarded, default=0):
        return f"Đảng viên đã được tặng Huy hiệu {max(record.awarded)} năm tuổi Đảng."
    reached = reached_on(record.start, record.gaps, years * 12)
    if reached <= on:
        return "Đảng viên đã đủ tuổi đảng: đề nghị tặng đúng hạn, không phải tặng sớm."
    allowance = early_months(years, rules["badge.early_ill_months"])
    if reached > add_months(on, allowance):
        return (
            f"Ngày {reached:%d/%m/%Y} mới đủ {years} năm tuổi Đảng: chỉ được tặng sớm không quá "
            f"{allowance} tháng."
        )
    held = hold(record, on, rules["badge.discipline_wait_months"])
    if held:
        until = f" đến {held[0]:%d/%m/%Y}" if held[0] else ""
        return f"{held[1]}: chưa xét{until}."
    return None


def gift(years: int, rules: Any) -> int | None:
    """The gift money (đồng) accompanying the badge; None when no multiplier is set."""
    multiplier = rules["badge.gift_multipliers"].get(years)
    if multiplier is None:
        return None
    return round(multiplier * rules["badge.base_salary"])
