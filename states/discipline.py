"""Discipline of a party member (thi hành kỷ luật đảng viên, §2(f); Charter Arts. 35–39, QĐ 69-QĐ/TW
2022 as amended by QĐ 264-QĐ/TW 2025, QĐ 22-QĐ/TW 2021 now QĐ 296-QĐ/TW 2025).

A violation comes to light (the member's own report, an inspection's conclusion, a denunciation
or complaint, a State body's notice, the cell's own review); the member writes a self-review (the
cell committee asks up to three times, as for a removal); the cell votes by secret ballot, a form
adopted by more than half. Within its powers the cell decides a reprimand or a warning itself;
otherwise, and for dismissal from posts or expulsion, it proposes upwards: a sub-committee only
examines, the grassroots committee decides a reprimand or a warning (an authorized one also
expulsion), the upper committee's inspection commission or standing committee decides the rest.
The decision takes effect when announced (within a setting's days of signing); the member may
complain within a month (upheld, changed, annulled: each a new decision); twelve months after the
announcement with nothing new the decision ceases to have effect, recorded by the daily scan.
Expulsion ends the membership on the day it takes effect. A time-barred violation is not
disciplined; a deferral (pregnancy, grave illness…) pauses the case and the limitation clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from states import guards as sg
from states import leaving_guards as lg
from states.dates import add_months, vn_date
from states.facts import OrgFacts, PersonFacts
from states.fields import Field
from states.guards import denominator, meeting_vote_fields, vote_consistent
from states.rules import Setting, majority_carries, majority_needed
from states.spec import (
    DeadlineSpec,
    Guard,
    GuardContext,
    Level,
    ProcedureSpec,
    Role,
    TransitionSpec,
    Verdict,
)

KEY = "discipline"

URL_FORMS = "https://luatvietnam.vn/can-bo-cong-chuc/dang-vien-bi-canh-cao-566-92276-article.html"
URL_CELL = "https://luatduonggia.vn/chi-bo-co-duoc-ra-quyet-dinh-ky-luat-dang-vien-khong"
URL_AUTHORITY = "https://accgroup.vn/tham-quyen-thi-hanh-ky-luat-dang-vien"
URL_VOTE = (
    "https://lawnet.vn/thong-tin-phap-luat/can-bo-cong-chuc-vien-chuc/quy-dinh-giai-quyet-khieu-"
    "nai-ve-ky-luat-dang-102305.html"
)
URL_ANNOUNCE = (
    "https://luatvietnam.vn/can-bo-cong-chuc/thoi-han-xoa-ky-luat-dang-566-26411-article.html"
)
URL_COMPLAINT = (
    "https://dangcongsan.vn/ban-doc/hoi-dap/trong-thoi-gian-cho-giai-quyet-khieu-nai-co-phai-chap-"
    "hanh-quyet-dinh-ky-luat-da-ban-hanh-khong-428680.html"
)
URL_EFFECT = (
    "https://beta.thuvienphapluat.vn/phap-luat/dang-vien-bi-ky-luat-khien-trach-thi-trong-thoi-"
    "gian-bao-lau-se-duoc-xoa-ky-luat-trong-thoi-gian-do-49232.html"
)
URL_LIMITATION = (
    "https://stdt.danguykhoibinhthuan.vn/S%E1%BB%95%20tay/cong-tac-kiem-tra-giam-sat/thi-hanh-"
    "ky%CC%89-lua%CC%A3t-da%CC%89ng/thoi-hie%CC%A3u-xu%CC%89-ly-ky%CC%89-lua%CC%A3t"
)
URL_DEFERRAL = (
    "https://tuphap.hatinh.gov.vn/chi-tiet-tin-tuc/Cac-truong-hop-chua-xem-xet--xu-ly-ky-luat-va-"
    "khong-xu-ly-ky-luat---Thoi-hieu-xu-ly-ky-luat-dang-vien-vi-pham"
)
#: the rule set the procedure is first judged under (QĐ 22-QĐ/TW 28/7/2021, QĐ 69-QĐ/TW 6/7/2022)
SINCE = date(2022, 1, 18)

#: the forms of discipline of a member, lightest first (QĐ 69 Art. 7; Charter Art. 35)
FORMS_OF_DISCIPLINE: tuple[tuple[str, str], ...] = (
    ("reprimand", "Khiển trách"),
    ("warning", "Cảnh cáo"),
    ("dismissal", "Cách chức"),
    ("expulsion", "Khai trừ"),
)
FORM_LABELS = dict(FORMS_OF_DISCIPLINE)
#: the forms of discipline of a party organization (Charter Art. 35; QĐ 69 Art. 7), decided by
#: the committee above it; dissolution ends the organization
ORG_FORMS: tuple[tuple[str, str], ...] = (
    ("reprimand", "Khiển trách"),
    ("warning", "Cảnh cáo"),
    ("dissolution", "Giải tán"),
)
ORG_FORM_LABELS = dict(ORG_FORMS)
SOURCES: tuple[tuple[str, str], ...] = (
    ("self_report", "Đảng viên tự giác báo cáo vi phạm"),
    ("inspection", "Kết luận kiểm tra, giám sát"),
    ("complaint", "Đơn tố cáo, khiếu nại, phản ánh"),
    ("state_notice", "Thông báo của cơ quan nhà nước, Mặt trận, đoàn thể"),
    ("cell_review", "Chi bộ phát hiện qua sinh hoạt, kiểm điểm"),
)
#: what the violation concerns: only the first is within a cell's own powers
MATTERS: tuple[tuple[str, str], ...] = (
    (
        "member_duties",
        "Phẩm chất chính trị, tư tưởng, đạo đức, lối sống, “tự diễn biến”, “tự chuyển hóa”, "
        "chấp hành sinh hoạt đảng, thực hiện nhiệm vụ đảng viên",
    ),
    ("assigned_tasks", "Thực hiện nhiệm vụ do cấp trên giao, hoặc nội dung khác"),
)
#: violations no statute of limitations covers besides those deserving expulsion
NO_LIMITATION: tuple[tuple[str, str], ...] = (
    ("no", "Không thuộc các trường hợp không áp dụng thời hiệu"),
    (
        "yes",
        "Chính trị nội bộ; quốc phòng, an ninh, đối ngoại xâm hại lợi ích quốc gia; sử dụng "
        "văn bằng, chứng chỉ không hợp pháp (không áp dụng thời hiệu)",
    ),
)
DEFERRALS: tuple[tuple[str, str], ...] = (
    ("pregnancy", "Đang mang thai"),
    ("maternity", "Đang nghỉ thai sản"),
    ("nursing", "Đang nuôi con dưới 12 tháng tuổi"),
    ("illness", "Đang ốm nặng, điều trị nội trú"),
    ("capacity", "Mất khả năng nhận thức"),
)

FORMS = {
    "violation_report": ("—", "Văn bản phát hiện vi phạm (báo cáo, kết luận, đơn, thông báo)"),
    "self_review_request": ("—", "Yêu cầu của chi ủy viết bản tự kiểm điểm"),
    "self_review": ("—", "Bản tự kiểm điểm của đảng viên"),
    "no_self_review": ("—", "Biên bản: đảng viên không viết bản tự kiểm điểm"),
    "cell_resolution": ("—", "Biên bản kiểm phiếu và nghị quyết của chi bộ"),
    "subcommittee_report": ("—", "Báo cáo xem xét của đảng ủy bộ phận"),
    "grassroots_resolution": ("—", "Biên bản kiểm phiếu và nghị quyết của đảng ủy cơ sở"),
    "deferral": ("—", "Căn cứ chưa xem xét kỷ luật (giấy tờ y tế, thai sản…)"),
    "deferral_end": ("—", "Căn cứ tiếp tục xem xét kỷ luật"),
    "discipline_decision": ("QĐ", "Quyết định thi hành kỷ luật"),
    "announcement": ("—", "Biên bản công bố quyết định kỷ luật"),
    "complaint": ("—", "Đơn khiếu nại kỷ luật của đảng viên"),
    "complaint_ruling": ("QĐ", "Quyết định giải quyết khiếu nại kỷ luật"),
    "card_returned": ("—", "Biên bản thu hồi thẻ đảng viên"),
    "badge_returned": ("—", "Biên bản thu hồi Huy hiệu Đảng"),
    "end_of_effect": ("—", "Ghi nhận quyết định kỷ luật hết hiệu lực"),
}

SETTINGS: dict[str, tuple[tuple[date, Setting], ...]] = {
    "discipline.forms": (
        (
            SINCE,
            Setting(
                FORMS,
                f"QĐ 22-QĐ/TW 2021 (nay QĐ 296-QĐ/TW 2025); {URL_ANNOUNCE}",
                uncertain=True,
                note="Chưa có mã biểu mẫu của Ủy ban Kiểm tra.",
            ),
        ),
    ),
    "discipline.legal_bases": (
        (
            SINCE,
            Setting(
                (
                    "Căn cứ Quy định số 22-QĐ/TW ngày 28/07/2021 của Ban Chấp hành Trung ương về "
                    "công tác kiểm tra, giám sát và kỷ luật của Đảng;",
                    "Căn cứ Quy định số 69-QĐ/TW ngày 06/07/2022 của Bộ Chính trị về kỷ luật tổ "
                    "chức đảng, đảng viên vi phạm;",
                ),
                "QĐ 22-QĐ/TW 2021; QĐ 69-QĐ/TW 2022 (trước 06/07/2022: QĐ 102-QĐ/TW 2017)",
                uncertain=True,
            ),
        ),
        (
            date(2025, 7, 1),
            Setting(
                (
                    "Căn cứ Quy định số 296-QĐ/TW ngày 30/05/2025 của Ban Chấp hành Trung ương về "
                    "công tác kiểm tra, giám sát và kỷ luật của Đảng;",
                    "Căn cứ Quy định số 69-QĐ/TW ngày 06/07/2022 của Bộ Chính trị về kỷ luật tổ "
                    "chức đảng, đảng viên vi phạm (được sửa đổi, bổ sung bởi Quy định số "
                    "264-QĐ/TW ngày 14/02/2025);",
                ),
                "QĐ 296-QĐ/TW 30/5/2025 thay QĐ 22 và QĐ 262; QĐ 69 sửa đổi bởi QĐ 264-QĐ/TW",
                uncertain=True,
                note="Ngày áp dụng QĐ 296 lấy theo bộ quy định 2025-07.",
            ),
        ),
    ),
    "discipline.vote_fraction": (
        (
            SINCE,
            Setting(
                (1, 2),
                "Điều lệ Đảng, Điều 38–39; QĐ 22-QĐ/TW Điều 15: biểu quyết kín, hình thức kỷ "
                f"luật được quyết định khi có hơn một nửa số thành viên tán thành; {URL_VOTE}",
                uncertain=True,
                note="Tính trên tổng số thành viên (trừ các trường hợp không tính), như §1.3.",
            ),
        ),
    ),
    "discipline.self_review_requests": (
        (
            SINCE,
            Setting(
                3,
                "Như xóa tên (HD 01-HD/TW 2021 mục 11.1): chi ủy yêu cầu đến lần thứ ba mà đảng "
                "viên không viết bản kiểm điểm thì chi bộ vẫn xem xét",
                uncertain=True,
            ),
        ),
    ),
    "discipline.cell_forms": (
        (
            SINCE,
            Setting(
                ("reprimand", "warning"),
                "Điều lệ Đảng, Điều 36; QĐ 22-QĐ/TW Điều 11: chi bộ quyết định khiển trách, cảnh "
                "cáo đảng viên trong chi bộ vi phạm phẩm chất chính trị, đạo đức, lối sống, sinh "
                f"hoạt đảng, nhiệm vụ đảng viên (trừ nhiệm vụ cấp trên giao); {URL_CELL}",
            ),
        ),
    ),
    "discipline.grassroots_forms": (
        (
            SINCE,
            Setting(
                ("reprimand", "warning"),
                "QĐ 22-QĐ/TW Điều 11: đảng ủy cơ sở quyết định khiển trách, cảnh cáo đảng viên "
                f"trong đảng bộ; đảng ủy bộ phận chỉ xem xét, đề nghị; {URL_AUTHORITY}",
            ),
        ),
    ),
    "discipline.authorized_grassroots_forms": (
        (
            SINCE,
            Setting(
                ("reprimand", "warning", "expulsion"),
                "Đảng ủy cơ sở được ủy quyền quyết định khai trừ đảng viên; " + URL_AUTHORITY,
                uncertain=True,
                note="Ủy quyền kết nạp (authorized_to_admit) được coi là ủy quyền khai trừ.",
            ),
        ),
    ),
    "discipline.probationary_forms": (
        (
            SINCE,
            Setting(
                ("reprimand", "warning"),
                f"QĐ 69-QĐ/TW Điều 7: đảng viên dự bị chỉ khiển trách, cảnh cáo; {URL_FORMS}",
            ),
        ),
    ),
    "discipline.limitation_years": (
        (
            SINCE,
            Setting(
                {"reprimand": 5, "warning": 10, "dismissal": 10, "expulsion": None},
                "QĐ 102-QĐ/TW Điều 3 (giữ trong QĐ 69-QĐ/TW): thời hiệu 5 năm với vi phạm đến "
                "mức khiển trách, 10 năm đến mức cảnh cáo, cách chức; không áp dụng với vi phạm "
                f"đến mức khai trừ; tính từ thời điểm có hành vi vi phạm; {URL_LIMITATION}; thời "
                f"gian chưa xem xét kỷ luật không tính vào thời hiệu: {URL_DEFERRAL}",
            ),
        ),
    ),
    "discipline.announce_days": (
        (
            SINCE,
            Setting(
                15,
                "QĐ 30-QĐ/TW 2016: quyết định kỷ luật phải công bố trong 15 ngày kể từ ngày ký; "
                f"{URL_ANNOUNCE}",
                uncertain=True,
                note="Chưa rõ QĐ 22/296 có giữ 15 ngày; tính theo ngày lịch.",
            ),
        ),
    ),
    "discipline.complaint_months": (
        (
            SINCE,
            Setting(
                1,
                "Điều lệ Đảng, Điều 39.7: khiếu nại trong một tháng kể từ ngày nhận quyết định; "
                f"{URL_COMPLAINT}",
                uncertain=True,
                note="Tính một tháng lịch từ ngày công bố (nguồn thứ cấp coi là 30 ngày làm việc).",
            ),
        ),
    ),
    "discipline.effect_months": (
        (
            SINCE,
            Setting(
                12,
                "QĐ 69-QĐ/TW Điều 2.5: sau 12 tháng kể từ ngày công bố quyết định kỷ luật (hoặc "
                "quyết định giải quyết khiếu nại), trừ khai trừ, nếu không khiếu nại, không tái "
                "phạm, không có vi phạm mới đến mức phải kỷ luật thì tự chấm dứt hiệu lực; "
                + URL_EFFECT,
            ),
        ),
    ),
}


@dataclass(frozen=True)
class DisciplineFacts:
    today: date
    state: str
    person: PersonFacts
    org: OrgFacts
    documents: frozenset[str]
    #: the requests to write a self-review the cell committee has made
    requests: int
    #: the day the complaint period ends (once announced)
    complaint_due: date | None
    #: the day the effect ends if nothing new happens (once announced)
    effect_due: date | None
    #: what the violation concerns (``MATTERS``) and whether no limitation applies
    matter: str
    no_limitation: bool
    #: the day of the (latest) violation, and the days the case was deferred since
    violation_on: date
    deferred_days: int
    #: the form proposed or decided so far (None before the cell's vote)
    form: str | None
    #: the member is still on the lists (an expulsion ends it once)
    on_list: bool
    #: the member's other discipline cases opened since this decision was announced and not
    #: concluded without discipline (a new violation keeps this decision in effect)
    newer_cases: int = 0
    proposer_id: int | None = None
    actor_id: int | None = None
    decision_extension_used: int = 0
    paused_from: str | None = None


def _f(ctx: GuardContext) -> DisciplineFacts:
    return ctx.facts


def _form(ctx: GuardContext) -> str | None:
    p = ctx.payload
    if p is not None and p.get("form"):
        return p["form"]
    return _f(ctx).form


def limitation_ends(rules, facts: DisciplineFacts, form: str) -> date | None:
    """The last day the violation may still be disciplined in ``form`` (None: no limitation):
    the years the rules give for the form, from the violation, plus the days deferred."""
    if facts.no_limitation:
        return None
    years = rules["discipline.limitation_years"].get(form)
    if years is None:
        return None
    return add_months(facts.violation_on, 12 * years) + timedelta(days=facts.deferred_days)


def _limitation_text(rules, f: DisciplineFacts, form: str, ends: date) -> str:
    years = rules["discipline.limitation_years"][form]
    deferred = f" cộng {f.deferred_days} ngày chưa xem xét kỷ luật" if f.deferred_days else ""
    return (
        f"Vi phạm ngày {vn_date(f.violation_on)}; thời hiệu xử lý kỷ luật "
        f"{FORM_LABELS[form].lower()} là {years} năm kể từ ngày vi phạm{deferred}, đến hết ngày "
        f"{vn_date(ends)}"
    )


def within_limitation(ctx: GuardContext) -> Verdict:
    """The violation is still within the statute of limitations for the form voted or decided
    on the event's date; the refusal says how the limit was counted."""
    form = _form(ctx)
    if form is None:
        return Verdict.needs_input()
    f = _f(ctx)
    ends = limitation_ends(ctx.rules, f, form)
    if ends is not None and ctx.event_date > ends:
        return Verdict.failed(
            "discipline.time_barred",
            _limitation_text(ctx.rules, f, form, ends) + f": ngày {vn_date(ctx.event_date)} đã "
            "hết thời hiệu, không thi hành kỷ luật hình thức này (ghi “Hết thời hiệu xử lý kỷ "
            "luật” nếu không có hình thức nào còn thời hiệu).",
            "form",
        )
    return Verdict.passed()


def limitation_expired(ctx: GuardContext) -> Verdict:
    """Closing a case as time-barred: the limit for the form the violation deserves has run."""
    form = _form(ctx)
    if form is None:
        return Verdict.needs_input()
    f = _f(ctx)
    ends = limitation_ends(ctx.rules, f, form)
    if ends is None:
        reason = (
            "vi phạm thuộc trường hợp không áp dụng thời hiệu"
            if f.no_limitation
            else f"vi phạm đến mức {FORM_LABELS[form].lower()} không áp dụng thời hiệu"
        )
        return Verdict.failed("discipline.no_limitation", f"Không hết thời hiệu: {reason}.", "form")
    if ctx.event_date <= ends:
        return Verdict.failed(
            "discipline.not_time_barred",
            _limitation_text(ctx.rules, f, form, ends) + ": chưa hết thời hiệu.",
            "form",
        )
    return Verdict.passed()


def form_for_member(ctx: GuardContext) -> Verdict:
    """A probationary member is only reprimanded or warned."""
    form = _form(ctx)
    if form is None:
        return Verdict.needs_input()
    allowed = ctx.rules["discipline.probationary_forms"]
    if _f(ctx).person.member_status == "probationary" and form not in allowed:
        return Verdict.failed(
            "discipline.probationary_form",
            "Đảng viên dự bị chỉ bị kỷ luật "
            + ", ".join(FORM_LABELS[k].lower() for k in allowed)
            + f"; không áp dụng hình thức {FORM_LABELS[form].lower()}.",
            "form",
        )
    return Verdict.passed()


def cell_may_decide(ctx: GuardContext) -> Verdict:
    """Within the cell's powers: a reprimand or a warning for a violation of the member's own
    duties (not of tasks assigned by a higher level)."""
    form = _form(ctx)
    if form is None:
        return Verdict.needs_input()
    f = _f(ctx)
    if f.matter != "member_duties":
        return Verdict.failed(
            "discipline.cell_not_competent",
            "Vi phạm trong thực hiện nhiệm vụ do cấp trên giao: chi bộ không quyết định kỷ luật, "
            "chỉ đề nghị cấp trên.",
        )
    allowed = ctx.rules["discipline.cell_forms"]
    if form not in allowed:
        return Verdict.failed(
            "discipline.cell_form",
            f"Chi bộ chỉ quyết định {' hoặc '.join(FORM_LABELS[k].lower() for k in allowed)}; "
            f"hình thức {FORM_LABELS[form].lower()} do cấp trên quyết định: ghi nghị quyết đề "
            "nghị cấp trên.",
            "form",
        )
    return Verdict.passed()


def grassroots_may_decide(ctx: GuardContext) -> Verdict:
    form = _form(ctx)
    if form is None:
        return Verdict.needs_input()
    key = (
        "discipline.authorized_grassroots_forms"
        if _f(ctx).org.grassroots_authorized
        else "discipline.grassroots_forms"
    )
    allowed = ctx.rules[key]
    if form not in allowed:
        return Verdict.failed(
            "discipline.grassroots_form",
            f"Đảng ủy cơ sở chỉ quyết định {', '.join(FORM_LABELS[k].lower() for k in allowed)}; "
            f"hình thức {FORM_LABELS[form].lower()} do Ủy ban Kiểm tra hoặc Ban Thường vụ cấp "
            "ủy cấp trên quyết định: ghi nghị quyết đề nghị cấp trên.",
            "form",
        )
    return Verdict.passed()


def ballot_carries(ctx: GuardContext) -> Verdict:
    """The secret ballot adopts the form with more than half of the members counted."""
    p = ctx.payload
    if p is None:
        return Verdict.needs_input()
    den = denominator(p)
    fraction = ctx.rules["discipline.vote_fraction"]
    if den >= 1 and not majority_carries(p["yes"], den, fraction):
        return Verdict.failed(
            "discipline.no_majority",
            f"Số phiếu tán thành {p['yes']}/{den} chưa quá một nửa (cần ít nhất "
            f"{majority_needed(den, fraction)}): hình thức kỷ luật chưa được thông qua.",
            "yes",
        )
    return Verdict.passed()


def _form_guard(name: str, expulsion: bool) -> Guard:
    def guard(ctx: GuardContext) -> Verdict:
        if (_f(ctx).form == "expulsion") != expulsion:
            return Verdict.not_applicable(
                "discipline.form_path",
                "Khai trừ: công bố xong thì đảng viên ra khỏi danh sách."
                if not expulsion
                else "Không phải quyết định khai trừ.",
            )
        return Verdict.passed()

    guard.__name__ = name
    return guard


is_expulsion = _form_guard("is_expulsion", True)
not_expulsion = _form_guard("not_expulsion", False)


def within_complaint_period(ctx: GuardContext) -> Verdict:
    """A complaint received within the month; one received in time may be recorded later,
    so the case page (no form yet) only says until when."""
    due = _f(ctx).complaint_due
    if due is not None and ctx.event_date > due and ctx.payload is None:
        return Verdict.needs_input(
            f"Chỉ ghi đơn khiếu nại nhận được trong thời hạn (đến ngày {vn_date(due)})."
        )
    if due is not None and ctx.event_date > due:
        return Verdict.failed(
            "discipline.complaint_late",
            f"Đã hết thời hạn khiếu nại (một tháng, đến ngày {vn_date(due)}).",
            "event_date",
        )
    return Verdict.passed()


def effect_over(ctx: GuardContext) -> Verdict:
    due = _f(ctx).effect_due
    if due is None or ctx.event_date < due:
        return sg.until_today(
            ctx,
            "discipline.effect_running",
            "Quyết định kỷ luật còn hiệu lực" + (f" đến ngày {vn_date(due)}." if due else "."),
        )
    return Verdict.passed()


def nothing_new(ctx: GuardContext) -> Verdict:
    """No new violation under consideration since the announcement (QĐ 69 Art. 2.5)."""
    n = _f(ctx).newer_cases
    if n:
        return Verdict.failed(
            "discipline.new_violation",
            f"Đảng viên có {n} hồ sơ kỷ luật mới kể từ khi công bố quyết định: quyết định chưa "
            "tự chấm dứt hiệu lực khi vi phạm mới đang được xem xét.",
        )
    return Verdict.passed()


def still_on_list(ctx: GuardContext) -> Verdict:
    """A ruling on a member still on the list changes only the discipline."""
    if not _f(ctx).on_list:
        return Verdict.failed(
            "discipline.expelled",
            "Đảng viên đã ra khỏi danh sách theo quyết định khai trừ.",
        )
    return Verdict.passed()


def off_the_list(ctx: GuardContext) -> Verdict:
    """A ruling that changes or annuls an expulsion already announced puts the member back on
    the list (``restore_membership``)."""
    if _f(ctx).on_list:
        return Verdict.failed("discipline.on_list", "Đảng viên vẫn trong danh sách.")
    return Verdict.passed()


STATES = {
    "opened": "Đã phát hiện vi phạm, chờ đảng viên kiểm điểm",
    "awaiting_cell_meeting": "Chờ chi bộ họp, bỏ phiếu kín",
    "deferred": "Chưa xem xét kỷ luật (tạm dừng, không tính thời hiệu)",
    "cell_proposed": "Chi bộ đề nghị cấp trên thi hành kỷ luật",
    "subcommittee_examined": "Đảng ủy bộ phận đã xem xét, báo cáo",
    "grassroots_proposed": "Đảng ủy cơ sở đề nghị cấp trên",
    "decided": "Đã có quyết định, chờ công bố",
    "in_effect": "Quyết định kỷ luật đang có hiệu lực",
    "complaint": "Đảng viên khiếu nại, chờ giải quyết (vẫn chấp hành quyết định)",
    "expelled": "Đã khai trừ, ra khỏi danh sách đảng viên",
    "expired": "Quyết định kỷ luật đã hết hiệu lực",
    "closed": "Đã khai trừ, kết thúc hồ sơ",
    "annulled": "Quyết định kỷ luật đã bị hủy bỏ",
    "not_disciplined": "Không thi hành kỷ luật",
    "time_barred": "Hết thời hiệu xử lý kỷ luật",
}
FINALS = frozenset({"expired", "closed", "annulled", "not_disciplined", "time_barred"})
#: the states while the violation is being considered (deferral pauses them)
CONSIDERING = ("opened", "awaiting_cell_meeting", "cell_proposed", "subcommittee_examined",
               "grassroots_proposed")  # fmt: skip
PROPOSED = ("cell_proposed", "subcommittee_examined", "grassroots_proposed")

CELL = frozenset({Role.CELL_SECRETARY})
CELL_UP = frozenset(
    {Role.CELL_SECRETARY, Role.GRASSROOTS_STAFF, Role.DEPARTMENT_STAFF, Role.INSPECTION}
)
COMMITTEES = frozenset({Role.GRASSROOTS_STAFF, Role.DEPARTMENT_STAFF, Role.INSPECTION})
GRASSROOTS = frozenset({Role.GRASSROOTS_STAFF})
SIGNER = frozenset({Role.SIGNER})
INSPECTION = frozenset({Role.INSPECTION})

NOTE = Field("note", "Ghi chú", "text", required=False, max_length=2000)
FORM = Field("form", "Hình thức kỷ luật biểu quyết", "choice", choices=FORMS_OF_DISCIPLINE)
CELL_BALLOT = meeting_vote_fields("Tổng số đảng viên chính thức của chi bộ", exclusions=True,
                                  count_of="cell_official_members")  # fmt: skip
COMMITTEE_BALLOT = meeting_vote_fields("Tổng số ủy viên đảng ủy", exclusions=False)
COMMISSION_VOTE = (
    Field("members_total", "Tổng số thành viên cơ quan quyết định", "int", min=1, max=200),
    Field("members_present", "Số thành viên dự họp", "int", min=1, max=200),
    Field("yes", "Số phiếu tán thành (bỏ phiếu kín)", "int", min=0, max=200),
    Field("no", "Số phiếu không tán thành", "int", min=0, max=200),
)
VIOLATION = Field("violation", "Nội dung vi phạm, tính chất, mức độ, tác hại", "text",
                  max_length=4000)  # fmt: skip
WHY = (
    ("no_answer", "Chi ủy đã yêu cầu ba lần, đảng viên không viết, không dự họp"),
    ("refused", "Đảng viên cố tình không viết bản tự kiểm điểm"),
)
REASON = (Field("reason", "Lý do", "text", max_length=2000),)
DEFERRAL = (Field("why", "Trường hợp chưa xem xét kỷ luật", "choice", choices=DEFERRALS), NOTE)
ANNOUNCEMENT = (
    Field("where", "Nơi công bố (hội nghị chi bộ, đảng ủy…)", "line", max_length=200),
    NOTE,
)
COMPLAINT = (
    Field("addressee", "Nơi nhận khiếu nại", "line", max_length=200),
    Field("content", "Nội dung khiếu nại", "text", max_length=4000),
)
RULING = (
    Field("findings", "Kết luận giải quyết khiếu nại", "text", max_length=4000),
    *COMMISSION_VOTE,
)
NEW_FORM = Field("form", "Hình thức kỷ luật sau khi giải quyết khiếu nại", "choice",
                 choices=FORMS_OF_DISCIPLINE)  # fmt: skip
CARD = (
    Field("card_number", "Số thẻ đảng viên thu hồi", "line", required=False, max_length=20,
          default_from="card_number"),
    Field("badge", "Thu hồi cả Huy hiệu Đảng", "bool", required=False),
    NOTE,
)  # fmt: skip
CLOSING = (
    Field("card_note", "Lý do chưa thu hồi được thẻ (nếu chưa thu hồi)", "text", required=False,
          max_length=2000),
    Field("dossier", "Nơi nhận hồ sơ đảng viên", "line", max_length=200,
          default_from="dossier_keeper"),
)  # fmt: skip
REQUESTS = "discipline.self_review_requests"
TIME_BARRED = (
    Field("form", "Hình thức kỷ luật mà vi phạm đáng bị xử lý", "choice",
          choices=FORMS_OF_DISCIPLINE),
    NOTE,
)  # fmt: skip


def _t(trigger, sources, dest, roles, level, label, event_label, **kw) -> TransitionSpec:
    sources = (sources,) if isinstance(sources, str) else tuple(sources)
    return TransitionSpec(trigger, sources, dest, roles, level, label, event_label, **kw)


DECIDES = ("set_form",)
#: the grassroots committee's and the upper bodies' decisions, from each state they may follow
GRASSROOTS_FROM = (("cell_proposed", (sg.has_grassroots_committee, sg.not_under_subcommittee)),
                   ("subcommittee_examined", ()))  # fmt: skip
UPPER_FROM = (("grassroots_proposed", ()), ("cell_proposed", (sg.is_grassroots_cell,)))
BASE = (form_for_member, within_limitation)

# fmt: off
TRANSITIONS: tuple[TransitionSpec, ...] = (
    _t("record_request", "opened", None, CELL, Level.CELL,
       "Ghi lần chi ủy yêu cầu viết bản tự kiểm điểm", "Ngày yêu cầu", fields=(NOTE,),
       guards=(lg.below_request_limit(REQUESTS),),
       effects=("record_document:self_review_request",), kind="record"),
    _t("record_self_review", "opened", "awaiting_cell_meeting", CELL_UP, Level.CELL,
       "Ghi nhận bản tự kiểm điểm của đảng viên", "Ngày nhận bản tự kiểm điểm", fields=(NOTE,),
       effects=("record_document:self_review",)),
    _t("proceed_without_review", "opened", "awaiting_cell_meeting", CELL, Level.CELL,
       "Xem xét không cần bản tự kiểm điểm", "Ngày chi ủy quyết định",
       fields=(Field("why", "Căn cứ", "choice", choices=WHY), NOTE),
       guards=(lg.may_proceed_without_review(REQUESTS),),
       effects=("record_document:no_self_review",), kind="side",
       help="Sau ba lần yêu cầu mà đảng viên không viết, không dự họp; hoặc đảng viên cố tình "
            "không viết: chi bộ vẫn xem xét, bỏ phiếu."),
    # the cell's meeting: secret ballot on a form
    _t("decide_by_cell", "awaiting_cell_meeting", "decided", CELL, Level.CELL,
       "Chi bộ quyết định kỷ luật (khiển trách, cảnh cáo)", "Ngày họp chi bộ, ký quyết định",
       fields=(FORM, VIOLATION, *CELL_BALLOT), reauth=True, exact=True,
       guards=(cell_may_decide, *BASE, vote_consistent, ballot_carries),
       effects=("record_ballot:cell", *DECIDES, "issue_decision:discipline@cell"),
       opens=("announcement",),
       help="Trong thẩm quyền của chi bộ: khiển trách, cảnh cáo đảng viên vi phạm phẩm chất, "
            "đạo đức, lối sống, sinh hoạt đảng, nhiệm vụ đảng viên. Hình thức được thông qua khi "
            "quá một nửa số đảng viên chính thức tán thành (bỏ phiếu kín)."),
    _t("propose_by_cell", "awaiting_cell_meeting", "cell_proposed", CELL, Level.CELL,
       "Ghi nghị quyết chi bộ đề nghị cấp trên thi hành kỷ luật", "Ngày họp chi bộ",
       fields=(FORM, VIOLATION, *CELL_BALLOT),
       guards=(*BASE, vote_consistent, ballot_carries),
       effects=("record_ballot:cell", *DECIDES)),
    _t("record_no_discipline", ("awaiting_cell_meeting", *PROPOSED), "not_disciplined", CELL_UP,
       Level.CELL, "Ghi kết luận không thi hành kỷ luật", "Ngày kết luận", fields=REASON,
       kind="side", help="Không hình thức nào được quá một nửa số phiếu, hoặc vi phạm chưa đến "
       "mức phải kỷ luật."),
    # above the cell
    _t("examine_by_subcommittee", "cell_proposed", "subcommittee_examined", GRASSROOTS,
       Level.SUBCOMMITTEE, "Đảng ủy bộ phận xem xét, báo cáo đảng ủy cơ sở", "Ngày xem xét",
       fields=(Field("opinion", "Ý kiến của đảng ủy bộ phận", "text", max_length=2000),),
       guards=(sg.under_subcommittee,), exact=True,
       effects=("record_document:subcommittee_report",),
       help="Đảng ủy bộ phận không có quyền thi hành kỷ luật, chỉ xem xét, đề nghị."),
    *(_t("decide_by_grassroots", source, "decided", SIGNER, Level.GRASSROOTS,
         "Đảng ủy cơ sở quyết định kỷ luật", "Ngày họp đảng ủy, ký quyết định",
         fields=(FORM, VIOLATION, *COMMITTEE_BALLOT), exact=True, reauth=True,
         guards=(*structure, grassroots_may_decide, *BASE, vote_consistent, ballot_carries),
         effects=("record_ballot:grassroots", *DECIDES, "issue_decision:discipline@grassroots"),
         opens=("announcement",))
      for source, structure in GRASSROOTS_FROM),
    *(_t("propose_by_grassroots", source, "grassroots_proposed", GRASSROOTS, Level.GRASSROOTS,
         "Ghi nghị quyết đảng ủy cơ sở đề nghị cấp trên", "Ngày họp đảng ủy",
         fields=(FORM, VIOLATION, *COMMITTEE_BALLOT),
         guards=(*structure, *BASE, vote_consistent, ballot_carries),
         effects=("record_ballot:grassroots", *DECIDES))
      for source, structure in GRASSROOTS_FROM),
    *(_t("decide_by_inspection", source, "decided", INSPECTION, Level.UPPER,
         "Ủy ban Kiểm tra cấp ủy cấp trên quyết định kỷ luật", "Ngày họp, ký quyết định",
         fields=(FORM, VIOLATION, *COMMISSION_VOTE), reauth=True,
         guards=(*structure, *BASE, sg.standing_vote_carries),
         effects=("record_commission_vote:inspection", *DECIDES,
                  "issue_decision:discipline@inspection"),
         opens=("announcement",))
      for source, structure in UPPER_FROM),
    *(_t("decide_by_standing", source, "decided", SIGNER, Level.UPPER,
         "Ban Thường vụ cấp ủy cấp trên quyết định kỷ luật",
         "Ngày họp Ban Thường vụ, ký quyết định",
         fields=(FORM, VIOLATION, *COMMISSION_VOTE), reauth=True,
         guards=(*structure, *BASE, sg.standing_vote_carries),
         effects=("record_commission_vote:standing", *DECIDES, "issue_decision:discipline@upper"),
         opens=("announcement",), kind="side",
         help="Cán bộ thuộc diện Ban Thường vụ quản lý, hoặc các trường hợp khác thuộc thẩm "
              "quyền Ban Thường vụ.")
      for source, structure in UPPER_FROM),
    _t("return_for_correction", PROPOSED, "awaiting_cell_meeting", COMMITTEES,
       Level.SUBCOMMITTEE, "Trả lại để chi bộ xem xét lại", "Ngày trả lại", fields=REASON,
       kind="side"),
    # pauses and exits while considering
    _t("defer", CONSIDERING, "deferred", CELL_UP, Level.CELL,
       "Ghi chưa xem xét kỷ luật (thai sản, ốm nặng…)", "Ngày bắt đầu", fields=DEFERRAL,
       effects=("pause", "record_document:deferral"), kind="side",
       help="Thời gian chưa xem xét kỷ luật không tính vào thời hiệu."),
    *(_t("resume", "deferred", state, CELL_UP, Level.CELL, "Tiếp tục xem xét kỷ luật",
         "Ngày tiếp tục", fields=(NOTE,), guards=(sg.paused_from(state),),
         effects=("resume", "record_document:deferral_end"), kind="side")
      for state in CONSIDERING),
    _t("record_time_barred", CONSIDERING, "time_barred", CELL_UP, Level.CELL,
       "Ghi hết thời hiệu xử lý kỷ luật", "Ngày kết luận", fields=TIME_BARRED,
       guards=(limitation_expired,), kind="side"),
    # the decision takes effect when announced
    _t("announce", "decided", "in_effect", CELL_UP, Level.CELL,
       "Ghi công bố quyết định kỷ luật", "Ngày công bố", fields=ANNOUNCEMENT,
       guards=(not_expulsion,), effects=("record_announcement",),
       closes=("announcement",), opens=("complaint", "effect")),
    _t("announce", "decided", "expelled", CELL_UP, Level.CELL,
       "Ghi công bố quyết định kỷ luật", "Ngày công bố", fields=ANNOUNCEMENT,
       guards=(is_expulsion,), effects=("record_announcement", "expel"),
       closes=("announcement",), opens=("complaint",)),
    _t("record_complaint", ("in_effect", "expelled"), "complaint", CELL_UP, Level.CELL,
       "Ghi đơn khiếu nại của đảng viên", "Ngày nhận đơn khiếu nại", fields=COMPLAINT,
       guards=(within_complaint_period,), effects=("record_document:complaint",),
       closes=("complaint",), cancels=("effect",), kind="side",
       help="Trong thời gian chờ giải quyết, đảng viên vẫn phải chấp hành quyết định kỷ luật."),
    _t("uphold_on_complaint", "complaint", "decided", INSPECTION, Level.UPPER,
       "Quyết định giải quyết khiếu nại: giữ nguyên hình thức kỷ luật", "Ngày ký quyết định",
       fields=RULING, reauth=True, guards=(sg.standing_vote_carries,),
       effects=("record_commission_vote:inspection", "issue_decision:discipline_ruling@inspection"),
       opens=("announcement",), kind="side"),
    # a ruling on an expulsion already announced puts the member back on the list from the
    # ruling's date, with the status they had (the report counts the return)
    *(_t("change_on_complaint", "complaint", "decided", INSPECTION, Level.UPPER,
         "Quyết định giải quyết khiếu nại: thay đổi hình thức kỷ luật", "Ngày ký quyết định",
         fields=(NEW_FORM, *RULING), reauth=True,
         guards=(where, form_for_member, sg.standing_vote_carries),
         effects=("record_commission_vote:inspection",
                  "issue_decision:discipline_ruling@inspection", *restore, *DECIDES),
         opens=("announcement",), kind="side")
      for where, restore in ((still_on_list, ()), (off_the_list, ("restore_membership",)))),
    *(_t("annul_on_complaint", "complaint", "annulled", INSPECTION, Level.UPPER,
         "Quyết định giải quyết khiếu nại: xóa bỏ quyết định kỷ luật", "Ngày ký quyết định",
         fields=RULING, reauth=True, guards=(where, sg.standing_vote_carries),
         effects=("record_commission_vote:inspection",
                  "issue_decision:discipline_ruling@inspection", *restore),
         kind="side")
      for where, restore in ((still_on_list, ()), (off_the_list, ("restore_membership",)))),
    # the end of effect, recorded by the daily scan
    _t("expire", "in_effect", "expired", CELL_UP, Level.CELL,
       "Ghi quyết định kỷ luật hết hiệu lực", "Ngày hết hiệu lực", fields=(NOTE,),
       guards=(effect_over, nothing_new), effects=("record_document:end_of_effect",),
       closes=("effect", "complaint"), awaited="effect", auto=True,
       help="Sau 12 tháng kể từ ngày công bố, không khiếu nại, không tái phạm, không có vi phạm "
            "mới: hệ thống tự ghi hằng ngày."),
    # after an expulsion
    _t("record_card_collected", ("expelled", "complaint"), None, CELL_UP, Level.CELL,
       "Ghi thu hồi thẻ đảng viên, Huy hiệu Đảng", "Ngày thu hồi", fields=CARD,
       guards=(is_expulsion,
               lg.document_not_held("card_returned", "Đã ghi thu hồi thẻ đảng viên.")),
       effects=("record_returned",), kind="record"),
    _t("close", "expelled", "closed", COMMITTEES, Level.GRASSROOTS,
       "Kết thúc hồ sơ (đã thu hồi thẻ, hết thời hạn khiếu nại)", "Ngày kết thúc",
       fields=CLOSING, guards=(lg.card_accounted_for, lg.complaint_period_over),
       closes=("complaint",), awaited="complaint"),
)
# fmt: on

DEADLINES = {
    "announcement": DeadlineSpec(
        "announcement", "Công bố quyết định kỷ luật", "discipline.announce_days", unit="days"
    ),
    "complaint": DeadlineSpec(
        "complaint",
        "Thời hạn khiếu nại quyết định kỷ luật",
        "discipline.complaint_months",
        unit="months",
        alerts=False,
    ),
    "effect": DeadlineSpec(
        "effect",
        "Hiệu lực của quyết định kỷ luật (12 tháng)",
        "discipline.effect_months",
        unit="months",
        alerts=False,
    ),
}

OPEN_FIELDS = (
    Field("source", "Vi phạm được phát hiện qua", "choice", choices=SOURCES),
    Field("reference", "Văn bản phát hiện (số, ngày, cơ quan)", "line", required=False,
          max_length=200),
    Field("violation_on", "Ngày có hành vi vi phạm (lần vi phạm gần nhất)", "date",
          help="Thời hiệu tính từ ngày này; có vi phạm mới thì tính lại từ vi phạm mới."),
    Field("matter", "Vi phạm về", "choice", choices=MATTERS),
    Field("no_limitation", "Trường hợp không áp dụng thời hiệu", "choice", choices=NO_LIMITATION),
    Field("facts", "Nội dung vi phạm", "text", max_length=4000),
)  # fmt: skip

SPEC = ProcedureSpec(
    key=KEY,
    label="Thi hành kỷ luật đảng viên",
    states=STATES,
    initial="opened",
    finals=FINALS,
    transitions=TRANSITIONS,
    deadlines=DEADLINES,
    open_label="Ghi vi phạm, mở hồ sơ xem xét kỷ luật",
    open_fields=OPEN_FIELDS,
    open_roles=CELL_UP,
    open_effects=("check_member", "record_violation"),
    open_event_label="Ngày phát hiện vi phạm",
    settings=SETTINGS,
    ends_membership="Đảng viên bị khai trừ khỏi Đảng",
    excludes_endings=False,
    holds_standing="đang bị xem xét hoặc thi hành kỷ luật",
    confidential=True,
    considering=frozenset({*CONSIDERING, "deferred"}),
)
