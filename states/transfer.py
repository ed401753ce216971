"""Official transfer of party activity out of a member's organization: to another grassroots
organization of the committee, or out of the committee (§2(c), HD 12-2022 Part II item 3)."""

from __future__ import annotations

from states import guards as sg
from states import transfer_guards as g
from states.fields import Field
from states.spec import DeadlineSpec, Level, ProcedureSpec, Role, TransitionSpec

KEY = "transfer"

STATES = {
    "proposed": "Chi bộ đề nghị chuyển sinh hoạt đảng",
    "grassroots_confirmed": "Đảng ủy cơ sở đã hoàn tất phần của mình",
    "letter_issued": "Đã cấp giấy giới thiệu, đảng viên đang chuyển",
    "joined": "Nơi đến đã tiếp nhận",
    "completed": "Nơi đến đã xác nhận tiếp nhận (ra khỏi Đảng bộ)",
    "withdrawn": "Đã hủy chuyển sinh hoạt",
}
FINALS = frozenset({"joined", "completed", "withdrawn"})

DIRECTIONS = (
    ("within", "Đến tổ chức cơ sở đảng khác trong Đảng bộ"),
    ("out", "Ra ngoài Đảng bộ (đảng bộ khác, tỉnh khác)"),
)
REASONS = (
    ("retirement", "Nghỉ hưu"),
    ("job_move", "Chuyển công tác"),
    ("residence", "Thay đổi nơi cư trú lâu dài"),
    ("other", "Lý do khác (nghỉ việc, xuất ngũ, nghỉ mất sức…)"),
)

CELL_UP = frozenset({Role.CELL_SECRETARY, Role.GRASSROOTS_STAFF, Role.DEPARTMENT_STAFF})
GRASSROOTS = frozenset({Role.GRASSROOTS_STAFF})
DEPARTMENT = frozenset({Role.DEPARTMENT_STAFF})
RECEIVING = frozenset({Role.CELL_SECRETARY, Role.GRASSROOTS_STAFF, Role.DEPARTMENT_STAFF})

LATE_REASON = Field(
    "late_reason", "Lý do xuất trình chậm (nếu quá hạn)", "text", required=False, max_length=2000
)
NOTE = Field("note", "Ghi chú", "text", required=False, max_length=2000)
DUES = Field(
    "dues_paid_through", "Đã đóng đảng phí đến hết tháng (tháng/năm)", "line", max_length=7
)
EXTERNAL_DESTINATION = Field(
    "destination",
    "Tên tổ chức đảng nơi đến (khi ra ngoài Đảng bộ)",
    "line",
    required=False,
    max_length=200,
)

OPEN_FIELDS = (
    Field("direction", "Nơi chuyển đến", "choice", choices=DIRECTIONS),
    Field(
        "destination_org",
        "Tổ chức cơ sở đảng nơi đến (khi chuyển trong Đảng bộ)",
        "ref",
        required=False,
        source="other_grassroots",
    ),
    EXTERNAL_DESTINATION,
    Field("reason", "Lý do chuyển", "choice", choices=REASONS),
    Field("effective_on", "Ngày quyết định nghỉ hưu, chuyển công tác… có hiệu lực", "date"),
    Field("biography_number", "Số lý lịch đảng viên", "line", required=False, max_length=30),
    DUES,
    NOTE,
)
GRASSROOTS_PART = (
    Field(
        "reference",
        "Số phiếu báo, số sổ giới thiệu (10-SHĐ)",
        "line",
        required=False,
        max_length=60,
    ),
    NOTE,
)
ARRIVAL = (
    Field("cell", "Chi bộ tiếp nhận", "ref", source="receiving_cells"),
    LATE_REASON,
)
RECEIPT = (
    Field("reference", "Phiếu báo hoặc văn bản xác nhận của nơi đến", "line", max_length=100),
    LATE_REASON,
)
REASON = (Field("reason", "Lý do", "text", max_length=2000),)
#: the leader whose name and title the letter prints (a clerk issues it for their signature);
#: left empty, the issuing user signs with their own title
SIGNED_BY = Field(
    "signed_by",
    "Lãnh đạo ký giấy (để trống: người cấp giấy ký)",
    "ref",
    required=False,
    source="letter_signers",
)
LOSS = (
    Field(
        "loss_report",
        "Đơn trình báo mất giấy của đảng viên, xác nhận của công an nơi mất (số, ngày)",
        "line",
        max_length=200,
    ),
    NOTE,
)


def step(trigger, sources, dest, roles, level, label, event_label, **kw) -> TransitionSpec:
    sources = (sources,) if isinstance(sources, str) else tuple(sources)
    return TransitionSpec(trigger, sources, dest, roles, level, label, event_label, **kw)


def letter_steps(label: str, **kw) -> tuple[TransitionSpec, ...]:
    """The department issues the introduction letter once the grassroots committee has done
    its part, or straight after the proposal of a grassroots cell (which has no committee)."""
    return tuple(
        step(
            "issue_letter",
            source,
            "letter_issued",
            DEPARTMENT,
            Level.UPPER,
            label,
            "Ngày giới thiệu",
            guards=guards,
            fields=(SIGNED_BY,),
            **kw,
        )
        for source, guards in (("grassroots_confirmed", ()), ("proposed", (sg.is_grassroots_cell,)))
    )


def grassroots_part(label: str) -> TransitionSpec:
    return step(
        "record_grassroots_part",
        "proposed",
        "grassroots_confirmed",
        GRASSROOTS,
        Level.GRASSROOTS,
        label,
        "Ngày xác nhận",
        fields=GRASSROOTS_PART,
        guards=(sg.has_grassroots_committee,),
        effects=("record_transfer_reference",),
    )


def reissue_step(roles, level: Level, issuer: str, opens: tuple[str, ...]) -> TransitionSpec:
    """The member reports the letter lost before presenting it: the issuer gives a new numbered
    letter that replaces the lost one, dated the day it is given, with a new presentation
    period (§2(c), "Lost letter"). The case stays where it was."""
    return step(
        "reissue_letter",
        "letter_issued",
        None,
        roles,
        level,
        "Cấp lại giấy giới thiệu (đảng viên báo mất giấy)",
        "Ngày cấp lại",
        fields=(*LOSS, SIGNED_BY),
        effects=(f"issue_decision:transfer_letter@{issuer}",),
        opens=opens,
        kind="side",
        help="Giấy mới được đánh số tiếp theo trong sổ giới thiệu sinh hoạt đảng, ghi rõ thay "
        "thế giấy đã mất; giấy đã mất hết giá trị.",
    )


# fmt: off
TRANSITIONS: tuple[TransitionSpec, ...] = (
    grassroots_part("Đảng ủy cơ sở xác nhận, ghi sổ, chuyển hồ sơ"),
    *letter_steps("Cấp giấy giới thiệu sinh hoạt đảng",
                  effects=("issue_decision:transfer_letter@upper", "set_in_transit"),
                  closes=("start",), opens=("presentation", "check"),
                  help="Giấy giới thiệu được đánh số trong sổ giới thiệu sinh hoạt đảng; từ "
                  "ngày giới thiệu, đảng viên không còn trong danh sách sinh hoạt của nơi "
                  "đi."),
    step("confirm_arrival", "letter_issued", "joined", RECEIVING, Level.RECEIVING,
         "Xác nhận đảng viên đã xuất trình giấy và sinh hoạt tại chi bộ", "Ngày xuất trình giấy",
         fields=ARRIVAL, guards=(g.destination_internal, g.late_reason_given),
         effects=("join_cell",), closes=("presentation", "check")),
    step("record_receipt", "letter_issued", "completed", DEPARTMENT, Level.UPPER,
         "Ghi nhận nơi đến đã tiếp nhận", "Ngày nơi đến tiếp nhận", fields=RECEIPT,
         guards=(g.destination_external, g.late_reason_given),
         effects=("leave_committee",), closes=("presentation", "check")),
    step("withdraw", ("proposed", "grassroots_confirmed"), "withdrawn", CELL_UP, Level.CELL,
         "Hủy đề nghị chuyển sinh hoạt", "Ngày hủy", fields=REASON, kind="side"),
    step("cancel_letter", "letter_issued", "withdrawn", DEPARTMENT, Level.UPPER,
         "Thu hồi giấy giới thiệu (đảng viên không chuyển)", "Ngày thu hồi", fields=REASON,
         effects=("end_transit",), kind="side"),
    reissue_step(DEPARTMENT, Level.UPPER, "upper", ("presentation", "check")),
)
# fmt: on

DEADLINES = {
    "start": DeadlineSpec(
        "start",
        "Làm thủ tục chuyển sinh hoạt chính thức",
        "transfer.start_working_days",
        start_field="effective_on",
    ),
    "presentation": DeadlineSpec(
        "presentation", "Xuất trình giấy giới thiệu", "transfer.presentation_working_days"
    ),
    "check": DeadlineSpec(
        "check",
        "Kiểm tra hằng quý: chưa nộp hồ sơ quá 3 tháng",
        "transfer.check_months",
        unit="months",
    ),
}

SPEC = ProcedureSpec(
    key=KEY,
    module="transfers",
    label="Chuyển sinh hoạt đảng chính thức",
    states=STATES,
    initial="proposed",
    finals=FINALS,
    transitions=TRANSITIONS,
    deadlines=DEADLINES,
    open_label="Đề nghị chuyển sinh hoạt đảng chính thức",
    open_fields=OPEN_FIELDS,
    open_roles=CELL_UP,
    open_deadlines=("start",),
    open_effects=("check_not_suspended", "register_transfer:official"),
    open_event_label="Ngày chi bộ đề nghị",
    receiving=True,
)
