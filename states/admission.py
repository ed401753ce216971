"""Admission: from the cell's source list to the admission ceremony (§2(a), forms 1-KNĐ…9-KNĐ)."""

from __future__ import annotations

from states import admission_guards as g
from states.fields import Field
from states.guards import (
    meeting_vote_fields,
    standing_vote_carries,
    standing_vote_fields,
    vote_below_threshold,
    vote_consistent,
    vote_reaches_threshold,
)
from states.rules import ADMISSION_FORMS
from states.spec import DeadlineSpec, Level, ProcedureSpec, Role, TransitionSpec

KEY = "admission"

STATES = {
    "source_list": "Trong danh sách nguồn",
    "in_awareness_class": "Đang học lớp nhận thức về Đảng",
    "certified": "Đã có giấy chứng nhận",
    "preparing_dossier": "Đang hoàn thiện hồ sơ",
    "under_verification": "Đang thẩm tra lý lịch",
    "awaiting_cell_meeting": "Chờ chi bộ xét",
    "cell_resolved": "Chi bộ đã đề nghị kết nạp",
    "subcommittee_appraised": "Đảng ủy bộ phận đã thẩm định",
    "grassroots_resolved": "Đảng ủy cơ sở đã đề nghị",
    "department_appraised": "Ban Tổ chức đã thẩm định, trình Ban Thường vụ",
    "admission_decided": "Đã có quyết định kết nạp",
    "awaiting_ceremony": "Chờ tổ chức lễ kết nạp",
    "admitted": "Đã kết nạp",
    "paused": "Tạm dừng",
    "certificate_expired": "Giấy chứng nhận hết hạn",
    "rejected": "Không kết nạp",
    "withdrawn": "Đã rút hồ sơ",
}
FINALS = frozenset({"admitted", "rejected", "withdrawn"})

# fmt: off
#: before the decision the dossier can still be returned, paused or withdrawn
BEFORE_DECISION = ("source_list", "in_awareness_class", "certified", "preparing_dossier",
                   "under_verification", "awaiting_cell_meeting", "cell_resolved",
                   "subcommittee_appraised", "grassroots_resolved", "department_appraised")
DOSSIER_OPEN = BEFORE_DECISION[3:]
AFTER_VERIFICATION = BEFORE_DECISION[5:]
DECISION_PENDING = BEFORE_DECISION[6:]
CERTIFIED_STATES = BEFORE_DECISION[2:6]

CELL = frozenset({Role.CELL_SECRETARY})
CELL_UP = frozenset({Role.CELL_SECRETARY, Role.GRASSROOTS_STAFF, Role.DEPARTMENT_STAFF})
COMMITTEES = frozenset({Role.GRASSROOTS_STAFF, Role.DEPARTMENT_STAFF})
GRASSROOTS = frozenset({Role.GRASSROOTS_STAFF})
DEPARTMENT = frozenset({Role.DEPARTMENT_STAFF})
SIGNER = frozenset({Role.SIGNER})

# --- the inputs of each form ---------------------------------------------------------------
REASON = (Field("reason", "Lý do", "text", max_length=2000),)
NOTE = Field("note", "Ghi chú", "text", required=False, max_length=2000)
CLASS = (Field("training_class", "Lớp bồi dưỡng nhận thức về Đảng", "ref", required=False,
               source="awareness_classes",
               help="Các lớp nhận thức về Đảng đã mở, chưa bế giảng; người được cử vào danh "
                    "sách lớp (chờ Ban Tổ chức nhận)."),
         Field("class_name", "Hoặc: lớp do cơ quan khác tổ chức (tên lớp, khóa học, nếu có)",
               "line", required=False, max_length=200,
               help="Chỉ ghi khi người vào Đảng học lớp của trung tâm chính trị hoặc cơ quan "
                    "khác, không có trong danh sách lớp."))
CERTIFICATE = (Field("certificate_number", "Số giấy chứng nhận", "line", max_length=40),
               Field("issuer", "Cơ quan cấp", "line", max_length=200,
                     default_from="upper_standing_committee"))
SPONSORS = (
    Field("route", "Hình thức giới thiệu", "choice", choices=g.SPONSOR_ROUTES),
    Field("sponsors", "Người giới thiệu", "rows", min_rows=1, max_rows=2, rows=(
        Field("member", "Đảng viên chính thức", "member"),
        Field("together_since", "Cùng công tác, học tập, sinh hoạt từ ngày", "date"),
        Field("replacement", "Người được chi bộ phân công thay thế", "bool", required=False))),
    Field("union_resolution_number", "Số nghị quyết của Đoàn/Công đoàn (nếu có)", "line",
          required=False, max_length=40),
)
DOCUMENT = (Field("document", "Loại giấy tờ", "choice", choices=tuple(
    (key, f"{code} – {title}") for key, (code, title) in ADMISSION_FORMS.items()
    if key in ("application", "biography", "sponsor_letter", "union_resolution",
               "trade_union_resolution", "opinions"))), NOTE)
REQUESTS = (Field("requests", "Nơi đề nghị thẩm tra", "rows", min_rows=1, max_rows=6, rows=(
    Field("subject", "Người được thẩm tra (bản thân, cha, mẹ…)", "line", max_length=100),
    Field("addressee", "Gửi đến (cấp ủy, địa phương)", "line", max_length=200))),)
ANSWER = (Field("request", "Yêu cầu thẩm tra", "ref", source="pending_requests"),
          Field("result", "Kết quả", "choice",
                choices=(("clear", "Không có vấn đề"), ("concern", "Có vấn đề cần làm rõ"))),
          NOTE)
CONCLUSION = (Field("conclusion", "Kết luận về lý lịch, tiêu chuẩn chính trị", "text",
                    max_length=2000),)
CELL_VOTE = meeting_vote_fields("Tổng số đảng viên chính thức của chi bộ", exclusions=True,
                                count_of="cell_official_members")
OVER_AGE = Field("over_age_approval", "Văn bản đồng ý kết nạp người trên 60 tuổi (nếu có)",
                 "line", required=False, max_length=80)
COMMITTEE_VOTE = meeting_vote_fields("Tổng số ủy viên đảng ủy", exclusions=False)
STANDING_VOTE = standing_vote_fields()
APPRAISAL = (Field("reference", "Số, ký hiệu văn bản", "line", required=False, max_length=60),
             Field("opinion", "Ý kiến thẩm định", "text", max_length=2000))
PROPOSAL = (Field("opinion", "Ý kiến thẩm định, đề xuất", "text", max_length=4000),)
EXTENSION = (Field("days", "Số ngày làm việc gia hạn", "int", min=1, max=30), *REASON)
LATE_APPROVAL = (Field("reference", "Số, ký hiệu văn bản đồng ý", "line", max_length=60),
                 *REASON)
HELPERS = (Field("helpers", "Đảng viên chính thức được phân công giúp đỡ", "rows", min_rows=1,
                 max_rows=2, rows=(Field("member", "Đảng viên", "member"),)),)

CELL_MEETING_GUARDS = (g.age_in_range, g.education_sufficient, g.certificate_valid,
                       g.sponsors_qualified, g.documents_present("cell"))


def _t(trigger, sources, dest, roles, level, label, event_label, **kw) -> TransitionSpec:
    sources = (sources,) if isinstance(sources, str) else tuple(sources)
    return TransitionSpec(trigger, sources, dest, roles, level, label, event_label, **kw)


# --- the graph: trigger, from, to, who, acting level, label, what the event date means ---
TRANSITIONS: tuple[TransitionSpec, ...] = (
    _t("enroll_awareness_class", ("source_list", "certificate_expired"), "in_awareness_class",
       CELL, Level.CELL, "Cử đi học lớp bồi dưỡng nhận thức về Đảng", "Ngày cử đi học",
       fields=CLASS, guards=(g.class_named,), effects=("send_to_class",)),
    _t("take_class_certificate", "in_awareness_class", "certified", CELL, Level.CELL,
       "Ghi nhận giấy chứng nhận của lớp đã học", "Ngày ghi nhận",
       guards=(g.certificate_held,),
       help="Giấy chứng nhận do lớp cấp (số, ngày cấp) đã có trong hồ sơ của người vào Đảng."),
    _t("record_certificate", "in_awareness_class", "certified", CELL, Level.CELL,
       "Ghi giấy chứng nhận", "Ngày cấp giấy chứng nhận", fields=CERTIFICATE,
       effects=("record_certificate",),
       help="Giấy chứng nhận do cơ quan khác cấp (trung tâm chính trị…), không qua lớp trong "
            "danh sách lớp."),
    _t("submit_application", "certified", "preparing_dossier", CELL, Level.CELL,
       "Nộp đơn xin vào Đảng và lý lịch", "Ngày nộp đơn (1-KNĐ) và lý lịch (2-KNĐ)",
       guards=(g.education_sufficient,), effects=("submit_application",),
       help="Ghi nhận đơn xin vào Đảng (1-KNĐ) và lý lịch người xin vào Đảng (2-KNĐ)."),
    _t("record_sponsors", DOSSIER_OPEN[:3], None, CELL, Level.CELL, "Ghi người giới thiệu",
       "Ngày nhận giấy giới thiệu", fields=SPONSORS, guards=(g.sponsor_rows_match_route,),
       effects=("record_sponsors",), kind="record"),
    _t("record_document", DOSSIER_OPEN, None, CELL_UP, Level.CELL, "Ghi nhận giấy tờ hồ sơ",
       "Ngày nhận", fields=DOCUMENT, effects=("record_document",), kind="record"),
    _t("start_verification", "preparing_dossier", "under_verification", COMMITTEES,
       Level.GRASSROOTS, "Gửi yêu cầu thẩm tra lý lịch", "Ngày gửi công văn (20-KNĐ)",
       fields=REQUESTS, effects=("send_verification_requests",)),
    _t("send_verification_request", "under_verification", None, COMMITTEES, Level.GRASSROOTS,
       "Gửi thêm yêu cầu thẩm tra", "Ngày gửi công văn", fields=REQUESTS,
       effects=("send_verification_requests",), kind="record"),
    _t("record_verification_answer", "under_verification", None, COMMITTEES, Level.GRASSROOTS,
       "Ghi kết quả thẩm tra", "Ngày nhận kết quả", fields=ANSWER,
       effects=("record_verification_answer",), kind="record"),
    _t("conclude_verification", "under_verification", "awaiting_cell_meeting", COMMITTEES,
       Level.GRASSROOTS, "Kết luận thẩm tra, chứng nhận lý lịch", "Ngày kết luận",
       fields=CONCLUSION, guards=(g.verification_answered, g.documents_present("verification"))),
    _t("record_cell_resolution", "awaiting_cell_meeting", "cell_resolved", CELL, Level.CELL,
       "Ghi nghị quyết chi bộ đề nghị kết nạp (6-KNĐ)", "Ngày họp chi bộ",
       fields=(*CELL_VOTE, OVER_AGE), guards=(*CELL_MEETING_GUARDS, vote_consistent,
                                              vote_reaches_threshold),
       effects=("record_vote:cell",), opens=("decision",)),
    _t("record_cell_rejection", "awaiting_cell_meeting", "rejected", CELL, Level.CELL,
       "Ghi kết quả chi bộ không đề nghị kết nạp", "Ngày họp chi bộ", fields=CELL_VOTE,
       guards=(vote_consistent, vote_below_threshold), effects=("record_vote:cell",),
       kind="side"),
    _t("appraise_by_subcommittee", "cell_resolved", "subcommittee_appraised", GRASSROOTS,
       Level.SUBCOMMITTEE, "Đảng ủy bộ phận thẩm định (7-KNĐ)", "Ngày thẩm định",
       fields=APPRAISAL, guards=(g.under_subcommittee,), exact=True,
       effects=("record_document:subcommittee_report",)),
    _t("record_grassroots_resolution", "cell_resolved", "grassroots_resolved", GRASSROOTS,
       Level.GRASSROOTS, "Ghi nghị quyết đảng ủy cơ sở (8-KNĐ)", "Ngày họp đảng ủy",
       fields=COMMITTEE_VOTE, effects=("record_vote:grassroots",),
       guards=(g.has_grassroots_committee, g.not_under_subcommittee,
               g.grassroots_not_authorized, vote_consistent),
       help="Nếu không đạt 2/3, kết quả đầy đủ được báo cáo lên cấp trên để quyết định."),
    _t("record_grassroots_resolution", "subcommittee_appraised", "grassroots_resolved",
       GRASSROOTS, Level.GRASSROOTS, "Ghi nghị quyết đảng ủy cơ sở (8-KNĐ)", "Ngày họp đảng ủy",
       fields=COMMITTEE_VOTE, effects=("record_vote:grassroots",),
       guards=(g.grassroots_not_authorized, vote_consistent)),
    _t("decide_by_grassroots", ("cell_resolved", "subcommittee_appraised"), "admission_decided",
       SIGNER, Level.GRASSROOTS, "Đảng ủy cơ sở được ủy quyền quyết định kết nạp",
       "Ngày ký quyết định", fields=COMMITTEE_VOTE, exact=True, closes=("decision",),
       reauth=True,
       guards=(g.grassroots_authorized, vote_consistent, vote_reaches_threshold,
               g.documents_present("verification")),
       effects=("record_vote:grassroots", "issue_decision:admission@grassroots")),
    _t("decline_by_grassroots", ("cell_resolved", "subcommittee_appraised"), "rejected",
       SIGNER, Level.GRASSROOTS, "Đảng ủy cơ sở được ủy quyền quyết định không kết nạp",
       "Ngày họp đảng ủy", fields=(*COMMITTEE_VOTE, *REASON), exact=True,
       closes=("decision",), guards=(g.grassroots_authorized, vote_consistent,
                                      vote_below_threshold),
       effects=("record_vote:grassroots",), kind="side"),
    _t("appraise_by_department", "grassroots_resolved", "department_appraised", DEPARTMENT,
       Level.UPPER, "Thẩm định, trình Ban Thường vụ", "Ngày thẩm định", fields=PROPOSAL,
       guards=(g.documents_present("department"),),
       effects=("record_proposal", "draft_decision:admission")),
    _t("appraise_by_department", "cell_resolved", "department_appraised", DEPARTMENT,
       Level.UPPER, "Thẩm định, trình Ban Thường vụ", "Ngày thẩm định", fields=PROPOSAL,
       guards=(g.is_grassroots_cell, g.documents_present("department")),
       effects=("record_proposal", "draft_decision:admission")),
    _t("approve_admission", "department_appraised", "admission_decided", SIGNER, Level.UPPER,
       "Phê duyệt quyết định kết nạp (9-KNĐ)", "Ngày họp Ban Thường vụ, ký quyết định",
       fields=STANDING_VOTE, guards=(g.signer_not_proposer, standing_vote_carries),
       effects=("record_standing_vote", "issue_decision:admission@upper"),
       closes=("decision",), reauth=True, preview="admission", meeting=True),
    _t("decline_admission", "department_appraised", "rejected", SIGNER, Level.UPPER,
       "Ban Thường vụ không đồng ý kết nạp", "Ngày họp Ban Thường vụ", fields=REASON,
       closes=("decision",), kind="side"),
    _t("extend_decision_deadline", DECISION_PENDING, None, DEPARTMENT | SIGNER, Level.UPPER,
       "Gia hạn thời hạn quyết định", "Ngày quyết định gia hạn", fields=EXTENSION,
       guards=(g.extension_available("admission.decision_extension_working_days"),),
       effects=("extend_deadline:decision",), kind="record"),
    _t("receive_decision", "admission_decided", "awaiting_ceremony", CELL, Level.CELL,
       "Chi bộ nhận quyết định kết nạp", "Ngày chi bộ nhận quyết định", opens=("ceremony",),
       effects=("receive_decision",)),
    _t("approve_late_ceremony", "awaiting_ceremony", None, COMMITTEES, Level.GRASSROOTS,
       "Ghi ý kiến cấp trên đồng ý tổ chức lễ muộn", "Ngày cấp trên đồng ý",
       fields=LATE_APPROVAL, effects=("approve_late_ceremony",), kind="record"),
    _t("hold_ceremony", "awaiting_ceremony", "admitted", CELL, Level.CELL, "Tổ chức lễ kết nạp",
       "Ngày tổ chức lễ kết nạp", fields=HELPERS, guards=(g.ceremony_in_time,),
       effects=("hold_ceremony", "open_probation"), closes=("ceremony",)),
    # side paths: returns, pauses and exits
    _t("return_for_correction", ("under_verification", *AFTER_VERIFICATION), "preparing_dossier",
       COMMITTEES, Level.SUBCOMMITTEE, "Trả lại để hoàn thiện hồ sơ", "Ngày trả lại",
       fields=REASON, cancels=("decision",), kind="side"),
    _t("return_for_reverification", AFTER_VERIFICATION, "under_verification", COMMITTEES,
       Level.SUBCOMMITTEE, "Trả lại để thẩm tra bổ sung", "Ngày trả lại", fields=REASON,
       cancels=("decision",), kind="side"),
    _t("pause", BEFORE_DECISION, "paused", COMMITTEES, Level.SUBCOMMITTEE, "Tạm dừng xem xét",
       "Ngày tạm dừng", fields=REASON, effects=("pause",), kind="side"),
    *(_t("resume", "paused", state, COMMITTEES, Level.SUBCOMMITTEE, "Tiếp tục xem xét",
         "Ngày tiếp tục", fields=(NOTE,), guards=(g.paused_from(state),), effects=("resume",),
         kind="side", awaited=True)
      for state in BEFORE_DECISION),
    _t("reject", ("paused", "under_verification"), "rejected", COMMITTEES, Level.SUBCOMMITTEE,
       "Kết luận không đủ điều kiện kết nạp", "Ngày kết luận", fields=REASON,
       cancels=("decision",), kind="side"),
    _t("withdraw", (*BEFORE_DECISION, "paused", "certificate_expired"), "withdrawn", CELL_UP,
       Level.CELL, "Người vào Đảng rút hồ sơ", "Ngày xin rút", fields=REASON,
       cancels=("decision",), kind="side"),
    _t("expire_certificate", CERTIFIED_STATES, "certificate_expired", CELL_UP, Level.CELL,
       "Ghi nhận giấy chứng nhận hết hạn", "Ngày ghi nhận",
       guards=(g.certificate_has_expired,), kind="side"),
)
# fmt: on

DEADLINES = {
    "decision": DeadlineSpec(
        "decision",
        "Ra quyết định kết nạp",
        "admission.decision_working_days",
        "admission.decision_extension_working_days",
    ),
    "ceremony": DeadlineSpec("ceremony", "Tổ chức lễ kết nạp", "admission.ceremony_working_days"),
}

SPEC = ProcedureSpec(
    key=KEY,
    label="Kết nạp đảng viên",
    states=STATES,
    initial="source_list",
    finals=FINALS,
    transitions=TRANSITIONS,
    deadlines=DEADLINES,
    open_label="Đưa vào danh sách nguồn (cảm tình Đảng)",
    subject_label="Thông tin người vào Đảng",
    pipeline=True,
    open_roles=CELL,
    open_effects=("assign_source_helper",),
    open_fields=(
        Field("helper", "Đảng viên được phân công giúp đỡ", "member", required=False),
        NOTE,
    ),
)
