"""Who may see and do what in a badge round. Deny by default.

* The department's staff (over the whole committee) open a round, add early or re-issue
  proposals anywhere, compile the list and record the provincial decision.
* A cell secretary considers the members of their cell (and a grassroots committee's staff
  those of its cells); they may add an early or re-issue proposal for their own members.
* A grassroots committee's staff send their organization's list and record the hand-over at
  the ceremony; the department may do both for any organization.
* Whoever may open case files sees the rounds, with the members of the organizations their
  grants cover.
"""

from __future__ import annotations

from states.spec import Role
from workflow.models import Organization
from workflow.permissions import CASE_VIEW_ROLES, Actor
from workflow.store.errors import PermissionDenied

DEPARTMENT = frozenset({Role.DEPARTMENT_STAFF})
REVIEWERS = frozenset({Role.CELL_SECRETARY, Role.GRASSROOTS_STAFF, Role.DEPARTMENT_STAFF})
SENDERS = frozenset({Role.GRASSROOTS_STAFF, Role.DEPARTMENT_STAFF})
VIEWERS = CASE_VIEW_ROLES


def is_department(actor: Actor) -> bool:
    return actor.scope_for(DEPARTMENT, None) is not None


def require_department(actor: Actor) -> None:
    if not is_department(actor):
        raise PermissionDenied()


def may_review(actor: Actor, cell: Organization) -> bool:
    return actor.scope_for(REVIEWERS, cell.path) is not None


def may_propose(actor: Actor, cell: Organization) -> bool:
    return may_review(actor, cell)


def may_send(actor: Actor, org: Organization) -> bool:
    return actor.scope_for(SENDERS, org.path) is not None


def may_hand_over(actor: Actor, org: Organization) -> bool:
    return may_send(actor, org)
