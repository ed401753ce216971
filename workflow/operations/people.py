"""Creating and editing people."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from states.facts import EDUCATION_RANK
from states.fields import parse_date
from states.identity import check_citizen_id
from states.text import check_person_name, clean_line, fold
from workflow.clock import today
from workflow.engine import audit
from workflow.engine.errors import InvalidInput
from workflow.extensions import db
from workflow.models import Organization, Person
from workflow.permissions import Actor

TEXT_LIMITS = {"ethnicity": 50, "religion": 50, "home_town": 200, "occupation": 200}
REQUIRED_TEXT = ("ethnicity", "religion", "home_town")


def validate_person(raw: Mapping[str, Any], *, existing_id: int | None = None) -> dict[str, Any]:
    """Check every field of a person; return clean values or raise InvalidInput."""
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
    else:
        clash = db.session.scalars(
            select(Person.id).where(Person.citizen_id == out["citizen_id"])
        ).first()
        if clash is not None and clash != existing_id:
            errors["citizen_id"] = "Số CCCD này đã có trong hồ sơ của một người khác."
    if errors:
        raise InvalidInput(errors)
    out["search_key"] = fold(out["full_name"])
    return out


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
        payload={k: v for k, v in data.items() if k != "search_key"},
        person=person,
    )
    return person


def update_person(person: Person, raw: Mapping[str, Any], *, actor: Actor) -> dict[str, Any]:
    data = validate_person(raw, existing_id=person.id)
    changes = {}
    for key, value in data.items():
        if getattr(person, key) != value:
            changes[key] = value
            setattr(person, key, value)
    if changes:
        db.session.flush()
        audit.append(
            actor=actor,
            subject_type="person",
            subject_id=person.id,
            action="person.update",
            payload={k: v for k, v in changes.items() if k != "search_key"},
            person=person,
        )
    return changes


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
    errors = {}
    if status not in ("probationary", "official"):
        errors["member_status"] = "Chỉ nhập lịch sử cho đảng viên dự bị hoặc chính thức."
    if joined_on is None or admission_decision_on is None:
        errors["joined_on"] = "Cần ngày ký quyết định kết nạp và ngày vào Đảng."
    elif admission_decision_on > joined_on:
        errors["joined_on"] = "Ngày vào Đảng (lễ kết nạp) không được trước ngày ký quyết định."
    elif joined_on > today() or admission_decision_on < person.birth_date:
        errors["joined_on"] = "Ngày không hợp lệ."
    if status == "official" and (
        official_on is None or joined_on is None or official_on < joined_on
    ):
        errors["official_on"] = "Ngày chính thức phải sau ngày vào Đảng."
    if errors:
        raise InvalidInput(errors)
    person.admission_decision_on = admission_decision_on
    person.card_number = card_number
    # one row per event, on its own date, so that reports for past periods count them
    history = [
        ("history.admission_decided", admission_decision_on, {}),
        ("history.joined", joined_on, {"member_status": "probationary", "presence": "active"}),
    ]
    if status == "official":
        history.append(("history.recognized", official_on, {"member_status": "official"}))
    for action, on, changes in history:
        for attribute, value in changes.items():
            setattr(person, attribute, value)
        audit.append(
            actor=actor,
            subject_type="person",
            subject_id=person.id,
            action=action,
            event_date=on,
            payload={"card_number": card_number} if action == "history.joined" else {},
            person=person,
        )
    person.joined_on = joined_on
    person.official_on = official_on if status == "official" else None


def add_gap(person: Person, raw: Mapping[str, Any], *, actor: Actor):
    """A period that does not count towards party age (e.g. between leaving and re-admission)."""
    from workflow.models import MembershipGap

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
        elif person.admission_decision_on is None or start < person.admission_decision_on:
            errors["start_on"] = "Khoảng thời gian phải sau ngày ký quyết định kết nạp."
        elif any(
            g.start_on < end and start < g.end_on
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
    return gap
