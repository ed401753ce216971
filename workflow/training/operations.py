"""Changing classes and their rosters: each operation one transaction, each change audited.

Who may do what (``workflow.training.access``): the department's staff manage classes (create,
edit, put people on the roster, record attendance and results, issue certificates); a cell
secretary or a grassroots committee's staff propose the people of their organizations, and may
take back a proposal the department has not taken yet.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm.attributes import flag_modified

from states import training as rules
from states.dates import vn_date
from states.fields import parse_date
from states.identity import normalize_citizen_id
from states.text import clean_line, clean_text, plain_text_error
from workflow.clock import today
from workflow.extensions import db
from workflow.models import (
    Certificate,
    Organization,
    Person,
    TrainingClass,
    TrainingEnrollment,
)
from workflow.permissions import Actor
from workflow.store import audit
from workflow.store.errors import InvalidInput, NotFound, PermissionDenied, StaleRecord
from workflow.store.numbering import next_number
from workflow.store.uow import transactional
from workflow.training import access, certified_action, kinds

#: the longest a class's text particulars may be
LIMITS = {"title": 200, "place": 200, "opening_decision": 80, "certificate_issuer": 200}


def default_issuer(organizer: Organization | None) -> str:
    """Who signs a class's certificates unless the form says otherwise: the standing
    committee of the body that runs it."""
    if organizer is None:
        return f"Ban Thường vụ {current_app.config['UPPER_COMMITTEE_NAME']}"
    return f"Ban Thường vụ {organizer.name}"


def organizers() -> list[Organization]:
    """The bodies that may run a class besides the upper committee: its grassroots
    organizations (the top of the tree)."""
    return list(
        db.session.scalars(
            select(Organization)
            .where(Organization.parent_id.is_(None), Organization.active.is_(True))
            .order_by(Organization.name)
        )
    )


def _parse_class(raw: Mapping[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}
    kind = str(raw.get("kind") or "")
    if kind not in kinds():
        errors["kind"] = "Chọn loại lớp."
    out["kind"] = kind
    for name, limit in LIMITS.items():
        value = clean_line(str(raw.get(name) or ""))
        if len(value) > limit:
            errors[name] = f"Tối đa {limit} ký tự."
        elif message := plain_text_error(value):
            errors[name] = message
        out[name] = value
    if not out["title"] and "title" not in errors:
        errors["title"] = "Ghi tên lớp (ví dụ: Lớp bồi dưỡng nhận thức về Đảng khóa 1/2026)."
    note = clean_text(str(raw.get("note") or ""))
    if len(note) > 2000:
        errors["note"] = "Tối đa 2.000 ký tự."
    out["note"] = note
    organizer_raw = str(raw.get("organizer_id") or "").strip()
    out["organizer"] = None
    if organizer_raw:
        org = db.session.get(Organization, int(organizer_raw)) if organizer_raw.isdigit() else None
        if org is None or org.parent_id is not None:
            errors["organizer_id"] = "Chọn đơn vị tổ chức trong danh sách."
        out["organizer"] = org
    for name, label in (("starts_on", "khai giảng"), ("ends_on", "bế giảng")):
        try:
            out[name] = parse_date(raw.get(name) or "")
        except ValueError as exc:
            errors[name] = str(exc) if raw.get(name) else f"Ghi ngày {label}."
    if "starts_on" in out and "ends_on" in out:
        errors.update(rules.class_dates_errors(out["starts_on"], out["ends_on"]))
    if errors:
        raise InvalidInput(errors)
    if not out["certificate_issuer"]:
        out["certificate_issuer"] = default_issuer(out["organizer"])
    return out


def _class_payload(cls: TrainingClass) -> dict[str, Any]:
    return {
        "title": cls.title,
        "class_kind": kinds()[cls.kind].label if cls.kind in kinds() else cls.kind,
        "organizer": cls.organizer.name if cls.organizer else "",
        "starts_on": cls.starts_on,
        "ends_on": cls.ends_on,
        "place": cls.place,
        "opening_decision": cls.opening_decision,
        "certificate_issuer": cls.certificate_issuer,
    }


@transactional
def create_class(raw: Mapping[str, Any], *, actor: Actor) -> TrainingClass:
    access.require_manager(actor)
    data = _parse_class(raw)
    organizer = data.pop("organizer")
    cls = TrainingClass(**data, organizer_id=organizer.id if organizer else None)
    cls.organizer = organizer
    cls.created_by = actor.user_id
    db.session.add(cls)
    db.session.flush()
    audit.append(
        actor=actor,
        subject_type="training_class",
        subject_id=cls.id,
        action="class.create",
        event_date=cls.starts_on,
        payload=_class_payload(cls),
    )
    return cls


def get_class(class_id: int, *, lock: bool = False) -> TrainingClass:
    cls = db.session.get(TrainingClass, class_id, with_for_update=lock, populate_existing=lock)
    if cls is None:
        raise NotFound()
    return cls


def _check_version(cls: TrainingClass, expected_version: Any) -> None:
    if str(expected_version or "") != str(cls.version):
        raise StaleRecord(
            "Lớp này vừa được người khác sửa. Trang đã được tải lại với thông tin mới nhất; "
            "hãy nhập lại thay đổi của bạn."
        )


def _certified(cls: TrainingClass) -> list[Certificate]:
    return list(
        db.session.scalars(
            select(Certificate)
            .where(Certificate.class_id == cls.id)
            .order_by(Certificate.issued_on)
        )
    )


@transactional
def update_class(
    class_id: int, raw: Mapping[str, Any], expected_version: Any, *, actor: Actor
) -> TrainingClass:
    access.require_manager(actor)
    cls = get_class(class_id, lock=True)
    _check_version(cls, expected_version)
    data = _parse_class(raw)
    issued = _certified(cls)
    if issued:
        if data["kind"] != cls.kind:
            raise InvalidInput({"kind": "Lớp đã cấp giấy chứng nhận: không đổi được loại lớp."})
        first = min(c.issued_on for c in issued)
        if data["ends_on"] > first:
            raise InvalidInput(
                {
                    "ends_on": "Lớp đã cấp giấy chứng nhận ngày "
                    f"{vn_date(first)}: ngày bế giảng không được sau ngày đó."
                }
            )
    if data["kind"] != cls.kind:
        for row in cls.enrollments:
            if row.status != "withdrawn":
                problem = rules.eligibility_error(
                    kinds()[data["kind"]], row.person.member_status, row.person.full_name
                )
                if problem:
                    raise InvalidInput({"kind": problem})
    organizer = data.pop("organizer")
    for key, value in data.items():
        setattr(cls, key, value)
    cls.organizer_id = organizer.id if organizer else None
    cls.organizer = organizer
    db.session.flush()
    audit.append(
        actor=actor,
        subject_type="training_class",
        subject_id=cls.id,
        action="class.update",
        payload=_class_payload(cls),
    )
    return cls


# --- the roster ---------------------------------------------------------------------------


def active_count(cls: TrainingClass) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(TrainingEnrollment)
            .where(TrainingEnrollment.class_id == cls.id, TrainingEnrollment.status != "withdrawn")
        )
        or 0
    )


def parse_position(value: Any) -> str:
    position = str(value or "")
    if position and position not in rules.POSITION_LABELS:
        raise InvalidInput({"position": "Chọn chức vụ trong danh sách."})
    return position


def enroll(
    cls: TrainingClass,
    person: Person,
    *,
    actor: Actor,
    position: str = "",
    note: str = "",
    field: str = "person",
) -> TrainingEnrollment:
    """Put ``person`` on the roster (inside the caller's transaction): taken at once when the
    department does it, proposed when a cell or grassroots committee does. A person already
    on it is refused; one withdrawn comes back."""
    manager = access.may_manage(actor)
    if not manager and not access.may_propose(actor, person):
        raise NotFound()
    kind = kinds().get(cls.kind)
    if kind is None:
        raise InvalidInput({field: "Loại lớp này không còn trong cấu hình."})
    problem = rules.eligibility_error(kind, person.member_status, person.full_name)
    if problem:
        raise InvalidInput({field: problem})
    if person.presence != "active":
        raise InvalidInput(
            {field: f"{person.full_name} không còn sinh hoạt ở tổ chức trong Đảng bộ."}
        )
    note = clean_line(note)[:300]
    row = db.session.scalars(
        select(TrainingEnrollment)
        .where(TrainingEnrollment.class_id == cls.id, TrainingEnrollment.person_id == person.id)
        .with_for_update()
    ).first()
    if row is not None and row.status != "withdrawn":
        raise InvalidInput({field: f"{person.full_name} đã có trong danh sách lớp này."})
    limit = current_app.config["TRAINING_CLASS_MAX_TRAINEES"]
    if active_count(cls) >= limit:
        raise InvalidInput({field: f"Lớp đã đủ {limit:,} học viên.".replace(",", ".")})
    status = "enrolled" if manager else "proposed"
    if row is None:
        row = TrainingEnrollment(class_id=cls.id, person_id=person.id)
        db.session.add(row)
    row.person = person
    row.sent_by_id = person.cell_id
    row.status = status
    row.position = position
    row.note = note
    row.added_by = actor.user_id
    db.session.flush()
    audit.append(
        actor=actor,
        subject_type="training_class",
        subject_id=cls.id,
        action="class.trainee_added" if manager else "class.trainee_proposed",
        payload={
            "class_title": cls.title,
            "position": rules.POSITION_LABELS.get(position, ""),
            "sent_by": person.cell.name,
        },
        person_id=person.id,
    )
    return row


def find_person(citizen_id: str) -> Person | None:
    number = normalize_citizen_id(citizen_id or "")
    if not number:
        return None
    return db.session.scalars(select(Person).where(Person.citizen_id == number)).first()


@transactional
def add_trainee(
    class_id: int,
    raw: Mapping[str, Any],
    *,
    actor: Actor,
) -> TrainingEnrollment:
    """``raw``: person (an id) or citizen_id, position, note."""
    if not access.may_view(actor):
        raise PermissionDenied()
    cls = get_class(class_id, lock=True)
    person = None
    if str(raw.get("person") or "").isdigit():
        person = db.session.get(Person, int(raw["person"]))
    elif raw.get("citizen_id"):
        person = find_person(str(raw["citizen_id"]))
        if person is None:
            raise InvalidInput(
                {
                    "citizen_id": "Chưa có ai mang số CCCD này trong hồ sơ: ghi thông tin để "
                    "tạo hồ sơ."
                }
            )
    if person is None or not access.may_see_person(actor, person):
        raise InvalidInput({"citizen_id": "Không tìm thấy người này trong phạm vi của bạn."})
    return enroll(
        cls,
        person,
        actor=actor,
        position=parse_position(raw.get("position")),
        note=str(raw.get("note") or ""),
        field="citizen_id",
    )


def _locked_row(row_id: int) -> TrainingEnrollment:
    row = db.session.get(TrainingEnrollment, row_id, with_for_update=True, populate_existing=True)
    if row is None:
        raise NotFound()
    return row


@transactional
def accept(row_id: int, *, actor: Actor) -> TrainingEnrollment:
    access.require_manager(actor)
    row = _locked_row(row_id)
    if row.status != "proposed":
        raise InvalidInput({"row": "Học viên này không ở trạng thái chờ nhận."})
    row.status = "enrolled"
    _row_audit(row, "class.trainee_accepted", actor)
    return row


@transactional
def withdraw(row_id: int, *, actor: Actor) -> TrainingEnrollment:
    row = _locked_row(row_id)
    # a proposer takes back a proposal of their own people the department has not taken yet
    if not access.may_manage(actor) and (
        row.status != "proposed" or not access.may_propose(actor, row.person)
    ):
        raise NotFound()
    if row.certificate_id is not None:
        raise InvalidInput({"row": "Học viên đã được cấp giấy chứng nhận: không rút được."})
    if row.status == "withdrawn":
        raise InvalidInput({"row": "Học viên đã được rút khỏi lớp."})
    row.status = "withdrawn"
    _row_audit(row, "class.trainee_withdrawn", actor)
    return row


def _row_audit(row: TrainingEnrollment, action: str, actor: Actor, **payload: Any) -> None:
    db.session.flush()
    audit.append(
        actor=actor,
        subject_type="training_class",
        subject_id=row.class_id,
        action=action,
        payload={"class_title": row.training_class.title, **payload},
        person_id=row.person_id,
    )


def _parse_result_row(values: Mapping[str, Any]) -> tuple[str | None, str | None, str, str | None]:
    attendance = str(values.get("attendance") or "") or None
    result = str(values.get("result") or "") or None
    note = clean_line(str(values.get("note") or ""))
    if attendance is not None and attendance not in rules.ATTENDANCE_LABELS:
        return attendance, result, note, "Chọn mức tham gia trong danh sách."
    if result is not None and result not in rules.RESULT_LABELS:
        return attendance, result, note, "Chọn kết quả trong danh sách."
    if len(note) > 300:
        return attendance, result, note, "Ghi chú tối đa 300 ký tự."
    return attendance, result, note, rules.result_error(attendance, result)


def set_result(
    row: TrainingEnrollment,
    attendance: str | None,
    result: str | None,
    note: str,
    *,
    actor: Actor,
) -> bool:
    """Record one trainee's attendance and result (inside the caller's transaction); returns
    whether anything changed. A proposed trainee who attended is taken onto the roster."""
    if (row.attendance, row.result, row.note) == (attendance, result, note):
        return False
    if row.certificate_id is not None and result not in rules.PASSING:
        raise InvalidInput(
            {f"result-{row.id}": "Học viên đã được cấp giấy chứng nhận: kết quả phải là đạt."}
        )
    if row.status == "withdrawn":
        raise InvalidInput({f"result-{row.id}": "Học viên đã được rút khỏi lớp."})
    cls = row.training_class
    if attendance is not None and cls.starts_on > today():
        raise InvalidInput(
            {
                f"attendance-{row.id}": f"Lớp khai giảng ngày {vn_date(cls.starts_on)}: "
                "chưa ghi được tham gia."
            }
        )
    row.attendance, row.result, row.note = attendance, result, note
    if row.status == "proposed" and attendance is not None:
        row.status = "enrolled"
    _row_audit(
        row,
        "class.result",
        actor,
        attendance=rules.ATTENDANCE_LABELS.get(attendance or "", ""),
        result=rules.RESULT_LABELS.get(result or "", ""),
        note=note,
    )
    return True


@transactional
def record_results(
    class_id: int,
    rows: Mapping[int, Mapping[str, Any]],
    expected_version: Any,
    *,
    actor: Actor,
) -> int:
    """The attendance grid: row id → attendance, result, note. All or nothing; returns how many
    trainees changed. The class's version guards against two grids saved over each other."""
    access.require_manager(actor)
    cls = get_class(class_id, lock=True)
    _check_version(cls, expected_version)
    by_id = {r.id: r for r in cls.enrollments}
    errors: dict[str, str] = {}
    parsed = {}
    for row_id, values in rows.items():
        row = by_id.get(row_id)
        if row is None:
            raise NotFound()
        attendance, result, note, problem = _parse_result_row(values)
        if problem:
            errors[f"result-{row_id}"] = f"{row.person.full_name}: {problem}"
        parsed[row_id] = (attendance, result, note)
    if errors:
        raise InvalidInput(errors)
    changed = 0
    for row_id, (attendance, result, note) in parsed.items():
        changed += set_result(by_id[row_id], attendance, result, note, actor=actor)
    if changed:
        flag_modified(cls, "note")  # a new version: a grid opened before is stale
    return changed


# --- certificates ---------------------------------------------------------------------------


def register_issuer(cls: TrainingClass) -> str:
    """The register a class's certificates are numbered in: its organizer's."""
    return "upper" if cls.organizer_id is None else f"org:{cls.organizer_id}"


def register_type(kind) -> str:
    """The register's document type: the certificate's code (a register's type holds at most
    10 characters)."""
    return kind.certificate_code[:10]


def issuable(cls: TrainingClass) -> list[TrainingEnrollment]:
    """Trainees who passed and have no certificate yet, in the roster's name order."""
    rows = [
        r
        for r in cls.enrollments
        if r.status == "enrolled" and r.result in rules.PASSING and r.certificate_id is None
    ]
    return sorted(rows, key=lambda r: (r.person.sort_key, r.person_id))


@transactional
def issue_certificates(
    class_id: int, raw: Mapping[str, Any], expected_version: Any, *, actor: Actor
) -> list[Certificate]:
    """Number and record a certificate for every trainee who passed and has none yet, dated
    ``raw["issued_on"]`` (the class's end date or later). Numbers come from the organizer's
    register of that kind of certificate, in the roster's name order."""
    access.require_manager(actor)
    cls = get_class(class_id, lock=True)
    _check_version(cls, expected_version)
    try:
        issued_on = parse_date(raw.get("issued_on") or "")
    except ValueError as exc:
        raise InvalidInput({"issued_on": str(exc)}) from None
    problem = rules.certificate_date_error(issued_on, cls.ends_on, today())
    if problem:
        raise InvalidInput({"issued_on": problem})
    rows = issuable(cls)
    if not rows:
        raise InvalidInput(
            {"issued_on": "Không còn học viên đạt nào chưa được cấp giấy chứng nhận."}
        )
    kind = kinds()[cls.kind]
    issuer = register_issuer(cls)
    out = []
    for row in rows:
        number, _term = next_number(issuer, register_type(kind), issued_on, field="issued_on")
        cert = Certificate(
            person_id=row.person_id,
            kind=cls.kind,
            number=f"{number}/{kind.certificate_code}",
            issued_on=issued_on,
            issuer=cls.certificate_issuer,
            class_id=cls.id,
        )
        db.session.add(cert)
        db.session.flush()
        row.certificate_id = cert.id
        row.certificate = cert
        audit.append(
            actor=actor,
            subject_type="training_class",
            subject_id=cls.id,
            action=certified_action(cls.kind),
            event_date=issued_on,
            payload={"class_title": cls.title, "certificate_number": cert.number},
            person_id=row.person_id,
        )
        out.append(cert)
    flag_modified(cls, "note")
    return out


@transactional
def record_reprint(cls: TrainingClass, certificate_id: int, *, actor: Actor) -> None:
    """A certificate of the class printed again: who and when, in the trail."""
    access.require_manager(actor)
    cert = db.session.get(Certificate, certificate_id)
    audit.append(
        actor=actor,
        subject_type="training_class",
        subject_id=cls.id,
        action="class.certificate_reprinted",
        payload={"class_title": cls.title, "certificate_number": cert.number},
        person_id=cert.person_id,
    )


def history(person_id: int) -> list[TrainingEnrollment]:
    """The classes a person was put on (or proposed for), latest first."""
    return list(
        db.session.scalars(
            select(TrainingEnrollment)
            .join(TrainingClass, TrainingClass.id == TrainingEnrollment.class_id)
            .where(TrainingEnrollment.person_id == person_id)
            .order_by(TrainingClass.ends_on.desc(), TrainingClass.id.desc())
        )
    )


def person_certificates(person_id: int, kind: str) -> list[Certificate]:
    return list(
        db.session.scalars(
            select(Certificate)
            .where(Certificate.person_id == person_id, Certificate.kind == kind)
            .order_by(Certificate.issued_on.desc(), Certificate.id.desc())
        )
    )


def valid_on(cert: Certificate, day: date, months: int) -> bool:
    from states.dates import add_months

    return cert.issued_on <= day < add_months(cert.issued_on, months)
