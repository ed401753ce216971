"""The member list as a spreadsheet: its columns, how a cell's value is read, and the dated
history a row describes.

One format serves the downloadable template, the list exports and the import, so a list
exported here imports back as it was. A row names a person, their cell, where they stand
(candidate, probationary or official member), the dates of their membership, where they came
from if they transferred in, and when and why they left the lists if they did. The history is
turned into dated steps, each changing the member's cell, status or presence as the period
reports follow them (``states/indicators.py``): admission decided, joined, arrived from another
organization, recognized, left.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime

from states.facts import EDUCATION_LEVELS
from states.text import clean_line


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool = False
    width: int = 16
    #: shown under the header in the template's guide sheet
    note: str = ""
    #: exported for reading only; ignored when importing
    read_only: bool = False


# fmt: off
COLUMNS: tuple[Column, ...] = (
    Column("number", "STT", width=6, note="Số thứ tự (không bắt buộc, không dùng khi nhập)."),
    Column("full_name", "Họ và tên", True, 26, "Đầy đủ, có dấu."),
    Column("birth_date", "Ngày sinh", True, 12, "Ngày/tháng/năm, ví dụ 05/03/1990."),
    Column("sex", "Giới tính", True, 9, "Nam hoặc Nữ."),
    Column("citizen_id", "Số CCCD", True, 15,
           "12 chữ số (nên định dạng ô là văn bản để giữ số 0 đầu). Dùng để nhận ra người "
           "đã có: nhập lại thì cập nhật, không tạo bản trùng."),
    Column("ethnicity", "Dân tộc", True, 10),
    Column("religion", "Tôn giáo", True, 10, "Ghi “Không” nếu không theo tôn giáo nào."),
    Column("home_town", "Quê quán", True, 24),
    Column("education", "Trình độ học vấn", True, 22, "Một giá trị trong trang Danh mục."),
    Column("occupation", "Nghề nghiệp, chức vụ", False, 26),
    Column("phone", "Số điện thoại", False, 13),
    Column("cell", "Mã chi bộ", True, 14, "Mã chi bộ đang sinh hoạt, theo trang Danh mục."),
    Column("cell_name", "Tên chi bộ", False, 28, "Chỉ để đọc; khi nhập chỉ dùng mã chi bộ.",
           read_only=True),
    Column("status", "Đối tượng", True, 20,
           "Quần chúng, Đảng viên dự bị hoặc Đảng viên chính thức (với người đã ra khỏi "
           "danh sách: đối tượng lúc ra khỏi danh sách)."),
    Column("admission_decision_on", "Ngày quyết định kết nạp", False, 14,
           "Ngày ký quyết định kết nạp (tuổi Đảng tính từ ngày này). Quần chúng đã có quyết "
           "định nhưng chưa dự lễ kết nạp: ghi ngày này, bỏ trống ngày vào Đảng."),
    Column("joined_on", "Ngày vào Đảng", False, 14, "Ngày tổ chức lễ kết nạp."),
    Column("official_on", "Ngày chính thức", False, 14,
           "Ngày được công nhận đảng viên chính thức."),
    Column("recognized_on", "Ngày quyết định công nhận chính thức", False, 14,
           "Ngày ký quyết định công nhận (báo cáo tính theo ngày này); bỏ trống: lấy ngày "
           "chính thức."),
    Column("card_number", "Số thẻ đảng viên", False, 14),
    Column("origin", "Chuyển đến từ", False, 26,
           "Nếu chuyển sinh hoạt đến chi bộ hiện tại: mã tổ chức trong Đảng bộ, hoặc tên tổ "
           "chức đảng ngoài Đảng bộ."),
    Column("letter_on", "Ngày giấy giới thiệu chuyển đến", False, 14,
           "Chuyển trong Đảng bộ: ngày giấy giới thiệu (ngày rời tổ chức cũ)."),
    Column("arrived_on", "Ngày đến chi bộ hiện tại", False, 14,
           "Ngày được tiếp nhận vào chi bộ hiện tại."),
    Column("left_on", "Ngày ra khỏi danh sách", False, 14),
    Column("left_reason", "Lý do ra khỏi danh sách", False, 28,
           "Một giá trị trong trang Danh mục."),
)
# fmt: on
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
COLUMN_BY_HEADER = {c.header: c for c in COLUMNS}
REQUIRED = tuple(c for c in COLUMNS if c.required)

STATUSES = {
    "Quần chúng": "non_member",
    "Đảng viên dự bị": "probationary",
    "Đảng viên chính thức": "official",
}
STATUS_LABELS = {value: label for label, value in STATUSES.items()}
SEXES = {"Nam": "male", "Nữ": "female"}
SEX_LABELS = {value: label for label, value in SEXES.items()}
EDUCATION = {label: key for key, label in EDUCATION_LEVELS}
EDUCATION_LABELS = dict(EDUCATION_LEVELS)


@dataclass(frozen=True)
class Leaving:
    """A way of leaving the lists: what it changes and the procedure it is counted under."""

    flow: str
    label: str
    member_status: str | None = None
    presence: str | None = None
    procedure: str | None = None
    #: only a member of this status can leave this way
    only_status: str | None = None


# fmt: off
LEAVINGS: tuple[Leaving, ...] = (
    Leaving("transfer_out_external", "Chuyển sinh hoạt ra ngoài Đảng bộ", presence="left"),
    Leaving("transfer_out_internal", "Đang chuyển sinh hoạt trong Đảng bộ",
            presence="in_transit"),
    Leaving("removed_probationary", "Xóa tên đảng viên dự bị", member_status="removed",
            procedure="probation", only_status="probationary"),
    Leaving("removed_official", "Xóa tên trong danh sách đảng viên", member_status="removed",
            procedure="removal", only_status="official"),
    Leaving("left_party", "Cho ra khỏi Đảng", member_status="removed", procedure="leaving"),
    Leaving("expelled", "Khai trừ khỏi Đảng", member_status="removed", procedure="expulsion"),
    Leaving("died", "Từ trần", member_status="removed", procedure="death"),
)
# fmt: on
LEAVING_BY_LABEL = {leaving.label: leaving for leaving in LEAVINGS}
LEAVING_BY_FLOW = {leaving.flow: leaving for leaving in LEAVINGS}

#: the history actions a row's steps are recorded under
ACTIONS = {
    "decided": "history.admission_decided",
    "joined": "history.joined",
    "recognized": "history.recognized",
    "left_origin": "history.left_origin",
    "arrived": "history.arrived",
    "left": "history.left",
}

#: characters that make a spreadsheet read a text cell as a formula
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def export_text(value: str) -> str:
    """Text for a spreadsheet cell: one that a spreadsheet would read as a formula gets a
    leading apostrophe (and loses it again when imported)."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def read_text(value: object) -> str:
    """A text cell: numbers as typed (no ``.0``), one line, no apostrophe added on export."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date):
        return value.strftime("%d/%m/%Y")
    text = clean_line(str(value))
    if text.startswith("'") and text[1:].startswith(_FORMULA_START):
        text = text[1:]
    return text


def read_citizen_id(value: object) -> str:
    """A citizen ID typed into a number cell has lost its leading zero (every province code
    starts with 0): give it back."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 10**12:
        return f"{value:012d}"
    return read_text(value)


_SEPARATED = re.compile(r"^(\d{1,2})\s*([/.\-])\s*(\d{1,2})\s*\2\s*(\d{2,4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$")
_WORDS = re.compile(r"^(?:ngày\s*)?(\d{1,2})\s*tháng\s*(\d{1,2})\s*năm\s*(\d{4})$", re.IGNORECASE)


def read_date(value: object) -> date | None:
    """A date cell, or a date typed as text as people type them: 05/03/1990, 5/3/1990,
    05-03-1990, 05.03.1990, 1990-03-05, "ngày 5 tháng 3 năm 1990". Raises ValueError with a
    Vietnamese message; an empty cell is None."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise ValueError(
            "Ô kiểu số, không phải ngày: định dạng ô là ngày hoặc gõ dạng ngày/tháng/năm."
        )
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if not text:
        return None
    text = " ".join(text.split())
    if m := _ISO.match(text):
        year, month, day = (int(g) for g in m.groups())
    elif m := _SEPARATED.match(text):
        day, month, year = int(m.group(1)), int(m.group(3)), int(m.group(4))
        if len(m.group(4)) != 4:
            raise ValueError(f"“{text}”: ghi năm đủ 4 chữ số.")
    elif m := _WORDS.match(text):
        day, month, year = (int(g) for g in m.groups())
    else:
        raise ValueError(f"“{text[:40]}” không phải là ngày; ghi dạng ngày/tháng/năm.")
    if month > 12 and day <= 12:
        raise ValueError(f"“{text}”: tháng {month} không có; ghi theo thứ tự ngày/tháng/năm.")
    try:
        result = date(year, month, day)
    except ValueError:
        raise ValueError(f"“{text}”: ngày không có trong lịch.") from None
    if result.year < 1900:
        raise ValueError(f"“{text}”: năm phải từ 1900 trở đi.")
    return result


@dataclass(frozen=True)
class Step:
    """One dated change of a member's place on the lists."""

    action: str
    on: date
    #: membership columns the step sets (org_id, member_status, presence)
    changes: dict = field(default_factory=dict)
    procedure: str | None = None
    payload: dict = field(default_factory=dict)


@dataclass
class Membership:
    """The membership part of a row, read and checked; ``cell`` and an ``origin_org`` are
    organization ids, an ``origin_name`` an organization outside the committee."""

    status: str
    cell: int
    admission_decision_on: date | None = None
    joined_on: date | None = None
    official_on: date | None = None
    #: the recognition decision's date (None: the official date)
    recognized_on: date | None = None
    card_number: str | None = None
    origin_org: int | None = None
    origin_name: str = ""
    letter_on: date | None = None
    arrived_on: date | None = None
    leaving: Leaving | None = None
    left_on: date | None = None

    @property
    def is_member(self) -> bool:
        return self.status in ("probationary", "official")

    @property
    def external(self) -> bool:
        return bool(self.origin_name) and self.origin_org is None


def check_membership(m: Membership, birth: date, today: date) -> dict[str, str]:
    """The row's membership dates against each other and the rules; errors by column key."""
    errors: dict[str, str] = {}
    dates = {
        key: getattr(m, key)
        for key in (
            "admission_decision_on",
            "joined_on",
            "official_on",
            "recognized_on",
            "letter_on",
            "arrived_on",
            "left_on",
        )
    }
    for key, value in dates.items():
        if value is None:
            continue
        if value > today:
            errors[key] = "Ngày không được sau ngày hôm nay."
        elif value <= birth:
            errors[key] = "Ngày phải sau ngày sinh."
    if not m.is_member:
        # the admission decision alone: signed, the ceremony not held yet
        for key in ("joined_on", "official_on", "recognized_on", "card_number"):
            if getattr(m, key):
                errors.setdefault(key, "Quần chúng chưa có ngày vào Đảng, ngày chính thức, số thẻ.")
        for key in ("origin", "arrived_on", "left_on"):
            value = m.origin_name or m.origin_org if key == "origin" else getattr(m, key)
            if value:
                errors.setdefault(key, "Chỉ ghi với đảng viên.")
        return errors
    if m.admission_decision_on is None:
        errors.setdefault("admission_decision_on", "Đảng viên: ghi ngày quyết định kết nạp.")
    if m.joined_on is None:
        errors.setdefault("joined_on", "Đảng viên: ghi ngày vào Đảng (lễ kết nạp).")
    if m.admission_decision_on and m.joined_on and m.joined_on < m.admission_decision_on:
        errors.setdefault("joined_on", "Lễ kết nạp không được trước ngày quyết định kết nạp.")
    if m.status == "official":
        if m.official_on is None:
            errors.setdefault("official_on", "Đảng viên chính thức: ghi ngày chính thức.")
        elif m.joined_on and m.official_on <= m.joined_on:
            errors.setdefault("official_on", "Ngày chính thức phải sau ngày vào Đảng.")
        if m.recognized_on and m.joined_on and m.recognized_on <= m.joined_on:
            errors.setdefault("recognized_on", "Ngày quyết định phải sau ngày vào Đảng.")
    else:
        if m.official_on is not None or m.recognized_on is not None:
            key = "official_on" if m.official_on is not None else "recognized_on"
            errors.setdefault(key, "Đảng viên dự bị chưa có ngày chính thức.")
        if m.card_number:
            errors.setdefault("card_number", "Thẻ đảng viên chỉ phát cho đảng viên chính thức.")
    if m.card_number and not re.fullmatch(r"[0-9A-Za-z\-.]{1,20}", m.card_number):
        errors.setdefault("card_number", "Số thẻ gồm chữ số (tối đa 20 ký tự).")
    moved = bool(m.origin_name or m.origin_org)
    if moved and m.arrived_on is None:
        errors.setdefault("arrived_on", "Ghi ngày đến chi bộ hiện tại.")
    if not moved and (m.arrived_on or m.letter_on):
        errors.setdefault("origin", "Ghi nơi chuyển đến.")
    if m.origin_org is not None and m.origin_org == m.cell:
        errors.setdefault("origin", "Nơi chuyển đến trùng chi bộ hiện tại.")
    if m.arrived_on and m.joined_on and m.arrived_on < m.joined_on:
        errors.setdefault("arrived_on", "Ngày đến chi bộ không được trước ngày vào Đảng.")
    if m.letter_on:
        if m.external:
            errors.setdefault("letter_on", "Chỉ ghi khi chuyển trong Đảng bộ.")
        elif m.arrived_on and m.letter_on > m.arrived_on:
            errors.setdefault("letter_on", "Ngày giấy giới thiệu không được sau ngày đến.")
        elif m.joined_on and m.letter_on < m.joined_on:
            errors.setdefault("letter_on", "Ngày giấy giới thiệu không được trước ngày vào Đảng.")
    if (m.leaving is None) != (m.left_on is None):
        key = "left_reason" if m.leaving is None else "left_on"
        errors.setdefault(key, "Ghi cả ngày và lý do ra khỏi danh sách.")
    if m.leaving and m.left_on:
        if m.leaving.only_status and m.leaving.only_status != m.status:
            who = STATUS_LABELS[m.leaving.only_status].lower()
            errors.setdefault("left_reason", f"“{m.leaving.label}” chỉ áp dụng với {who}.")
        latest = max(
            (
                d
                for d in (m.joined_on, m.official_on, m.recognized_on, m.arrived_on)
                if d is not None
            ),
            default=None,
        )
        if latest and m.left_on < latest:
            errors.setdefault("left_on", "Ngày ra khỏi danh sách phải sau các ngày khác của dòng.")
    return errors


def steps(m: Membership) -> list[Step]:
    """The dated steps of a checked row, in date order. A candidate has none, or only the
    admission decision when it is signed and the ceremony is still to come.

    A member who came from outside the committee was admitted and recognized elsewhere: those
    steps are recorded as outside (presence ``left``) and count for no organization here; the
    arrival puts them on the list. One who came from another organization of the committee was
    on that organization's list until the letter, then in transit until the arrival."""
    if not m.is_member:
        if m.admission_decision_on is None:
            return []
        return [Step(ACTIONS["decided"], m.admission_decision_on, {"org_id": m.cell})]
    outside = m.external
    home = m.origin_org if m.origin_org is not None else m.cell
    out: list[Step] = []
    payload = {"card_number": m.card_number} if m.card_number else {}
    if not outside:
        out.append(Step(ACTIONS["decided"], m.admission_decision_on, {"org_id": home}))
    joined = {"org_id": home, "member_status": "probationary", "presence": "active"}
    if outside:
        joined["presence"] = "left"
        payload = {**payload, "admission_decision_on": m.admission_decision_on}
    out.append(Step(ACTIONS["joined"], m.joined_on, joined, payload=payload))
    if m.status == "official":
        out.append(
            Step(
                ACTIONS["recognized"],
                m.recognized_on or m.official_on,
                {"member_status": "official"},
                payload={"official_on": m.official_on},
            )
        )
    if m.origin_org is not None and m.letter_on and m.letter_on < m.arrived_on:
        out.append(Step(ACTIONS["left_origin"], m.letter_on, {"presence": "in_transit"}))
    if m.arrived_on is not None:
        out.append(
            Step(
                ACTIONS["arrived"],
                m.arrived_on,
                {"org_id": m.cell, "presence": "active"},
                procedure="transfer_in" if outside else None,
                payload={"origin": m.origin_name} if outside else {"origin_org": m.origin_org},
            )
        )
    if m.leaving is not None:
        changes = {}
        if m.leaving.member_status:
            changes["member_status"] = m.leaving.member_status
        if m.leaving.presence:
            changes["presence"] = m.leaving.presence
        out.append(
            Step(
                ACTIONS["left"],
                m.left_on,
                changes,
                procedure=m.leaving.procedure,
                payload={"reason": m.leaving.flow},
            )
        )
    # stable: steps on one day keep the order above (joined before recognized, and so on)
    return sorted(out, key=lambda s: s.on)


def final_place(m: Membership) -> dict:
    """The person's cell, status and presence after the row's steps."""
    place = {"org_id": m.cell, "member_status": m.status, "presence": "active"}
    for step in steps(m):
        place.update(step.changes)
    return place
