"""Probation (12 months from the ceremony), recognition as an official member, and removal from
the probationary list (§2(b), forms 10-KNĐ…16-KNĐ)."""

from __future__ import annotations

from states import guards as sg
from states import probation_guards as g
from states.fields import Field
from states.guards import (
    meeting_vote_fields,
    vote_below_threshold,
    vote_consistent,
    vote_reaches_threshold,
)
from states.rules import PROBATION_FORMS
from states.spec import DeadlineSpec, Level, ProcedureSpec, Role, TransitionSpec

KEY = "probation"

STATES = {
    "in_probation": "Đang trong thời kỳ dự bị",
    "awaiting_cell_review": "Hết thời kỳ dự bị, chờ chi bộ xét",
    "cell_proposed": "Chi bộ đã có nghị quyết đề nghị",
    "subcommittee_appraised": "Đảng ủy bộ phận đã thẩm định",
    "grassroots_proposed": "Đảng ủy cơ sở đã đề nghị",
    "escalated": "Ba lần biểu quyết không đạt, báo cáo cấp trên",
    "department_appraised": "Ban Tổ chức đã thẩm định, trình Ban Thường vụ",
    "official": "Đã công nhận đảng viên chính thức",
    "removed": "Đã xóa tên trong danh sách đảng viên dự bị",
}
FINALS = frozenset({"official", "removed"})

# fmt: off
DURING = ("in_probation", "awaiting_cell_review")
PROPOSED = ("cell_proposed", "subcommittee_appraised", "grassroots_proposed",
            "department_appraised")
OPEN = (*DURING, *PROPOSED, "escalated")

CELL = frozenset({Role.CELL_SECRETARY})
CELL_UP = frozenset({Role.CELL_SECRETARY, Role.GRASSROOTS_STAFF, Role.DEPARTMENT_STAFF})
COMMITTEES = frozenset({Role.GRASSROOTS_STAFF, Role.DEPARTMENT_STAFF})
GRASSROOTS = frozenset({Role.GRASSROOTS_STAFF})
DEPARTMENT = frozenset({Role.DEPARTMENT_STAFF})
SIGNER = frozenset({Role.SIGNER})

PROPOSALS = (("recognition", "Công nhận đảng viên chính thức"),
             ("removal", "Xóa tên trong danh sách đảng viên dự bị"))
REASON = Field("reason", "Lý do đề nghị xóa tên (ghi khi đề nghị xóa tên)", "text",
               required=False, max_length=2000)
PROPOSAL = Field("proposal", "Nội dung biểu quyết", "choice", choices=PROPOSALS)
DOCUMENT = (Field("document", "Loại giấy tờ", "choice", choices=tuple(
    (k, f"{code} – {title}") for k, (code, title) in PROBATION_FORMS.items()
    if k in ("self_review", "helper_assessment", "opinions"))),
    Field("note", "Ghi chú", "text", required=False, max_length=2000))
CERTIFICATE = (Field("certificate_number", "Số giấy chứng nhận", "line", max_length=40),
               Field("issuer", "Cơ quan cấp", "line", max_length=200,
                     default_from="upper_standing_committee"))
HELPERS = (Field("helpers", "Đảng viên chính thức được phân công giúp đỡ", "rows", min_rows=1,
                 max_rows=2, rows=(Field("member", "Đảng viên", "member"),)),)
END_CHOICE = (Field("end", "Ngày kết thúc thời kỳ dự bị", "choice", choices=(
    ("clamped", "Ngày cuối tháng 2 (28/02)"), ("march_first", "Ngày 01/03"))),)
CELL_VOTE = meeting_vote_fields("Tổng số đảng viên chính thức của chi bộ", exclusions=True,
                                count_of="cell_official_members")
COMMITTEE_VOTE = meeting_vote_fields("Tổng số ủy viên đảng ủy", exclusions=False)
STANDING_VOTE = sg.standing_vote_fields()
APPRAISAL = (Field("reference", "Số, ký hiệu văn bản", "line", required=False, max_length=60),
             Field("opinion", "Ý kiến thẩm định", "text", max_length=2000))
EXEMPTION = Field("certificate_exemption",
                  "Lý do chưa có giấy chứng nhận lớp đảng viên mới (nếu có)", "line",
                  required=False, max_length=200)
OPINION = Field("opinion", "Ý kiến thẩm định, đề xuất", "text", max_length=4000)
EXTENSION = (Field("days", "Số ngày làm việc gia hạn", "int", min=1, max=30),
             Field("reason", "Lý do", "text", max_length=2000))
RETURN = (Field("reason", "Lý do", "text", max_length=2000),)


def _t(trigger, sources, dest, roles, level, label, event_label, **kw) -> TransitionSpec:
    sources = (sources,) if isinstance(sources, str) else tuple(sources)
    return TransitionSpec(trigger, sources, dest, roles, level, label, event_label, **kw)


def _decide_by_grassroots(source: str, proposal: str, dest: str, kind: str, effect: str):
    return _t("decide_by_grassroots", source, dest, SIGNER, Level.GRASSROOTS,
              "Đảng ủy cơ sở được ủy quyền ra quyết định", "Ngày ký quyết định",
              fields=COMMITTEE_VOTE, exact=True, reauth=True, closes=("decision",),
              guards=(sg.grassroots_authorized, g.proposal_is(proposal), vote_consistent,
                      vote_reaches_threshold, g.documents_present("grassroots")),
              effects=("record_vote:grassroots", f"issue_decision:{kind}@grassroots", effect))


TRANSITIONS: tuple[TransitionSpec, ...] = (
    # during probation: the dossier, the new-member class, the helpers
    _t("record_document", OPEN, None, CELL_UP, Level.CELL, "Ghi nhận giấy tờ hồ sơ",
       "Ngày nhận", fields=DOCUMENT, effects=("record_document",), kind="record"),
    _t("record_new_member_certificate", OPEN, None, CELL_UP, Level.CELL,
       "Ghi giấy chứng nhận lớp đảng viên mới", "Ngày cấp giấy chứng nhận",
       fields=CERTIFICATE, effects=("record_certificate:new_member",), kind="record"),
    _t("assign_helper", DURING, None, CELL, Level.CELL, "Phân công đảng viên giúp đỡ",
       "Ngày chi bộ phân công", fields=HELPERS, effects=("assign_helpers",), kind="record"),
    _t("confirm_probation_end", DURING, None, COMMITTEES, Level.GRASSROOTS,
       "Xác nhận ngày kết thúc thời kỳ dự bị (vào Đảng ngày 29/02)", "Ngày xác nhận",
       fields=END_CHOICE, guards=(g.end_needs_review,), effects=("confirm_probation_end",),
       kind="record"),
    _t("end_probation", "in_probation", "awaiting_cell_review", CELL_UP, Level.CELL,
       "Ghi nhận hết thời kỳ dự bị", "Ngày ghi nhận", guards=(g.end_confirmed, g.probation_over),
       effects=("end_probation",), closes=("probation_end",), opens=("cell_review",),
       awaited="probation_end", auto=True,
       help="Hệ thống tự ghi nhận hằng ngày khi đủ 12 tháng; có thể ghi sớm hơn bằng tay."),
    # the cell's meeting, up to three inconclusive votes
    _t("record_cell_resolution", "awaiting_cell_review", "cell_proposed", CELL, Level.CELL,
       "Ghi nghị quyết chi bộ (13-KNĐ)", "Ngày họp chi bộ",
       fields=(PROPOSAL, REASON, *CELL_VOTE),
       guards=(g.end_confirmed, g.probation_over, g.removal_reason_given, vote_consistent,
               vote_reaches_threshold),
       effects=("record_vote:cell", "set_proposal"), closes=("cell_review",),
       opens=("decision",)),
    _t("record_inconclusive_vote", "awaiting_cell_review", None, CELL, Level.CELL,
       "Ghi kết quả biểu quyết không đạt 2/3", "Ngày họp chi bộ", fields=(PROPOSAL, *CELL_VOTE),
       guards=(g.below_vote_limit, g.probation_over, vote_consistent, vote_below_threshold),
       effects=("record_vote:cell",), kind="record"),
    _t("record_inconclusive_vote", "awaiting_cell_review", "escalated", CELL, Level.CELL,
       "Ghi kết quả biểu quyết không đạt 2/3", "Ngày họp chi bộ", fields=(PROPOSAL, *CELL_VOTE),
       guards=(g.reaches_vote_limit, g.probation_over, vote_consistent, vote_below_threshold),
       effects=("record_vote:cell",), closes=("cell_review",), kind="side",
       help="Lần thứ ba không đạt: báo cáo đầy đủ kết quả lên cấp ủy cấp trên xem xét."),
    # the committees above
    _t("appraise_by_subcommittee", "cell_proposed", "subcommittee_appraised", GRASSROOTS,
       Level.SUBCOMMITTEE, "Đảng ủy bộ phận thẩm định (14-KNĐ)", "Ngày thẩm định",
       fields=APPRAISAL, guards=(sg.under_subcommittee,), exact=True,
       effects=("record_document:subcommittee_report",)),
    _t("record_grassroots_resolution", "cell_proposed", "grassroots_proposed", GRASSROOTS,
       Level.GRASSROOTS, "Ghi nghị quyết đảng ủy cơ sở (15-KNĐ)", "Ngày họp đảng ủy",
       fields=COMMITTEE_VOTE, effects=("record_vote:grassroots",),
       guards=(sg.has_grassroots_committee, sg.not_under_subcommittee,
               sg.grassroots_not_authorized, vote_consistent)),
    _t("record_grassroots_resolution", "subcommittee_appraised", "grassroots_proposed",
       GRASSROOTS, Level.GRASSROOTS, "Ghi nghị quyết đảng ủy cơ sở (15-KNĐ)", "Ngày họp đảng ủy",
       fields=COMMITTEE_VOTE, effects=("record_vote:grassroots",),
       guards=(sg.grassroots_not_authorized, vote_consistent)),
    *(_decide_by_grassroots(source, proposal, dest, kind, effect)
      for source in ("cell_proposed", "subcommittee_appraised")
      for proposal, dest, kind, effect in (
          ("recognition", "official", "recognition", "make_official"),
          ("removal", "removed", "removal_probationary", "mark_removed"))),
    _t("appraise_by_department", "grassroots_proposed", "department_appraised", DEPARTMENT,
       Level.UPPER, "Thẩm định, trình Ban Thường vụ", "Ngày thẩm định",
       fields=(OPINION, EXEMPTION),
       guards=(g.documents_present("department"), g.new_member_class_done),
       effects=("record_proposal", "draft_proposed_decision")),
    _t("appraise_by_department", "cell_proposed", "department_appraised", DEPARTMENT,
       Level.UPPER, "Thẩm định, trình Ban Thường vụ", "Ngày thẩm định",
       fields=(OPINION, EXEMPTION),
       guards=(sg.is_grassroots_cell, g.documents_present("department"),
               g.new_member_class_done),
       effects=("record_proposal", "draft_proposed_decision")),
    _t("appraise_escalated", "escalated", "department_appraised", DEPARTMENT, Level.UPPER,
       "Thẩm định, đề xuất cấp trên quyết định", "Ngày thẩm định",
       fields=(PROPOSAL, REASON, OPINION, EXEMPTION),
       guards=(g.removal_reason_given, g.new_member_class_done),
       effects=("set_proposal", "record_proposal", "draft_proposed_decision"), opens=("decision",)),
    _t("approve_recognition", "department_appraised", "official", SIGNER, Level.UPPER,
       "Phê duyệt quyết định công nhận đảng viên chính thức (16-KNĐ)",
       "Ngày họp Ban Thường vụ, ký quyết định", fields=STANDING_VOTE,
       guards=(g.proposal_is("recognition"), sg.signer_not_proposer, sg.standing_vote_carries),
       reauth=True, preview="recognition", meeting=True,
       effects=("record_standing_vote", "issue_decision:recognition@upper", "make_official"),
       closes=("decision",)),
    _t("approve_removal", "department_appraised", "removed", SIGNER, Level.UPPER,
       "Phê duyệt quyết định xóa tên trong danh sách đảng viên dự bị",
       "Ngày họp Ban Thường vụ, ký quyết định", fields=STANDING_VOTE,
       guards=(g.proposal_is("removal"), sg.signer_not_proposer, sg.standing_vote_carries),
       reauth=True, preview="removal_probationary", meeting=True,
       effects=("record_standing_vote", "issue_decision:removal_probationary@upper",
                "mark_removed"),
       closes=("decision",)),
    _t("extend_decision_deadline", (*PROPOSED, "escalated"), None, DEPARTMENT | SIGNER,
       Level.UPPER, "Gia hạn thời hạn quyết định", "Ngày quyết định gia hạn", fields=EXTENSION,
       guards=(sg.extension_available("probation.decision_extension_working_days"),),
       effects=("extend_deadline:decision",), kind="record"),
    _t("return_for_correction", PROPOSED, "awaiting_cell_review", COMMITTEES,
       Level.SUBCOMMITTEE, "Trả lại để chi bộ xem xét lại", "Ngày trả lại", fields=RETURN,
       cancels=("decision",), effects=("clear_proposal",), kind="side"),
)
# fmt: on

DEADLINES = {
    "probation_end": DeadlineSpec(
        "probation_end",
        "Hết thời kỳ dự bị (12 tháng)",
        "probation.months",
        unit="months",
        alerts=False,
    ),
    "cell_review": DeadlineSpec(
        "cell_review",
        "Chi bộ xét công nhận chính thức",
        "probation.cell_review_working_days",
        start_field="probation_end",
    ),
    "decision": DeadlineSpec(
        "decision",
        "Ra quyết định công nhận hoặc xóa tên",
        "probation.decision_working_days",
        "probation.decision_extension_working_days",
    ),
}

SPEC = ProcedureSpec(
    key=KEY,
    label="Dự bị và công nhận đảng viên chính thức",
    states=STATES,
    initial="in_probation",
    finals=FINALS,
    transitions=TRANSITIONS,
    deadlines=DEADLINES,
    open_label="Bắt đầu thời kỳ dự bị (lễ kết nạp)",
    open_deadlines=("probation_end",),
    open_effects=("start_probation",),
    opened_for="probationary",
)
