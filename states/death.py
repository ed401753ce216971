"""Death of a member and closing the record (đảng viên từ trần, §2(i); HD 01-HD/TW 2021 item 8):
the member leaves the lists on the day of death, the grassroots committee writes the notice slip
(phiếu báo đảng viên đã từ trần) and hands it over with the member's dossier to the committee
directly above within 30 working days of writing it; the department records the dossier and
closes the record. The family keeps the card and the badge."""

from __future__ import annotations

from datetime import date

from states.fields import Field
from states.rules import Setting
from states.spec import DeadlineSpec, Level, ProcedureSpec, Role, TransitionSpec

KEY = "death"

URL_DOSSIER = (
    "https://thuvienphapluat.vn/hoi-dap-phap-luat/55B08-hd-trach-nhiem-cua-cap-co-so-ve-xay-"
    "dung-va-quan-ly-ho-so-dang-vien.html"
)
SINCE = date(2022, 1, 18)

FORMS = {
    "death_notice": ("—", "Giấy báo tử hoặc thông báo của gia đình, cơ quan"),
    "notice_slip": ("—", "Phiếu báo đảng viên đã từ trần"),
    "dossier_handover": ("—", "Biên bản bàn giao hồ sơ đảng viên lên cấp ủy cấp trên"),
    "dossier_received": ("—", "Xác nhận của cấp ủy cấp trên đã nhận hồ sơ"),
}
SETTINGS: dict[str, tuple[tuple[date, Setting], ...]] = {
    "death.dossier_working_days": (
        (
            SINCE,
            Setting(
                30,
                "HD 01-HD/TW 2021 mục 8: cấp ủy cơ sở lập phiếu báo đảng viên đã từ trần, bàn "
                "giao cùng hồ sơ đảng viên cho cấp ủy cấp trên trực tiếp trong 30 ngày làm việc "
                f"kể từ ngày lập phiếu báo; {URL_DOSSIER}",
            ),
        ),
    ),
    "death.forms": ((SINCE, Setting(FORMS, f"HD 01-HD/TW 2021 mục 8; {URL_DOSSIER}")),),
}

STATES = {
    "reported": "Đã ghi nhận đảng viên từ trần, chờ lập phiếu báo",
    "slip_written": "Đã lập phiếu báo, chờ bàn giao hồ sơ lên cấp trên",
    "dossier_sent": "Đã bàn giao hồ sơ, chờ cấp trên nhận",
    "closed": "Cấp trên đã nhận hồ sơ, kết thúc",
}
FINALS = frozenset({"closed"})

CELL_UP = frozenset({Role.CELL_SECRETARY, Role.GRASSROOTS_STAFF, Role.DEPARTMENT_STAFF})
GRASSROOTS = frozenset({Role.GRASSROOTS_STAFF})
DEPARTMENT = frozenset({Role.DEPARTMENT_STAFF})
NOTE = Field("note", "Ghi chú", "text", required=False, max_length=2000)


def _t(trigger, sources, dest, roles, level, label, event_label, **kw) -> TransitionSpec:
    sources = (sources,) if isinstance(sources, str) else tuple(sources)
    return TransitionSpec(trigger, sources, dest, roles, level, label, event_label, **kw)


TRANSITIONS: tuple[TransitionSpec, ...] = (
    _t(
        "write_notice_slip",
        "reported",
        "slip_written",
        GRASSROOTS,
        Level.GRASSROOTS,
        "Lập phiếu báo đảng viên đã từ trần",
        "Ngày lập phiếu báo",
        fields=(
            Field("cause", "Nguyên nhân từ trần (nếu có)", "line", required=False, max_length=200),
            Field("burial_place", "Nơi an táng (nếu có)", "line", required=False, max_length=200),
            Field(
                "signed_by",
                "Lãnh đạo ký phiếu báo (để trống: người lập phiếu ký)",
                "ref",
                required=False,
                source="slip_signers",
            ),
            NOTE,
        ),
        effects=("issue_decision:notice_slip@grassroots",),
        opens=("dossier",),
        help="Phiếu báo được đánh số theo sổ của đảng ủy cơ sở và in theo thể thức văn bản của "
        "Đảng. Trong {rule:death.dossier_working_days} ngày làm việc kể từ ngày lập phiếu báo, "
        "bàn giao phiếu báo cùng hồ sơ đảng viên cho cấp ủy cấp trên trực tiếp.",
    ),
    _t(
        "hand_over_dossier",
        "slip_written",
        "dossier_sent",
        GRASSROOTS,
        Level.GRASSROOTS,
        "Bàn giao phiếu báo và hồ sơ đảng viên lên cấp trên",
        "Ngày bàn giao",
        fields=(
            Field("reference", "Biên bản bàn giao (số, ngày)", "line", max_length=100),
            NOTE,
        ),
        effects=("record_document:dossier_handover",),
        closes=("dossier",),
    ),
    _t(
        "record_dossier_received",
        "dossier_sent",
        "closed",
        DEPARTMENT,
        Level.UPPER,
        "Ghi đã nhận hồ sơ, cập nhật cơ sở dữ liệu đảng viên",
        "Ngày nhận hồ sơ",
        fields=(NOTE,),
        effects=("record_document:dossier_received",),
    ),
)

DEADLINES = {
    "dossier": DeadlineSpec(
        "dossier",
        "Bàn giao hồ sơ đảng viên từ trần lên cấp trên",
        "death.dossier_working_days",
    ),
}

SPEC = ProcedureSpec(
    key=KEY,
    label="Đảng viên từ trần",
    states=STATES,
    initial="reported",
    finals=FINALS,
    transitions=TRANSITIONS,
    deadlines=DEADLINES,
    open_label="Ghi nhận đảng viên từ trần",
    open_fields=(
        Field(
            "notice",
            "Giấy báo tử hoặc thông báo của gia đình, cơ quan (số, ngày, nơi cấp)",
            "line",
            max_length=200,
        ),
        NOTE,
    ),
    open_roles=CELL_UP,
    open_effects=("check_on_list", "record_notice", "end_membership"),
    open_event_label="Ngày từ trần",
    settings=SETTINGS,
    ends_membership="Đảng viên từ trần",
    returns_card=False,
)
