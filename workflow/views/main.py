"""The dashboard: my work first, overdue first."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from states import REGISTRY
from states.spec import Role
from workflow.badges.rounds import next_round_summary
from workflow.clock import today
from workflow.extensions import db
from workflow.ids import parse_id
from workflow.models import Organization
from workflow.operations import jobs
from workflow.permissions import REPORT_READERS
from workflow.queries import my_work
from workflow.reports.dashboard import pipelines
from workflow.web import current_actor, requires
from workflow.workcalendar import load_calendar

bp = Blueprint("main", __name__)

#: cases listed on one page of the dashboard
PER_PAGE = 25


@bp.route("/")
@requires()
def dashboard():
    actor = current_actor()
    day = today()
    # due soonest first (overdue before all), then the cases without a clock: in that order
    # from the database, a page at a time
    work = my_work(actor, day, parse_id(request.args.get("page", "")) or 1, PER_PAGE)
    calendar = load_calendar()
    rows = [
        (case, first, calendar.left(first, day) if first else None) for case, first in work.rows
    ]
    late, last_daily = (
        jobs.daily_late() if actor.has_role(Role.DEPARTMENT_STAFF, Role.ADMIN) else (False, None)
    )
    return render_template(
        "dashboard.html",
        daily_late=late,
        last_daily=last_daily,
        rows=rows,
        work=work,
        specs=REGISTRY,
        pipelines=_pipelines(actor),
        next_badges=next_round_summary(actor),
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
