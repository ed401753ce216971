"""A class's roster as a spreadsheet, and trainees whose record is written with their row:
the export (and blank template), and the import, checked row by row before anything is
written, as the member-list import is.

A row names a trainee by citizen ID. Someone on file is put on the roster (or, already on it,
their attendance and result are updated); someone not on file needs their particulars and the
code of their cell, and their record is created with the row. Each row's problems are listed
with its row number; importing writes the rows without problems, in one transaction, checked
again on the same bytes.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy import select

from states import roster as member_columns
from states import training as rules
from states.identity import check_citizen_id, normalize_citizen_id
from states.roster import SEX_LABELS, SEXES, STATUS_LABELS
from states.text import clean_line, fold
from workflow.clock import today
from workflow.extensions import db
from workflow.models import (
    Organization,
    Person,
    RosterUpload,
    TrainingClass,
    TrainingEnrollment,
    utcnow,
)
from workflow.operations.people import check_person_fields, create_person
from workflow.permissions import Actor
from workflow.roster.reader import FileRefused, check_container
from workflow.spreadsheet import workbook_bytes
from workflow.store import audit
from workflow.store.errors import InvalidInput, NotFound
from workflow.store.uow import transactional
from workflow.training import access, operations

# fmt: off
#: (key, header, needed for a person not on file)
COLUMNS: tuple[tuple[str, str, bool], ...] = (
    ("number", "STT", False),
    ("full_name", "Họ và tên", True),
    ("citizen_id", "Số CCCD", True),
    ("birth_date", "Ngày sinh", True),
    ("sex", "Giới tính", True),
    ("ethnicity", "Dân tộc", True),
    ("religion", "Tôn giáo", True),
    ("home_town", "Quê quán", True),
    ("education", "Trình độ học vấn", True),
    ("cell", "Mã chi bộ", True),
    ("cell_name", "Tên chi bộ", False),
    ("status", "Đối tượng", False),
    ("position", "Chức vụ", False),
    ("attendance", "Tham gia", False),
    ("result", "Kết quả", False),
    ("certificate", "Số giấy chứng nhận", False),
    ("note", "Ghi chú", False),
)
# fmt: on
HEADERS = {fold(header): key for key, header, _ in COLUMNS}
REQUIRED = ("full_name", "citizen_id")
#: columns written for reading only
READ_ONLY = ("number", "cell_name", "status", "certificate")
HEADER_SEARCH_ROWS = 10
POSITION_BY_LABEL = {fold(label): key for key, label in rules.POSITIONS}
ATTENDANCE_BY_LABEL = {fold(label): key for key, label in rules.ATTENDANCE}
RESULT_BY_LABEL = {fold(label): key for key, label in rules.RESULTS}
EDUCATION_BY_LABEL = {fold(label): key for label, key in member_columns.EDUCATION.items()}
SEX_BY_LABEL = {fold(label): key for label, key in SEXES.items()}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean_line(str(value))


# --- one new person ---------------------------------------------------------------------


@transactional
def add_new_person(
    class_id: int,
    raw: Mapping[str, Any],
    cell: Organization | None,
    *,
    actor: Actor,
) -> TrainingEnrollment:
    """Write the record of someone not yet on file (by their citizen ID and particulars) and
    put them on the roster, in one transaction."""
    access.require_manager(actor)
    cls = operations.get_class(class_id, lock=True)
    if cell is None or not cell.is_cell:
        raise InvalidInput({"cell_id": "Chọn chi bộ nơi người này sinh hoạt, công tác."})
    position = operations.parse_position(raw.get("position"))
    person = create_person(raw, cell=cell, actor=actor)
    return operations.enroll(
        cls, person, actor=actor, position=position, note=str(raw.get("note") or "")
    )


# --- export ---------------------------------------------------------------------------------


def workbook(cls: TrainingClass, rows: list[TrainingEnrollment]) -> bytes:
    """The roster (or, with no rows, the blank template) with a sheet of allowed values."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Danh sách lớp"
    ws.append([cls.title])
    ws["A1"].font = Font(bold=True)
    ws.append([])
    ws.append([header for _key, header, _needed in COLUMNS])
    for cell in ws[3]:
        cell.font = Font(bold=True)
    for number, row in enumerate(rows, 1):
        p = row.person
        ws.append(
            [
                number,
                p.full_name,
                p.citizen_id,
                p.birth_date.strftime("%d/%m/%Y"),
                SEX_LABELS.get(p.sex, ""),
                p.ethnicity,
                p.religion,
                p.home_town,
                member_columns.EDUCATION_LABELS.get(p.education, ""),
                p.cell.code,
                p.cell.name,
                STATUS_LABELS.get(p.member_status, ""),
                rules.POSITION_LABELS.get(row.position, ""),
                rules.ATTENDANCE_LABELS.get(row.attendance or "", ""),
                rules.RESULT_LABELS.get(row.result or "", ""),
                row.certificate.number if row.certificate else "",
                row.note,
            ]
        )
        ws.cell(ws.max_row, 3).number_format = "@"
    for index, (_key, header, _needed) in enumerate(COLUMNS, 1):
        ws.column_dimensions[ws.cell(3, index).column_letter].width = max(10, len(header) + 4)
    values = wb.create_sheet("Danh mục")
    lists = (
        ("Chức vụ", [label for _k, label in rules.POSITIONS]),
        ("Tham gia", [label for _k, label in rules.ATTENDANCE]),
        ("Kết quả", [label for _k, label in rules.RESULTS]),
        ("Giới tính", list(SEXES)),
        ("Trình độ học vấn", list(member_columns.EDUCATION)),
    )
    last = max(len(items) for _h, items in lists) + 1
    for col, (header, items) in enumerate(lists, 1):
        values.cell(1, col, header).font = Font(bold=True)
        for r, item in enumerate(items, 2):
            values.cell(r, col, item)
        letter = values.cell(1, col).column_letter
        target = next(i for i, (_k, h, _n) in enumerate(COLUMNS, 1) if h == header)
        check = DataValidation(
            type="list", formula1=f"'Danh mục'!${letter}$2:${letter}${len(items) + 1}"
        )
        check.add(f"{ws.cell(4, target).column_letter}4:{ws.cell(4, target).column_letter}2000")
        ws.add_data_validation(check)
    del last
    return workbook_bytes(wb)


# --- import ---------------------------------------------------------------------------------


@dataclass
class RowPlan:
    row: int
    citizen_id: str
    full_name: str
    #: create (a new record and the roster) | add (to the roster) | update (results) | same
    action: str = ""
    problems: list[str] = field(default_factory=list)
    person_id: int | None = None
    enrollment_id: int | None = None
    person: dict[str, Any] = field(default_factory=dict)
    cell_id: int | None = None
    position: str = ""
    attendance: str | None = None
    result: str | None = None
    note: str = ""


@dataclass
class Plan:
    rows: list[RowPlan] = field(default_factory=list)
    #: problems of the file itself
    problems: list[str] = field(default_factory=list)

    @property
    def clean(self) -> list[RowPlan]:
        return [r for r in self.rows if not r.problems and r.action != "same"]

    @property
    def with_problems(self) -> list[RowPlan]:
        return [r for r in self.rows if r.problems]


ACTION_LABELS = {
    "create": "Tạo hồ sơ và đưa vào lớp",
    "add": "Đưa vào danh sách lớp",
    "update": "Cập nhật tham gia, kết quả",
    "same": "Không thay đổi",
}


def _read(data: bytes, max_rows: int) -> tuple[list[tuple[int, dict[str, Any]]], list[str]]:
    try:
        check_container(data)
    except FileRefused as exc:
        return [], [exc.problems[0].message]
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # any parser failure means the same to the user
        return [], ["Không đọc được bảng tính: tệp bị hỏng hoặc không đúng định dạng .xlsx."]
    try:
        ws = wb.worksheets[0]
        header_row, columns = None, {}
        for number, values in enumerate(
            ws.iter_rows(min_row=1, max_row=HEADER_SEARCH_ROWS, values_only=True), 1
        ):
            found = {i: HEADERS.get(fold(_text(v).rstrip("* "))) for i, v in enumerate(values)}
            if "full_name" in found.values():
                header_row, columns = number, {i: k for i, k in found.items() if k}
                break
        if header_row is None:
            return [], ["Không tìm thấy dòng tiêu đề có cột “Họ và tên” trong 10 dòng đầu."]
        missing = [h for k, h, _n in COLUMNS if k in REQUIRED and k not in columns.values()]
        if missing:
            return [], [f"Thiếu cột bắt buộc “{h}”." for h in missing]
        out = []
        for number, values in enumerate(ws.iter_rows(min_row=header_row + 1, values_only=True)):
            if all(_text(v) == "" for v in values):
                continue
            if len(out) >= max_rows:
                return [], [f"Tệp có hơn {max_rows} dòng: một lớp không nhiều người đến vậy."]
            raw = {columns[i]: v for i, v in enumerate(values) if i in columns}
            out.append((header_row + 1 + number, raw))
        return out, []
    finally:
        wb.close()


def _choice(value: Any, table: dict[str, str], label: str, problems: list[str]) -> str | None:
    text = _text(value)
    if not text:
        return None
    found = table.get(fold(text))
    if found is None:
        problems.append(f"{label} “{text[:40]}” không có trong trang Danh mục.")
    return found


def check(cls: TrainingClass, data: bytes, actor: Actor, max_rows: int) -> Plan:
    """Every row checked on its own and against the records; nothing is written."""
    rows, file_problems = _read(data, max_rows)
    plan = Plan(problems=file_problems)
    if file_problems:
        return plan
    kind = operations.kinds()[cls.kind]
    cells = {
        o.code.upper(): o
        for o in db.session.scalars(select(Organization).where(Organization.active.is_(True)))
        if o.is_cell
    }
    numbers = [normalize_citizen_id(_text(raw.get("citizen_id"))) for _n, raw in rows]
    people = {
        p.citizen_id: p
        for p in db.session.scalars(select(Person).where(Person.citizen_id.in_(numbers or [""])))
    }
    on_roster = {r.person_id: r for r in cls.enrollments}
    seen: dict[str, int] = {}
    for (number, raw), citizen_id in zip(rows, numbers, strict=True):
        problems: list[str] = []
        plan_row = RowPlan(number, citizen_id, _text(raw.get("full_name")), problems=problems)
        plan.rows.append(plan_row)
        if citizen_id in seen:
            problems.append(f"Số CCCD trùng với dòng {seen[citizen_id]}.")
            continue
        seen[citizen_id] = number
        plan_row.position = (
            _choice(raw.get("position"), POSITION_BY_LABEL, "Chức vụ", problems) or ""
        )
        plan_row.attendance = _choice(
            raw.get("attendance"), ATTENDANCE_BY_LABEL, "Tham gia", problems
        )
        plan_row.result = _choice(raw.get("result"), RESULT_BY_LABEL, "Kết quả", problems)
        plan_row.note = _text(raw.get("note"))[:300]
        if problem := rules.result_error(plan_row.attendance, plan_row.result):
            problems.append(problem)
        person = people.get(citizen_id)
        if person is None:
            if kind.statuses and "non_member" not in kind.statuses:
                problems.append(
                    f"Chưa có ai mang số CCCD này trong hồ sơ: lớp dành cho {kind.audience}."
                )
                continue
            _new_person(plan_row, raw, cells, actor, problems)
            continue
        plan_row.person_id = person.id
        plan_row.full_name = person.full_name
        if not access.may_see_person(actor, person):
            problems.append("Người mang số CCCD này không thuộc phạm vi của bạn.")
            continue
        existing = on_roster.get(person.id)
        if existing is None or existing.status == "withdrawn":
            if problem := rules.eligibility_error(kind, person.member_status, person.full_name):
                problems.append(problem)
            plan_row.action = "add"
        else:
            plan_row.enrollment_id = existing.id
            changed = (existing.attendance, existing.result, existing.note) != (
                plan_row.attendance,
                plan_row.result,
                plan_row.note or existing.note,
            )
            plan_row.action = "update" if changed else "same"
            if existing.certificate_id and plan_row.result not in rules.PASSING:
                problems.append("Học viên đã được cấp giấy chứng nhận: kết quả phải là đạt.")
    if cls.starts_on > today() and any(r.attendance for r in plan.rows):
        plan.problems.append("Lớp chưa khai giảng: chưa ghi được tham gia, kết quả.")
    return plan


def _new_person(
    plan_row: RowPlan,
    raw: dict[str, Any],
    cells: dict[str, Organization],
    actor: Actor,
    problems: list[str],
) -> None:
    if not access.may_manage(actor):
        problems.append("Chưa có ai mang số CCCD này trong hồ sơ.")
        return
    plan_row.action = "create"
    values = {key: _text(raw.get(key)) for key in ("full_name", "citizen_id", "birth_date")}
    values |= {k: _text(raw.get(k)) for k in ("ethnicity", "religion", "home_town")}
    values["sex"] = SEX_BY_LABEL.get(fold(_text(raw.get("sex"))))
    values["education"] = EDUCATION_BY_LABEL.get(fold(_text(raw.get("education"))))
    clean, errors = check_person_fields(values)
    headers = {key: header for key, header, _needed in COLUMNS}
    for key, message in errors.items():
        problems.append(f"{headers.get(key, key)}: {message}")
    cell = cells.get(_text(raw.get("cell")).upper())
    if cell is None:
        problems.append("Mã chi bộ: không có chi bộ nào mang mã này (người chưa có hồ sơ).")
    else:
        plan_row.cell_id = cell.id
    plan_row.person = values
    if "full_name" in clean:
        plan_row.full_name = clean["full_name"]
    if not errors:
        try:
            check_citizen_id(values["citizen_id"], clean["birth_date"], clean["sex"])
        except ValueError as exc:  # pragma: no cover - check_person_fields said it already
            problems.append(str(exc))


@transactional
def store(class_id: int, filename: str, data: bytes, actor: Actor, limit: int) -> int:
    """Keep an uploaded roster for its check (nothing is imported); returns its id."""
    access.require_manager(actor)
    cls = operations.get_class(class_id)
    if len(data) > limit:
        raise InvalidInput({"file": f"Tệp lớn hơn {limit // (1024 * 1024)} MB."})
    if not data:
        raise InvalidInput({"file": "Chọn tệp danh sách lớp (.xlsx)."})
    try:
        check_container(data)
    except FileRefused as exc:
        raise InvalidInput({"file": exc.problems[0].message}) from None
    upload = RosterUpload(
        class_id=cls.id,
        user_id=actor.user_id,
        filename=clean_line(filename or "danh-sach-lop.xlsx")[:200],
        data=data,
    )
    db.session.add(upload)
    db.session.flush()
    return upload.id


def get_upload(cls: TrainingClass, upload_id: int, actor: Actor, *, lock: bool = False):
    stmt = select(RosterUpload).where(
        RosterUpload.id == upload_id,
        RosterUpload.class_id == cls.id,
        RosterUpload.user_id == (actor.user_id or -1),
    )
    if lock:
        stmt = stmt.with_for_update()
    upload = db.session.scalars(stmt).first()
    if upload is None:
        raise NotFound()
    return upload


@dataclass
class Imported:
    created: int = 0
    added: int = 0
    updated: int = 0
    skipped: int = 0


@transactional
def import_rows(class_id: int, upload_id: int, actor: Actor, max_rows: int) -> Imported:
    """Write the rows without problems (checked again on the file's bytes); all or nothing."""
    access.require_manager(actor)
    cls = operations.get_class(class_id, lock=True)
    upload = get_upload(cls, upload_id, actor, lock=True)
    if upload.data is None:
        raise InvalidInput({"file": "Tệp này đã được nhập hoặc đã bỏ; hãy tải tệp lên lại."})
    plan = check(cls, upload.data, actor, max_rows)
    if plan.problems:
        raise InvalidInput({"file": " ".join(plan.problems)})
    done = Imported(skipped=len(plan.with_problems))
    for row in plan.clean:
        if row.action == "create":
            person = create_person(
                row.person, cell=db.session.get(Organization, row.cell_id), actor=actor
            )
            enrolled = operations.enroll(
                cls, person, actor=actor, position=row.position, note=row.note
            )
            done.created += 1
        elif row.action == "add":
            person = db.session.get(Person, row.person_id)
            enrolled = operations.enroll(
                cls, person, actor=actor, position=row.position, note=row.note
            )
            done.added += 1
        else:
            enrolled = db.session.get(TrainingEnrollment, row.enrollment_id)
            done.updated += 1
        if row.attendance or row.result:
            operations.set_result(
                enrolled, row.attendance, row.result, row.note or enrolled.note, actor=actor
            )
    sha = hashlib.sha256(upload.data).hexdigest()
    upload.data = None
    upload.committed_at = utcnow()
    audit.append(
        actor=actor,
        subject_type="training_class",
        subject_id=cls.id,
        action="class.roster_imported",
        payload={
            "class_title": cls.title,
            "rows": len(plan.rows),
            "file": upload.filename,
            "sha256": sha,
        },
    )
    return done
