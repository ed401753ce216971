"""Who may see and change classes. Deny by default.

* The department's staff, or the body that runs classes where one is configured (the
  ``training`` role), over the whole committee, manage every class; the training role sees no
  case file.
* Whoever may open case files (cell secretaries, grassroots committees' staff, the department,
  signers, the inspection commission) sees the list of classes and a class's page, with the
  trainees of the organizations their grants cover.
* A cell secretary or a grassroots committee's staff propose the people of their
  organizations for a class.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement

from states.spec import Role
from workflow.models import Person
from workflow.permissions import CASE_VIEW_ROLES, Actor
from workflow.store.errors import PermissionDenied

MANAGERS = frozenset({Role.DEPARTMENT_STAFF, Role.TRAINING})
VIEWERS = CASE_VIEW_ROLES | {Role.TRAINING}
PROPOSERS = frozenset({Role.CELL_SECRETARY, Role.GRASSROOTS_STAFF})


def may_manage(actor: Actor) -> bool:
    return actor.scope_for(MANAGERS, None) is not None


def require_manager(actor: Actor) -> None:
    if not may_manage(actor):
        raise PermissionDenied()


def may_view(actor: Actor) -> bool:
    return actor.has_role(*VIEWERS)


def may_propose_any(actor: Actor) -> bool:
    return actor.has_role(*PROPOSERS)


def may_propose(actor: Actor, person: Person) -> bool:
    return actor.scope_for(PROPOSERS, person.cell.path) is not None


def may_see_person(actor: Actor, person: Person) -> bool:
    return may_manage(actor) or actor.can_view(person.cell.path)


def roster_filter(actor: Actor, path_column) -> ColumnElement[bool]:
    """Which trainees of a roster the actor sees, on the path of the trainee's cell."""
    return actor.visible_filter(path_column)
