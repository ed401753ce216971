"""Admission: from the cell's source list to the admission ceremony (§2(a), forms 1-KNĐ…9-KNĐ)."""

from __future__ import annotations

from states import admission_guards as g
from states.fields import Field
from states.guards import (
    meeting_vote_fields,
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

#: states before the decision, where the dossier can still be returned, paused or withdrawn
BEFORE_DECISION = (
    "source_list",
    "in_awareness_class",
    "certified",
    "preparing_dossier",
    "under_verification",
    "awaiting_cell_meeting",
    "cell_resolved",
    "subcommittee_appraised",
    "grassroots_resolved",
    "department_appraised",
)
AFTER_VERIFICATION = (
    "awaiting_cell_meeting",
    "cell_resolved",
    "subcommittee_appraised",
    "grassroots_resolved",
    "department_appraised",
)
DECISION_PENDING = (
    "cell_resolved",
    "subcommittee_appraised",
    "grassroots_resolved",
    "department_appraised",
)
PAUSABLE = BEFORE_DECISION

CELL = frozenset({Role.CELL_SECRETARY})
CELL_UP = frozenset({Role.CELL_SECRETARY, Role.GRASSROOTS_STAFF, Role.DEPARTMENT_STAFF})
COMMITTEES = frozenset({Role.GRASSROOTS_STAFF, Role.DEPARTMENT_STAFF})

REASON = Field("reason", "Lý do", "text", max_length=2000)
NOTE = Field("note", "Ghi chú", "text", required=False, max_length=2000)
REFERENCE = Field("reference", "Số, ký hiệu văn bản", "line", required=False, max_length=60)
DOCUMENT_CHOICES = tuple(
    (key, f"{code} – {title}")
    for key, (code, title) in ADMISSION_FORMS.items()
    if key
    in (
        "biography",
        "sponsor_letter",
        "union_resolution",
        "trade_union_resolution",
        "opinions",
        "application",
    )
)
VOTE_FIELDS = meeting_vote_fields("Tổng số đảng viên chính thức của chi bộ", exclusions=True)
COMMITTEE_VOTE_FIELDS = meeting_vote_fields("Tổng số ủy viên đảng ủy", exclusions=False)
CELL_MEETING_GUARDS = (
    g.age_in_range,
    g.education_sufficient,
    g.certificate_valid,
    g.sponsors_qualified,
    g.documents_present("cell"),
)


def _t(trigger, sources, dest, roles, level, label, event_label, **kw) -> TransitionSpec:
    if isinstance(sources, str):
        sources = (sources,)
    return TransitionSpec(
        trigger, tuple(sources), dest, frozenset(roles), level, label, event_label, **kw
    )


TRANSITIONS: tuple[TransitionSpec, ...] = (
    _t(
        "enroll_awareness_class",
        ("source_list", "certificate_expired"),
        "in_awareness_class",
        CELL,
        Level.CELL,
        "Ghi nhận đi học lớp nhận thức về Đảng",
        "Ngày khai giảng lớp",
        fields=(Field("class_name", "Tên lớp, khóa học", "line", max_length=200),),
    ),
    _t(
        "record_certificate",
        "in_awareness_class",
        "certified",
        CELL,
        Level.CELL,
        "Ghi giấy chứng nhận",
        "Ngày cấp giấy chứng nhận",
        effects=("record_certificate",),
        fields=(
            Field("certificate_number", "Số giấy chứng nhận", "line", max_length=40),
            Field("issuer", "Cơ quan cấp", "line", max_length=200),
        ),
    ),
    _t(
        "submit_application",
        "certified",
        "preparing_dossier",
        CELL,
        Level.CELL,
        "Nộp đơn xin vào Đảng và lý lịch",
        "Ngày nộp đơn (1-KNĐ) và lý lịch (2-KNĐ)",
        guards=(g.education_sufficient,),
        effects=("submit_application",),
        help="Ghi nhận đơn xin vào Đảng (1-KNĐ) và lý lịch người xin vào Đảng (2-KNĐ).",
    ),
    _t(
        "record_sponsors",
        ("preparing_dossier", "under_verification", "awaiting_cell_meeting"),
        None,
        CELL,
        Level.CELL,
        "Ghi người giới thiệu",
        "Ngày nhận giấy giới thiệu",
        guards=(g.sponsor_rows_match_route,),
        effects=("record_sponsors",),
        kind="record",
        fields=(
            Field("route", "Hình thức giới thiệu", "choice", choices=g.SPONSOR_ROUTES),
            Field(
                "sponsors",
                "Người giới thiệu",
                "rows",
                min_rows=1,
                max_rows=2,
                rows=(
                    Field("member", "Đảng viên chính thức", "member"),
                    Field("together_since", "Cùng công tác, học tập, sinh hoạt từ ngày", "date"),
                    Field(
                        "replacement",
                        "Người được chi bộ phân công thay thế",
                        "bool",
                        required=False,
                    ),
                ),
            ),
            Field(
                "union_resolution_number",
                "Số nghị quyết của Đoàn/Công đoàn (nếu có)",
                "line",
                required=False,
                max_length=40,
            ),
        ),
    ),
    _t(
        "record_document",
        BEFORE_DECISION[3:],
        None,
        CELL_UP,
        Level.CELL,
        "Ghi nhận giấy tờ hồ sơ",
        "Ngày nhận",
        effects=("record_document",),
        kind="record",
        fields=(Field("document", "Loại giấy tờ", "choice", choices=DOCUMENT_CHOICES), NOTE),
    ),
    _t(
        "start_verification",
        "preparing_dossier",
        "under_verification",
        COMMITTEES,
        Level.GRASSROOTS,
        "Gửi yêu cầu thẩm tra lý lịch",
        "Ngày gửi công văn (20-KNĐ)",
        effects=("send_verification_requests",),
        fields=(
            Field(
                "requests",
                "Nơi đề nghị thẩm tra",
                "rows",
                min_rows=1,
                max_rows=6,
                rows=(
                    Field(
                        "subject",
                        "Người được thẩm tra (bản thân, cha, mẹ…)",
                        "line",
                        max_length=100,
                    ),
                    Field("addressee", "Gửi đến (cấp ủy, địa phương)", "line", max_length=200),
                ),
            ),
        ),
    ),
    _t(
        "send_verification_request",
        "under_verification",
        None,
        COMMITTEES,
        Level.GRASSROOTS,
        "Gửi thêm yêu cầu thẩm tra",
        "Ngày gửi công văn",
        effects=("send_verification_requests",),
        kind="record",
        fields=(
            Field(
                "requests",
                "Nơi đề nghị thẩm tra",
                "rows",
                min_rows=1,
                max_rows=3,
                rows=(
                    Field("subject", "Người được thẩm tra", "line", max_length=100),
                    Field("addressee", "Gửi đến", "line", max_length=200),
                ),
            ),
        ),
    ),
    _t(
        "record_verification_answer",
        "under_verification",
        None,
        COMMITTEES,
        Level.GRASSROOTS,
        "Ghi kết quả thẩm tra",
        "Ngày nhận kết quả",
        effects=("record_verification_answer",),
        kind="record",
        fields=(
            Field("request", "Yêu cầu thẩm tra", "ref"),
            Field(
                "result",
                "Kết quả",
                "choice",
                choices=(("clear", "Không có vấn đề"), ("concern", "Có vấn đề cần làm rõ")),
            ),
            NOTE,
        ),
    ),
    _t(
        "conclude_verification",
        "under_verification",
        "awaiting_cell_meeting",
        COMMITTEES,
        Level.GRASSROOTS,
        "Kết luận thẩm tra, chứng nhận lý lịch",
        "Ngày kết luận",
        guards=(g.verification_answered, g.documents_present("verification")),
        fields=(
            Field(
                "conclusion", "Kết luận về lý lịch, tiêu chuẩn chính trị", "text", max_length=2000
            ),
        ),
    ),
    _t(
        "record_cell_resolution",
        "awaiting_cell_meeting",
        "cell_resolved",
        CELL,
        Level.CELL,
        "Ghi nghị quyết chi bộ đề nghị kết nạp (6-KNĐ)",
        "Ngày họp chi bộ",
        guards=(*CELL_MEETING_GUARDS, vote_consistent, vote_reaches_threshold),
        effects=("record_vote:cell",),
        opens=("decision",),
        fields=(
            *VOTE_FIELDS,
            Field(
                "over_age_approval",
                "Văn bản đồng ý kết nạp người trên 60 tuổi (nếu có)",
                "line",
                required=False,
                max_length=80,
            ),
        ),
    ),
    _t(
        "record_cell_rejection",
        "awaiting_cell_meeting",
        "rejected",
        CELL,
        Level.CELL,
        "Ghi kết quả chi bộ không đề nghị kết nạp",
        "Ngày họp chi bộ",
        guards=(vote_consistent, vote_below_threshold),
        effects=("record_vote:cell",),
        kind="side",
        fields=VOTE_FIELDS,
    ),
    _t(
        "appraise_by_subcommittee",
        "cell_resolved",
        "subcommittee_appraised",
        {Role.GRASSROOTS_STAFF},
        Level.SUBCOMMITTEE,
        "Đảng ủy bộ phận thẩm định (7-KNĐ)",
        "Ngày thẩm định",
        guards=(g.under_subcommittee,),
        effects=("record_document:subcommittee_report",),
        fields=(REFERENCE, Field("opinion", "Ý kiến thẩm định", "text", max_length=2000)),
    ),
    _t(
        "record_grassroots_resolution",
        "cell_resolved",
        "grassroots_resolved",
        {Role.GRASSROOTS_STAFF},
        Level.GRASSROOTS,
        "Ghi nghị quyết đảng ủy cơ sở (8-KNĐ)",
        "Ngày họp đảng ủy",
        guards=(
            g.has_grassroots_committee,
            g.not_under_subcommittee,
            g.grassroots_not_authorized,
            vote_consistent,
        ),
        effects=("record_vote:grassroots",),
        fields=COMMITTEE_VOTE_FIELDS,
        help="Nếu không đạt 2/3, kết quả đầy đủ được báo cáo lên cấp trên để quyết định.",
    ),
    _t(
        "record_grassroots_resolution",
        "subcommittee_appraised",
        "grassroots_resolved",
        {Role.GRASSROOTS_STAFF},
        Level.GRASSROOTS,
        "Ghi nghị quyết đảng ủy cơ sở (8-KNĐ)",
        "Ngày họp đảng ủy",
        guards=(g.grassroots_not_authorized, vote_consistent),
        effects=("record_vote:grassroots",),
        fields=COMMITTEE_VOTE_FIELDS,
    ),
    _t(
        "decide_by_grassroots",
        ("cell_resolved", "subcommittee_appraised"),
        "admission_decided",
        {Role.SIGNER},
        Level.GRASSROOTS,
        "Đảng ủy cơ sở được ủy quyền quyết định kết nạp",
        "Ngày ký quyết định",
        guards=(
            g.grassroots_authorized,
            vote_consistent,
            vote_reaches_threshold,
            g.documents_present("verification"),
        ),
        effects=("record_vote:grassroots", "issue_decision:grassroots"),
        closes=("decision",),
        fields=COMMITTEE_VOTE_FIELDS,
    ),
    _t(
        "appraise_by_department",
        ("grassroots_resolved", "cell_resolved"),
        "department_appraised",
        {Role.DEPARTMENT_STAFF},
        Level.UPPER,
        "Thẩm định, trình Ban Thường vụ",
        "Ngày thẩm định",
        guards=(g.documents_present("department"),),
        effects=("record_proposal",),
        fields=(Field("opinion", "Ý kiến thẩm định, đề xuất", "text", max_length=4000),),
    ),
    _t(
        "approve_admission",
        "department_appraised",
        "admission_decided",
        {Role.SIGNER},
        Level.UPPER,
        "Phê duyệt quyết định kết nạp (9-KNĐ)",
        "Ngày ký quyết định",
        guards=(g.signer_not_proposer,),
        effects=("issue_decision:upper",),
        closes=("decision",),
    ),
    _t(
        "decline_admission",
        "department_appraised",
        "rejected",
        {Role.SIGNER},
        Level.UPPER,
        "Ban Thường vụ không đồng ý kết nạp",
        "Ngày họp Ban Thường vụ",
        closes=("decision",),
        kind="side",
        fields=(REASON,),
    ),
    _t(
        "extend_decision_deadline",
        DECISION_PENDING,
        None,
        {Role.DEPARTMENT_STAFF, Role.SIGNER},
        Level.UPPER,
        "Gia hạn thời hạn quyết định",
        "Ngày quyết định gia hạn",
        guards=(g.extension_available,),
        effects=("extend_deadline:decision",),
        kind="record",
        fields=(Field("days", "Số ngày làm việc gia hạn", "int", min=1, max=30), REASON),
    ),
    _t(
        "receive_decision",
        "admission_decided",
        "awaiting_ceremony",
        CELL,
        Level.CELL,
        "Chi bộ nhận quyết định kết nạp",
        "Ngày chi bộ nhận quyết định",
        opens=("ceremony",),
        effects=("receive_decision",),
    ),
    _t(
        "approve_late_ceremony",
        "awaiting_ceremony",
        None,
        COMMITTEES,
        Level.GRASSROOTS,
        "Ghi ý kiến cấp trên đồng ý tổ chức lễ muộn",
        "Ngày cấp trên đồng ý",
        effects=("approve_late_ceremony",),
        kind="record",
        fields=(Field("reference", "Số, ký hiệu văn bản đồng ý", "line", max_length=60), REASON),
    ),
    _t(
        "hold_ceremony",
        "awaiting_ceremony",
        "admitted",
        CELL,
        Level.CELL,
        "Tổ chức lễ kết nạp",
        "Ngày tổ chức lễ kết nạp",
        guards=(g.ceremony_in_time,),
        effects=("hold_ceremony",),
        closes=("ceremony",),
        fields=(
            Field(
                "helpers",
                "Đảng viên chính thức được phân công giúp đỡ",
                "rows",
                min_rows=1,
                max_rows=2,
                rows=(Field("member", "Đảng viên", "member"),),
            ),
        ),
    ),
    # side paths
    _t(
        "return_for_correction",
        ("under_verification", *AFTER_VERIFICATION),
        "preparing_dossier",
        COMMITTEES,
        Level.SUBCOMMITTEE,
        "Trả lại để hoàn thiện hồ sơ",
        "Ngày trả lại",
        cancels=("decision",),
        kind="side",
        fields=(REASON,),
    ),
    _t(
        "return_for_reverification",
        AFTER_VERIFICATION,
        "under_verification",
        COMMITTEES,
        Level.SUBCOMMITTEE,
        "Trả lại để thẩm tra bổ sung",
        "Ngày trả lại",
        cancels=("decision",),
        kind="side",
        fields=(REASON,),
    ),
    _t(
        "pause",
        PAUSABLE,
        "paused",
        COMMITTEES,
        Level.SUBCOMMITTEE,
        "Tạm dừng xem xét",
        "Ngày tạm dừng",
        effects=("pause",),
        kind="side",
        fields=(REASON,),
    ),
    *(
        _t(
            "resume",
            "paused",
            state,
            COMMITTEES,
            Level.SUBCOMMITTEE,
            "Tiếp tục xem xét",
            "Ngày tiếp tục",
            guards=(g.paused_from(state),),
            effects=("resume",),
            kind="side",
            fields=(NOTE,),
        )
        for state in PAUSABLE
    ),
    _t(
        "reject",
        ("paused", "under_verification"),
        "rejected",
        COMMITTEES,
        Level.SUBCOMMITTEE,
        "Kết luận không đủ điều kiện kết nạp",
        "Ngày kết luận",
        cancels=("decision",),
        kind="side",
        fields=(REASON,),
    ),
    _t(
        "withdraw",
        (*BEFORE_DECISION, "paused", "certificate_expired"),
        "withdrawn",
        CELL_UP,
        Level.CELL,
        "Người vào Đảng rút hồ sơ",
        "Ngày xin rút",
        cancels=("decision",),
        kind="side",
        fields=(REASON,),
    ),
    _t(
        "expire_certificate",
        ("certified", "preparing_dossier", "under_verification", "awaiting_cell_meeting"),
        "certificate_expired",
        CELL_UP,
        Level.CELL,
        "Ghi nhận giấy chứng nhận hết hạn",
        "Ngày ghi nhận",
        guards=(g.certificate_has_expired,),
        kind="side",
    ),
)

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
    open_roles=CELL,
    open_fields=(
        Field("helper", "Đảng viên được phân công giúp đỡ", "member", required=False),
        NOTE,
    ),
)
