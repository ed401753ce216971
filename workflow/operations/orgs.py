"""Editing the organization tree."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from states.text import clean_line
from workflow.extensions import db
from workflow.ids import parse_id
from workflow.models import Organization, OrgVersion
from workflow.models.orgs import ALLOWED_PARENTS, ORG_KINDS
from workflow.permissions import Actor
from workflow.store import audit
from workflow.store.errors import InvalidInput, NotFound
from workflow.store.uow import transactional


def _validate(raw: Mapping[str, Any], org: Organization | None) -> dict[str, Any]:
    errors: dict[str, str] = {}
    code = clean_line(str(raw.get("code") or "")).upper()
    if not re.fullmatch(r"[A-Z0-9][A-Z0-9\-]{1,19}", code):
        errors["code"] = "Mã gồm 2–20 chữ cái không dấu, chữ số hoặc gạch nối."
    else:
        clash = db.session.scalars(select(Organization.id).where(Organization.code == code)).first()
        if clash is not None and (org is None or clash != org.id):
            errors["code"] = "Mã này đã được dùng."
    name = clean_line(str(raw.get("name") or ""))
    if not name:
        errors["name"] = "Chưa nhập tên."
    elif len(name) > 200:
        errors["name"] = "Tối đa 200 ký tự."
    kind = raw.get("kind")
    if kind not in ORG_KINDS:
        errors["kind"] = "Chọn loại tổ chức."
    parent = None
    parent_raw = raw.get("parent_id")
    if parent_raw not in (None, "", "0"):
        parent_id = parse_id(parent_raw)
        parent = db.session.get(Organization, parent_id) if parent_id else None
        if parent is None:
            errors["parent_id"] = "Tổ chức cấp trên không tồn tại."
    if kind in ALLOWED_PARENTS and "parent_id" not in errors:
        parent_kind = parent.kind if parent else None
        if parent_kind not in ALLOWED_PARENTS[kind]:
            allowed = ", ".join(
                ORG_KINDS[k] if k else "Đảng ủy cấp trên" for k in ALLOWED_PARENTS[kind]
            )
            errors["parent_id"] = f"{ORG_KINDS[kind]} chỉ trực thuộc: {allowed}."
        elif org is not None and parent is not None and parent.path.startswith(org.path):
            errors["parent_id"] = "Không thể đặt tổ chức dưới chính nó hoặc cấp dưới của nó."
    authorized = bool(raw.get("authorized_to_admit"))
    if authorized and kind != "grassroots_committee":
        errors["authorized_to_admit"] = "Chỉ đảng bộ cơ sở mới được ủy quyền kết nạp."
    abbreviation = clean_line(str(raw.get("abbreviation") or "")) or None
    if abbreviation and len(abbreviation) > 20:
        errors["abbreviation"] = "Tối đa 20 ký tự."
    if org is not None and kind != org.kind and org.children:
        errors["kind"] = "Không đổi loại khi tổ chức còn tổ chức trực thuộc."
    if errors:
        raise InvalidInput(errors)
    return {
        "code": code,
        "name": name,
        "kind": kind,
        "parent": parent,
        "authorized_to_admit": authorized,
        "abbreviation": abbreviation,
        "active": bool(raw.get("active", True)),
    }


def _set_paths(org: Organization) -> None:
    org.path = (org.parent.path if org.parent else "/") + f"{org.id}/"
    for child in org.children:
        _set_paths(child)


#: recompute an organization's path and its subtree's (after its parent changed)
set_paths = _set_paths


@transactional
def create_org(raw: Mapping[str, Any], *, actor: Actor) -> Organization:
    data = _validate(raw, None)
    org = Organization(**data)
    db.session.add(org)
    db.session.flush()
    _set_paths(org)
    db.session.flush()
    audit.append(
        actor=actor,
        subject_type="organization",
        subject_id=org.id,
        action="organization.create",
        payload=_public(data),
    )
    return org


@transactional
def update_org(
    org_id: int, raw: Mapping[str, Any], *, actor: Actor, expected_version: str | None = None
) -> None:
    """Change an organization; ``expected_version`` (as the form carried it), when given, must
    still be the row's, or InvalidInput keyed "_" says someone else changed it first."""
    org = db.session.get(Organization, org_id, with_for_update=True, populate_existing=True)
    if org is None:
        raise NotFound()
    if expected_version is not None and str(org.version) != expected_version:
        raise InvalidInput({"_": "Tổ chức vừa được người khác sửa. Tải lại trang rồi sửa lại."})
    data = _validate(raw, org)
    moved = data["parent"] is not org.parent
    for key, value in data.items():
        setattr(org, key, value)
    _correct_current_version(org, data)
    if moved:
        db.session.flush()
        _set_paths(org)
    db.session.flush()
    audit.append(
        actor=actor,
        subject_type="organization",
        subject_id=org.id,
        action="organization.update",
        payload=_public(data),
    )


def _correct_current_version(org: Organization, data: Mapping[str, Any]) -> None:
    """An edit corrects the organization as it is now: its current dated identity too (a
    change from a date on is an event of the tree, recorded with its decision)."""
    current = db.session.scalars(
        select(OrgVersion)
        .where(OrgVersion.org_id == org.id, OrgVersion.valid_to.is_(None))
        .order_by(OrgVersion.valid_from.desc().nulls_last(), OrgVersion.id.desc())
        .limit(1)
    ).first()
    if current is not None:
        current.name, current.abbreviation = data["name"], data["abbreviation"]
        current.kind = data["kind"]
        current.parent_id = data["parent"].id if data["parent"] else None


def _public(data: Mapping[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in data.items() if k != "parent"}
    out["parent_id"] = data["parent"].id if data["parent"] else None
    return out
