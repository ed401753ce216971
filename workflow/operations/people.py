"""Creating and editing people."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import select

from states import roster
from states.facts import EDUCATION_RANK
from states.fields import parse_date
from states.identity import check_citizen_id
from states.text import check_person_name, clean_line, plain_name_warning, plain_text_error
from workflow.clock import today
from workflow.extensions import db
from workflow.models import Organization, Person
from workflow.models.people import NAME_KEYS, name_keys
from workflow.permissions import Actor
from workflow.store import audit
from workflow.store.errors import InvalidInput, NotFound, StaleRecord
from workflow.store.uow import transactional

TEXT_LIMITS = {"ethnicity": 50, "religion": 50, "home_town": 200, "occupation": 200}
REQUIRED_TEXT = ("ethnicity", "religion", "home_town")


def check_person_fields(raw: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Check every field of a person on its own (no lookups): (clean values, errors)."""
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}
    try:
        out["full_name"] = check_person_name(str(raw.get("full_name") or ""))
    except ValueError as exc:
        errors["full_name"] = str(exc)
    birth = None
    try:
        birth = parse_date(raw.get("birth_date") or "")
        if birth > today():
            errors["birth_date"] = "Ngày sinh không được sau ngày hôm nay."
        out["birth_date"] = birth
    except ValueError as exc:
        errors["birth_date"] = str(exc) if raw.get("birth_date") else "Chưa nhập ngày sinh."
    sex = raw.get("sex")
    if sex not in ("male", "female"):
        errors["sex"] = "Chọn giới tính."
    out["sex"] = sex
    for name, limit in TEXT_LIMITS.items():
        value = clean_line(str(raw.get(name) or ""))
        if len(value) > limit:
            errors[name] = f"Tối đa {limit} ký tự."
        elif name in REQUIRED_TEXT and not value:
            errors[name] = "Trường này là bắt buộc."
        elif message := plain_text_error(value):
            errors[name] = message
        out[name] = value
    education = raw.get("education")
    if education not in EDUCATION_RANK:
        errors["education"] = "Chọn trình độ học vấn."
    out["education"] = education
    phone = unicodedata.normalize("NFKC", str(raw.get("phone") or "")).strip()
    phone = re.sub(r"[\s.\-()]", "", phone)
    if phone and not re.fullmatch(r"\+?\d{8,15}", phone):
        errors["phone"] = "Số điện thoại gồm 8–15 chữ số."
    out["phone"] = phone
    try:
        out["citizen_id"] = check_citizen_id(
            str(raw.get("citizen_id") or ""), birth, sex if sex in ("male", "female") else None
        )
    except ValueError as exc:
        errors["citizen_id"] = str(exc)
    if "full_name" in out:
        out.update(name_keys(out["full_name"]))
    return out, errors


def name_warnings(raw: Mapping[str, Any], *, previous: str | None = None) -> dict[str, str]:
    """Warnings (not errors) on a person's particulars: a new or changed name without any
    diacritics. Nothing for a name that is invalid (its error says enough) or unchanged."""
    try:
        name = check_person_name(str(raw.get("full_name") or ""))
    except ValueError:
        return {}
    warning = plain_name_warning(name) if name != previous else None
    return {"full_name": warning} if warning else {}


CITIZEN_ID_TAKEN = "Số CCCD này đã có trong hồ sơ của một người khác."


def validate_person(raw: Mapping[str, Any], *, existing_id: int | None = None) -> dict[str, Any]:
    """Check every field of a person; return clean values or raise InvalidInput."""
    out, errors = check_person_fields(raw)
    if "citizen_id" in out:
        clash = db.session.scalars(
            select(Person.id).where(Person.citizen_id == out["citizen_id"])
        ).first()
        if clash is not None and clash != existing_id:
            errors["citizen_id"] = CITIZEN_ID_TAKEN
    if errors:
        raise InvalidInput(errors)
    return out


def _locked_person(person_id: int, actor: Actor) -> Person:
    person = db.session.get(Person, person_id, with_for_update=True, populate_existing=True)
    if person is None or not actor.can_view(person.cell.path):
        raise NotFound()
    return person


@transactional
def create_person(raw: Mapping[str, Any], *, cell: Organization, actor: Actor) -> Person:
    data = validate_person(raw)
    person = Person(**data, cell_id=cell.id, member_status="non_member")
    person.cell = cell
    db.session.add(person)
    db.session.flush()
    audit.append(
        actor=actor,
        subject_type="person",
        subject_id=person.id,
        action="person.create",
        payload={k: v for k, v in data.items() if k not in NAME_KEYS},
        person=person,
    )
    return person


@transactional
def update_person(
    person_id: int, raw: Mapping[str, Any], *, actor: Actor, expected_version: str | None = None
) -> dict[str, Any]:
    """Change a person's particulars; returns what changed. ``expected_version`` (as the form
    carried it), when given, must still be the row's, or StaleRecord."""
    person = _locked_person(person_id, actor)
    if expected_version is not None and str(person.version) != expected_version:
        raise StaleRecord()
    data = validate_person(raw, existing_id=person.id)
    changes = {key: value for key, value in data.items() if getattr(person, key) != value}
    apply_changes(person, changes, actor=actor)
    return changes


def apply_changes(
    person: Person, changes: Mapping[str, Any], *, actor: Actor, payload: Mapping | None = None
) -> None:
    """Set checked particulars on the person and record them (nothing when none changed)."""
    if not changes:
        return
    for key, value in changes.items():
        setattr(person, key, value)
    db.session.flush()
    audit.append(
        actor=actor,
        subject_type="person",
        subject_id=person.id,
        action="person.update",
        payload={**{k: v for k, v in changes.items() if k not in NAME_KEYS}, **(payload or {})},
        person=person,
    )


def record_membership(
    person: Person,
    *,
    status: str,
    admission_decision_on,
    joined_on,
    official_on,
    card_number: str | None,
    actor: Actor,
) -> None:
    """Enter a member's existing history (for records that predate this system)."""
    if status not in ("probationary", "official"):
        raise InvalidInput(
            {"member_status": "Chỉ nhập lịch sử cho đảng viên dự bị hoặc chính thức."}
        )
    membership = roster.Membership(
        status=status,
        cell=person.cell_id,
        admission_decision_on=admission_decision_on,
        joined_on=joined_on,
        official_on=official_on if status == "official" else None,
        card_number=card_number,
    )
    errors = roster.check_membership(membership, person.birth_date, today())
    if errors:
        raise InvalidInput(errors)
    record_history(person, membership, actor=actor)


def record_history(
    person: Person, membership: roster.Membership, *, actor: Actor, payload: Mapping | None = None
) -> None:
    """Write a checked membership history onto the person: one row per step, on its own date,
    so that reports for past periods count it; the person ends where the last step left
    them."""
    attributes = {"org_id": "cell_id", "member_status": "member_status", "presence": "presence"}
    for step in roster.steps(membership):
        if step.action == roster.ACTIONS["decided"] and person.admission_decision_on == step.on:
            continue  # recorded when the decision was signed, the ceremony still to come
        for column, value in step.changes.items():
            setattr(person, attributes[column], value)
        audit.append(
            actor=actor,
            subject_type="person",
            subject_id=person.id,
            action=step.action,
            procedure=step.procedure,
            event_date=step.on,
            payload={**step.payload, **(payload or {})},
            person=person,
        )
    person.admission_decision_on = membership.admission_decision_on
    person.joined_on = membership.joined_on
    person.official_on = membership.official_on
    person.card_number = membership.card_number or None


@transactional
def add_gap(person_id: int, raw: Mapping[str, Any], *, actor: Actor) -> None:
    """A period that does not count towards party age (e.g. between leaving and re-admission)."""
    from workflow.models import MembershipGap

    person = _locked_person(person_id, actor)
    errors = {}
    dates = {}
    for key in ("start_on", "end_on"):
        try:
            dates[key] = parse_date(raw.get(key) or "")
        except ValueError as exc:
            errors[key] = str(exc)
    reason = clean_line(str(raw.get("reason") or ""))
    if not reason:
        errors["reason"] = "Ghi lý do, căn cứ."
    elif len(reason) > 300:
        errors["reason"] = "Tối đa 300 ký tự."
    if not errors:
        start, end = dates["start_on"], dates["end_on"]
        if end <= start:
            errors["end_on"] = "Ngày kết thúc phải sau ngày bắt đầu."
        elif end > today():
            errors["end_on"] = "Ngày kết thúc không được sau hôm nay."
        elif person.joined_on is None or start < (person.admission_decision_on or person.joined_on):
            errors["start_on"] = "Khoảng thời gian phải sau ngày ký quyết định kết nạp."
        elif any(
            # a period still open (a member out of contact) runs on to today
            g.start_on < end and start < (g.end_on or date.max)
            for g in db.session.scalars(
                select(MembershipGap).where(MembershipGap.person_id == person.id)
            )
        ):
            errors["start_on"] = "Trùng với một khoảng thời gian đã ghi."
    if errors:
        raise InvalidInput(errors)
    gap = MembershipGap(
        person_id=person.id, start_on=dates["start_on"], end_on=dates["end_on"], reason=reason
    )
    db.session.add(gap)
    audit.append(
        actor=actor,
        subject_type="person",
        subject_id=person.id,
        action="person.gap_added",
        payload={"start_on": gap.start_on, "end_on": gap.end_on, "reason": reason},
        person_id=person.id,
    )
