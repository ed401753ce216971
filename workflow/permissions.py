"""Who may see and do what: roles held over organization subtrees. Deny by default.

A grant covers an organization when the grant's organization is that organization or one of its
ancestors; a grant without an organization covers the whole upper committee. Transitions name
the roles that may fire them and the level of the case's organization chain that acts.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import ColumnElement, false, or_, true

from states import get_spec
from states.spec import Level, Role
from workflow.models import Organization, User

#: roles that may open case files (the system administrator manages accounts, not dossiers)
CASE_VIEW_ROLES = frozenset(
    {
        Role.CELL_SECRETARY,
        Role.GRASSROOTS_STAFF,
        Role.DEPARTMENT_STAFF,
        Role.SIGNER,
        Role.INSPECTION,
    }
)
#: who may read period reports (each over the organizations of their grants)
REPORT_READERS = frozenset(
    {
        Role.DEPARTMENT_STAFF,
        Role.SIGNER,
        Role.INSPECTION,
        Role.AUDITOR,
        Role.GRASSROOTS_STAFF,
    }
)
#: who sets yearly targets and locks a period's figures
REPORT_KEEPERS = frozenset({Role.DEPARTMENT_STAFF})
#: who numbers a period report in the committee's register to send it (over the whole
#: committee: the register is the committee's): its department and its signing leaders
REPORT_ISSUERS = frozenset({Role.DEPARTMENT_STAFF, Role.SIGNER})
#: who imports member lists into, and exports them (with citizen IDs) from, their organizations
ROSTER_KEEPERS = frozenset({Role.DEPARTMENT_STAFF, Role.GRASSROOTS_STAFF})


@dataclass(frozen=True)
class Scope:
    role: Role
    org_id: int | None
    #: materialized path of the granted organization ("" for the whole committee)
    org_path: str
    title: str = ""

    def covers(self, path: str | None, exact: bool = False) -> bool:
        """``path`` None stands for the upper committee itself; ``exact`` requires the grant
        to be held at that very body rather than at one of its ancestors."""
        if exact:
            return self.org_path == (path or "")
        if self.org_id is None:
            return True
        return path is not None and path.startswith(self.org_path)


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    name: str
    scopes: tuple[Scope, ...]
    #: where the request came from, and through what: web | api | cli (what the audit trail
    #: and the lockout record of a refused password)
    address: str = ""
    channel: str = ""

    def via(self, channel: str, address: str = "") -> Actor:
        return replace(self, channel=channel, address=address)

    @classmethod
    def of(cls, user: User) -> Actor:
        scopes = []
        for grant in user.grants:
            try:
                role = Role(grant.role)
            except ValueError:
                continue
            path = grant.org.path if grant.org is not None else ""
            scopes.append(Scope(role, grant.org_id, path, grant.title or ""))
        return cls(user.id, user.full_name, tuple(scopes))

    @classmethod
    def system(cls) -> Actor:
        """For maintenance commands: acts with every role over everything."""
        return cls(None, "Hệ thống", tuple(Scope(r, None, "") for r in Role))

    def roles(self) -> set[Role]:
        return {s.role for s in self.scopes}

    def has_role(self, *roles: Role) -> bool:
        return any(s.role in roles for s in self.scopes)

    def scope_for(
        self, roles: frozenset[Role] | set[Role], path: str | None, exact: bool = False
    ) -> Scope | None:
        for s in self.scopes:
            if s.role in roles and s.covers(path, exact):
                return s
        return None

    def scope_for_step(self, t, case) -> Scope | None:
        """The grant that lets this actor fire transition ``t`` on ``case``."""
        return self.scope_for(t.roles, level_path(acting_org(case, t.level), t.level), t.exact)

    def sees_all(self, roles=CASE_VIEW_ROLES) -> bool:
        """Whether a grant of one of ``roles`` covers the whole committee."""
        return any(s.role in roles and s.org_id is None for s in self.scopes)

    def can_view(self, path: str) -> bool:
        return self.scope_for(CASE_VIEW_ROLES, path) is not None

    def can_view_case(self, case) -> bool:
        """The holding organization's side, or a transfer's receiving side, may open a case."""
        return any(self.can_view(path) for path in case_paths(case))

    def visible_filter(self, path_column, roles=CASE_VIEW_ROLES) -> ColumnElement[bool]:
        """SQL condition on an organization path column: what this actor may see."""
        clauses = []
        for s in self.scopes:
            if s.role not in roles:
                continue
            if s.org_id is None:
                return true()
            clauses.append(path_column.startswith(s.org_path, autoescape=True))
        return or_(*clauses) if clauses else false()


def receiving_org(case) -> Organization | None:
    """The committee's own organization a transfer case goes to (None for other cases)."""
    transfer = case.transfer if get_spec(case.procedure).receiving else None
    return transfer.to_org if transfer is not None else None


def acting_org(case, level: Level) -> Organization:
    """The organization whose chain acts at ``level``: the receiving side of a transfer for
    its receiving steps, the holding cell for everything else."""
    if level == Level.RECEIVING:
        return receiving_org(case) or case.cell
    return case.cell


def case_paths(case) -> list[str]:
    receiving = receiving_org(case)
    return [case.cell.path] + ([receiving.path] if receiving is not None else [])


def level_path(cell: Organization, level: Level) -> str | None:
    """The path of the body acting at ``level`` for a case held by ``cell``.

    Paths are "/grassroots/[subcommittee/]cell/" or "/grassroots_cell/".
    """
    ids = cell.ancestor_ids()
    if level in (Level.CELL, Level.RECEIVING):
        return cell.path
    if level == Level.UPPER:
        return None
    if level == Level.GRASSROOTS or len(ids) < 3:
        return f"/{ids[0]}/"
    return f"/{ids[0]}/{ids[1]}/"
