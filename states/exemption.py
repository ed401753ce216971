"""Exemption from party work and activity (miễn công tác và sinh hoạt đảng, §2(h); Charter Art. 7,
HD 27-HD/BTCTW 2009): an elderly or weak member asks, in writing or in person; the cell decides
by resolution and reports to the grassroots committee; the member stays a member and may ask to
come back, which the cell decides again. All three conditions hold: old (past working age) or
weak (an illness treated for three months or more, or a medical record), and voluntary."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from states.dates import age_in_months, format_months
from states.facts import OrgFacts, PersonFacts
from states.fields import Field
from states.guards import denominator, meeting_vote_fields, vote_consistent
from states.rules import Setting, majority_carries, majority_needed
from states.spec import GuardContext, Level, ProcedureSpec, Role, TransitionSpec, Verdict

KEY = "exemption"

URL_EXEMPTION = "https://thaothuc.com/huong-dan-mien-sinh-hoat-dang-moi-nhat-nam-2024"
URL_RETIREMENT = (
    "https://thuvienphapluat.vn/van-ban/Lao-dong-Tien-luong/Nghi-dinh-135-2020-ND-CP-quy-dinh-"
    "ve-tuoi-nghi-huu-458463.aspx"
)
SINCE = date(2022, 1, 18)

FORMS = {
    "request": ("—", "Đơn (hoặc báo cáo trực tiếp) xin miễn công tác và sinh hoạt đảng"),
    "medical_record": ("—", "Bệnh án, giấy xác nhận điều trị"),
    "cell_resolution": ("—", "Nghị quyết của chi bộ về việc miễn công tác và sinh hoạt đảng"),
    "grassroots_acknowledged": ("—", "Cấp ủy cơ sở nhận báo cáo của chi bộ"),
    "return_resolution": ("—", "Nghị quyết của chi bộ về việc đảng viên trở lại sinh hoạt"),
}
#: past working age under the Labour Code 2019 (Art. 169) and Decree 135/2020: in each year from
#: 2021 the age rises by 3 months for men up to 62, by 4 months for women up to 60
RETIREMENT = {"male": (2021, 60 * 12 + 3, 3, 62 * 12), "female": (2021, 55 * 12 + 4, 4, 60 * 12)}
SETTINGS: dict[str, tuple[tuple[date, Setting], ...]] = {
    "exemption.retirement_age_months": (
        (
            SINCE,
            Setting(
                RETIREMENT,
                "HD 27-HD/BTCTW 2009: tuổi cao là quá tuổi lao động theo Bộ luật Lao động; Bộ "
                "luật Lao động 2019 Điều 169, Nghị định 135/2020/NĐ-CP: từ năm 2021 nam 60 tuổi "
                "3 tháng, mỗi năm thêm 3 tháng đến 62 tuổi; nữ 55 tuổi 4 tháng, mỗi năm thêm 4 "
                f"tháng đến 60 tuổi; {URL_RETIREMENT}; {URL_EXEMPTION}",
                uncertain=True,
                note="Tính theo năm của ngày chi bộ họp (lộ trình tính theo năm sinh chưa áp "
                "dụng); điều kiện lao động bình thường.",
            ),
        ),
    ),
    "exemption.illness_months": (
        (
            SINCE,
            Setting(
                3,
                "HD 27-HD/BTCTW 2009: sức khỏe yếu là mắc bệnh phải điều trị từ 3 tháng trở lên "
                f"hoặc có bệnh án; {URL_EXEMPTION}",
            ),
        ),
    ),
    "exemption.forms": ((SINCE, Setting(FORMS, f"HD 27-HD/BTCTW 2009; {URL_EXEMPTION}")),),
}


@dataclass(frozen=True)
class ExemptionFacts:
    today: date
    state: str
    person: PersonFacts
    org: OrgFacts
    #: age | health, as the member asked
    basis: str | None
    documents: frozenset[str]
    proposer_id: int | None = None
    actor_id: int | None = None
    decision_extension_used: int = 0
    paused_from: str | None = None


def retirement_age_months(rules, sex: str, day: date) -> int:
    first, start, step, cap = rules["exemption.retirement_age_months"][sex]
    return min(cap, start + step * max(0, day.year - first))


def _age(months: int) -> str:
    """An age as a decision writes it: "61 tuổi 3 tháng"."""
    return format_months(months).replace(" năm", " tuổi")


def eligible(ctx: GuardContext) -> Verdict:
    """Old (past working age on the meeting's date) or weak (treated three months or more, or
    a medical record)."""
    f: ExemptionFacts = ctx.facts
    p = ctx.payload
    if f.basis == "age":
        needed = retirement_age_months(ctx.rules, f.person.sex, ctx.event_date)
        age = age_in_months(f.person.birth_date, ctx.event_date)
        if age <= needed:
            return Verdict.failed(
                "exemption.not_past_working_age",
                f"Ngày {ctx.event_date:%d/%m/%Y} đồng chí {f.person.full_name} "
                f"{_age(age)}, chưa quá tuổi lao động ({_age(needed)}): chỉ xét miễn khi sức "
                "khỏe yếu.",
            )
        return Verdict.passed()
    if p is None:
        return Verdict.needs_input()
    months = p.get("illness_months") or 0
    if months < ctx.rules["exemption.illness_months"] and not p.get("medical_record"):
        return Verdict.failed(
            "exemption.health_not_shown",
            f"Sức khỏe yếu: cần bệnh phải điều trị từ {ctx.rules['exemption.illness_months']} "
            "tháng trở lên hoặc có bệnh án.",
            "illness_months",
        )
    return Verdict.passed()


def vote_majority(ctx: GuardContext) -> Verdict:
    """The cell's resolution: more than half of the members counted (Charter Art. 10)."""
    p = ctx.payload
    if p is None:
        return Verdict.needs_input()
    den = denominator(p)
    fraction = ctx.rules["vote.standing_majority"]
    if den >= 1 and not majority_carries(p["yes"], den, fraction):
        return Verdict.failed(
            "vote.no_majority",
            f"Số phiếu tán thành {p['yes']}/{den} chưa quá một nửa (cần ít nhất "
            f"{majority_needed(den, fraction)}).",
            "yes",
        )
    return Verdict.passed()


def not_acknowledged(ctx: GuardContext) -> Verdict:
    if "grassroots_acknowledged" in ctx.facts.documents:
        return Verdict.not_applicable("exemption.acknowledged", "Cấp ủy cơ sở đã nhận báo cáo.")
    return Verdict.passed()


STATES = {
    "requested": "Đảng viên xin miễn, chờ chi bộ xét",
    "exempted": "Được miễn công tác và sinh hoạt đảng",
    "returned": "Đã trở lại sinh hoạt đảng",
    "declined": "Chi bộ không đồng ý miễn",
    "withdrawn": "Đảng viên rút đề nghị",
}
FINALS = frozenset({"returned", "declined", "withdrawn"})

CELL = frozenset({Role.CELL_SECRETARY})
CELL_UP = frozenset({Role.CELL_SECRETARY, Role.GRASSROOTS_STAFF, Role.DEPARTMENT_STAFF})
GRASSROOTS = frozenset({Role.GRASSROOTS_STAFF})
BASES = (("age", "Tuổi cao (quá tuổi lao động)"), ("health", "Sức khỏe yếu"))
SCOPES = (
    ("work_and_activity", "Miễn công tác và sinh hoạt đảng"),
    ("work", "Miễn công tác đảng, vẫn sinh hoạt đảng"),
)
ASKED = (("written", "Có đơn"), ("in_person", "Báo cáo trực tiếp với chi bộ"))
NOTE = Field("note", "Ghi chú", "text", required=False, max_length=2000)
CELL_VOTE = meeting_vote_fields("Tổng số đảng viên chính thức của chi bộ", exclusions=True,
                                count_of="cell_official_members")  # fmt: skip
HEALTH = (
    Field("illness_months", "Số tháng phải điều trị bệnh (khi xin miễn vì sức khỏe)", "int",
          required=False, min=0, max=600),
    Field("medical_record", "Bệnh án, giấy xác nhận điều trị (số, ngày, nơi cấp)", "line",
          required=False, max_length=200),
)  # fmt: skip
REASON = (Field("reason", "Lý do", "text", max_length=2000),)


def _t(trigger, sources, dest, roles, level, label, event_label, **kw) -> TransitionSpec:
    sources = (sources,) if isinstance(sources, str) else tuple(sources)
    return TransitionSpec(trigger, sources, dest, roles, level, label, event_label, **kw)


# fmt: off
TRANSITIONS: tuple[TransitionSpec, ...] = (
    _t("record_cell_resolution", "requested", "exempted", CELL, Level.CELL,
       "Ghi nghị quyết chi bộ miễn công tác và sinh hoạt đảng", "Ngày họp chi bộ",
       fields=(*HEALTH, *CELL_VOTE), guards=(eligible, vote_consistent, vote_majority),
       effects=("record_resolution:cell_resolution",)),
    _t("decline", "requested", "declined", CELL, Level.CELL, "Ghi chi bộ không đồng ý miễn",
       "Ngày họp chi bộ", fields=REASON, kind="side"),
    _t("withdraw", "requested", "withdrawn", CELL_UP, Level.CELL, "Ghi đảng viên rút đề nghị",
       "Ngày rút", fields=REASON, kind="side"),
    _t("acknowledge_report", "exempted", None, GRASSROOTS, Level.GRASSROOTS,
       "Cấp ủy cơ sở ghi nhận báo cáo của chi bộ", "Ngày nhận báo cáo", fields=(NOTE,),
       guards=(not_acknowledged,), effects=("record_document:grassroots_acknowledged",),
       kind="record", awaited=True),
    _t("record_return", "exempted", "returned", CELL, Level.CELL,
       "Ghi chi bộ quyết định đảng viên trở lại sinh hoạt", "Ngày họp chi bộ",
       fields=(Field("asked", "Đảng viên đề nghị", "choice", choices=ASKED), *CELL_VOTE),
       guards=(vote_consistent, vote_majority),
       effects=("record_resolution:return_resolution",), kind="side"),
)
# fmt: on

SPEC = ProcedureSpec(
    key=KEY,
    label="Miễn công tác và sinh hoạt đảng",
    states=STATES,
    initial="requested",
    finals=FINALS,
    transitions=TRANSITIONS,
    open_label="Ghi đề nghị miễn công tác và sinh hoạt đảng",
    open_fields=(
        Field("basis", "Lý do", "choice", choices=BASES),
        Field("scope", "Đề nghị", "choice", choices=SCOPES),
        Field("asked", "Hình thức", "choice", choices=ASKED),
        NOTE,
    ),
    open_roles=CELL,
    open_effects=("check_on_list", "record_request"),
    open_event_label="Ngày đảng viên đề nghị",
    settings=SETTINGS,
)
