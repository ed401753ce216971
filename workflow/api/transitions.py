"""Firing a transition: the same ``engine.fire`` the web form calls.

Body: ``{"version": <the case version read>, "data": {...fields}, "password": "..."}``; the
password is needed only by signing steps (``requires_password`` in the case's actions).
"""

from __future__ import annotations

from flask import Blueprint

from states import get_spec
from workflow.api import serialize
from workflow.api.errors import ApiError
from workflow.api.params import invalid, json_body
from workflow.api.security import authenticate, requires_api
from workflow.engine import fire
from workflow.ids import parse_count
from workflow.permissions import CASE_VIEW_ROLES
from workflow.queries import get_case

bp = Blueprint("transitions", __name__, url_prefix="/cases/<int:case_id>/transitions")


@bp.post("/<trigger>")
@requires_api(*CASE_VIEW_ROLES)
def fire_transition(case_id: int, trigger: str):
    actor = authenticate()
    case = get_case(case_id, actor)
    spec = get_spec(case.procedure)
    if not spec.transitions_for(trigger):
        raise ApiError(404, "unknown_transition", "Hồ sơ này không có thao tác này.")
    body = json_body()
    raw_version = body.get("version")
    version = None if isinstance(raw_version, bool) else parse_count(raw_version)
    if version is None:
        raise invalid({"version": "Cần số phiên bản (version) của hồ sơ khi đọc."})
    data = body.get("data") if body.get("data") is not None else {}
    if not isinstance(data, dict):
        raise invalid({"data": "Phải là một đối tượng JSON."})
    password = body.get("password")
    result = fire(
        case.id,
        trigger,
        actor=actor,
        payload=data,
        expected_version=version,
        password=password if isinstance(password, str) else None,
    )
    case = get_case(result.case_id, actor)
    return {
        "trigger": result.trigger,
        "from_state": result.from_state,
        "to_state": result.to_state,
        "audit_seq": result.audit_seq,
        "case": serialize.case(case),
    }
