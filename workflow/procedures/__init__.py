"""Every procedure the application runs, registered once, explicitly, beside ``states.REGISTRY``.

A procedure is its spec in ``states/`` plus one module here (see ``base.Procedure``); the
engine, the views and the API look procedures up in ``PROCEDURES`` and name none of them.
"""

from __future__ import annotations

from workflow.documents.kinds import ANNULMENT, DocumentKind
from workflow.procedures import admission, common, probation, transfers
from workflow.procedures.base import ChoiceSource, DefaultSource, Effect, Procedure

PROCEDURES: dict[str, Procedure] = {
    p.key: p
    for p in (
        admission.PROCEDURE,
        probation.PROCEDURE,
        *transfers.PROCEDURES,
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
