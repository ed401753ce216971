"""Who may see and change ratings. Deny by default.

* The department's staff, over the whole committee, open and close periods, record the upper
  committee's rating of its grassroots organizations and run the model-cell rounds; the
  committee's signing leaders may record the rating and approve the model-cell list too.
* A cell's secretary (or a grassroots committee's staff covering the cell) enters the cell's
  grid: the members' self-ratings and the cell's proposals, and sends it up.
* A grassroots committee's staff (a grant at the grassroots organization or above) approve
  their cells' members and rate the cells, and record their organization's self-review.
* Whoever may open case files, and the auditor, read the ratings of the organizations their
  grants cover.
"""

from __future__ import annotations

from states.spec import Role
from workflow.models import Organization
from workflow.permissions import CASE_VIEW_ROLES, REPORT_READERS, Actor
from workflow.store.errors import PermissionDenied

MANAGERS = frozenset({Role.DEPARTMENT_STAFF})
UPPER_RATERS = frozenset({Role.DEPARTMENT_STAFF, Role.SIGNER})
CELL_ENTRY = frozenset({Role.CELL_SECRETARY, Role.GRASSROOTS_STAFF})
APPROVERS = frozenset({Role.GRASSROOTS_STAFF})
VIEWERS = CASE_VIEW_ROLES | REPORT_READERS


def root_of(org: Organization) -> Organization:
    """The grassroots organization an organization belongs to (itself at the top)."""
    return org.lineage()[0]


def may_manage(actor: Actor) -> bool:
    return actor.scope_for(MANAGERS, None) is not None


def require_manager(actor: Actor) -> None:
    if not may_manage(actor):
        raise PermissionDenied()


def may_rate_upper(actor: Actor) -> bool:
    return actor.scope_for(UPPER_RATERS, None) is not None


def may_view(actor: Actor) -> bool:
    return actor.has_role(*VIEWERS)


def may_view_org(actor: Actor, org: Organization) -> bool:
    return actor.scope_for(VIEWERS, org.path) is not None


def may_enter(actor: Actor, cell: Organization) -> bool:
    """The cell's grid: its secretary, or the staff of a committee above it."""
    return cell.is_cell and actor.scope_for(CELL_ENTRY, cell.path) is not None


def may_approve(actor: Actor, cell: Organization) -> bool:
    """Approving a cell's members and rating the cell: its grassroots committee (a grant at
    the grassroots organization itself or above it, not at a sub-committee)."""
    return cell.is_cell and actor.scope_for(APPROVERS, root_of(cell).path) is not None


def may_self_review(actor: Actor, org: Organization) -> bool:
    """An organization's self-review: a grassroots organization's staff; a cell's
    secretary."""
    if org.parent_id is None:
        return actor.scope_for(APPROVERS, org.path) is not None
    return org.is_cell and actor.scope_for(CELL_ENTRY, org.path) is not None


def may_register_model(actor: Actor, cell: Organization) -> bool:
    return may_enter(actor, cell)
