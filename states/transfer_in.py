"""A member transferred in from outside the committee: the incoming introduction letter is
registered, and the receiving organization confirms the member joined a cell (§2(c))."""

from __future__ import annotations

from states import transfer_guards as g
from states.fields import Field
from states.spec import DeadlineSpec, Level, ProcedureSpec, Role, TransitionSpec
from states.transfer import ARRIVAL, REASON, RECEIVING

KEY = "transfer_in"

STATES = {
    "registered": "Đã vào sổ giấy giới thiệu đến, chờ đảng viên xuất trình",
    "joined": "Đã tiếp nhận vào chi bộ",
    "withdrawn": "Đảng viên không đến, đã báo lại nơi đi",
}
FINALS = frozenset({"joined", "withdrawn"})
DEPARTMENT = frozenset({Role.DEPARTMENT_STAFF})

OPEN_FIELDS = (
    Field("letter_number", "Số giấy giới thiệu đến", "line", max_length=60),
    Field("letter_issuer", "Cơ quan giới thiệu", "line", max_length=200),
    Field("letter_on", "Ngày giới thiệu", "date"),
    Field("origin", "Tổ chức đảng nơi đi", "line", max_length=200),
    Field("card_number", "Số thẻ đảng viên", "line", required=False, max_length=20),
    Field("biography_number", "Số lý lịch đảng viên", "line", max_length=30),
    Field("destination_org", "Tổ chức cơ sở đảng nơi đến", "ref", source="other_grassroots"),
)

# fmt: off
TRANSITIONS: tuple[TransitionSpec, ...] = (
    TransitionSpec("confirm_arrival", ("registered",), "joined", RECEIVING, Level.RECEIVING,
                   "Xác nhận đảng viên đã xuất trình giấy và sinh hoạt tại chi bộ",
                   "Ngày xuất trình giấy", fields=ARRIVAL, guards=(g.late_reason_given,),
                   effects=("join_cell",), closes=("presentation", "check")),
    TransitionSpec("withdraw", ("registered",), "withdrawn", DEPARTMENT, Level.UPPER,
                   "Ghi nhận đảng viên không đến", "Ngày ghi nhận", fields=REASON,
                   effects=("leave_committee",), kind="side"),
)
# fmt: on

DEADLINES = {
    "presentation": DeadlineSpec(
        "presentation",
        "Xuất trình giấy giới thiệu",
        "transfer.presentation_working_days",
        start_field="letter_on",
    ),
    "check": DeadlineSpec(
        "check",
        "Kiểm tra hằng quý: chưa nộp hồ sơ quá 3 tháng",
        "transfer.check_months",
        start_field="letter_on",
        unit="months",
    ),
}

SPEC = ProcedureSpec(
    key=KEY,
    module="transfers",
    label="Tiếp nhận đảng viên từ ngoài Đảng bộ",
    states=STATES,
    initial="registered",
    finals=FINALS,
    transitions=TRANSITIONS,
    deadlines=DEADLINES,
    open_label="Vào sổ giấy giới thiệu sinh hoạt đảng đến",
    open_fields=OPEN_FIELDS,
    open_roles=DEPARTMENT,
    open_deadlines=("presentation", "check"),
    open_effects=("register_transfer:in",),
    open_event_label="Ngày nhận giấy giới thiệu",
    receiving=True,
)
