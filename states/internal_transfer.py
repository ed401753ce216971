"""A member moving between cells of one grassroots organization (chuyển sinh hoạt nội bộ,
§2(c)): the cell proposes, the grassroots committee introduces the member to the new cell with
its own numbered letter, the new cell takes the member in. The member stays on the
organization's list throughout, active in the old cell until the new one confirms; the sources
set no deadline for this hop."""

from __future__ import annotations

from states.fields import Field
from states.spec import Level, ProcedureSpec, Role, TransitionSpec
from states.transfer import DUES, NOTE, REASON, REASONS, RECEIVING, SIGNED_BY, reissue_step

KEY = "internal_transfer"

STATES = {
    "proposed": "Chi bộ đề nghị chuyển sinh hoạt nội bộ",
    "letter_issued": "Đảng ủy cơ sở đã giới thiệu, chờ chi bộ mới tiếp nhận",
    "joined": "Chi bộ mới đã tiếp nhận",
    "withdrawn": "Đã hủy chuyển sinh hoạt",
}
FINALS = frozenset({"joined", "withdrawn"})

CELL_UP = frozenset({Role.CELL_SECRETARY, Role.GRASSROOTS_STAFF})
GRASSROOTS = frozenset({Role.GRASSROOTS_STAFF})

OPEN_FIELDS = (
    Field(
        "destination_cell", "Chi bộ nơi đến (trong đảng bộ cơ sở)", "ref", source="sibling_cells"
    ),
    Field("reason", "Lý do chuyển", "choice", choices=REASONS),
    DUES,
    NOTE,
)

# fmt: off
TRANSITIONS: tuple[TransitionSpec, ...] = (
    TransitionSpec("issue_letter", ("proposed",), "letter_issued", GRASSROOTS, Level.GRASSROOTS,
                   "Đảng ủy cơ sở cấp giấy giới thiệu sinh hoạt nội bộ", "Ngày giới thiệu",
                   fields=(SIGNED_BY,), effects=("issue_decision:transfer_letter@grassroots",),
                   help="Giấy giới thiệu được đánh số theo sổ của đảng ủy cơ sở; đảng viên vẫn "
                   "sinh hoạt ở chi bộ cũ đến khi chi bộ mới tiếp nhận."),
    TransitionSpec("confirm_arrival", ("letter_issued",), "joined", RECEIVING, Level.RECEIVING,
                   "Xác nhận đảng viên đã sinh hoạt tại chi bộ mới", "Ngày tiếp nhận",
                   fields=(NOTE,), effects=("join_destination_cell",)),
    TransitionSpec("withdraw", ("proposed",), "withdrawn", CELL_UP, Level.CELL,
                   "Hủy đề nghị chuyển sinh hoạt", "Ngày hủy", fields=REASON, kind="side"),
    TransitionSpec("cancel_letter", ("letter_issued",), "withdrawn", GRASSROOTS,
                   Level.GRASSROOTS, "Thu hồi giấy giới thiệu (đảng viên không chuyển)",
                   "Ngày thu hồi", fields=REASON, kind="side"),
    reissue_step(GRASSROOTS, Level.GRASSROOTS, "grassroots", ()),
)
# fmt: on

SPEC = ProcedureSpec(
    key=KEY,
    module="transfers",
    label="Chuyển sinh hoạt nội bộ (giữa các chi bộ trong đảng bộ cơ sở)",
    states=STATES,
    initial="proposed",
    finals=FINALS,
    transitions=TRANSITIONS,
    deadlines={},
    open_label="Đề nghị chuyển sinh hoạt nội bộ",
    open_fields=OPEN_FIELDS,
    open_roles=CELL_UP,
    open_effects=("check_not_suspended", "register_transfer:internal"),
    open_event_label="Ngày chi bộ đề nghị",
    receiving=True,
)
