"""Suspension of party activity (đình chỉ sinh hoạt đảng, §2(f); QĐ 22-QĐ/TW 2021 Arts. 28–31,
now QĐ 296-QĐ/TW 2025; grounds restated by QĐ 294-QĐ/TW) and the return to activity (cho trở lại
sinh hoạt đảng).

A member showing signs of a serious violation who deliberately obstructs the review, or who is
indicted or detained, is suspended by the body that may expel them (the upper committee's
standing committee, an authorized grassroots committee) or by the upper committee's inspection
commission. The suspension lasts 90 days and may be extended to at most 180 in all; for an
indicted or detained member the criminal procedure's time limits apply instead of the cap. The
same body lets the member return to activity by a decision; an expulsion ends the case with the
membership."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from states import guards as sg
from states.dates import vn_date
from states.facts import OrgFacts, PersonFacts
from states.fields import Field
from states.rules import Setting
from states.spec import (
    DeadlineSpec,
    GuardContext,
    Level,
    ProcedureSpec,
    Role,
    TransitionSpec,
    Verdict,
)

KEY = "suspension"

URL_LENGTH = (
    "https://thuvienphapluat.vn/hoi-dap-phap-luat/5A381-hd-thoi-han-dinh-chi-sinh-hoat-dang-toi-"
    "da-la-bao-lau.html?rel=goi-y-cung-tag"
)
URL_AUTHORITY = (
    "https://thuvienphapluat.vn/hoi-dap-phap-luat/83A1A70-hd-ai-co-tham-quyen-dinh-chi-sinh-hoat-"
    "dang-doi-voi-dang-vien-theo-quy-dinh-22.html"
)
URL_GROUNDS = "https://thutucphapluat.com/bai-viet/2716"
SINCE = date(2022, 1, 18)

GROUNDS: tuple[tuple[str, str], ...] = (
    (
        "obstruction",
        "Có dấu hiệu vi phạm nghiêm trọng và cố ý cản trở việc xem xét, kiểm tra, thi hành kỷ luật",
    ),
    ("indicted", "Bị truy tố"),
    ("detained", "Bị tạm giam"),
)
GROUND_LABELS = dict(GROUNDS)
RETURNS: tuple[tuple[str, str], ...] = (
    ("period_over", "Hết thời hạn đình chỉ"),
    ("concluded", "Đã có kết luận, quyết định xử lý vi phạm"),
    ("released", "Được đình chỉ điều tra, miễn truy tố, trả tự do hoặc tuyên không có tội"),
)
RETURN_LABELS = dict(RETURNS)

FORMS = {
    "grounds": ("—", "Văn bản làm căn cứ đình chỉ (thông báo của cơ quan tiến hành tố tụng…)"),
    "suspension_decision": ("QĐ", "Quyết định đình chỉ sinh hoạt đảng"),
    "extension_decision": ("—", "Quyết định gia hạn đình chỉ sinh hoạt đảng"),
    "return_decision": ("QĐ", "Quyết định cho trở lại sinh hoạt đảng"),
}
SETTINGS: dict[str, tuple[tuple[date, Setting], ...]] = {
    "suspension.days": (
        (
            SINCE,
            Setting(
                90,
                f"QĐ 22-QĐ/TW Điều 29: thời hạn đình chỉ sinh hoạt đảng 90 ngày; {URL_LENGTH}",
                uncertain=True,
                note="Ngày lịch (văn bản ghi “ngày”, không ghi “ngày làm việc”).",
            ),
        ),
    ),
    "suspension.max_days": (
        (
            SINCE,
            Setting(
                180,
                "QĐ 22-QĐ/TW Điều 29: gia hạn thì tổng thời gian đình chỉ không quá 180 ngày; "
                f"với đảng viên bị truy tố, tạm giam theo thời hạn tố tụng hình sự; {URL_LENGTH}",
            ),
        ),
    ),
    "suspension.criminal_grounds": (
        (
            SINCE,
            Setting(
                ("indicted", "detained"),
                "QĐ 22-QĐ/TW Điều 29: đảng viên bị truy tố, tạm giam: thời hạn đình chỉ theo thời "
                f"hạn của cơ quan tiến hành tố tụng, kể cả gia hạn; {URL_LENGTH}",
            ),
        ),
    ),
    "suspension.forms": (
        (SINCE, Setting(FORMS, f"QĐ 22-QĐ/TW Điều 28–31; {URL_AUTHORITY}", uncertain=True)),
    ),
}


@dataclass(frozen=True)
class SuspensionFacts:
    today: date
    state: str
    person: PersonFacts
    org: OrgFacts
    documents: frozenset[str]
    ground: str
    #: the days of the suspension so far: its base length and the extensions granted
    days: int
    #: the day the suspension ends as it stands (None before the decision)
    ends_on: date | None
    proposer_id: int | None = None
    actor_id: int | None = None
    decision_extension_used: int = 0
    paused_from: str | None = None


def _f(ctx: GuardContext) -> SuspensionFacts:
    return ctx.facts


def extension_allowed(ctx: GuardContext) -> Verdict:
    """At most 180 days in all, unless the member is indicted or detained."""
    p = ctx.payload
    if p is None:
        return Verdict.needs_input()
    f = _f(ctx)
    if f.ground in ctx.rules["suspension.criminal_grounds"]:
        return Verdict.passed()
    cap = ctx.rules["suspension.max_days"]
    if f.days + p["days"] > cap:
        return Verdict.failed(
            "suspension.too_long",
            f"Đã đình chỉ {f.days} ngày; gia hạn thêm {p['days']} ngày thì vượt quá tổng "
            f"{cap} ngày (chỉ đảng viên bị truy tố, tạm giam mới theo thời hạn tố tụng). Còn "
            f"được gia hạn tối đa {max(0, cap - f.days)} ngày.",
            "days",
        )
    return Verdict.passed()


def period_over_if_said(ctx: GuardContext) -> Verdict:
    """A return because the period ran out comes once it has."""
    p = ctx.payload
    if p is None:
        return Verdict.needs_input()
    ends = _f(ctx).ends_on
    if p.get("why") == "period_over" and ends is not None and ctx.event_date < ends:
        return Verdict.failed(
            "suspension.period_running",
            f"Thời hạn đình chỉ đến ngày {vn_date(ends)}: chưa hết hạn, chọn lý do khác.",
            "why",
        )
    return Verdict.passed()


STATES = {
    "proposed": "Đề nghị đình chỉ sinh hoạt đảng, chờ cấp có thẩm quyền quyết định",
    "suspended": "Đang bị đình chỉ sinh hoạt đảng",
    "returned": "Đã cho trở lại sinh hoạt đảng",
    "withdrawn": "Không đình chỉ",
}
FINALS = frozenset({"returned", "withdrawn"})

OPENERS = frozenset({Role.GRASSROOTS_STAFF, Role.DEPARTMENT_STAFF, Role.INSPECTION})
DECIDERS = frozenset({Role.SIGNER, Role.INSPECTION})
SIGNER = frozenset({Role.SIGNER})
INSPECTION = frozenset({Role.INSPECTION})
NOTE = Field("note", "Ghi chú", "text", required=False, max_length=2000)
VOTE = (
    Field("members_total", "Tổng số thành viên cơ quan quyết định", "int", min=1, max=200),
    Field("members_present", "Số thành viên dự họp", "int", min=1, max=200),
    Field("yes", "Số thành viên tán thành", "int", min=0, max=200),
    Field("no", "Số thành viên không tán thành", "int", min=0, max=200),
)
EXTENSION = (
    Field("days", "Số ngày gia hạn", "int", min=1, max=3650),
    Field("reason", "Lý do gia hạn (số, ngày quyết định gia hạn)", "text", max_length=2000),
)
RETURN = (Field("why", "Căn cứ cho trở lại sinh hoạt", "choice", choices=RETURNS), NOTE, *VOTE)


def _t(trigger, sources, dest, roles, level, label, event_label, **kw) -> TransitionSpec:
    sources = (sources,) if isinstance(sources, str) else tuple(sources)
    return TransitionSpec(trigger, sources, dest, roles, level, label, event_label, **kw)


# fmt: off
TRANSITIONS: tuple[TransitionSpec, ...] = (
    _t("suspend_by_inspection", "proposed", "suspended", INSPECTION, Level.UPPER,
       "Ủy ban Kiểm tra cấp ủy cấp trên quyết định đình chỉ sinh hoạt đảng",
       "Ngày ký quyết định", fields=VOTE, reauth=True, guards=(sg.standing_vote_carries,),
       effects=("record_commission_vote:inspection", "issue_decision:suspension@inspection"),
       opens=("suspension",)),
    _t("suspend_by_standing", "proposed", "suspended", SIGNER, Level.UPPER,
       "Ban Thường vụ cấp ủy cấp trên quyết định đình chỉ sinh hoạt đảng",
       "Ngày ký quyết định", fields=VOTE, reauth=True, guards=(sg.standing_vote_carries,),
       effects=("record_commission_vote:standing", "issue_decision:suspension@upper"),
       opens=("suspension",), kind="side"),
    _t("suspend_by_grassroots", "proposed", "suspended", SIGNER, Level.GRASSROOTS,
       "Đảng ủy cơ sở được ủy quyền quyết định đình chỉ sinh hoạt đảng",
       "Ngày ký quyết định", fields=VOTE, reauth=True, exact=True,
       guards=(sg.grassroots_authorized, sg.standing_vote_carries),
       effects=("record_commission_vote:grassroots", "issue_decision:suspension@grassroots"),
       opens=("suspension",), kind="side"),
    _t("withdraw", "proposed", "withdrawn", OPENERS | SIGNER, Level.GRASSROOTS,
       "Ghi không đình chỉ sinh hoạt đảng", "Ngày quyết định",
       fields=(Field("reason", "Lý do", "text", max_length=2000),), kind="side"),
    _t("extend_suspension", "suspended", None, DECIDERS, Level.GRASSROOTS,
       "Gia hạn đình chỉ sinh hoạt đảng", "Ngày ký quyết định gia hạn", fields=EXTENSION,
       guards=(extension_allowed,), effects=("extend_deadline:suspension", "record_extension"),
       kind="record"),
    _t("reinstate", "suspended", "returned", DECIDERS, Level.GRASSROOTS,
       "Quyết định cho trở lại sinh hoạt đảng", "Ngày ký quyết định", fields=RETURN,
       reauth=True, guards=(period_over_if_said, sg.standing_vote_carries),
       effects=("record_return_vote", "issue_return"), closes=("suspension",),
       awaited="suspension"),
)
# fmt: on

DEADLINES = {
    "suspension": DeadlineSpec(
        "suspension", "Thời hạn đình chỉ sinh hoạt đảng", "suspension.days", unit="days"
    ),
}

SPEC = ProcedureSpec(
    key=KEY,
    label="Đình chỉ sinh hoạt đảng",
    states=STATES,
    initial="proposed",
    finals=FINALS,
    transitions=TRANSITIONS,
    deadlines=DEADLINES,
    open_label="Đề nghị đình chỉ sinh hoạt đảng",
    open_fields=(
        Field("ground", "Căn cứ đình chỉ", "choice", choices=GROUNDS),
        Field(
            "reference",
            "Văn bản làm căn cứ (số, ngày, cơ quan)",
            "line",
            required=False,
            max_length=200,
        ),
        Field("facts", "Sự việc cụ thể", "text", max_length=4000),
    ),
    open_roles=OPENERS,
    open_effects=("check_on_list", "record_grounds"),
    open_event_label="Ngày đề nghị",
    settings=SETTINGS,
    holds_standing="đang bị đình chỉ sinh hoạt đảng",
    confidential=True,
    suspends_activity=frozenset({"suspended"}),
    considering=frozenset({"proposed", "suspended"}),
)
