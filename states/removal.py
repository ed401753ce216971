"""Removal of an official member from the member list (xóa tên, §2(g); Charter Art. 8, QĐ 24
item 8.1, HD 01-HD/TW 2021 item 11.1): the cell proposes on one of five grounds, asks the member
for a self-review (up to three times), votes, and the chain above decides; from the decision's
date the member is off the lists, the card is collected and a complaint may follow within its
period."""

from __future__ import annotations

from datetime import date

from states import guards as sg
from states import leaving_guards as g
from states.fields import Field
from states.guards import meeting_vote_fields, vote_below_threshold, vote_consistent
from states.guards import vote_reaches_threshold as vote_passes
from states.rules import Setting
from states.spec import DeadlineSpec, Level, ProcedureSpec, Role, TransitionSpec

KEY = "removal"

URL_GROUNDS = "https://cusc.edu.vn/xoa-ten-khoi-danh-sach-dang-vien/"
URL_STEPS = "https://thutucphapluat.com/bai-viet/2909"
URL_DISCIPLINE = (
    "https://thuvienphapluat.vn/hoi-dap-phap-luat/3EBA1-hd-trinh-tu-thu-tuc-dang-vien-tu-"
    "nguyen-ra-khoi-dang.html"
)
#: the rule set the grounds were first judged under (QĐ 24-QĐ/TW, HD 01-HD/TW 2021)
SINCE = date(2022, 1, 18)

#: the five grounds (QĐ 24 item 8.1; Charter Art. 8), as the cell names them
GROUNDS: tuple[tuple[str, str], ...] = (
    (
        "skipped_activity",
        "Bỏ sinh hoạt đảng hoặc không đóng đảng phí ba tháng trong năm mà không có lý do chính "
        "đáng",
    ),
    ("returned_card", "Tự ý trả thẻ đảng viên hoặc tự hủy thẻ đảng viên"),
    (
        "no_progress",
        "Giảm sút ý chí phấn đấu, không thực hiện nhiệm vụ đảng viên, đã được chi bộ giáo dục "
        "nhưng sau 12 tháng phấn đấu không tiến bộ",
    ),
    ("standing_violations", "Hai năm liền vi phạm tư cách đảng viên"),
    ("political_standard", "Không bảo đảm tiêu chuẩn chính trị theo quy định của Bộ Chính trị"),
)
GROUND_SETTING = "removal.ground."

#: papers of the removal dossier, by purpose (no form codes found: "—")
FORMS = {
    "self_review_request": ("—", "Yêu cầu của chi ủy viết bản tự kiểm điểm"),
    "self_review": ("—", "Bản tự kiểm điểm của đảng viên"),
    "no_self_review": ("—", "Biên bản: đảng viên không viết bản tự kiểm điểm"),
    "cell_resolution": ("—", "Nghị quyết của chi bộ đề nghị xóa tên"),
    "subcommittee_report": ("—", "Báo cáo thẩm định của đảng ủy bộ phận"),
    "grassroots_resolution": ("—", "Nghị quyết đề nghị xóa tên của đảng ủy cơ sở"),
    "removal_decision": ("QĐ", "Quyết định xóa tên đảng viên"),
    "card_returned": ("—", "Biên bản thu hồi thẻ đảng viên"),
    "complaint": ("—", "Đơn khiếu nại của đảng viên"),
    "complaint_ruling": ("—", "Văn bản giải quyết khiếu nại"),
    "annulment": ("QĐ", "Quyết định hủy bỏ quyết định xóa tên"),
}

SETTINGS: dict[str, tuple[tuple[date, Setting], ...]] = {
    **{
        GROUND_SETTING + code: (
            (
                SINCE,
                Setting(text, f"Điều lệ Đảng, Điều 8; QĐ 24-QĐ/TW mục 8.1; {URL_GROUNDS}"),
            ),
        )
        for code, text in GROUNDS
    },
    "removal.self_review_requests": (
        (
            SINCE,
            Setting(
                3,
                "HD 01-HD/TW 2021 mục 11.1: chi ủy đã yêu cầu đến lần thứ ba mà đảng viên không "
                f"viết bản tự kiểm điểm, không dự họp thì chi bộ vẫn xem xét; {URL_STEPS}",
            ),
        ),
    ),
    "removal.complaint_working_days": (
        (
            SINCE,
            Setting(
                30,
                "Khiếu nại theo quy định của Trung ương; nguồn thứ cấp: trong 30 ngày làm việc "
                f"kể từ khi nhận quyết định; {URL_STEPS}",
                uncertain=True,
                note="Chưa đối chiếu văn bản gốc; tính từ ngày ký quyết định.",
            ),
        ),
    ),
    "removal.forms": (
        (SINCE, Setting(FORMS, f"HD 01-HD/TW 2021 mục 11.1; {URL_STEPS}", uncertain=True)),
    ),
}

STATES = {
    "proposed": "Chi bộ đề xuất xem xét xóa tên, chờ bản tự kiểm điểm",
    "awaiting_cell_meeting": "Chờ chi bộ biểu quyết",
    "cell_resolved": "Chi bộ đã có nghị quyết đề nghị xóa tên",
    "subcommittee_appraised": "Đảng ủy bộ phận đã thẩm định",
    "grassroots_resolved": "Đảng ủy cơ sở đã đề nghị",
    "department_appraised": "Ban Tổ chức đã thẩm định, trình Ban Thường vụ",
    "decided": "Đã có quyết định xóa tên (thu hồi thẻ, thời hạn khiếu nại)",
    "complaint": "Đảng viên khiếu nại, chờ giải quyết",
    "closed": "Đã xóa tên, kết thúc hồ sơ",
    "not_removed": "Chi bộ không đề nghị xóa tên",
    "withdrawn": "Đã dừng xem xét xóa tên",
    "annulled": "Quyết định xóa tên đã bị hủy bỏ, đảng viên trở lại danh sách",
}
FINALS = frozenset({"closed", "not_removed", "withdrawn", "annulled"})

CELL = frozenset({Role.CELL_SECRETARY})
CELL_UP = frozenset({Role.CELL_SECRETARY, Role.GRASSROOTS_STAFF, Role.DEPARTMENT_STAFF})
COMMITTEES = frozenset({Role.GRASSROOTS_STAFF, Role.DEPARTMENT_STAFF})
GRASSROOTS = frozenset({Role.GRASSROOTS_STAFF})
DEPARTMENT = frozenset({Role.DEPARTMENT_STAFF})
SIGNER = frozenset({Role.SIGNER})

PROPOSED = ("cell_resolved", "subcommittee_appraised", "grassroots_resolved",
            "department_appraised")  # fmt: skip
NOTE = Field("note", "Ghi chú", "text", required=False, max_length=2000)
OPEN_FIELDS = (
    Field("ground", "Căn cứ xóa tên", "choice", choices=GROUNDS),
    Field("facts", "Sự việc cụ thể (thời gian, biểu hiện, chi bộ đã giáo dục thế nào)", "text",
          max_length=4000),
)  # fmt: skip
WHY = (
    ("no_answer", "Chi ủy đã yêu cầu ba lần, đảng viên không viết, không dự họp"),
    ("refused", "Đảng viên cố tình không viết bản tự kiểm điểm"),
)
VIOLATION = Field("violation", "Đánh giá vi phạm của đảng viên", "choice", choices=g.VIOLATIONS)
CELL_VOTE = meeting_vote_fields("Tổng số đảng viên chính thức của chi bộ", exclusions=True,
                                count_of="cell_official_members")  # fmt: skip
COMMITTEE_VOTE = meeting_vote_fields("Tổng số ủy viên đảng ủy", exclusions=False)
APPRAISAL = (Field("reference", "Số, ký hiệu văn bản", "line", required=False, max_length=60),
             Field("opinion", "Ý kiến thẩm định", "text", max_length=2000))  # fmt: skip
CARD = (
    Field("card_number", "Số thẻ đảng viên thu hồi", "line", required=False, max_length=20,
          default_from="card_number"),
    NOTE,
)  # fmt: skip
COMPLAINT = (
    Field("addressee", "Nơi nhận khiếu nại", "line", max_length=200),
    Field("content", "Nội dung khiếu nại", "text", max_length=4000),
)
RULING = (
    Field("reference", "Số, ngày văn bản giải quyết khiếu nại", "line", max_length=100),
    Field("body", "Cơ quan giải quyết", "line", max_length=200),
    NOTE,
)
CLOSING = (
    Field("card_note", "Lý do chưa thu hồi được thẻ (nếu chưa thu hồi)", "text", required=False,
          max_length=2000),
    Field("dossier", "Nơi nhận hồ sơ đảng viên", "line", max_length=200,
          default_from="dossier_keeper"),
)  # fmt: skip
RETURN = (Field("reason", "Lý do", "text", max_length=2000),)
ANNULMENT = (
    Field("reference", "Số, ngày quyết định hủy bỏ quyết định xóa tên", "line", max_length=100),
    Field("body", "Cấp ra quyết định hủy bỏ", "line", max_length=200),
    NOTE,
)
REQUESTS = "removal.self_review_requests"


def _t(trigger, sources, dest, roles, level, label, event_label, **kw) -> TransitionSpec:
    sources = (sources,) if isinstance(sources, str) else tuple(sources)
    return TransitionSpec(trigger, sources, dest, roles, level, label, event_label, **kw)


#: the decision ends the membership on its date (the complaint period starts with it)
DECIDED = ("end_membership",)

# fmt: off
TRANSITIONS: tuple[TransitionSpec, ...] = (
    _t("record_request", "proposed", None, CELL, Level.CELL,
       "Ghi lần chi ủy yêu cầu viết bản tự kiểm điểm", "Ngày yêu cầu", fields=(NOTE,),
       guards=(g.below_request_limit(REQUESTS),),
       effects=("record_document:self_review_request",), kind="record"),
    _t("record_self_review", "proposed", "awaiting_cell_meeting", CELL_UP, Level.CELL,
       "Ghi nhận bản tự kiểm điểm của đảng viên", "Ngày nhận bản tự kiểm điểm", fields=(NOTE,),
       effects=("record_document:self_review",)),
    _t("proceed_without_review", "proposed", "awaiting_cell_meeting", CELL, Level.CELL,
       "Xem xét không cần bản tự kiểm điểm", "Ngày chi ủy quyết định",
       fields=(Field("why", "Căn cứ", "choice", choices=WHY), NOTE),
       guards=(g.may_proceed_without_review(REQUESTS),),
       effects=("record_document:no_self_review",), kind="side",
       help="Sau {rule:removal.self_review_requests} lần yêu cầu mà đảng viên không viết, "
            "không dự họp; hoặc đảng viên cố tình không viết: chi bộ vẫn xem xét, biểu quyết."),
    _t("record_cell_resolution", "awaiting_cell_meeting", "cell_resolved", CELL, Level.CELL,
       "Ghi nghị quyết chi bộ đề nghị xóa tên", "Ngày họp chi bộ",
       fields=(VIOLATION, *CELL_VOTE),
       guards=(g.ground_in_force(GROUND_SETTING), g.no_discipline_due, vote_consistent,
               vote_passes),
       effects=("record_vote:cell",)),
    _t("record_cell_rejection", "awaiting_cell_meeting", "not_removed", CELL, Level.CELL,
       "Ghi kết quả chi bộ không đề nghị xóa tên", "Ngày họp chi bộ",
       fields=(VIOLATION, *CELL_VOTE), guards=(vote_consistent, vote_below_threshold),
       effects=("record_vote:cell",), kind="side"),
    _t("appraise_by_subcommittee", "cell_resolved", "subcommittee_appraised", GRASSROOTS,
       Level.SUBCOMMITTEE, "Đảng ủy bộ phận thẩm định", "Ngày thẩm định", fields=APPRAISAL,
       guards=(sg.under_subcommittee,), exact=True,
       effects=("record_document:subcommittee_report",)),
    _t("record_grassroots_resolution", "cell_resolved", "grassroots_resolved", GRASSROOTS,
       Level.GRASSROOTS, "Ghi nghị quyết đảng ủy cơ sở đề nghị xóa tên", "Ngày họp đảng ủy",
       fields=COMMITTEE_VOTE, effects=("record_vote:grassroots",),
       guards=(sg.has_grassroots_committee, sg.not_under_subcommittee,
               sg.grassroots_not_authorized, vote_consistent)),
    _t("record_grassroots_resolution", "subcommittee_appraised", "grassroots_resolved",
       GRASSROOTS, Level.GRASSROOTS, "Ghi nghị quyết đảng ủy cơ sở đề nghị xóa tên",
       "Ngày họp đảng ủy", fields=COMMITTEE_VOTE, effects=("record_vote:grassroots",),
       guards=(sg.grassroots_not_authorized, vote_consistent)),
    *(_t("decide_by_grassroots", source, "decided", SIGNER, Level.GRASSROOTS,
         "Đảng ủy cơ sở được ủy quyền ra quyết định xóa tên", "Ngày ký quyết định",
         fields=COMMITTEE_VOTE, exact=True, reauth=True,
         guards=(sg.grassroots_authorized, g.ground_in_force(GROUND_SETTING), vote_consistent,
                 vote_passes),
         effects=("record_vote:grassroots", "issue_decision:removal@grassroots", *DECIDED),
         opens=("complaint",))
      for source in ("cell_resolved", "subcommittee_appraised")),
    _t("appraise_by_department", "grassroots_resolved", "department_appraised", DEPARTMENT,
       Level.UPPER, "Thẩm định, trình Ban Thường vụ", "Ngày thẩm định",
       fields=(Field("opinion", "Ý kiến thẩm định, đề xuất", "text", max_length=4000),),
       effects=("record_proposal", "draft_decision:removal")),
    _t("appraise_by_department", "cell_resolved", "department_appraised", DEPARTMENT,
       Level.UPPER, "Thẩm định, trình Ban Thường vụ", "Ngày thẩm định",
       fields=(Field("opinion", "Ý kiến thẩm định, đề xuất", "text", max_length=4000),),
       guards=(sg.is_grassroots_cell,), effects=("record_proposal", "draft_decision:removal")),
    _t("approve_removal", "department_appraised", "decided", SIGNER, Level.UPPER,
       "Phê duyệt quyết định xóa tên đảng viên", "Ngày họp Ban Thường vụ, ký quyết định",
       fields=sg.standing_vote_fields(),
       guards=(g.ground_in_force(GROUND_SETTING), sg.signer_not_proposer,
               sg.standing_vote_carries),
       reauth=True, preview="removal", meeting=True,
       effects=("record_standing_vote", "issue_decision:removal@upper", *DECIDED),
       opens=("complaint",)),
    _t("return_for_correction", PROPOSED, "awaiting_cell_meeting", COMMITTEES,
       Level.SUBCOMMITTEE, "Trả lại để chi bộ xem xét lại", "Ngày trả lại", fields=RETURN,
       effects=("discard_drafts",), kind="side"),
    _t("withdraw", ("proposed", "awaiting_cell_meeting"), "withdrawn", CELL_UP, Level.CELL,
       "Dừng xem xét xóa tên", "Ngày quyết định dừng", fields=RETURN, kind="side"),
    # after the decision
    _t("record_card_collected", ("decided", "complaint"), None, CELL_UP, Level.CELL,
       "Ghi thu hồi thẻ đảng viên", "Ngày thu hồi thẻ", fields=CARD,
       guards=(g.document_not_held("card_returned", "Đã ghi thu hồi thẻ đảng viên."),
               g.not_before_decision),
       effects=("record_document:card_returned",), kind="record"),
    _t("record_complaint", "decided", "complaint", CELL_UP, Level.CELL,
       "Ghi đơn khiếu nại của đảng viên", "Ngày nhận đơn khiếu nại", fields=COMPLAINT,
       guards=(g.within_complaint_period, g.not_before_decision),
       effects=("record_document:complaint",),
       closes=("complaint",), kind="side"),
    _t("record_complaint_ruling", "complaint", "decided", COMMITTEES, Level.GRASSROOTS,
       "Ghi kết quả giải quyết khiếu nại (giữ nguyên quyết định)", "Ngày ký văn bản giải quyết",
       fields=RULING, effects=("record_document:complaint_ruling",), kind="side",
       help="Quyết định xóa tên bị hủy thì cơ quan có thẩm quyền ra quyết định hủy bỏ (mục "
            "Văn bản); hồ sơ này ghi kết quả giữ nguyên."),
    _t("record_annulment", ("decided", "complaint"), "annulled", COMMITTEES, Level.GRASSROOTS,
       "Ghi quyết định hủy bỏ quyết định xóa tên", "Ngày ký quyết định hủy bỏ",
       fields=ANNULMENT, effects=("record_document:annulment", "restore_membership"),
       closes=("complaint",), kind="side",
       help="Khi khiếu nại được chấp nhận hoặc cấp có thẩm quyền hủy bỏ quyết định xóa tên: "
            "đảng viên trở lại danh sách của chi bộ từ ngày ký quyết định hủy bỏ, với tình "
            "trạng như trước khi bị xóa tên. Các hồ sơ khác đã đóng vì xóa tên không tự mở "
            "lại."),
    _t("close", "decided", "closed", COMMITTEES, Level.GRASSROOTS,
       "Kết thúc hồ sơ (đã thu hồi thẻ, hết thời hạn khiếu nại)", "Ngày kết thúc",
       fields=CLOSING, guards=(g.card_accounted_for, g.complaint_period_over),
       closes=("complaint",), awaited="complaint"),
)
# fmt: on

DEADLINES = {
    "complaint": DeadlineSpec(
        "complaint",
        "Thời hạn khiếu nại quyết định xóa tên",
        "removal.complaint_working_days",
        alerts=False,
    ),
}

SPEC = ProcedureSpec(
    key=KEY,
    label="Xóa tên trong danh sách đảng viên",
    states=STATES,
    initial="proposed",
    finals=FINALS,
    transitions=TRANSITIONS,
    deadlines=DEADLINES,
    open_label="Đề xuất xem xét xóa tên",
    open_fields=OPEN_FIELDS,
    open_roles=CELL,
    open_effects=("check_on_list:official", "record_ground"),
    open_event_label="Ngày chi bộ đề xuất",
    settings=SETTINGS,
    ends_membership="Đảng viên đã bị xóa tên trong danh sách đảng viên",
)
