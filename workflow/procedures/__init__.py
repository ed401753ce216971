"""Every procedure the application runs, registered once, explicitly, beside ``states.REGISTRY``.

A procedure is its spec in ``states/`` plus one module here (see ``base.Procedure``); the
engine, the views and the API look procedures up in ``PROCEDURES`` and name none of them.
"""

from __future__ import annotations

from workflow.documents.kinds import ANNULMENT, DocumentKind
from workflow.models.orgs import CELL_KINDS
from workflow.procedures import (
    admission,
    common,
    death,
    discipline,
    exemption,
    leaving,
    probation,
    readmission,
    removal,
    suspension,
    transfers,
)
from workflow.procedures.base import ChoiceSource, DefaultSource, Effect, Procedure

PROCEDURES: dict[str, Procedure] = {
    p.key: p
    for p in (
        admission.PROCEDURE,
        probation.PROCEDURE,
        *transfers.PROCEDURES,
        removal.PROCEDURE,
        leaving.PROCEDURE,
        death.PROCEDURE,
        exemption.PROCEDURE,
        readmission.PROCEDURE,
        discipline.PROCEDURE,
        suspension.PROCEDURE,
    )
}

#: every kind of document, by key: the procedures' own, and the annulment of any of them
DOCUMENT_KINDS: dict[str, DocumentKind] = {
    ANNULMENT.key: ANNULMENT,
    **{k: kind for p in PROCEDURES.values() for k, kind in p.documents.items()},
}


def get(key: str) -> Procedure:
    return PROCEDURES[key]


def effect(procedure: Procedure, name: str) -> Effect:
    """A step's effect: the procedure's own, else a shared one."""
    return procedure.effects.get(name) or common.EFFECTS[name]


def source(procedure: Procedure, name: str) -> ChoiceSource:
    return procedure.sources[name]


def default(procedure: Procedure, name: str) -> DefaultSource:
    return procedure.defaults.get(name) or common.DEFAULTS[name]


def document_kind(key: str) -> DocumentKind:
    return DOCUMENT_KINDS[key]


def openable(actor, person=None) -> list[Procedure]:
    """The procedures ``actor`` may open for ``person`` (None: with a new person's record)."""
    return [
        p
        for p in PROCEDURES.values()
        if p.opening is not None
        and p.opening.new_record == (person is None)
        and p.opening.openable(person, actor)
    ]


def openable_at(actor, org) -> list[Procedure]:
    """The procedures ``actor`` may open with a new person's record at the organization
    ``org``: a candidate of a cell the actor may open cases in, a member arriving at a
    grassroots organization."""
    out = []
    for p in openable(actor):
        if p.opening.subject == "new_person":
            at_cell = org.kind in CELL_KINDS and org.active
            if at_cell and actor.scope_for(p.spec.open_roles, org.path) is not None:
                out.append(p)
        elif org.parent_id is None and org.active:
            out.append(p)
    return out
