"""Training classes: the kinds of class the committee runs, who each kind is for, what a
trainee's attendance and result may be, and the checks on a class's own particulars.

A class is not a procedure of one person: it has its own record, a roster of trainees sent by
their organizations, their attendance and results, and the certificates it issues, each
numbered in the issuer's register of that kind of certificate. The admission and probation
procedures read those certificates (whatever case enrolled the person), and the period report
counts them (``states/indicators.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from states.dates import vn_date


@dataclass(frozen=True)
class ClassKind:
    key: str
    #: "Lớp bồi dưỡng …": what the class is called
    label: str
    #: the certificate's title and its register's code (the certificate number's symbol)
    certificate_title: str
    certificate_code: str
    #: the member statuses a trainee may have (empty: anyone on record)
    statuses: tuple[str, ...] = ()
    #: who the class is for, said when someone else is put on its roster
    audience: str = ""


# fmt: off
BUILT_IN_KINDS: tuple[ClassKind, ...] = (
    ClassKind("awareness", "Bồi dưỡng nhận thức về Đảng",
              "Giấy chứng nhận học lớp bồi dưỡng nhận thức về Đảng", "CN-NTVĐ",
              ("non_member",), "quần chúng ưu tú (chưa là đảng viên)"),
    ClassKind("new_member", "Bồi dưỡng lý luận chính trị dành cho đảng viên mới",
              "Giấy chứng nhận học lớp bồi dưỡng lý luận chính trị dành cho đảng viên mới",
              "CN-ĐVM", ("probationary", "official"), "đảng viên"),
    ClassKind("party_work", "Bồi dưỡng nghiệp vụ công tác xây dựng Đảng",
              "Giấy chứng nhận bồi dưỡng nghiệp vụ công tác xây dựng Đảng", "CN-XDĐ",
              ("probationary", "official"), "đảng viên (bí thư, phó bí thư, cấp ủy viên)"),
)
# fmt: on

#: the certificate kinds the admission and probation procedures read
AWARENESS = "awareness"
NEW_MEMBER = "new_member"

ATTENDANCE: tuple[tuple[str, str], ...] = (
    ("full", "Tham gia đầy đủ"),
    ("partial", "Vắng một phần"),
    ("absent", "Không tham gia"),
)
RESULTS: tuple[tuple[str, str], ...] = (
    ("excellent", "Giỏi"),
    ("good", "Khá"),
    ("passed", "Đạt"),
    ("failed", "Không đạt"),
)
PASSING = frozenset({"excellent", "good", "passed"})
#: what a trainee does in their organization (the party-work classes' audience)
POSITIONS: tuple[tuple[str, str], ...] = (
    ("secretary", "Bí thư"),
    ("deputy_secretary", "Phó Bí thư"),
    ("committee_member", "Cấp ủy viên"),
    ("member", "Đảng viên"),
    ("candidate", "Quần chúng ưu tú"),
)
#: a roster row: proposed by a cell (the department has not taken it yet), enrolled, withdrawn
ENROLLMENT_STATUSES = {
    "proposed": "Chi bộ đề nghị, chờ Ban Tổ chức nhận",
    "enrolled": "Trong danh sách lớp",
    "withdrawn": "Đã rút khỏi lớp",
}

ATTENDANCE_LABELS = dict(ATTENDANCE)
RESULT_LABELS = dict(RESULTS)
POSITION_LABELS = dict(POSITIONS)


def kinds(extra: dict[str, dict[str, str]] | None = None) -> dict[str, ClassKind]:
    """The kinds in use: the built-in ones, and those the configuration adds (key → label,
    certificate_title, certificate_code; a key of a built-in kind is not replaced)."""
    out = {k.key: k for k in BUILT_IN_KINDS}
    for key, values in (extra or {}).items():
        if key in out:
            continue
        label = values["label"]
        out[key] = ClassKind(
            key,
            label,
            values.get("certificate_title") or f"Giấy chứng nhận {label[:1].lower()}{label[1:]}",
            values.get("certificate_code") or f"CN-{key.upper()[:7]}",
        )
    return out


def eligibility_error(kind: ClassKind, status: str, full_name: str) -> str | None:
    """Why a person of ``status`` may not be on a class of ``kind`` (None: they may)."""
    if kind.statuses and status not in kind.statuses:
        return f"{full_name} không thuộc đối tượng của lớp (lớp dành cho {kind.audience})."
    return None


def class_dates_errors(starts_on: date, ends_on: date) -> dict[str, str]:
    if ends_on < starts_on:
        return {
            "ends_on": f"Ngày bế giảng không được trước ngày khai giảng ({vn_date(starts_on)})."
        }
    if (ends_on - starts_on).days > 366:
        return {"ends_on": "Một lớp bồi dưỡng không kéo dài quá một năm."}
    return {}


def certificate_date_error(issued_on: date, ends_on: date, today: date) -> str | None:
    if issued_on < ends_on:
        return f"Ngày cấp giấy chứng nhận không được trước ngày bế giảng ({vn_date(ends_on)})."
    if issued_on > today:
        return "Ngày cấp giấy chứng nhận không được sau ngày hôm nay."
    return None


def result_error(attendance: str | None, result: str | None) -> str | None:
    """A result needs an attendance; someone who did not attend cannot pass."""
    if result and not attendance:
        return "Ghi mức tham gia trước khi ghi kết quả."
    if attendance == "absent" and result in PASSING:
        return "Học viên không tham gia lớp thì không thể có kết quả đạt."
    return None
