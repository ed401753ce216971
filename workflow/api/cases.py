"""Cases: search, one case with the actions open to the caller, its audit trail, and opening
a case of any procedure (for a person on record, or with a new person's record, as on the web
form)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, url_for
from sqlalchemy import select

from forms.people import PERSON_FIELDS
from states import REGISTRY, get_spec
from workflow.api import serialize
from workflow.api.params import (
    choice_arg,
    invalid,
    json_body,
    listing,
    text_arg,
)
from workflow.api.people import visible_org_arg
from workflow.api.security import authenticate, requires_api
from workflow.clock import today
from workflow.engine import available_transitions, event_date_field
from workflow.extensions import db
from workflow.field_choices import case_choices
from workflow.ids import parse_id
from workflow.models import AuditEntry, Case
from workflow.operations import access_log
from workflow.operations import cases as opening_ops
from workflow.permissions import CASE_VIEW_ROLES
from workflow.procedures import PROCEDURES
from workflow.queries import CASE_LIST_KEYS, CaseFilter, case_query, get_case, get_person
from workflow.store.errors import InvalidInput, PermissionDenied

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
    return listing(case_query(actor, f, today()), CASE_LIST_KEYS, serialize.case, descending=True)


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
        raise invalid({"person": "Cần thông tin của người được mở hồ sơ."})
    bad = {
        f"person.{k}": "Phải là văn bản."
        for k in PERSON_FIELDS
        if raw.get(k) is not None and not isinstance(raw.get(k), str)
    }
    if bad:
        raise invalid(bad)
    return {k: raw.get(k) or "" for k in PERSON_FIELDS}


def _object(body: dict, key: str) -> dict:
    value = body.get(key) if body.get(key) is not None else {}
    if not isinstance(value, dict):
        raise invalid({key: "Phải là một đối tượng JSON."})
    return value


#: where each part of an opening request goes in the answer's field names
PARTS = {"particulars": "person", "subject": "subject", "payload": "data"}


@bp.post("")
@requires_api(*CASE_VIEW_ROLES)
def create():
    """Open a case of a procedure: for a person on record ("person": their id), or with a new
    person's record ("person": their particulars, "cell" where a candidate goes, "subject" the
    opening's other particulars of an arriving member), as the procedure's opening declares."""
    actor = authenticate()
    body = json_body()
    key = body.get("procedure", "")
    plugin = PROCEDURES.get(key) if isinstance(key, str) else None
    if plugin is None or plugin.opening is None:
        raise invalid({"procedure": "Không có thủ tục mở được với tên này."})
    opening = plugin.opening
    person = particulars = None
    if opening.new_record:
        if not opening.openable(None, actor):
            raise PermissionDenied()
        particulars = _person_data(body.get("person"))
    else:
        person_id = parse_id(body.get("person"))
        if person_id is None:
            raise invalid({"person": "Ghi mã người (person) được mở hồ sơ."})
        person = get_person(person_id, actor)
    ask = opening_ops.OpenRequest(
        key,
        _object(body, "data"),
        person=person,
        particulars=particulars,
        cell_id=parse_id(body.get("cell")),
        subject=_object(body, "subject"),
    )
    try:
        case_id = opening_ops.open_for(ask, actor).id
    except InvalidInput as exc:
        raise invalid(_named(exc.errors, plugin)) from None
    body = case_body(get_case(case_id, actor))
    # saved all the same: a name without diacritics is most likely mistyped
    body["warnings"] = {f"person.{k}": v for k, v in opening_ops.warnings(ask).items()}
    return body, 201, {"Location": url_for("api.cases.detail", case_id=case_id)}


def _named(errors: dict[str, str], plugin) -> dict[str, str]:
    """The request's field names for the errors: person.*, subject.*, data.*, cell."""
    subject = {f.name for f in plugin.opening.subject_fields}
    named = {}
    for k, v in errors.items():
        if k == "cell_id":
            named["cell"] = v
        elif k in PERSON_FIELDS:
            named[f"person.{k}"] = v
        elif k in subject:
            named[f"subject.{k}"] = v
        else:
            named[f"data.{k}"] = v
    return named
