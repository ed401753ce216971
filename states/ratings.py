"""Quality rating of members and party organizations (kiểm điểm, đánh giá, xếp loại chất
lượng), and model cells (chi bộ kiểu mẫu): the levels, the periods, and the checks on a
rating, under the rules in force for the period.

Until QĐ 366-QĐ/TW (30/8/2025) a member or an organization is rated once a year on four levels
(QĐ 132-QĐ/TW 2018, then QĐ 124-QĐ/TW 4/10/2023); from it, also by quarter and by term, on a
100-point score whose bands give the level, "excellent" needing conditions beyond the score.
Every number is a setting (``SETTINGS``, declared under "rating." by the registry) with its
source; the period is judged under the settings in force on its last day.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from states.rules import Setting, declared_settings

EXCELLENT, GOOD, COMPLETED, FAILED = "excellent", "good", "completed", "failed"
#: best first
LEVELS: tuple[tuple[str, str], ...] = (
    (EXCELLENT, "Hoàn thành xuất sắc nhiệm vụ"),
    (GOOD, "Hoàn thành tốt nhiệm vụ"),
    (COMPLETED, "Hoàn thành nhiệm vụ"),
    (FAILED, "Không hoàn thành nhiệm vụ"),
)
LEVEL_LABELS = dict(LEVELS)
SHORT_LABELS = {EXCELLENT: "HTXSNV", GOOD: "HTTNV", COMPLETED: "HTNV", FAILED: "KHTNV"}
#: 0 is the best
RANK = {key: i for i, (key, _label) in enumerate(LEVELS)}

PERIOD_KINDS = {"year": "Năm", "quarter": "Quý", "term": "Nhiệm kỳ"}
#: the organizations rated by the upper committee (tổ chức cơ sở đảng) and those rated by
#: their grassroots committee
GRASSROOTS_KINDS = ("grassroots_committee", "grassroots_cell")
ORG_GROUPS = {
    "grassroots": "Tổ chức cơ sở đảng",
    "cell": "Chi bộ trực thuộc đảng ủy cơ sở",
}

URL_132 = (
    "https://thuvienphapluat.vn/hoi-dap-phap-luat/4C187-hd-co-giay-khen-hoan-thanh-xuat-sac-"
    "nhiem-vu-co-duoc-coi-la-dang-vien-du-tu-cach-hoan-thanh-xuat-sac-nhiem-vu.html"
)
URL_366 = (
    "https://thanhnien.vn/bo-chinh-tri-ban-hanh-tieu-chi-danh-gia-can-bo-dang-vien-theo-"
    "thang-diem-100-185250920111919699.htm"
)
URL_366_RATIO = (
    "http://tintuc.thuvienphapluat.com/ho-tro-phap-luat/tu-van-phap-luat/100238/ty-le-dang-"
    "vien-hoan-thanh-xuat-sac-nhiem-vu-nam-2025"
)
URL_COMMEND = (
    "https://thuvienphapluat.vn/hoi-dap-phap-luat/iframe/4CDB4-hd-dang-vien-hoan-thanh-tot-"
    "nhiem-vu-co-duoc-khen-thuong-khong.html"
)
URL_TSVM = "https://baodongthap.vn/chinh-tri/20-59-co-so-dang-dat-trong-sach-vung-manh-tieu-bieu-29592.aspx"

OLD = date(2018, 3, 8)  # QĐ 132-QĐ/TW (then QĐ 124-QĐ/TW 4/10/2023: the same numbers)
NEW = date(2025, 8, 30)  # QĐ 366-QĐ/TW
#: the regulation in force from each date, newest first: (since, short title, "Căn cứ" name)
REGULATIONS: tuple[tuple[date, str, str], ...] = (
    (
        NEW,
        "QĐ 366-QĐ/TW (thang điểm 100)",
        "Quy định số 366-QĐ/TW ngày 30/08/2025 của Bộ Chính trị",
    ),
    (
        date(2023, 10, 4),
        "QĐ 124-QĐ/TW (bốn mức)",
        "Quy định số 124-QĐ/TW ngày 04/10/2023 của Bộ Chính trị",
    ),
    (OLD, "QĐ 132-QĐ/TW (bốn mức)", "Quy định số 132-QĐ/TW ngày 08/03/2018 của Bộ Chính trị"),
)

SETTINGS: Mapping[str, tuple[tuple[date, Setting], ...]] = {
    "rating.period_kinds": (
        (
            OLD,
            Setting(
                ("year",), f"QĐ 132-QĐ/TW, QĐ 124-QĐ/TW: kiểm điểm, xếp loại hằng năm; {URL_132}"
            ),
        ),
        (
            NEW,
            Setting(
                ("quarter", "year", "term"),
                f"QĐ 366-QĐ/TW: đánh giá theo quý, năm, nhiệm kỳ; {URL_366}",
            ),
        ),
    ),
    "rating.scored": (
        (OLD, Setting(False, f"QĐ 124-QĐ/TW: xếp loại theo tiêu chí, bốn mức; {URL_132}")),
        (NEW, Setting(True, f"QĐ 366-QĐ/TW: chấm theo thang điểm 100; {URL_366}")),
    ),
    "rating.score_bands": (
        (OLD, Setting({}, "Không chấm điểm trước QĐ 366-QĐ/TW")),
        (
            NEW,
            Setting(
                {EXCELLENT: 90, GOOD: 70, COMPLETED: 50},
                f"QĐ 366-QĐ/TW: xuất sắc từ 90 điểm, tốt từ 70 đến dưới 90, hoàn thành từ 50 "
                f"đến dưới 70, không hoàn thành dưới 50; {URL_366}",
            ),
        ),
    ),
    "rating.excellent_conditions": (
        (OLD, Setting((), f"QĐ 124-QĐ/TW: theo tiêu chí của mức; {URL_132}")),
        (
            NEW,
            Setting(
                (
                    "100% nhiệm vụ hoàn thành đúng hạn, ít nhất 30% vượt yêu cầu",
                    "100% hạn chế, khuyết điểm đã chỉ ra được khắc phục",
                ),
                f"QĐ 366-QĐ/TW: điều kiện của mức xuất sắc ngoài số điểm; {URL_366}",
            ),
        ),
    ),
    "rating.excellent_quota": (
        (
            OLD,
            Setting(
                (1, 5),
                f"QĐ 132/124-QĐ/TW: số xếp loại hoàn thành xuất sắc không quá 20% số hoàn "
                f"thành tốt nhiệm vụ; {URL_132}",
            ),
        ),
        (
            NEW,
            Setting(
                (1, 5),
                f"QĐ 366-QĐ/TW (theo tóm tắt); Nghị định 335/2025 giới hạn 20%; {URL_366_RATIO}",
                uncertain=True,
                note="Chưa rõ QĐ 366 còn giới hạn 20% đối với đảng viên hay không.",
            ),
        ),
    ),
    "rating.excellent_quota_base": (
        (
            OLD,
            Setting(
                "good_or_above",
                f"HD 21-HD/BTCTW 2019: tính trên số được xếp loại hoàn thành tốt nhiệm vụ; "
                f"{URL_132}",
                uncertain=True,
                note="Tính cả số đề xuất xuất sắc (được xếp loại từ hoàn thành tốt trở lên).",
            ),
        ),
    ),
    "rating.excellent_quota_cell": (
        (
            OLD,
            Setting(
                True,
                f"HD 21-HD/BTCTW 2019: tỷ lệ tính trong từng tổ chức cơ sở đảng; {URL_132}",
                uncertain=True,
                note="Có: mỗi chi bộ đề xuất trong cùng tỷ lệ (đảng ủy cơ sở duyệt trong tỷ lệ "
                "của cả đảng bộ); Không: chỉ đảng ủy cơ sở xét tỷ lệ khi duyệt.",
            ),
        ),
    ),
    "rating.discipline_cap": (
        (
            OLD,
            Setting(
                FAILED,
                f"QĐ 132-QĐ/TW Điều 6: đảng viên bị kỷ luật trong năm xếp loại không hoàn "
                f"thành nhiệm vụ; {URL_132}",
                uncertain=True,
            ),
        ),
    ),
    "rating.commend_years": (
        (
            OLD,
            Setting(
                5, f"Khen thưởng đảng viên hoàn thành xuất sắc nhiệm vụ 5 năm liền; {URL_COMMEND}"
            ),
        ),
    ),
    "rating.model_cell_years": (
        (OLD, Setting(2, "Chi bộ kiểu mẫu: xét kết quả xếp loại 2 năm liền trước", uncertain=True)),
    ),
    "rating.model_cell_min_level": (
        (
            OLD,
            Setting(
                GOOD, "Chi bộ kiểu mẫu: các năm xét đều từ hoàn thành tốt nhiệm vụ", uncertain=True
            ),
        ),
    ),
    "rating.model_cell_min_excellent": (
        (
            OLD,
            Setting(
                1, "Chi bộ kiểu mẫu: ít nhất 1 năm hoàn thành xuất sắc nhiệm vụ", uncertain=True
            ),
        ),
    ),
    "rating.model_cell_target": (
        (
            OLD,
            Setting(
                (1, 2),
                "Chỉ tiêu của cấp ủy: tỷ lệ chi bộ đạt kiểu mẫu trên tổng số chi bộ "
                "(nghị quyết đại hội; mỗi đợt có thể ghi chỉ tiêu riêng)",
                uncertain=True,
            ),
        ),
    ),
    "rating.exemplary_needs": (
        (
            OLD,
            Setting(
                EXCELLENT,
                f"Trong sạch, vững mạnh tiêu biểu: chọn trong số hoàn thành xuất sắc; {URL_TSVM}",
            ),
        ),
    ),
}


def setting_on(key: str, day: date) -> Setting:
    """The version of a rating setting in force on ``day`` (the earliest for older days)."""
    versions = declared_settings().get(key) or SETTINGS[key]
    found = versions[0][1]
    for since, setting in versions:
        if since <= day:
            found = setting
    return found


@dataclass(frozen=True)
class Rules:
    """The rating rules of one period (in force on its last day)."""

    on: date
    kinds: tuple[str, ...]
    scored: bool
    bands: Mapping[str, int]
    conditions: tuple[str, ...]
    quota: tuple[int, int]
    quota_base: str
    #: the cell's proposal is held to the share too (else only the grassroots approval is)
    quota_in_cell: bool
    discipline_cap: str
    title: str
    #: the regulation, as a decision's "Căn cứ …" line names it
    basis: str

    @classmethod
    def for_day(cls, day: date) -> Rules:
        def value(key: str) -> Any:
            return setting_on(key, day).value

        scored = bool(value("rating.scored"))
        title, basis = next((t, b) for since, t, b in REGULATIONS if since <= day or since == OLD)
        return cls(
            on=day,
            kinds=tuple(value("rating.period_kinds")),
            scored=scored,
            bands=dict(value("rating.score_bands")),
            conditions=tuple(value("rating.excellent_conditions")),
            quota=tuple(value("rating.excellent_quota")),
            quota_base=value("rating.excellent_quota_base"),
            quota_in_cell=bool(value("rating.excellent_quota_cell")),
            discipline_cap=value("rating.discipline_cap"),
            title=title,
            basis=basis,
        )

    def band(self, score: int) -> str:
        """The level a score reaches (scored rules only)."""
        for level in (EXCELLENT, GOOD, COMPLETED):
            if score >= self.bands[level]:
                return level
        return FAILED


def period_dates(kind: str, year: int, number: int | None = None) -> tuple[date, date]:
    """A year, a quarter (``number`` 1–4) or a term (``number``: the last year; the term
    runs five years, ending with it)."""
    if kind == "quarter":
        if number not in (1, 2, 3, 4):
            raise ValueError("Chọn quý từ 1 đến 4.")
        first_month = 3 * (number - 1) + 1
        last = date(year, first_month + 2, 1)
        end_day = (date(year + (last.month == 12), last.month % 12 + 1, 1) - last).days
        return date(year, first_month, 1), date(year, last.month, end_day)
    if kind == "term":
        return date(year - 4, 1, 1), date(year, 12, 31)
    return date(year, 1, 1), date(year, 12, 31)


def period_title(kind: str, year: int, number: int | None = None) -> str:
    if kind == "quarter":
        return f"Quý {number} năm {year}"
    if kind == "term":
        return f"Nhiệm kỳ {year - 4}–{year}"
    return f"Năm {year}"


def quota_allowed(counts: Mapping[str, int], quota: tuple[int, int], base: str) -> tuple[int, int]:
    """(how many may be rated excellent, the base it is counted on) for levels ``counts``."""
    if base == "good":
        whole = counts.get(GOOD, 0)
    elif base == "members":
        whole = sum(counts.values())
    else:
        whole = counts.get(EXCELLENT, 0) + counts.get(GOOD, 0)
    num, den = quota
    return whole * num // den, whole


QUOTA_BASE_WORDS = {
    "good": "được xếp loại hoàn thành tốt nhiệm vụ",
    "good_or_above": "xếp loại từ hoàn thành tốt nhiệm vụ trở lên",
    "members": "được xếp loại",
}


def quota_error(
    scope: str, noun: str, levels: Iterable[str], rules: Rules, *, verb: str = "đã đề xuất"
) -> str | None:
    """Why the excellent ones among ``levels`` are too many for ``scope`` ("Chi bộ", "Đảng
    bộ …"), in words: "Chi bộ có 12 đảng viên xếp loại từ hoàn thành tốt nhiệm vụ trở lên:
    tối đa 2 đảng viên hoàn thành xuất sắc (20%); đã đề xuất 3." None: within the quota."""
    counts: dict[str, int] = {}
    for level in levels:
        if level:
            counts[level] = counts.get(level, 0) + 1
    excellent = counts.get(EXCELLENT, 0)
    allowed, whole = quota_allowed(counts, rules.quota, rules.quota_base)
    if excellent <= allowed:
        return None
    num, den = rules.quota
    percent = num * 100 // den if (num * 100) % den == 0 else round(num * 100 / den, 1)
    return (
        f"{scope} có {whole} {noun} {QUOTA_BASE_WORDS[rules.quota_base]}: tối đa {allowed} "
        f"{noun} hoàn thành xuất sắc ({percent}%); {verb} {excellent}."
    )


def row_errors(
    name: str,
    level: str | None,
    score: int | None,
    conditions_met: bool,
    rules: Rules,
    *,
    disciplined: bool = False,
) -> list[str]:
    """What is wrong with one rating (a member's or an organization's), each in words."""
    out: list[str] = []
    if level is None:
        return out
    if level not in LEVEL_LABELS:
        return [f"{name}: chọn mức xếp loại trong danh sách."]
    if rules.scored:
        if score is None:
            out.append(f"{name}: ghi số điểm (0–100) theo {rules.title}.")
        elif not 0 <= score <= 100:
            out.append(f"{name}: số điểm từ 0 đến 100.")
        else:
            reach = rules.band(score)
            if RANK[level] < RANK[reach]:
                out.append(
                    f"{name}: {score} điểm chỉ đạt mức {LEVEL_LABELS[reach].lower()} "
                    f"({LEVEL_LABELS[level].lower()} từ {rules.bands[level]} điểm)."
                )
        if level == EXCELLENT and rules.conditions and not conditions_met:
            out.append(
                f"{name}: mức hoàn thành xuất sắc cần thêm các điều kiện: "
                + "; ".join(rules.conditions)
                + "."
            )
    elif score is not None:
        out.append(f"{name}: {rules.title} không chấm điểm; để trống cột điểm.")
    if disciplined and RANK[level] < RANK[rules.discipline_cap]:
        out.append(
            f"{name} bị kỷ luật trong kỳ: chỉ được xếp loại "
            f"{LEVEL_LABELS[rules.discipline_cap].lower()}."
        )
    return out


def parse_score(text: str) -> tuple[int | None, str | None]:
    text = (text or "").strip().replace(",", ".")
    if not text:
        return None, None
    try:
        value = float(text)
    except ValueError:
        return None, "Số điểm phải là số từ 0 đến 100."
    if not value.is_integer():
        return None, "Số điểm là số nguyên từ 0 đến 100."
    return int(value), None


def model_cell_eligibility(
    levels_by_year: Mapping[int, str | None],
    years: Iterable[int],
    min_level: str,
    min_excellent: int,
) -> str | None:
    """Why a cell is not eligible to register as a model cell (None: it is), from its own
    ratings in ``years`` (the years before the round)."""
    years = list(years)
    missing = [y for y in years if not levels_by_year.get(y)]
    if missing:
        return "Chưa có kết quả xếp loại năm " + ", ".join(str(y) for y in missing) + "."
    low = [y for y in years if RANK[levels_by_year[y]] > RANK[min_level]]
    if low:
        return (
            f"Năm {', '.join(str(y) for y in low)} xếp loại dưới mức "
            f"{LEVEL_LABELS[min_level].lower()}."
        )
    excellent = sum(1 for y in years if levels_by_year[y] == EXCELLENT)
    if excellent < min_excellent:
        return (
            f"Cần ít nhất {min_excellent} năm hoàn thành xuất sắc nhiệm vụ trong các năm "
            f"{', '.join(str(y) for y in years)}."
        )
    return None
