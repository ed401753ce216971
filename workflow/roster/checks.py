"""Checking a member list row by row: every problem by row, column and reason, and for each
clean row what importing it would do (create the person, update them, or nothing).

People are matched on their citizen ID: a row whose person exists updates their particulars;
their membership history is filled in only where the record has none, and any other
difference is a problem to resolve on the person's page (or through the procedure that
changes it), never overwritten from a file."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from states import roster
from states.dates import vn_date
from states.numbers import vn_number
from states.roster import COLUMN_BY_KEY, Membership
from states.text import clean_line, fold, plain_name_warning
from workflow.clock import today
from workflow.extensions import db
from workflow.models import Case, Organization, Person
from workflow.models.orgs import CELL_KINDS
from workflow.operations.people import CITIZEN_ID_TAKEN, check_person_fields
from workflow.permissions import ROSTER_KEEPERS, Actor
from workflow.roster.reader import FileRefused, Problem, Sheet, TooManyRows, open_sheet

PERSON_FIELDS = (
    "full_name",
    "birth_date",
    "sex",
    "citizen_id",
    "ethnicity",
    "religion",
    "home_town",
    "education",
    "occupation",
    "phone",
)
#: the person's particulars that a re-import updates
UPDATABLE = tuple(f for f in PERSON_FIELDS if f != "citizen_id")
MEMBERSHIP_DATES = ("admission_decision_on", "joined_on", "official_on")


@dataclass
class RowPlan:
    row: int
    #: create | update | unchanged
    action: str
    person: dict[str, Any]
    membership: Membership
    person_id: int | None = None
    #: particulars that differ from the record (update)
    changes: dict[str, Any] = field(default_factory=dict)
    #: the record has no membership history yet and the row brings it
    fill_history: bool = False


@dataclass
class Plan:
    rows: list[RowPlan] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    #: what to look at again without stopping the import (a name without diacritics)
    warnings: list[Problem] = field(default_factory=list)
    #: rows read (not blank)
    read: int = 0
    #: the file itself is wrong: nothing can be imported from it
    refused: bool = False

    @property
    def bad_rows(self) -> set[int]:
        return {p.row for p in self.problems if p.row is not None}

    @property
    def clean(self) -> bool:
        return not self.problems

    @property
    def file_problems(self) -> list[Problem]:
        return [p for p in self.problems if p.row is None]

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)


def _lookup(choices: dict[str, str]) -> tuple[dict[str, str], str]:
    """A catalogue column: its values by their folded label or their key, and its labels."""
    by_text = {key: key for key in choices.values()}
    by_text.update({fold(label): key for label, key in choices.items()})
    return by_text, ", ".join(choices)


#: the catalogue columns, folded once
CHOICES = {
    "sex": _lookup(roster.SEXES),
    "education": _lookup(roster.EDUCATION),
    "status": _lookup(roster.STATUSES),
    "left_reason": _lookup({leaving.label: leaving.flow for leaving in roster.LEAVINGS}),
}


def _choice(value: Any, key: str) -> str | None:
    text = roster.read_text(value)
    if not text:
        return None
    by_text, labels = CHOICES[key]
    found = by_text.get(text) or by_text.get(fold(text))
    if found is None:
        raise ValueError(f"“{text[:40]}” không có trong danh mục: {labels}.")
    return found


@dataclass
class _Orgs:
    by_code: dict[str, Organization]
    actor: Actor

    @classmethod
    def load(cls, actor: Actor) -> _Orgs:
        orgs = db.session.scalars(select(Organization)).all()
        return cls({o.code.casefold(): o for o in orgs}, actor)

    def cell(self, value: Any) -> Organization:
        code = roster.read_text(value)
        if not code:
            raise ValueError("Chưa ghi mã chi bộ.")
        org = self.by_code.get(code.casefold())
        if org is None:
            raise ValueError(f"Không có tổ chức mã “{code[:20]}”.")
        if org.kind not in CELL_KINDS:
            raise ValueError(f"“{org.code}” là {org.name}, không phải chi bộ: ghi mã chi bộ.")
        if not org.active:
            raise ValueError(f"{org.name} đã giải thể hoặc ngừng hoạt động.")
        if self.actor.scope_for(ROSTER_KEEPERS, org.path) is None:
            raise ValueError(f"{org.name} ngoài phạm vi bạn được giao.")
        return org

    def origin(self, value: Any) -> tuple[int | None, str]:
        """An organization of the committee by its code, or one outside it by its name."""
        text = roster.read_text(value)
        if not text:
            return None, ""
        org = self.by_code.get(text.casefold())
        if org is None:
            if len(text) > 200:
                raise ValueError("Tối đa 200 ký tự.")
            return None, text
        if org.kind not in CELL_KINDS:
            raise ValueError(f"“{org.code}” là {org.name}: ghi mã chi bộ mà người này chuyển đi.")
        return org.id, ""


def _read_row(values: tuple, sheet: Sheet, orgs: _Orgs) -> tuple[dict, Membership | None, dict]:
    """(person fields, membership, errors by column key) of one row."""
    raw = {}
    for index, column in sheet.columns.items():
        raw[column.key] = values[index] if index < len(values) else None
    errors: dict[str, str] = {}
    fields: dict[str, Any] = {}
    for key in ("full_name", "ethnicity", "religion", "home_town", "occupation", "phone"):
        fields[key] = roster.read_text(raw.get(key))
    fields["citizen_id"] = roster.read_citizen_id(raw.get("citizen_id"))
    parsed: dict[str, Any] = {}
    for key in CHOICES:
        try:
            parsed[key] = _choice(raw.get(key), key)
        except ValueError as exc:
            errors[key] = str(exc)
    for key in (
        "birth_date",
        *MEMBERSHIP_DATES,
        "recognized_on",
        "letter_on",
        "arrived_on",
        "left_on",
    ):
        try:
            parsed[key] = roster.read_date(raw.get(key))
        except ValueError as exc:
            errors[key] = str(exc)
    fields["sex"] = parsed.get("sex")
    fields["education"] = parsed.get("education")
    fields["birth_date"] = parsed.get("birth_date")
    person, person_errors = check_person_fields(fields)
    for key, message in person_errors.items():
        if key in ("sex", "education") and key in errors:
            continue
        if key == "birth_date" and "birth_date" in errors:
            continue
        errors.setdefault(key, message)
    if "status" not in errors and parsed.get("status") is None:
        errors["status"] = "Chưa ghi đối tượng: " + ", ".join(roster.STATUSES) + "."
    cell = origin_org = None
    origin_name = ""
    try:
        cell = orgs.cell(raw.get("cell"))
    except ValueError as exc:
        errors["cell"] = str(exc)
    try:
        origin_org, origin_name = orgs.origin(raw.get("origin"))
    except ValueError as exc:
        errors["origin"] = str(exc)
    card = roster.read_text(raw.get("card_number")) or None
    if errors or cell is None:
        return person, None, errors
    membership = Membership(
        status=parsed["status"],
        cell=cell.id,
        admission_decision_on=parsed["admission_decision_on"],
        joined_on=parsed["joined_on"],
        official_on=parsed["official_on"],
        recognized_on=parsed["recognized_on"],
        card_number=card,
        origin_org=origin_org,
        origin_name=origin_name,
        letter_on=parsed["letter_on"],
        arrived_on=parsed["arrived_on"],
        leaving=roster.LEAVING_BY_FLOW.get(parsed["left_reason"] or ""),
        left_on=parsed["left_on"],
    )
    errors.update(roster.check_membership(membership, person["birth_date"], today()))
    return person, membership, errors


def _problems(row: int, errors: dict[str, str], sheet: Sheet) -> list[Problem]:
    out = []
    for key, message in errors.items():
        column = COLUMN_BY_KEY.get(key)
        header = column.header if column else key
        out.append(Problem(message, row=row, column=header, letter=sheet.letter(key)))
    return out


def check(data: bytes, actor: Actor, max_rows: int) -> Plan:
    """Read and check a whole file; nothing is written."""
    plan = Plan()
    try:
        sheet, workbook = open_sheet(data, max_rows)
    except FileRefused as exc:
        return Plan(problems=exc.problems, refused=True)
    try:
        plan.problems.extend(sheet.problems)
        if any(p.column and p.message.startswith("Thiếu cột") for p in sheet.problems):
            plan.refused = True
            return plan
        orgs = _Orgs.load(actor)
        seen: dict[str, int] = {}
        try:
            for number, values in sheet.rows:
                plan.read += 1
                person, membership, errors = _read_row(values, sheet, orgs)
                citizen_id = person.get("citizen_id")
                if citizen_id and "citizen_id" not in errors:
                    if citizen_id in seen:
                        errors["citizen_id"] = f"Trùng số CCCD với dòng {seen[citizen_id]}."
                    else:
                        seen[citizen_id] = number
                if errors:
                    plan.problems.extend(_problems(number, errors, sheet))
                    continue
                plan.rows.append(RowPlan(number, "create", person, membership))
        except TooManyRows:
            plan.problems.append(
                Problem(
                    f"Tệp có hơn {vn_number(max_rows)} dòng dữ liệu; mỗi lần nhập tối đa "
                    f"{vn_number(max_rows)} dòng. Hãy chia danh sách thành nhiều tệp."
                )
            )
            plan.refused = True
            plan.rows = []
            return plan
        except Exception:  # a damaged sheet part
            plan.problems.append(Problem("Không đọc hết được bảng tính: tệp bị hỏng."))
            plan.refused = True
            plan.rows = []
            return plan
    finally:
        workbook.close()
    _match_existing(plan, actor, sheet)
    plan.problems.sort(key=lambda p: (p.row or 0, p.letter))
    plan.warnings = _warnings(plan.rows, sheet)
    return plan


def _warnings(rows: list[RowPlan], sheet: Sheet) -> list[Problem]:
    """A name written without diacritics, on a row that creates the person or renames them."""
    out = []
    for row in rows:
        if row.action != "create" and "full_name" not in row.changes:
            continue
        warning = plain_name_warning(row.person["full_name"])
        if warning:
            header = COLUMN_BY_KEY["full_name"].header
            out.append(Problem(warning, row.row, header, sheet.letter("full_name")))
    return out


def _chunks(items: list, size: int = 500) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _match_existing(plan: Plan, actor: Actor, sheet: Sheet) -> None:
    """Rows whose citizen ID is already on record become updates, or problems."""
    by_id = {r.person["citizen_id"]: r for r in plan.rows}
    existing: dict[str, Person] = {}
    for chunk in _chunks(list(by_id)):
        for person in db.session.scalars(
            select(Person)
            .where(Person.citizen_id.in_(chunk))
            .join(Person.cell)
            .options(contains_eager(Person.cell))
        ):
            existing[person.citizen_id] = person
    open_cases = set()
    for chunk in _chunks([p.id for p in existing.values()]):
        open_cases.update(
            db.session.scalars(
                select(Case.person_id).where(Case.person_id.in_(chunk), Case.closed_at.is_(None))
            )
        )
    kept = []
    for row in plan.rows:
        person = existing.get(row.person["citizen_id"])
        if person is None:
            kept.append(row)
            continue
        errors = _compare(row, person, actor, person.id in open_cases)
        if errors:
            plan.problems.extend(_problems(row.row, errors, sheet))
            continue
        row.person_id = person.id
        row.changes = {
            key: row.person[key] for key in UPDATABLE if getattr(person, key) != row.person[key]
        }
        row.action = "update" if row.changes or row.fill_history else "unchanged"
        kept.append(row)
    plan.rows = kept


def _compare(row: RowPlan, person: Person, actor: Actor, has_open_case: bool) -> dict[str, str]:
    if actor.scope_for(ROSTER_KEEPERS, person.cell.path) is None:
        return {"citizen_id": CITIZEN_ID_TAKEN + " (ngoài phạm vi bạn được giao)"}
    m = row.membership
    place = roster.final_place(m)
    if person.cell_id != m.cell:
        return {
            "cell": f"Người này đang ở {person.cell.name} (mã {person.cell.code}); đổi chi bộ "
            "bằng thủ tục chuyển sinh hoạt đảng."
        }
    if person.member_status == "non_member" and person.joined_on is None:
        decided = person.admission_decision_on
        if decided is not None and decided != m.admission_decision_on:
            return {"admission_decision_on": f"Khác với hồ sơ đang có ({vn_date(decided)})."}
        if m.is_member or (decided is None and m.admission_decision_on):
            if has_open_case:
                return {
                    "status": "Người này đang có hồ sơ được xét trong hệ thống; kết nạp theo hồ "
                    "sơ đó."
                }
            row.fill_history = True
            return {}
    errors = {}
    recorded = {"member_status": person.member_status, "presence": person.presence}
    if any(recorded[k] != place[k] for k in recorded):
        errors["status"] = (
            f"Khác với hồ sơ đang có ({person.status_label}, {person.presence_label.lower()}); "
            "sửa trên trang của người này hoặc qua thủ tục tương ứng."
        )
    for key in MEMBERSHIP_DATES:
        if getattr(person, key) != getattr(m, key):
            had = getattr(person, key)
            errors[key] = f"Khác với hồ sơ đang có ({vn_date(had) if had else 'chưa ghi'})."
    if (person.card_number or None) != (m.card_number or None):
        errors["card_number"] = (
            f"Khác với hồ sơ đang có ({person.card_number or 'chưa ghi'}); số thẻ do thủ tục "
            "phát thẻ ghi."
        )
    return errors


def describe(person: dict[str, Any]) -> str:
    """How a planned row names its person in the result list."""
    born = person.get("birth_date")
    return clean_line(f"{person.get('full_name', '')} ({vn_date(born) if born else ''})")
