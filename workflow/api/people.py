"""People the caller may see: search and one person's record (citizen id masked)."""

from __future__ import annotations

from flask import Blueprint

from workflow.api import serialize
from workflow.api.params import choice_arg, id_arg, invalid, listing, text_arg
from workflow.api.security import authenticate, requires_api
from workflow.models.people import MEMBER_STATUSES
from workflow.permissions import CASE_VIEW_ROLES
from workflow.queries import get_person, people_list_keys, person_query, visible_orgs

bp = Blueprint("people", __name__, url_prefix="/people")


def visible_org_arg(name: str) -> int | None:
    """An organization filter must name an organization the caller can see."""
    org_id = id_arg(name)
    if org_id is not None and org_id not in {o.id for o in visible_orgs(authenticate())}:
        raise invalid({name: "Không tìm thấy tổ chức này."})
    return org_id


@bp.get("")
@requires_api(*CASE_VIEW_ROLES)
def index():
    actor = authenticate()
    q = text_arg("q")
    status = choice_arg("member_status", MEMBER_STATUSES)
    cell = visible_org_arg("cell")
    stmt = person_query(actor, q, status, cell).order_by(None)
    return listing(stmt, people_list_keys(q), serialize.person, descending=False)


@bp.get("/<int:person_id>")
@requires_api(*CASE_VIEW_ROLES)
def detail(person_id: int):
    return serialize.person_detail(get_person(person_id, authenticate()))
