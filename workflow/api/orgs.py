"""Organizations the caller may see."""

from __future__ import annotations

from flask import Blueprint

from states.spec import Role
from workflow.api import serialize
from workflow.api.security import authenticate, requires_api
from workflow.permissions import CASE_VIEW_ROLES
from workflow.queries import visible_orgs
from workflow.store.errors import NotFound

bp = Blueprint("organizations", __name__, url_prefix="/organizations")

#: as on the organization pages: those who open case files, and the administrator
VIEW_ROLES = CASE_VIEW_ROLES | {Role.ADMIN}


@bp.get("")
@requires_api(*VIEW_ROLES)
def index():
    orgs = visible_orgs(authenticate(), VIEW_ROLES)
    return {"items": [serialize.organization(o) for o in orgs]}


@bp.get("/<int:org_id>")
@requires_api(*VIEW_ROLES)
def detail(org_id: int):
    orgs = visible_orgs(authenticate(), VIEW_ROLES)
    org = next((o for o in orgs if o.id == org_id), None)
    if org is None:
        raise NotFound()
    visible = {o.id for o in orgs}
    return {
        **serialize.organization(org),
        "children": [serialize.org_ref(c) for c in org.children_by_name if c.id in visible],
    }
