"""A member out of contact with the Party organization (mất liên lạc với tổ chức đảng): the
period does not count towards party age (QĐ 24-QĐ/TW item 4.5.1, §(e) of the procedures).

The cell reports, after its meeting, that a member has been out of contact since a day and what
it did to find them; the grassroots committee confirms it. From the day given the member's
party age stops growing: the period is recorded as a gap still open, which every reader of the
record (the member's page, the badge rounds) counts up to the day it reads. The case ends one
of three ways:

* contact restored: the cell notes the day the member got back in touch, which ends the gap;
* the cell proposes removal from the list (xóa tên, a case of its own): the gap stays open and
  the case waits; the removal's decision, ending the membership, closes the case and ends the
  gap on the decision's day (from then the time off the lists is the removal's own period);
  should the removal not go through, the cell can still record the contact restored;
* recorded by mistake (ghi nhầm): the gap is deleted, the trail keeps what it was.

The rules give no time limit for any of these steps: the case has no clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from states.dates import vn_date
from states.facts import OrgFacts, PersonFacts
from states.fields import Field
from states.removal import GROUNDS as REMOVAL_GROUNDS
from states.rules import Setting
from states.spec import GuardContext, Level, ProcedureSpec, Role, TransitionSpec, Verdict

KEY = "contact_loss"

URL_PARTY_AGE = (
    "https://cpdanluat.thuvienphapluat.vn/cach-tinh-tuoi-dang-doi-voi-dang-vien-da-ra-khoi-dang-"
    "va-duoc-ket-nap-lai-199669.aspx"
)
SINCE = date(2022, 1, 18)
#: what the record says of the period, on the member's page and in the party-age reckoning
GAP_REASON = "Mất liên lạc với tổ chức đảng"

FORMS = {
    "cell_report": ("—", "Nghị quyết (biên bản) chi bộ về việc đảng viên mất liên lạc"),
    "confirmation": ("—", "Văn bản xác nhận của đảng ủy cơ sở"),
    "restoration": ("—", "Biên bản chi bộ ghi nhận đảng viên liên lạc lại"),
    "removal_proposal": ("—", "Nghị quyết chi bộ đề nghị xóa tên"),
}
SETTINGS: dict[str, tuple[tuple[date, Setting], ...]] = {
    "contact_loss.forms": (
        (
            SINCE,
            Setting(
                FORMS,
                "QĐ 24-QĐ/TW mục 4.5.1: thời gian mất liên lạc với Đảng không tính tuổi đảng; "
                f"không thấy mẫu giấy tờ riêng; {URL_PARTY_AGE}",
                uncertain=True,
                note="Giấy tờ theo cách chi bộ, đảng ủy cơ sở thường ghi; không có thời hạn.",
            ),
        ),
    ),
}


@dataclass(frozen=True)
class ContactLossFacts:
    today: date
    state: str
    person: PersonFacts
    org: OrgFacts
    documents: frozenset[str]
    #: the first day out of contact, as the cell reported it (None: the period was voided)
    since: date | None
    proposer_id: int | None = None
    actor_id: int | None = None
    paused_from: str | None = None


def restored_after_loss(ctx: GuardContext) -> Verdict:
    """The member got back in touch after the day they were lost, and no later than the day
    the cell records it."""
    p = ctx.payload
    if p is None:
        return Verdict.needs_input()
    since = ctx.facts.since
    back = p["restored_on"]
    if since is not None and back <= since:
        return Verdict.failed(
            "contact_loss.restored_too_early",
            f"Ngày liên lạc lại ({vn_date(back)}) phải sau ngày mất liên lạc "
            f"({vn_date(since)}). Nếu đã ghi nhầm, chọn “Hủy: ghi nhầm”.",
            "restored_on",
        )
    if back > ctx.event_date:
        return Verdict.failed(
            "contact_loss.restored_after_record",
            f"Ngày liên lạc lại ({vn_date(back)}) không được sau ngày chi bộ ghi nhận "
            f"({vn_date(ctx.event_date)}).",
            "restored_on",
        )
    return Verdict.passed()


STATES = {
    "reported": "Chi bộ báo cáo đảng viên mất liên lạc, chờ đảng ủy cơ sở xác nhận",
    "lost": "Đang mất liên lạc với tổ chức đảng",
    "removal_proposed": "Chi bộ đã đề nghị xóa tên, chờ quyết định xóa tên",
    "restored": "Đảng viên đã liên lạc lại với tổ chức đảng",
    "voided": "Đã hủy: ghi nhầm",
}
FINALS = frozenset({"restored", "voided"})
#: the states in which the member is out of contact (the case's gap is open)
OPEN = ("reported", "lost", "removal_proposed")

CELL_UP = frozenset({Role.CELL_SECRETARY, Role.GRASSROOTS_STAFF, Role.DEPARTMENT_STAFF})
COMMITTEES = frozenset({Role.GRASSROOTS_STAFF, Role.DEPARTMENT_STAFF})
NOTE = Field("note", "Ghi chú", "text", required=False, max_length=2000)
RESOLUTION = Field(
    "resolution", "Số nghị quyết, biên bản họp chi bộ", "line", required=False, max_length=100
)
OPEN_FIELDS = (
    Field("since", "Mất liên lạc từ ngày", "date",
          help="Ngày cuối cùng chi bộ còn liên lạc được, hoặc ngày đảng viên bỏ sinh hoạt."),
    Field("search", "Chi bộ đã tìm hiểu, liên hệ thế nào (ở đâu, với ai, kết quả)", "text",
          max_length=4000),
    RESOLUTION,
)  # fmt: skip
CONFIRM = (
    Field("reference", "Số văn bản xác nhận", "line", required=False, max_length=100),
    NOTE,
)
RESTORE = (
    Field("restored_on", "Ngày đảng viên liên lạc lại với chi bộ", "date"),
    Field("opinion", "Ý kiến của chi bộ", "text", max_length=2000),
)
REMOVAL = (RESOLUTION, NOTE)
VOID = (Field("reason", "Lý do ghi nhầm", "text", max_length=2000),)


def _t(trigger, sources, dest, roles, level, label, event_label, **kw) -> TransitionSpec:
    sources = (sources,) if isinstance(sources, str) else tuple(sources)
    return TransitionSpec(trigger, sources, dest, roles, level, label, event_label, **kw)


# fmt: off
TRANSITIONS: tuple[TransitionSpec, ...] = (
    _t("confirm", "reported", "lost", COMMITTEES, Level.GRASSROOTS,
       "Đảng ủy cơ sở xác nhận đảng viên mất liên lạc", "Ngày đảng ủy cơ sở xác nhận",
       fields=CONFIRM, effects=("record_document:confirmation",)),
    _t("restore", OPEN, "restored", CELL_UP, Level.CELL,
       "Ghi đảng viên đã liên lạc lại với chi bộ", "Ngày chi bộ ghi nhận", fields=RESTORE,
       guards=(restored_after_loss,), effects=("end_gap", "record_document:restoration"),
       awaited=False,
       help="Thời gian không tính tuổi đảng kết thúc vào ngày đảng viên liên lạc lại."),
    _t("propose_removal", "lost", "removal_proposed", CELL_UP, Level.CELL,
       "Ghi chi bộ đề nghị xóa tên", "Ngày chi bộ họp, đề nghị xóa tên", fields=REMOVAL,
       effects=("record_document:removal_proposal",), awaited=False,
       help="Chi bộ mở hồ sơ “Xóa tên trong danh sách đảng viên” riêng (căn cứ: "
            f"{REMOVAL_GROUNDS[0][1].lower()}). Hồ sơ này chờ quyết định xóa tên: thời gian mất "
            "liên lạc tính đến ngày ký quyết định, rồi hồ sơ tự kết thúc."),
    _t("void", OPEN, "voided", CELL_UP, Level.CELL, "Hủy: ghi nhầm", "Ngày hủy", fields=VOID,
       effects=("delete_gap",), kind="side",
       help="Đảng viên không mất liên lạc: xóa khoảng thời gian không tính tuổi đảng đã ghi "
            "(nhật ký vẫn giữ)."),
)
# fmt: on

SPEC = ProcedureSpec(
    key=KEY,
    label="Mất liên lạc với tổ chức đảng",
    states=STATES,
    initial="reported",
    finals=FINALS,
    transitions=TRANSITIONS,
    open_label="Báo cáo đảng viên mất liên lạc",
    open_fields=OPEN_FIELDS,
    open_roles=CELL_UP,
    open_effects=("record_loss",),
    open_event_label="Ngày chi bộ họp, ra nghị quyết",
    settings=SETTINGS,
)
