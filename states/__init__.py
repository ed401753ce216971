"""Procedures as data: pure Python, importable without Flask, a database or pytransitions.

``REGISTRY`` lists every procedure explicitly, once: the application runs each with the module
of ``workflow.procedures`` its spec names (``ProcedureSpec.module``).
"""

from __future__ import annotations

from states import (
    admission,
    badges,
    cards,
    contact_loss,
    death,
    discipline,
    exemption,
    internal_transfer,
    leaving,
    probation,
    ratings,
    readmission,
    removal,
    rules,
    suspension,
    temporary_transfer,
    transfer,
    transfer_in,
)
from states.spec import ProcedureSpec

REGISTRY: dict[str, ProcedureSpec] = {
    spec.key: spec
    for spec in (
        admission.SPEC,
        probation.SPEC,
        transfer.SPEC,
        transfer_in.SPEC,
        temporary_transfer.SPEC,
        internal_transfer.SPEC,
        removal.SPEC,
        leaving.SPEC,
        death.SPEC,
        exemption.SPEC,
        readmission.SPEC,
        discipline.SPEC,
        suspension.SPEC,
        contact_loss.SPEC,
    )
}


for _spec in REGISTRY.values():
    rules.declare(_spec.key, _spec.settings)
#: rule settings of the records that are not procedures of one case
rules.declare("rating", ratings.SETTINGS)
rules.declare("badge", badges.SETTINGS)
rules.declare("card", cards.SETTINGS)


def get_spec(key: str) -> ProcedureSpec:
    return REGISTRY[key]
