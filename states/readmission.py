"""Re-admission of a person who left the Party (kết nạp lại, §2(g); QĐ 24 item 3.5): the admission
procedure with its guards and steps, and besides them: at least 36 months since leaving (60 after
the criminal record is expunged for a less serious crime), none of the cases excluded (left at
their own request except for special family hardship, abandoned party activity, serious
disunity, convicted of corruption or of a serious crime), only once, and the written consent of
the provincial standing committee before the competent committee decides. The re-admitted
member serves probation again; party age counts from the first admission, less the time out."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from states import admission
from states import guards as g
from states.dates import add_months, full_months_between, vn_date
from states.facts import AdmissionFacts
from states.fields import Field
from states.rules import ADMISSION_FORMS, Setting
from states.spec import GuardContext, Level, ProcedureSpec, TransitionSpec, Verdict

KEY = "readmission"

URL_READMISSION = (
    "https://thuvienphapluat.vn/hoi-dap-phap-luat/4C662-hd-duoc-ket-nap-lai-dang-bao-nhieu-lan.html"
)
URL_EXCLUDED = (
    "https://ukh.edu.vn/vi-vn/tong-quan/phong/phong-to-chuc-tranh-tra-va-phap-che/chi-tiet-phong-"
    "to-chuc-hanh-chinh/id/3667/Cac-truong-hop-Dang-vien-bi-khai-tru-khong-duoc-ket-nap-lai"
)
SINCE = date(2022, 1, 18)

FORMS = {
    **ADMISSION_FORMS,
    "consent_request": ("—", "Văn bản đề nghị Ban Thường vụ Tỉnh ủy đồng ý kết nạp lại"),
    "provincial_consent": ("—", "Văn bản đồng ý của Ban Thường vụ Tỉnh ủy"),
    "provincial_refusal": ("—", "Văn bản không đồng ý của Ban Thường vụ Tỉnh ủy"),
}
SETTINGS: dict[str, tuple[tuple[date, Setting], ...]] = {
    "readmission.gap_months": (
        (
            SINCE,
            Setting(
                36,
                "QĐ 24-QĐ/TW mục 3.5: sau ít nhất 36 tháng kể từ khi ra khỏi Đảng; "
                f"{URL_READMISSION}",
            ),
        ),
    ),
    "readmission.expunged_gap_months": (
        (
            SINCE,
            Setting(
                60,
                "QĐ 24-QĐ/TW mục 3.5: người bị án hình sự về tội ít nghiêm trọng thì sau 60 tháng "
                f"kể từ khi được xóa án tích; {URL_READMISSION}",
            ),
        ),
    ),
    "readmission.times": (
        (SINCE, Setting(1, f"QĐ 24-QĐ/TW mục 3.5: chỉ kết nạp lại một lần; {URL_READMISSION}")),
    ),
    "readmission.forms": (
        (SINCE, Setting(FORMS, f"HD 12-HD/BTCTW 2022, phụ lục mẫu; {URL_READMISSION}")),
    ),
}

#: the cases that may not be re-admitted besides how the person left (declared by the cell)
EXCLUDED = (
    ("none", "Không thuộc các trường hợp không được xem xét kết nạp lại"),
    ("disunity", "Gây mất đoàn kết nội bộ nghiêm trọng"),
    ("corruption", "Bị kết án về tội tham nhũng"),
    ("serious_crime", "Bị kết án về tội nghiêm trọng trở lên"),
)
ELIGIBILITY = (
    Field("excluded_case", "Các trường hợp không được kết nạp lại", "choice", choices=EXCLUDED),
    Field("hardship", "Đã xin ra khỏi Đảng vì hoàn cảnh gia đình đặc biệt khó khăn", "bool",
          required=False),
    Field("expunged_on", "Ngày được xóa án tích (nếu từng bị kết án về tội ít nghiêm trọng)",
          "date", required=False),
)  # fmt: skip
CONSENT = Field(
    "provincial_consent",
    "Văn bản đồng ý của Ban Thường vụ Tỉnh ủy (số, ngày)",
    "line",
    max_length=100,
)


@dataclass(frozen=True)
class ReadmissionFacts(AdmissionFacts):
    #: the day the person left the lists, by which procedure, on which ground (removal)
    left_on: date | None = None
    left_by: str | None = None
    left_ground: str | None = None
    #: another re-admission of the person reached the ceremony
    readmitted_before: bool = False


def readmission_allowed(ctx: GuardContext) -> Verdict:
    """QĐ 24 item 3.5, judged at the cell's meeting."""
    f: ReadmissionFacts = ctx.facts
    p = ctx.payload
    if f.left_on is None:
        return Verdict.failed(
            "readmission.never_left", "Không có ghi nhận người này đã ra khỏi danh sách đảng viên."
        )
    if f.readmitted_before:
        return Verdict.failed(
            "readmission.once", "Người này đã được kết nạp lại một lần: chỉ kết nạp lại một lần."
        )
    if f.left_by == "removal" and f.left_ground == "skipped_activity":
        return Verdict.failed(
            "readmission.abandoned",
            "Người bị xóa tên vì bỏ sinh hoạt đảng không được xem xét kết nạp lại.",
        )
    if p is None:  # the case page: the earliest day shown before the meeting is planned
        return _too_soon(f, ctx) or Verdict.needs_input()
    if f.left_by == "leaving" and not p.get("hardship"):
        return Verdict.failed(
            "readmission.left_voluntarily",
            "Người đã xin ra khỏi Đảng chỉ được xem xét kết nạp lại khi vì hoàn cảnh gia đình "
            "đặc biệt khó khăn.",
            "hardship",
        )
    if p.get("excluded_case") not in (None, "none"):
        return Verdict.failed(
            "readmission.excluded",
            "Trường hợp này không được xem xét kết nạp lại (QĐ 24-QĐ/TW mục 3.5).",
            "excluded_case",
        )
    too_soon = _too_soon(f, ctx)
    if too_soon is not None:
        return too_soon
    expunged = p.get("expunged_on")
    after = ctx.rules["readmission.expunged_gap_months"]
    if expunged is not None and full_months_between(expunged, ctx.event_date) < after:
        return Verdict.failed(
            "readmission.too_soon_after_expunged",
            f"Chưa đủ {after} tháng kể từ ngày được xóa án tích ({vn_date(expunged)}).",
            "expunged_on",
        )
    return Verdict.passed()


def _too_soon(f: ReadmissionFacts, ctx: GuardContext) -> Verdict | None:
    """Fewer months since leaving than the rule asks for, as of the event's date."""
    gap = ctx.rules["readmission.gap_months"]
    if f.left_on is None or full_months_between(f.left_on, ctx.event_date) >= gap:
        return None
    return Verdict.failed(
        "readmission.too_soon",
        f"Chưa đủ {gap} tháng kể từ ngày ra khỏi Đảng ({vn_date(f.left_on)}): sớm nhất "
        f"ngày {vn_date(add_months(f.left_on, gap))}.",
    )


#: the provincial standing committee's written consent, asked for and given before the
#: competent committee decides (§2(g): the extra state before the decision)
ASKED, CONSENTED = "awaiting_provincial_consent", "provincial_consented"
STATES = {
    **{k: v for k, v in admission.STATES.items() if k not in admission.FINALS},
    ASKED: "Chờ Ban Thường vụ Tỉnh ủy đồng ý bằng văn bản",
    CONSENTED: "Ban Thường vụ Tỉnh ủy đã đồng ý, chờ quyết định kết nạp lại",
    **{k: v for k, v in admission.STATES.items() if k in admission.FINALS},
}
#: where a re-admission waits for its decision: the admission's, and waiting for the consent
DECISION_PENDING = ("department_appraised", ASKED, CONSENTED)
NOTE = Field("note", "Ghi chú", "text", required=False, max_length=2000)
REQUEST = (
    Field("reference", "Số, ngày văn bản đề nghị Ban Thường vụ Tỉnh ủy", "line", max_length=100),
    NOTE,
)


def _variant(t: TransitionSpec) -> tuple[TransitionSpec, ...]:
    """An admission step as re-admission takes it: its own decision, the eligibility judged at
    the cell's meeting, the decision taken only once the provincial consent is recorded, and
    the steps that wait, pause, return or withdraw a case before its decision also offered
    while the consent is awaited."""
    effects = tuple(
        e.replace(":admission@", ":readmission@").replace(
            "draft_decision:admission", "draft_decision:readmission"
        )
        for e in t.effects
    )
    changes: dict = {"effects": effects}
    if t.preview == admission.KEY:
        changes["preview"] = KEY
    if t.trigger == "record_cell_resolution":
        changes["fields"] = (*t.fields, *ELIGIBILITY)
        changes["guards"] = (*t.guards, readmission_allowed)
    if t.trigger in ("approve_admission", "decide_by_grassroots"):
        changes["sources"] = (CONSENTED,)
        if t.trigger == "approve_admission":
            changes["guards"] = (g.grassroots_not_authorized, *t.guards)
    elif "department_appraised" in t.sources and t.kind != "main":
        changes["sources"] = (*t.sources, ASKED, CONSENTED)
    if t.trigger == "decline_by_grassroots":
        changes["sources"] = (*t.sources, CONSENTED)
    variant = replace(t, **changes)
    if t.trigger == "resume" and t.dest == "department_appraised":
        return (
            variant,
            *(replace(t, dest=s, guards=(g.paused_from(s),)) for s in (ASKED, CONSENTED)),
        )
    return (variant,)


def _t(trigger, sources, dest, label, event_label, **kw) -> TransitionSpec:
    sources = (sources,) if isinstance(sources, str) else tuple(sources)
    return TransitionSpec(trigger, sources, dest, admission.DEPARTMENT, Level.UPPER, label,
                          event_label, **kw)  # fmt: skip


# fmt: off
CONSENT_STEPS = (
    _t("request_provincial_consent", "department_appraised", ASKED,
       "Đề nghị Ban Thường vụ Tỉnh ủy đồng ý kết nạp lại", "Ngày gửi văn bản đề nghị",
       fields=REQUEST, effects=("record_document:consent_request",), holds=("decision",)),
    _t("request_provincial_consent", ("cell_resolved", "subcommittee_appraised"), ASKED,
       "Đề nghị Ban Thường vụ Tỉnh ủy đồng ý kết nạp lại", "Ngày gửi văn bản đề nghị",
       fields=REQUEST, guards=(g.grassroots_authorized,),
       effects=("record_document:consent_request",), holds=("decision",),
       help="Đảng ủy cơ sở được ủy quyền chỉ quyết định kết nạp lại sau khi Ban Thường vụ "
            "Tỉnh ủy đồng ý bằng văn bản."),
    _t("record_provincial_consent", ASKED, CONSENTED,
       "Ghi văn bản đồng ý của Ban Thường vụ Tỉnh ủy", "Ngày ký văn bản đồng ý",
       fields=(CONSENT, NOTE), effects=("record_consent",), resumes=("decision",)),
    _t("record_provincial_refusal", ASKED, "rejected",
       "Ghi ý kiến không đồng ý của Ban Thường vụ Tỉnh ủy", "Ngày ký văn bản",
       fields=(Field("reference", "Số, ngày văn bản", "line", max_length=100),
               Field("reason", "Lý do", "text", max_length=2000)),
       effects=("record_document:provincial_refusal",), closes=("decision",), kind="side"),
)
# fmt: on


SPEC = ProcedureSpec(
    key=KEY,
    label="Kết nạp lại vào Đảng",
    states=STATES,
    initial=admission.SPEC.initial,
    finals=admission.FINALS,
    transitions=(*(v for t in admission.TRANSITIONS for v in _variant(t)), *CONSENT_STEPS),
    deadlines=admission.DEADLINES,
    open_label="Đưa vào danh sách nguồn để xem xét kết nạp lại",
    subject_label="Thông tin người xin kết nạp lại",
    open_roles=admission.CELL,
    open_effects=("check_left", "assign_source_helper"),
    open_fields=admission.SPEC.open_fields,
    settings=SETTINGS,
)
