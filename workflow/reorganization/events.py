"""Events of the organization tree, each dated (it may be a past date) and audited.

Every event but the upper committee's succession is decided by a decision of the upper
committee's standing committee, numbered in its register ("Số 12-QĐ/ĐUK") and printed in the
Party's document format (``workflow.orgs.decisions``), in the same transaction that changes the
tree. What an event changes:

* the organizations' dated identities (``OrgVersion``): the version covering the day is closed
  on it and the new one opens there; the organization's own row takes the new identity (it is
  today's, events being dated today or earlier);
* members of an organization that ends or changes level move with it en bloc: each move is a
  membership row of the trail dated on the event's day, under the procedure
  ``states.indicators.REORGANIZATION``, so the reports count it as a reorganization, never as a
  transfer of party activity; their open cases follow them.

This is not a case procedure: a case's subject is a person, an event's is the tree itself.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, select

from states.dates import vn_date
from states.discipline import ORG_FORM_LABELS
from states.fields import parse_date
from states.indicators import REORGANIZATION
from states.rules import rules_on
from states.text import clean_line, clean_text
from workflow.clock import today
from workflow.extensions import db
from workflow.ids import parse_id
from workflow.membership import MEMBER_MOVED
from workflow.models import (
    AuditEntry,
    Case,
    CommitteePost,
    CommitteeTerm,
    Organization,
    OrgEvent,
    OrgVersion,
    Person,
)
from workflow.models.orgs import ALLOWED_PARENTS, CELL_KINDS, ORG_KINDS, POSTS
from workflow.operations import orgs as org_ops
from workflow.orgs import history
from workflow.permissions import Actor
from workflow.reorganization import decisions
from workflow.store import audit
from workflow.store.audit import canonical_json
from workflow.store.errors import InvalidInput
from workflow.store.uow import transactional

EVENT_KINDS: dict[str, str] = {
    "establish": "Thành lập tổ chức đảng",
    "rename": "Đổi tên tổ chức đảng",
    "upgrade": "Nâng cấp chi bộ thành đảng bộ",
    "downgrade": "Chuyển đảng bộ thành chi bộ",
    "merge": "Hợp nhất tổ chức đảng",
    "split": "Chia tách tổ chức đảng",
    "dissolve": "Giải thể tổ chức đảng",
    "move": "Chuyển tổ chức đảng trực thuộc tổ chức khác",
    "hand_over": "Chuyển giao tổ chức đảng cho đảng ủy cấp trên khác",
    "succeed_upper": "Đảng ủy cấp trên đổi tên hoặc được thay thế",
    "record_term": "Nhiệm kỳ mới của cấp ủy (đại hội)",
    "approve_election": "Chuẩn y kết quả bầu cử cấp ủy",
    "relieve_post": "Cho thôi giữ chức vụ trong cấp ủy",
    "upper_posts": "Chức vụ của Đảng ủy cấp trên (do cấp trên chuẩn y)",
    "org_discipline": "Thi hành kỷ luật tổ chức đảng",
}
#: the events decided by the upper committee itself (numbered in its register); the others
#: are decided by a superior body or a congress and cited as text
NUMBERED = frozenset(EVENT_KINDS) - {"succeed_upper", "record_term", "upper_posts"}
#: the level a kind is upgraded to, and back
UPGRADES = {"cell": "sub_committee", "grassroots_cell": "grassroots_committee"}
DOWNGRADES = {v: k for k, v in UPGRADES.items()}
#: the rule setting: members an organization needs to be established
MIN_MEMBERS = "organization.min_official_members"


@dataclass
class Outcome:
    """What an event did: the decision's articles read from it."""

    event: OrgEvent
    #: the event's facts for the decision's text
    facts: dict[str, Any]
    #: posts the decision gives, and posts it ends
    posts: list[CommitteePost] = field(default_factory=list)
    ended: list[CommitteePost] = field(default_factory=list)


# --- reading the form -----------------------------------------------------------------------


class _Errors(dict):
    def check(self) -> None:
        if self:
            raise InvalidInput(dict(self))


def _day(raw: Mapping[str, Any], errors: _Errors) -> date | None:
    value = raw.get("effective_on")
    if not value:
        errors["effective_on"] = "Chưa nhập ngày hiệu lực."
        return None
    try:
        day = parse_date(value)
    except ValueError:
        errors["effective_on"] = "Ngày không hợp lệ (nhập theo dạng ngày/tháng/năm)."
        return None
    if day > today():
        errors["effective_on"] = "Ngày hiệu lực không được sau ngày hôm nay."
        return None
    return day


def _org(raw: Mapping[str, Any], key: str, errors: _Errors, day: date | None, label: str):
    org_id = parse_id(raw.get(key) or "")
    # locked until the event commits: two events on one organization wait for each other
    org = (
        db.session.get(Organization, org_id, with_for_update=True, populate_existing=True)
        if org_id
        else None
    )
    if org is None:
        errors[key] = f"Chọn {label}."
        return None
    if day is not None and not history.identity_on(org, day).active:
        errors[key] = f"{org.name} không còn hoạt động vào ngày {vn_date(day)}."
        return None
    return org


def _orgs(raw: Mapping[str, Any], key: str) -> list[Organization]:
    values = raw.get(key) or []
    if isinstance(values, str):
        values = values.replace(",", " ").split()
    out: list[Organization] = []
    for value in values:
        org = db.session.get(
            Organization, parse_id(value) or 0, with_for_update=True, populate_existing=True
        )
        if org is not None and org not in out:
            out.append(org)
    return out


def _people(raw: Mapping[str, Any], key: str) -> list[Person]:
    values = raw.get(key) or []
    if isinstance(values, str):
        values = values.replace(",", " ").split()
    ids = sorted({i for i in (parse_id(v) for v in values) if i})
    if not ids:
        return []
    return list(db.session.scalars(select(Person).where(Person.id.in_(ids))))


def _name(raw: Mapping[str, Any], key: str, errors: _Errors, required: bool = True) -> str:
    name = clean_line(str(raw.get(key) or ""))
    if required and not name:
        errors[key] = "Chưa nhập tên."
    elif len(name) > 200:
        errors[key] = "Tối đa 200 ký tự."
    return name


def _abbr(raw: Mapping[str, Any], key: str, errors: _Errors) -> str | None:
    abbr = clean_line(str(raw.get(key) or "")) or None
    if abbr and len(abbr) > 20:
        errors[key] = "Tối đa 20 ký tự."
    return abbr


# --- dated identities -----------------------------------------------------------------------


def _versions(org_id: int | None) -> list[OrgVersion]:
    if org_id is None:
        return history.upper_rows()
    return history.versions_of([org_id]).get(org_id, [])


def _open_version(org: Organization, day: date) -> OrgVersion:
    """The organization's current version, made from its row when it has none; refused when
    it ended or a later change is already recorded (changes are recorded in date order)."""
    versions = _versions(org.id)
    if not versions:
        baseline = OrgVersion(
            org_id=org.id,
            name=org.name,
            abbreviation=org.abbreviation,
            kind=org.kind,
            parent_id=org.parent_id,
        )
        db.session.add(baseline)
        db.session.flush()
        return baseline
    last = versions[-1]
    if last.valid_to is not None:
        raise InvalidInput(
            {"effective_on": f"{org.name} đã thôi hoạt động từ ngày {vn_date(last.valid_to)}."}
        )
    if last.valid_from is not None and last.valid_from > day:
        raise InvalidInput(
            {
                "effective_on": (
                    f"{org.name} đã có thay đổi ghi từ ngày {vn_date(last.valid_from)}, sau "
                    f"ngày {vn_date(day)}: ghi các thay đổi của một tổ chức theo thứ tự ngày."
                )
            }
        )
    return last


def _set_identity(org: Organization, day: date, event: OrgEvent, **changes: Any) -> None:
    """From ``day`` on, the organization is as its current version with ``changes``."""
    current = _open_version(org, day)
    values = {f: getattr(current, f) for f in ("name", "abbreviation", "kind", "parent_id")}
    values.update(changes)
    if current.valid_from == day:
        for key, value in values.items():
            setattr(current, key, value)
        current.event_id = event.id
    else:
        current.valid_to = day
        db.session.add(OrgVersion(org_id=org.id, valid_from=day, event_id=event.id, **values))
    moved = values["parent_id"] != org.parent_id
    org.name, org.abbreviation, org.kind = values["name"], values["abbreviation"], values["kind"]
    if moved:
        org.parent = (
            db.session.get(Organization, values["parent_id"]) if values["parent_id"] else None
        )
        db.session.flush()
        org_ops.set_paths(org)
    db.session.flush()


def _end(org: Organization, day: date, event: OrgEvent) -> None:
    """The organization no longer exists from ``day`` on."""
    current = _open_version(org, day)
    current.valid_to = day
    org.active = False
    db.session.flush()


def _active_members(org: Organization) -> list[Person]:
    return list(
        db.session.scalars(
            select(Person)
            .where(
                Person.cell_id == org.id,
                Person.presence == "active",
                Person.member_status != "removed",
            )
            .order_by(Person.sort_key, Person.id)
        )
    )


def _active_children(org: Organization, day: date) -> list[Organization]:
    kids = db.session.scalars(select(Organization).where(Organization.parent_id == org.id))
    return [k for k in kids if history.identity_on(k, day).active]


def _official_count(people: list[Person]) -> int:
    return sum(1 for p in people if p.member_status == "official")


def _subtree_officials(org: Organization) -> int:
    return (
        db.session.scalar(
            select(func.count(Person.id))
            .join(Organization, Organization.id == Person.cell_id)
            .where(
                Organization.path.startswith(org.path, autoescape=True),
                Person.member_status == "official",
                Person.presence == "active",
            )
        )
        or 0
    )


def _check_history_after(people: list[Person], day: date) -> None:
    """A member whose place is recorded as changing after ``day`` cannot be moved on it: the
    later change would be read after the move."""
    ids = [p.id for p in people]
    for start in range(0, len(ids), 500):
        row = db.session.execute(
            select(AuditEntry.person_id, AuditEntry.event_date)
            .where(
                AuditEntry.person_id.in_(ids[start : start + 500]),
                AuditEntry.org_id.is_not(None),
                AuditEntry.event_date > day,
            )
            .limit(1)
        ).first()
        if row is not None:
            person = db.session.get(Person, row.person_id)
            raise InvalidInput(
                {
                    "effective_on": (
                        f"Nơi sinh hoạt của {person.full_name} đã được ghi thay đổi ngày "
                        f"{vn_date(row.event_date)}, sau ngày {vn_date(day)}: không chuyển cùng "
                        "tổ chức vào ngày này được."
                    )
                }
            )


def _move_people(
    people: list[Person], target: Organization | None, day: date, event: OrgEvent, actor: Actor
) -> int:
    """Move ``people`` into ``target`` on ``day`` with their organization (``target`` None:
    handed over with it to another upper committee, off this committee's lists); their open
    cases follow them. Returns how many moved."""
    if not people:
        return 0
    _check_history_after(people, day)
    by_id = {p.id: p for p in people}
    sources = {p.id: p.cell_id for p in people}
    for person in people:
        if target is not None:
            person.cell_id = target.id
        else:
            person.presence = "left"
        audit.append(
            actor=actor,
            subject_type="org_event",
            subject_id=event.id,
            action=MEMBER_MOVED,
            procedure=REORGANIZATION,
            event_date=day,
            person=person,
            payload={"event": event.kind, "to": target.code if target else None},
        )
    if target is not None:
        cases = db.session.scalars(
            select(Case).where(Case.person_id.in_(list(by_id)), Case.closed_at.is_(None))
        )
        for case in cases:
            if case.cell_id != sources.get(case.person_id):
                continue
            case.cell_id = target.id
            audit.append(
                actor=actor,
                subject_type="case",
                subject_id=case.id,
                action="case.reorganized",
                procedure=case.procedure,
                event_date=day,
                person_id=case.person_id,
                payload={"event": event.kind, "to": target.code},
            )
    db.session.flush()
    return len(people)


def _new_event(kind: str, day: date, actor: Actor, org: Organization | None) -> OrgEvent:
    event = OrgEvent(
        kind=kind,
        effective_on=day,
        org_id=org.id if org else None,
        recorded_by=actor.user_id,
    )
    db.session.add(event)
    db.session.flush()
    return event


def _check_parent(kind: str, parent: Organization | None, errors: _Errors, key: str) -> None:
    parent_kind = parent.kind if parent else None
    if kind in ALLOWED_PARENTS and parent_kind not in ALLOWED_PARENTS[kind]:
        allowed = ", ".join(
            ORG_KINDS[k] if k else "Đảng ủy cấp trên" for k in ALLOWED_PARENTS[kind]
        )
        errors[key] = f"{ORG_KINDS[kind]} chỉ trực thuộc: {allowed}."


# --- the events -----------------------------------------------------------------------------


def _establish(raw, day, actor, errors, *, split_from: Organization | None = None) -> Outcome:
    kind = raw.get("kind") if split_from is None else split_from.kind
    if kind not in ORG_KINDS:
        errors["kind"] = "Chọn loại tổ chức."
    parent = split_from.parent if split_from is not None else None
    if split_from is None and raw.get("parent_id") not in (None, "", "0"):
        parent = _org(raw, "parent_id", errors, day, "tổ chức cấp trên")
    if kind in ORG_KINDS and "parent_id" not in errors:
        _check_parent(kind, parent, errors, "parent_id")
    members = _people(raw, "members")
    children = _orgs(raw, "children")
    allowed_sources = None
    if split_from is not None:
        allowed_sources = {split_from.id}
        if not members and not children:
            errors["members"] = "Chọn đảng viên hoặc tổ chức trực thuộc chuyển sang tổ chức mới."
    for p in members:
        if p.cell_id is None or (allowed_sources and p.cell_id not in allowed_sources):
            errors["members"] = f"{p.full_name} không sinh hoạt ở {split_from.name}."
        elif p.presence != "active" or p.member_status == "removed":
            errors["members"] = f"{p.full_name} không còn trong danh sách đảng viên."
    if members and kind not in CELL_KINDS:
        errors["members"] = "Đảng viên sinh hoạt ở chi bộ: tổ chức có đảng viên phải là chi bộ."
    if children and kind in CELL_KINDS:
        errors["children"] = "Chi bộ không có tổ chức trực thuộc."
    for child in children:
        if allowed_sources and child.parent_id not in allowed_sources:
            errors["children"] = f"{child.name} không trực thuộc {split_from.name}."
        elif kind in ORG_KINDS and kind not in ALLOWED_PARENTS.get(child.kind, ()):
            errors["children"] = f"{child.kind_label} không trực thuộc {ORG_KINDS[kind]} được."
    errors.check()
    minimum = rules_on(day)[MIN_MEMBERS]
    officials = _official_count(members) + sum(_subtree_officials(c) for c in children)
    if officials < minimum:
        errors["members"] = (
            f"Tổ chức đảng được thành lập khi có ít nhất {minimum} đảng viên chính thức; "
            f"các đảng viên và tổ chức đã chọn có {officials} đảng viên chính thức."
        )
    errors.check()
    org = org_ops.create_org(
        {
            "code": raw.get("code"),
            "name": raw.get("name"),
            "kind": kind,
            "parent_id": parent.id if parent else None,
            "abbreviation": raw.get("abbreviation"),
        },
        actor=actor,
    )
    event = _new_event("split" if split_from else "establish", day, actor, split_from or org)
    event.target_id = org.id
    db.session.add(
        OrgVersion(
            org_id=org.id,
            valid_from=day,
            name=org.name,
            abbreviation=org.abbreviation,
            kind=org.kind,
            parent_id=org.parent_id,
            event_id=event.id,
        )
    )
    moved = _move_people(members, org, day, event, actor)
    for child in children:
        _set_identity(child, day, event, parent_id=org.id)
    return Outcome(
        event,
        {
            "org": org.name,
            "kind": ORG_KINDS[kind],
            "parent": parent.name if parent else None,
            "members": moved,
            "officials": officials,
            "children": [c.name for c in children],
            "from": split_from.name if split_from else None,
        },
    )


def _rename(raw, day, actor, errors) -> Outcome:
    org = _org(raw, "org_id", errors, day, "tổ chức đổi tên")
    name = _name(raw, "name", errors)
    abbr = _abbr(raw, "abbreviation", errors)
    if org is not None and name == history.identity_on(org, day).name and not abbr:
        errors["name"] = "Tên mới trùng tên hiện tại."
    errors.check()
    before = history.identity_on(org, day).name
    event = _new_event("rename", day, actor, org)
    changes: dict[str, Any] = {"name": name}
    if abbr:
        changes["abbreviation"] = abbr
    _set_identity(org, day, event, **changes)
    return Outcome(event, {"before": before, "after": name})


def _upgrade(raw, day, actor, errors) -> Outcome:
    org = _org(raw, "org_id", errors, day, "chi bộ được nâng cấp")
    if org is not None and org.kind not in UPGRADES:
        errors["org_id"] = "Chỉ nâng cấp chi bộ (chi bộ cơ sở, chi bộ trực thuộc) thành đảng bộ."
    name = _name(raw, "name", errors)
    cell_name = _name(raw, "cell_name", errors)
    cell_code = clean_line(str(raw.get("cell_code") or ""))
    if not cell_code:
        errors["cell_code"] = "Chưa nhập mã chi bộ trực thuộc mới."
    errors.check()
    before = history.identity_on(org, day)
    members = _active_members(org)
    event = _new_event("upgrade", day, actor, org)
    _set_identity(org, day, event, kind=UPGRADES[org.kind], name=name)
    try:
        cell = org_ops.create_org(
            {"code": cell_code, "name": cell_name, "kind": "cell", "parent_id": org.id},
            actor=actor,
        )
    except InvalidInput as exc:
        raise InvalidInput(
            {("cell_" + k if k in ("code", "name") else k): v for k, v in exc.errors.items()}
        ) from None
    db.session.add(
        OrgVersion(
            org_id=cell.id,
            valid_from=day,
            name=cell.name,
            kind="cell",
            parent_id=org.id,
            event_id=event.id,
        )
    )
    event.target_id = cell.id
    moved = _move_people(members, cell, day, event, actor)
    return Outcome(
        event,
        {
            "before": before.name,
            "before_kind": ORG_KINDS[before.kind],
            "after": name,
            "after_kind": ORG_KINDS[org.kind],
            "cell": cell.name,
            "members": moved,
        },
    )


def _downgrade(raw, day, actor, errors) -> Outcome:
    org = _org(raw, "org_id", errors, day, "đảng bộ chuyển thành chi bộ")
    if org is not None and org.kind not in DOWNGRADES:
        errors["org_id"] = "Chỉ chuyển đảng bộ (cơ sở, bộ phận) thành chi bộ."
    name = _name(raw, "name", errors)
    children = _active_children(org, day) if org is not None and "org_id" not in errors else []
    if any(c.kind not in CELL_KINDS for c in children):
        errors["org_id"] = "Đảng bộ còn đảng bộ bộ phận trực thuộc: sắp xếp lại trước."
    errors.check()
    before = history.identity_on(org, day)
    event = _new_event("downgrade", day, actor, org)
    _set_identity(org, day, event, kind=DOWNGRADES[org.kind], name=name)
    moved = 0
    for child in children:
        moved += _move_people(_active_members(child), org, day, event, actor)
        _end(child, day, event)
    return Outcome(
        event,
        {
            "before": before.name,
            "before_kind": ORG_KINDS[before.kind],
            "after": name,
            "after_kind": ORG_KINDS[org.kind],
            "cells": [c.name for c in children],
            "members": moved,
        },
    )


def _merge(raw, day, actor, errors) -> Outcome:
    target = _org(raw, "target_id", errors, day, "tổ chức sau hợp nhất")
    sources = _orgs(raw, "sources")
    new_name = _name(raw, "name", errors, required=False)
    if not sources:
        errors["sources"] = "Chọn các tổ chức được hợp nhất."
    if target is not None and target in sources:
        errors["sources"] = f"Không hợp nhất {target.name} vào chính nó."
    for source in sources:
        if "sources" in errors or target is None:
            break
        if not history.identity_on(source, day).active:
            errors["sources"] = f"{source.name} không còn hoạt động vào ngày {vn_date(day)}."
        elif target.path.startswith(source.path):
            errors["sources"] = f"{target.name} trực thuộc {source.name}: không hợp nhất được."
        elif target.is_cell and not source.is_cell:
            errors["sources"] = f"Không hợp nhất {source.kind_label} vào một chi bộ."
    errors.check()
    names_before = [history.identity_on(s, day).name for s in sources]
    target_before = history.identity_on(target, day).name
    event = _new_event("merge", day, actor, target)
    event.target_id = target.id
    moved = 0
    kept_as_cells: list[str] = []
    for source in sources:
        if target.is_cell:  # cells into a cell: the members move, the cells end
            moved += _move_people(_active_members(source), target, day, event, actor)
            _end(source, day, event)
        elif source.is_cell:  # a cell into a committee: it becomes one of its cells
            _set_identity(source, day, event, kind="cell", parent_id=target.id, abbreviation=None)
            kept_as_cells.append(source.name)
        else:  # a committee into a committee: its organizations move under the target
            for child in _active_children(source, day):
                if target.kind not in ALLOWED_PARENTS.get(child.kind, ()):
                    raise InvalidInput(
                        {
                            "sources": f"{child.name} ({child.kind_label}) không trực thuộc "
                            f"{target.kind_label} được."
                        }
                    )
                _set_identity(child, day, event, parent_id=target.id)
            _end(source, day, event)
    if new_name and new_name != target_before:
        _set_identity(target, day, event, name=new_name)
    return Outcome(
        event,
        {
            "sources": names_before,
            "target_before": target_before,
            "target": new_name or target_before,
            "members": moved,
            "kept_as_cells": kept_as_cells,
        },
    )


def _dissolve(raw, day, actor, errors) -> Outcome:
    org = _org(raw, "org_id", errors, day, "tổ chức giải thể")
    if org is not None and "org_id" not in errors:
        _no_members_left(org, day, errors, "org_id", "giải thể")
    errors.check()
    name = history.identity_on(org, day).name
    event = _new_event("dissolve", day, actor, org)
    _end(org, day, event)
    return Outcome(event, {"org": name})


def _no_members_left(org: Organization, day: date, errors: _Errors, key: str, what: str) -> None:
    """An organization ends only once its members and its own organizations are placed."""
    if _active_members(org):
        errors[key] = (
            f"{org.name} còn đảng viên: hợp nhất vào tổ chức khác hoặc chuyển sinh hoạt cho "
            f"đảng viên trước khi {what}."
        )
    elif _active_children(org, day):
        errors[key] = f"{org.name} còn tổ chức trực thuộc: sắp xếp lại trước."


def _discipline(raw, day, actor, errors) -> Outcome:
    """A party organization disciplined by the upper committee: reprimanded, warned, or
    dissolved (its members placed elsewhere first, as for a dissolution)."""
    org = _org(raw, "org_id", errors, day, "tổ chức bị kỷ luật")
    form = str(raw.get("org_form") or "")
    if form not in ORG_FORM_LABELS:
        errors["org_form"] = "Chọn hình thức kỷ luật."
    violation = clean_text(str(raw.get("violation") or ""))
    if not violation:
        errors["violation"] = "Ghi nội dung vi phạm, tính chất, mức độ, tác hại."
    elif len(violation) > 2000:
        errors["violation"] = "Nội dung vi phạm dài quá 2.000 ký tự."
    if form == "dissolution" and org is not None and "org_id" not in errors:
        _no_members_left(org, day, errors, "org_id", "giải tán")
    errors.check()
    name = history.identity_on(org, day).name
    event = _new_event("org_discipline", day, actor, org)
    if form == "dissolution":
        _end(org, day, event)
    return Outcome(
        event,
        {"org": name, "form": form, "form_label": ORG_FORM_LABELS[form], "violation": violation},
    )


def _move(raw, day, actor, errors) -> Outcome:
    org = _org(raw, "org_id", errors, day, "tổ chức chuyển trực thuộc")
    parent = None
    if raw.get("parent_id") not in (None, "", "0"):
        parent = _org(raw, "parent_id", errors, day, "tổ chức cấp trên mới")
    if org is not None and "org_id" not in errors:
        _check_parent(org.kind, parent, errors, "parent_id")
        if parent is not None and parent.path.startswith(org.path):
            errors["parent_id"] = "Không đặt tổ chức dưới chính nó hoặc cấp dưới của nó."
        elif (parent.id if parent else None) == history.identity_on(org, day).parent_id:
            errors["parent_id"] = "Tổ chức đã trực thuộc tổ chức này."
    errors.check()
    before = history.identity_on(org, day)
    old_parent = db.session.get(Organization, before.parent_id) if before.parent_id else None
    event = _new_event("move", day, actor, org)
    event.target_id = parent.id if parent else None
    _set_identity(org, day, event, parent_id=parent.id if parent else None)
    upper = history.upper_on(day).name
    return Outcome(
        event,
        {
            "org": before.name,
            "from": history.identity_on(old_parent, day).name if old_parent else upper,
            "to": history.identity_on(parent, day).name if parent else upper,
        },
    )


def _hand_over(raw, day, actor, errors) -> Outcome:
    org = _org(raw, "org_id", errors, day, "tổ chức chuyển giao")
    receiver = _name(raw, "receiver", errors)
    if org is not None and "org_id" not in errors:
        if history.identity_on(org, day).parent_id is not None:
            errors["org_id"] = "Chỉ chuyển giao tổ chức cơ sở đảng (trực thuộc Đảng ủy cấp trên)."
        else:
            open_cases = db.session.scalar(
                select(func.count(Case.id))
                .join(Organization, Organization.id == Case.cell_id)
                .where(
                    Organization.path.startswith(org.path, autoescape=True),
                    Case.closed_at.is_(None),
                )
            )
            if open_cases:
                errors["org_id"] = (
                    f"{org.name} còn {open_cases} hồ sơ đang giải quyết: hoàn thành hoặc chuyển "
                    "hồ sơ trước khi chuyển giao tổ chức."
                )
    errors.check()
    name = history.identity_on(org, day).name
    event = _new_event("hand_over", day, actor, org)
    subtree = db.session.scalars(
        select(Organization).where(Organization.path.startswith(org.path, autoescape=True))
    ).all()
    moved = 0
    for unit in sorted(subtree, key=lambda o: -len(o.path)):
        if not history.identity_on(unit, day).active:
            continue
        moved += _move_people(_active_members(unit), None, day, event, actor)
        _end(unit, day, event)
    return Outcome(event, {"org": name, "receiver": receiver, "members": moved})


def _succeed_upper(raw, day, actor, errors) -> Outcome:
    name = _name(raw, "name", errors)
    abbr = _abbr(raw, "abbreviation", errors)
    if not abbr:
        errors["abbreviation"] = "Chưa nhập tên viết tắt (in trong số văn bản)."
    superior = _name(raw, "superior_name", errors, required=False)
    reference = clean_line(str(raw.get("external_reference") or ""))
    if not reference:
        errors["external_reference"] = "Ghi quyết định của cấp trên (số, ngày, cơ quan ban hành)."
    elif len(reference) > 200:
        errors["external_reference"] = "Tối đa 200 ký tự."
    term_label = clean_line(str(raw.get("term_label") or ""))[:60]
    working = clean_line(str(raw.get("working_rules") or ""))[:300]
    errors.check()
    before = history.upper_on(day)
    rows = _versions(None)
    if not rows:  # the configured identity becomes the first recorded one
        first = history.configured_upper()
        current = OrgVersion(
            org_id=None,
            name=first.name,
            abbreviation=first.abbreviation,
            superior_name=first.superior_name,
            party_name=first.party_name,
        )
        db.session.add(current)
    else:
        current = rows[-1]
        if current.valid_from is not None and current.valid_from >= day:
            raise InvalidInput(
                {
                    "effective_on": "Đã ghi thay đổi Đảng ủy cấp trên từ ngày "
                    f"{vn_date(current.valid_from)}: ghi theo thứ tự ngày."
                }
            )
    event = _new_event("succeed_upper", day, actor, None)
    event.external_reference = reference
    current.valid_to = day
    db.session.add(
        OrgVersion(
            org_id=None,
            valid_from=day,
            name=name,
            abbreviation=abbr,
            superior_name=superior or before.superior_name,
            event_id=event.id,
        )
    )
    # a new body: its registers start from 1 on the day it takes over
    db.session.add(
        CommitteeTerm(org_id=None, starts_on=day, label=term_label, working_rules=working)
    )
    db.session.flush()
    return Outcome(event, {"before": before.name, "after": name, "reference": reference})


# --- committees: terms and posts --------------------------------------------------------


def _committee(raw, errors: _Errors, day: date | None) -> tuple[Organization | None, str]:
    """The committee the form names (blank: the upper committee) and its name that day."""
    if raw.get("org_id") in (None, "", "0", "upper"):
        return None, history.upper_on(day or today()).name
    org = _org(raw, "org_id", errors, day, "cấp ủy")
    if org is None:
        return None, ""
    name = history.identity_on(org, day).name if day else org.name
    return org, name


def _holders(raw, errors: _Errors) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for post in POSTS:
        names = [clean_line(n) for n in str(raw.get(post) or "").splitlines() if clean_line(n)]
        if any(len(n) > 100 for n in names):
            errors[post] = "Mỗi họ tên tối đa 100 ký tự."
        if post in ("secretary", "inspection_chair") and len(names) > 1:
            errors[post] = f"Chỉ một {POSTS[post].lower()}."
        out += [(post, n) for n in names]
    if not any(post == "secretary" for post, _ in out):
        errors["secretary"] = "Chưa nhập bí thư."
    return out


def _install_posts(org: Organization | None, day: date, holders, outcome: Outcome) -> None:
    """The committee elected: its posts from ``day`` on, the previous ones ended that day."""
    where = CommitteePost.org_id.is_(None) if org is None else CommitteePost.org_id == org.id
    current = db.session.scalars(
        select(CommitteePost).where(where, CommitteePost.valid_to.is_(None))
    )
    for post in current:
        if post.valid_from >= day:
            raise InvalidInput(
                {
                    "effective_on": f"Đã ghi chức vụ từ ngày {vn_date(post.valid_from)}: ghi "
                    "theo thứ tự ngày."
                }
            )
        post.valid_to = day
        outcome.ended.append(post)
    for post, name in holders:
        row = CommitteePost(
            org_id=org.id if org else None, post=post, holder_name=name, valid_from=day
        )
        db.session.add(row)
        outcome.posts.append(row)
    db.session.flush()


def _approve_election(raw, day, actor, errors) -> Outcome:
    org, name = _committee(raw, errors, day)
    if org is None and "org_id" not in errors:
        errors["org_id"] = "Chọn tổ chức cơ sở đảng (Đảng ủy cấp trên do cấp trên chuẩn y)."
    holders = _holders(raw, errors)
    term = clean_line(str(raw.get("term_label") or ""))[:60]
    errors.check()
    event = _new_event("approve_election", day, actor, org)
    outcome = Outcome(
        event,
        {
            "org": name,
            "term": term,
            "holders": [[POSTS[p], n] for p, n in holders],
        },
    )
    _install_posts(org, day, holders, outcome)
    return outcome


def _upper_posts(raw, day, actor, errors) -> Outcome:
    holders = _holders(raw, errors)
    reference = clean_line(str(raw.get("external_reference") or ""))[:200]
    if not reference:
        errors["external_reference"] = "Ghi quyết định chuẩn y của cấp trên (số, ngày)."
    errors.check()
    event = _new_event("upper_posts", day, actor, None)
    event.external_reference = reference
    outcome = Outcome(
        event,
        {"org": history.upper_on(day).name, "holders": [[POSTS[p], n] for p, n in holders]},
    )
    _install_posts(None, day, holders, outcome)
    return outcome


def _relieve_post(raw, day, actor, errors) -> Outcome:
    post = db.session.get(CommitteePost, parse_id(raw.get("post_id") or "") or 0)
    if post is None or post.org_id is None:
        errors["post_id"] = "Chọn chức vụ (của cấp ủy cơ sở) cho thôi giữ."
    elif not (post.valid_from <= day and (post.valid_to is None or day < post.valid_to)):
        errors["post_id"] = (
            f"Đồng chí {post.holder_name} không giữ chức vụ này vào ngày {vn_date(day)}."
        )
    reason = clean_line(str(raw.get("reason") or ""))[:200]
    errors.check()
    org = db.session.get(Organization, post.org_id)
    event = _new_event("relieve_post", day, actor, org)
    post.valid_to = day
    outcome = Outcome(
        event,
        {
            "org": history.identity_on(org, day).name,
            "name": post.holder_name,
            "post": post.post_label,
            "reason": reason,
        },
    )
    outcome.ended.append(post)
    return outcome


def _record_term(raw, day, actor, errors) -> Outcome:
    org, name = _committee(raw, errors, day)
    label = clean_line(str(raw.get("term_label") or ""))
    if not label:
        errors["term_label"] = "Ghi nhiệm kỳ (ví dụ: nhiệm kỳ 2025 – 2030)."
    elif len(label) > 60:
        errors["term_label"] = "Tối đa 60 ký tự."
    working = clean_line(str(raw.get("working_rules") or ""))
    if len(working) > 300:
        errors["working_rules"] = "Tối đa 300 ký tự."
    reference = clean_line(str(raw.get("external_reference") or ""))[:200]
    errors.check()
    where = CommitteeTerm.org_id.is_(None) if org is None else CommitteeTerm.org_id == org.id
    clash = db.session.scalar(select(CommitteeTerm.id).where(where, CommitteeTerm.starts_on == day))
    if clash:
        raise InvalidInput({"effective_on": f"Đã ghi nhiệm kỳ bắt đầu ngày {vn_date(day)}."})
    event = _new_event("record_term", day, actor, org)
    event.external_reference = reference
    db.session.add(
        CommitteeTerm(
            org_id=org.id if org else None, starts_on=day, label=label, working_rules=working
        )
    )
    db.session.flush()
    return Outcome(event, {"org": name, "term": label})


HANDLERS = {
    "record_term": _record_term,
    "approve_election": _approve_election,
    "relieve_post": _relieve_post,
    "upper_posts": _upper_posts,
    "establish": _establish,
    "rename": _rename,
    "upgrade": _upgrade,
    "downgrade": _downgrade,
    "merge": _merge,
    "dissolve": _dissolve,
    "move": _move,
    "hand_over": _hand_over,
    "succeed_upper": _succeed_upper,
    "org_discipline": _discipline,
}


def _split(raw, day, actor, errors) -> Outcome:
    source = _org(raw, "org_id", errors, day, "tổ chức được chia tách")
    errors.check()
    return _establish(raw, day, actor, errors, split_from=source)


HANDLERS["split"] = _split


@transactional
def record(kind: str, raw: Mapping[str, Any], *, actor: Actor) -> OrgEvent:
    """Record an event of ``kind`` from the form ``raw``, with its numbered decision (signed by
    the leader the form names); all or nothing."""
    if kind not in HANDLERS:
        raise InvalidInput({"kind": "Loại sự kiện không hợp lệ."})
    errors = _Errors()
    day = _day(raw, errors)
    signer = decisions.signer_from(raw, errors, day) if kind in NUMBERED else None
    errors.check()
    outcome = HANDLERS[kind](raw, day, actor, errors)
    event = outcome.event
    if kind in NUMBERED:
        decision = decisions.issue(outcome, actor=actor, signer=signer)
        event.decision_id = decision.id
        for post in outcome.posts:
            post.decision_id = decision.id
        for post in outcome.ended:
            post.ended_by_id = decision.id
        outcome.facts["reference"] = decision.reference
    event.payload = canonical_json(outcome.facts)
    db.session.flush()
    audit.append(
        actor=actor,
        subject_type="org_event",
        subject_id=event.id,
        action=f"organization.{kind}",
        event_date=day,
        payload={**outcome.facts, "org_id": event.org_id, "target_id": event.target_id},
    )
    return event


def facts_of(event: OrgEvent) -> dict[str, Any]:
    return json.loads(event.payload or "{}")
