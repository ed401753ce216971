"""Organizations as they were on a day: names, kinds, parents, and the upper committee itself.

An organization's own row holds today's identity (what every page of today reads); its version
rows (``OrgVersion``) hold the identity over intervals of days. An organization with no version
rows is as its row says on every day. The upper committee's versions have no organization; its
identity before the first of them (or without any) is the configuration's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import select

from states.text import text_sort_key
from workflow.extensions import db
from workflow.models import Organization, OrgVersion
from workflow.models.orgs import ORG_KINDS


@dataclass(frozen=True)
class Identity:
    """What an organization was called and where it stood on a day."""

    org_id: int | None
    code: str
    name: str
    abbreviation: str | None
    kind: str | None
    parent_id: int | None
    #: it existed that day (established, not yet dissolved, merged or handed over)
    active: bool
    superior_name: str = ""
    party_name: str = ""

    @property
    def kind_label(self) -> str:
        return ORG_KINDS.get(self.kind or "", "Đảng ủy cấp trên")


def _order(v: OrgVersion) -> tuple:
    return (v.valid_from is not None, v.valid_from or date.min, v.id)


def versions_of(org_ids: Iterable[int] | None = None) -> dict[int | None, list[OrgVersion]]:
    """Version rows by organization (None: the upper committee), oldest first; all of them
    when ``org_ids`` is None."""
    stmt = select(OrgVersion)
    if org_ids is not None:
        ids = sorted(set(org_ids))
        if not ids:
            return {}
        stmt = stmt.where(OrgVersion.org_id.in_(ids))
    out: dict[int | None, list[OrgVersion]] = defaultdict(list)
    for v in db.session.scalars(stmt):
        out[v.org_id].append(v)
    for rows in out.values():
        rows.sort(key=_order)
    return out


def _pick(versions: list[OrgVersion], day: date) -> tuple[OrgVersion, bool]:
    """The version covering ``day`` (active), else the nearest one (not active that day)."""
    for v in versions:
        if v.covers(day):
            return v, True
    first = versions[0]
    if first.valid_from is not None and day < first.valid_from:
        return first, False
    return versions[-1], False


def _identity(org: Organization, versions: list[OrgVersion], day: date) -> Identity:
    if not versions:
        return Identity(
            org.id, org.code, org.name, org.abbreviation, org.kind, org.parent_id, org.active
        )
    v, active = _pick(versions, day)
    return Identity(org.id, org.code, v.name, v.abbreviation, v.kind, v.parent_id, active)


def identity_on(org: Organization, day: date) -> Identity:
    return _identity(org, versions_of([org.id]).get(org.id, []), day)


def identities_on(day: date, orgs: Iterable[Organization] | None = None) -> dict[int, Identity]:
    """Every organization's identity on ``day`` (or those of ``orgs``), by id."""
    orgs = list(orgs) if orgs is not None else list(db.session.scalars(select(Organization)))
    versions = versions_of(o.id for o in orgs)
    return {o.id: _identity(o, versions.get(o.id, []), day) for o in orgs}


def dated(org_ids: Iterable[int] | None = None) -> set[int]:
    """The organizations whose history is kept by date (some version row bounded by a day)."""
    return {
        org_id
        for org_id, rows in versions_of(org_ids).items()
        if org_id is not None and any(v.valid_from or v.valid_to for v in rows)
    }


def configured_upper() -> Identity:
    """The upper committee as configured: its identity before any recorded change."""
    config = current_app.config
    name = config["UPPER_COMMITTEE_NAME"]
    return Identity(
        None,
        "",
        name,
        config["UPPER_COMMITTEE_ABBR"],
        None,
        None,
        True,
        superior_name=config["SUPERIOR_BODY"],
        party_name=config.get("UPPER_PARTY_NAME") or party_name_of(name),
    )


def party_name_of(committee: str) -> str:
    """The party organization a committee leads: "Đảng bộ Khối …" for "Đảng ủy Khối …"."""
    return "Đảng bộ " + committee.removeprefix("Đảng ủy ")


def upper_on(day: date) -> Identity:
    """The upper committee's identity on ``day``."""
    versions = upper_rows()
    if not versions:
        return configured_upper()
    v, _active = _pick(versions, day)
    if not v.covers(day) and v.valid_from is not None and day < v.valid_from:
        return configured_upper()
    return Identity(
        None,
        "",
        v.name,
        v.abbreviation,
        None,
        None,
        True,
        superior_name=v.superior_name or configured_upper().superior_name,
        party_name=v.party_name or party_name_of(v.name),
    )


def upper_rows() -> list[OrgVersion]:
    rows = list(db.session.scalars(select(OrgVersion).where(OrgVersion.org_id.is_(None))))
    rows.sort(key=_order)
    return rows


def parents_on(day: date, orgs: Iterable[Organization] | None = None) -> dict[int, int | None]:
    """id → parent id on ``day``."""
    return {i: ident.parent_id for i, ident in identities_on(day, orgs).items()}


@dataclass(frozen=True)
class TreeNode:
    identity: Identity
    depth: int


def tree_on(day: date, orgs: Iterable[Organization] | None = None) -> list[TreeNode]:
    """The organizations that existed on ``day``, each after its parent, by name."""
    ids = identities_on(day, orgs)
    children: dict[int | None, list[Identity]] = defaultdict(list)
    for ident in ids.values():
        if ident.active:
            parent = ident.parent_id if ident.parent_id in ids else None
            children[parent].append(ident)
    out: list[TreeNode] = []

    def walk(parent: int | None, depth: int) -> None:
        for ident in sorted(
            children.get(parent, []), key=lambda i: (text_sort_key(i.name), i.org_id)
        ):
            out.append(TreeNode(ident, depth))
            if len(out) <= len(ids):
                walk(ident.org_id, depth + 1)

    walk(None, 0)
    return out
