"""The dashboard: my work first, overdue first."""

from __future__ import annotations

from flask import Blueprint, render_template

from states import REGISTRY
from states.spec import Role
from workflow.clock import today
from workflow.extensions import db
from workflow.models import Organization
from workflow.operations import jobs
from workflow.permissions import REPORT_READERS
from workflow.queries import cases_waiting_on, open_deadlines
from workflow.reports.dashboard import pipelines
from workflow.web import current_actor, requires
from workflow.workcalendar import load_calendar

bp = Blueprint("main", __name__)

#: cases listed on the dashboard; the rest are counted and found through the case list
LIMIT = 200


@bp.route("/")
@requires()
def dashboard():
    actor = current_actor()
    day = today()
    cases = cases_waiting_on(actor, day)
    deadlines = open_deadlines([c.id for c in cases])
    calendar = load_calendar()
    rows = []
    for case in cases:
        first = (deadlines.get(case.id) or [None])[0]
        left = calendar.left(first, day) if first else None
        rows.append((case, first, left))
    # due soonest first (overdue before all), then the cases without a clock; sorted before
    # the page is cut, so what is cut is what is due last
    rows.sort(key=lambda r: (r[2] is None, r[2] if r[2] is not None else 0, r[0].id))
    late, last_daily = (
        jobs.daily_late() if actor.has_role(Role.DEPARTMENT_STAFF, Role.ADMIN) else (False, None)
    )
    return render_template(
        "dashboard.html",
        daily_late=late,
        last_daily=last_daily,
        rows=rows[:LIMIT],
        more=max(0, len(rows) - LIMIT),
        specs=REGISTRY,
        pipelines=_pipelines(actor),
    )


def _pipelines(actor):
    """The pipelines of the broadest organization the user reads reports for."""
    scopes = [s for s in actor.scopes if s.role in REPORT_READERS]
    if not scopes:
        return []
    if any(s.org_id is None for s in scopes):
        return pipelines(None)
    broadest = min(scopes, key=lambda s: s.org_path.count("/"))
    return pipelines(db.session.get(Organization, broadest.org_id))
