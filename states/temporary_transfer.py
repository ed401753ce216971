"""Temporary transfer of party activity: work or residence for 3 months to under a year, or
study for 3 months to 2 years, and the return (§2(c)). The member stays on the home list."""

from __future__ import annotations

from states import transfer_guards as g
from states.fields import Field
from states.spec import DeadlineSpec, Level, ProcedureSpec, Role, TransitionSpec
from states.transfer import (
    CELL_UP,
    DEPARTMENT,
    DUES,
    EXTERNAL_DESTINATION,
    LATE_REASON,
    NOTE,
    REASON,
    RECEIVING,
    grassroots_part,
    letter_steps,
    reissue_step,
    step,
)

KEY = "temporary_transfer"

STATES = {
    "proposed": "Chi bộ đề nghị chuyển sinh hoạt tạm thời",
    "grassroots_confirmed": "Đảng ủy cơ sở đã xác nhận",
    "letter_issued": "Đã cấp giấy giới thiệu tạm thời",
    "hosted": "Đang sinh hoạt tạm thời ở nơi đến",
    "returned": "Đã trở về sinh hoạt tại chi bộ",
    "withdrawn": "Đã hủy",
}
FINALS = frozenset({"returned", "withdrawn"})

PURPOSES = (
    ("work", "Thay đổi nơi làm việc hoặc nơi cư trú (3 tháng đến dưới 1 năm)"),
    ("study", "Đi học tập trung trong nước (3 tháng đến 2 năm)"),
)
OPEN_FIELDS = (
    Field("purpose", "Lý do chuyển tạm thời", "choice", choices=PURPOSES),
    Field(
        "destination_org",
        "Tổ chức đảng nơi đến (khi đến nơi trong Đảng bộ)",
        "ref",
        required=False,
        source="other_grassroots",
    ),
    EXTERNAL_DESTINATION,
    Field("period_start", "Sinh hoạt tạm thời từ ngày", "date", future=True),
    Field("period_end", "Đến ngày", "date", future=True),
    DUES,
    NOTE,
)
HOST_ARRIVAL = (LATE_REASON,)
HOST_RECEIPT = (Field("reference", "Xác nhận của nơi đến", "line", max_length=100), LATE_REASON)
RETURN = (
    Field("note", "Nhận xét của nơi sinh hoạt tạm thời", "text", required=False, max_length=2000),
)


# fmt: off
TRANSITIONS: tuple[TransitionSpec, ...] = (
    grassroots_part("Đảng ủy cơ sở xác nhận"),
    *letter_steps("Cấp giấy giới thiệu sinh hoạt đảng tạm thời",
                  effects=("issue_decision:transfer_letter@upper",), opens=("presentation",)),
    step("confirm_arrival", "letter_issued", "hosted", RECEIVING, Level.RECEIVING,
         "Xác nhận đảng viên đến sinh hoạt tạm thời", "Ngày xuất trình giấy", fields=HOST_ARRIVAL,
         guards=(g.destination_internal, g.late_reason_given, g.period_started),
         effects=("start_stay",), closes=("presentation",), opens=("stay",)),
    step("record_receipt", "letter_issued", "hosted", DEPARTMENT | frozenset({Role.CELL_SECRETARY}),
         Level.CELL, "Ghi nhận nơi đến đã tiếp nhận tạm thời", "Ngày nơi đến tiếp nhận",
         fields=HOST_RECEIPT,
         guards=(g.destination_external, g.late_reason_given, g.period_started),
         effects=("start_stay",), closes=("presentation",), opens=("stay",)),
    step("record_return", "hosted", "returned", CELL_UP, Level.CELL,
         "Ghi nhận đảng viên trở về sinh hoạt", "Ngày trở về", fields=RETURN,
         effects=("end_stay",), closes=("stay",)),
    step("withdraw", ("proposed", "grassroots_confirmed"), "withdrawn", CELL_UP, Level.CELL,
         "Hủy đề nghị", "Ngày hủy", fields=REASON, kind="side"),
    step("cancel_letter", "letter_issued", "withdrawn", DEPARTMENT, Level.UPPER,
         "Thu hồi giấy giới thiệu tạm thời", "Ngày thu hồi", fields=REASON, kind="side"),
    reissue_step(DEPARTMENT, Level.UPPER, "upper", ("presentation",)),
)
# fmt: on

DEADLINES = {
    "presentation": DeadlineSpec(
        "presentation", "Xuất trình giấy giới thiệu", "transfer.presentation_working_days"
    ),
    "stay": DeadlineSpec(
        "stay",
        "Hết thời hạn sinh hoạt tạm thời, phải trở về",
        "transfer.temporary_grace_days",
        start_field="period_end",
        unit="days",
    ),
}

SPEC = ProcedureSpec(
    key=KEY,
    module="transfers",
    label="Chuyển sinh hoạt đảng tạm thời",
    states=STATES,
    initial="proposed",
    finals=FINALS,
    transitions=TRANSITIONS,
    deadlines=DEADLINES,
    open_label="Đề nghị chuyển sinh hoạt đảng tạm thời",
    open_fields=OPEN_FIELDS,
    open_roles=CELL_UP,
    open_effects=("check_not_suspended", "register_transfer:temporary"),
    open_event_label="Ngày chi bộ đề nghị",
    receiving=True,
)
