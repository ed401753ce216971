"""Cases: search, one case with the actions open to the caller, its audit trail, and opening
a new admission case (the person's record and the case together, as on the web form)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, url_for
from sqlalchemy import select

from forms.people import PERSON_FIELDS
from states import REGISTRY, get_spec
from states.fields import Field, PayloadInvalid, parse_payload
from states.spec import Role
from workflow.api import serialize
from workflow.api.params import (
    choice_arg,
    invalid,
    json_body,
    page_body,
    paging,
    text_arg,
)
from workflow.api.people import visible_org_arg
from workflow.api.security import authenticate, requires_api
from workflow.clock import today
from workflow.engine import available_transitions, event_date_field, open_case
from workflow.extensions import db
from workflow.field_choices import case_choices
from workflow.ids import parse_id
from workflow.models import AuditEntry, Case
from workflow.operations import access_log
from workflow.operations.people import create_person, name_warnings, validate_person
from workflow.permissions import CASE_VIEW_ROLES
from workflow.queries import CaseFilter, case_query, cells_for, get_case, paginate
from workflow.store.errors import InvalidInput
from workflow.store.uow import unit_of_work

bp = Blueprint("cases", __name__, url_prefix="/cases")

ALL_STATES = sorted({s for spec in REGISTRY.values() for s in spec.states})
STATUSES = ("open", "closed", "all")


@bp.get("")
@requires_api(*CASE_VIEW_ROLES)
def index():
    actor = authenticate()
    procedure = choice_arg("procedure", REGISTRY)
    states = get_spec(procedure).states if procedure else ALL_STATES
    f = CaseFilter(
        q=text_arg("q"),
        procedure=procedure,
        state=choice_arg("state", states),
        org_id=visible_org_arg("org"),
        status=choice_arg("status", STATUSES, "all"),
    )
    page, per_page = paging()
    stmt = case_query(actor, f, today()).order_by(Case.last_event_on.desc(), Case.id.desc())
    cases, total, page = paginate(stmt, page, per_page)
    return page_body([serialize.case(c) for c in cases], page, per_page, total)


def case_body(case: Case) -> dict[str, Any]:
    """The case, its state and version, and what the caller may do next (or why not)."""
    actor = authenticate()
    spec = get_spec(case.procedure)
    actions = []
    for a in available_transitions(case, actor):
        t = next(t for t in spec.transitions_for(a.trigger) if case.state in t.sources)
        fields = (event_date_field(t), *t.fields)
        actions.append(serialize.action(a, fields, t.reauth, case_choices(case, t.fields)))
    return {**serialize.case(case), "actions": actions}


@bp.get("/<int:case_id>")
@requires_api(*CASE_VIEW_ROLES)
def detail(case_id: int):
    return case_body(get_case(case_id, authenticate()))


@bp.get("/<int:case_id>/audit")
@requires_api(*CASE_VIEW_ROLES)
def audit(case_id: int):
    case = access_log.read_case_file(case_id, authenticate())
    spec = get_spec(case.procedure)
    rows = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.subject_type == "case", AuditEntry.subject_id == case.id)
        .order_by(AuditEntry.seq)
    )
    return {"items": [serialize.audit_row(r, spec) for r in rows]}


def _person_data(raw: Any) -> dict[str, str]:
    if not isinstance(raw, dict):
        raise invalid({"person": "Cần thông tin người được đưa vào danh sách nguồn."})
    bad = {
        f"person.{k}": "Phải là văn bản."
        for k in PERSON_FIELDS
        if raw.get(k) is not None and not isinstance(raw.get(k), str)
    }
    if bad:
        raise invalid(bad)
    return {k: raw.get(k) or "" for k in PERSON_FIELDS}


@bp.post("")
@requires_api(Role.CELL_SECRETARY)
def create():
    """Put a person on a cell's source list: the admission procedure's first step."""
    actor = authenticate()
    body = json_body()
    cells = cells_for(actor, {Role.CELL_SECRETARY})
    cell_id = parse_id(body.get("cell"))
    cell = next((c for c in cells if c.id == cell_id), None)
    person = _person_data(body.get("person"))
    data = body.get("data") if body.get("data") is not None else {}
    if not isinstance(data, dict):
        raise invalid({"data": "Phải là một đối tượng JSON."})
    spec = get_spec("admission")
    open_fields = (Field("event_date", spec.open_event_label, "date"), *spec.open_fields)
    problems = {} if cell else {"cell": "Chọn một chi bộ mà bạn là bí thư."}
    try:
        validate_person(person)
    except InvalidInput as exc:
        problems.update({f"person.{k}": v for k, v in exc.errors.items()})
    try:
        parse_payload(open_fields, data, today())
    except PayloadInvalid as exc:
        problems.update({f"data.{k}": v for k, v in exc.errors.items()})
    if problems:
        raise invalid(problems)
    with unit_of_work():
        created = create_person(person, cell=cell, actor=actor)
        case_id = open_case("admission", person=created, actor=actor, payload=data).id
    body = case_body(get_case(case_id, actor))
    # saved all the same: a name without diacritics is most likely mistyped
    body["warnings"] = {f"person.{k}": v for k, v in name_warnings(person).items()}
    return body, 201, {"Location": url_for("api.cases.detail", case_id=case_id)}
