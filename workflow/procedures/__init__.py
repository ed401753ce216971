"""Every procedure the application runs: for each spec of ``states.REGISTRY`` (the one list
of procedures), the module of this package that runs it (``ProcedureSpec.module``, by default
the spec's key; see ``base.Procedure``). The engine, the views and the API look procedures up
in ``PROCEDURES`` and name none of them.
"""

from __future__ import annotations

from importlib import import_module

from states import REGISTRY
from states.spec import ProcedureSpec
from workflow.documents.kinds import ANNULMENT, ORG_DECISION, DocumentKind
from workflow.models.orgs import CELL_KINDS
from workflow.procedures import base, common
from workflow.procedures.base import ChoiceSource, DefaultSource, Effect, Procedure


def _runs(spec: ProcedureSpec) -> Procedure:
    """The procedure the spec's module defines for it."""
    module = import_module(f"{__name__}.{spec.module or spec.key}")
    found = [p for p in getattr(module, "PROCEDURES", (getattr(module, "PROCEDURE", None),)) if p]
    matches = [p for p in found if p.spec is spec]
    if len(matches) != 1:
        raise LookupError(f"{module.__name__} defines no procedure for the spec {spec.key!r}")
    return matches[0]


PROCEDURES: dict[str, Procedure] = {key: _runs(spec) for key, spec in REGISTRY.items()}
base.RUNNING.update(PROCEDURES)

#: every kind of document, by key: the procedures' own, the annulment of any of them, and the
#: upper committee's decisions on its organizations
DOCUMENT_KINDS: dict[str, DocumentKind] = {
    ANNULMENT.key: ANNULMENT,
    ORG_DECISION.key: ORG_DECISION,
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
