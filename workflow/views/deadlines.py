"""The deadline dashboard: every open clock in the user's scope, overdue first."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from states import REGISTRY
from workflow import queries
from workflow.clock import today
from workflow.ids import parse_id
from workflow.permissions import CASE_VIEW_ROLES
from workflow.queries import open_deadline_rows, visible_orgs
from workflow.web import current_actor, requires
from workflow.workcalendar import load_calendar

bp = Blueprint("deadlines", __name__, url_prefix="/deadlines")


@bp.route("/")
@requires(*CASE_VIEW_ROLES)
def index():
    actor = current_actor()
    org = request.args.get("org", "")
    org_id = parse_id(org)
    kinds = [
        (f"{key}:{kind}", f"{spec.label}: {d.label}")
        for key, spec in REGISTRY.items()
        for kind, d in spec.deadlines.items()
    ]
    kind = request.args.get("kind", "")
    kind = kind if kind in dict(kinds) else ""
    page = parse_id(request.args.get("page", "")) or 1
    listing = open_deadline_rows(
        actor,
        today(),
        load_calendar(),
        org_id=org_id,
        kind=kind,
        page=page,
        per_page=queries.DEADLINES_PER_PAGE,
    )
    return render_template(
        "deadlines.html",
        listing=listing,
        rows=listing.rows,
        kinds=kinds,
        kind=kind,
        org_id=org_id,
        orgs=visible_orgs(actor),
        specs=REGISTRY,
        overdue=listing.overdue,
    )
