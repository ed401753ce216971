"""Opening a case of any procedure, the one way the web pages, the API and the command line do
it: for a person on record, or with the record of a new person or an arriving member, as the
procedure's opening declares. Everything is checked first, then written in one transaction."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from states.fields import Field, PayloadInvalid, parse_payload
from workflow.clock import today
from workflow.engine import open_case
from workflow.models import Case, Organization, Person
from workflow.operations.people import create_person, name_warnings, validate_person
from workflow.permissions import Actor
from workflow.procedures import Procedure, get
from workflow.queries import cells_for
from workflow.store.errors import InvalidInput, PermissionDenied
from workflow.store.uow import unit_of_work


def open_fields(procedure: Procedure) -> tuple[Field, ...]:
    """The opening form's own fields: the day it was decided and the spec's opening fields."""
    spec = procedure.spec
    return (Field("event_date", spec.open_event_label, "date"), *spec.open_fields)


def cells_to_open_in(procedure: Procedure, actor: Actor) -> list[Organization]:
    """Where the actor may put a new person's case (a procedure opened with a new record)."""
    return cells_for(actor, procedure.spec.open_roles)


@dataclass
class OpenRequest:
    """What an opening form or an API call gives. ``particulars``: a new person's; ``cell_id``:
    the cell a new person's case is in; ``subject``: the values of the opening's
    ``subject_fields``; ``payload``: the opening fields'."""

    procedure: str
    payload: Mapping[str, Any]
    person: Person | None = None
    particulars: Mapping[str, Any] | None = None
    cell_id: int | None = None
    subject: Mapping[str, Any] = field(default_factory=dict)


def check(request: OpenRequest, actor: Actor) -> dict[str, str]:
    """Every problem of the request at once, keyed by field, nothing written. (The engine and
    the procedure's effects check again, and further, when the case opens.)"""
    procedure = get(request.procedure)
    opening = procedure.opening
    if opening is None or not opening.openable(request.person, actor):
        raise PermissionDenied()
    problems: dict[str, str] = {}
    if opening.new_record:
        try:
            validate_person(request.particulars or {})
        except InvalidInput as exc:
            problems.update(exc.errors)
        if opening.subject == "new_person" and _cell(procedure, request, actor) is None:
            problems["cell_id"] = "Chọn một chi bộ của bạn."
    for fields, values in (
        (opening.subject_fields, request.subject),
        (open_fields(procedure), request.payload),
    ):
        try:
            parse_payload(fields, values, today())
        except PayloadInvalid as exc:
            problems.update(exc.errors)
    return problems


def warnings(request: OpenRequest) -> dict[str, str]:
    """What may well be a mistake but is saved on confirmation (a name without diacritics)."""
    return name_warnings(request.particulars) if request.particulars else {}


def open_for(request: OpenRequest, actor: Actor) -> Case:
    """Open the case, with the new person's record when the procedure opens with one, in one
    transaction. Raises InvalidInput (keyed by field) or PermissionDenied; nothing is written
    then."""
    if problems := check(request, actor):
        raise InvalidInput(problems)
    procedure = get(request.procedure)
    opening = procedure.opening
    with unit_of_work():
        if opening.subject == "new_person":
            person = create_person(
                request.particulars, cell=_cell(procedure, request, actor), actor=actor
            )
        elif opening.subject == "incoming":
            subject = parse_payload(opening.subject_fields, request.subject, today())
            place = opening.place(request.payload)
            person = create_person(request.particulars, cell=place, actor=actor)
            opening.complete(person, subject, request.payload)
        else:
            person = request.person
        return open_case(procedure.key, person=person, actor=actor, payload=request.payload)


def _cell(procedure: Procedure, request: OpenRequest, actor: Actor) -> Organization | None:
    return next((c for c in cells_to_open_in(procedure, actor) if c.id == request.cell_id), None)
