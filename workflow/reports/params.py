"""What a report is asked for: the period and the organization, checked the same way for the
page, the downloads, the API and the command line."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from states.fields import parse_date
from workflow.clock import today
from workflow.extensions import db
from workflow.ids import parse_id
from workflow.models import Organization
from workflow.orgs import history
from workflow.permissions import REPORT_READERS, Actor
from workflow.queries import visible_orgs
from workflow.reports import document as document_mod
from workflow.reports import period as period_mod
from workflow.store.errors import NotFound

#: the longest period one report covers
MAX_DAYS = 3 * 366
EARLIEST = date(1930, 2, 3)
LATEST_YEAR = 2100


def quarter_of(day: date) -> tuple[date, date]:
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = date(day.year, first_month, 1)
    nxt = date(day.year + (first_month == 10), 1 if first_month == 10 else first_month + 3, 1)
    return start, nxt - timedelta(days=1)


def presets(day: date) -> list[tuple[str, date, date]]:
    """The periods reports are usually made for: last quarter, this quarter so far, the
    first 6 and 9 months, the year (party bodies report Q1, 6 months, 9 months, year)."""
    this_start, _ = quarter_of(day)
    last_start, last_end = quarter_of(this_start - timedelta(days=1))
    y = day.year
    return [
        ("Quý trước", last_start, last_end),
        ("Quý này", this_start, day),
        ("6 tháng", date(y, 1, 1), date(y, 6, 30)),
        ("9 tháng", date(y, 1, 1), date(y, 9, 30)),
        ("Cả năm", date(y, 1, 1), date(y, 12, 31)),
        ("Năm trước", date(y - 1, 1, 1), date(y - 1, 12, 31)),
    ]


def whole_committee_allowed(actor: Actor, roles=REPORT_READERS) -> bool:
    return actor.scope_for(roles, None) is not None


def org_choices(actor: Actor) -> list[Organization]:
    return visible_orgs(actor, REPORT_READERS)


@dataclass
class ReportRequest:
    start: date
    end: date
    org: Organization | None


def period_errors(start: date, end: date) -> dict[str, str]:
    if end < start:
        return {"to": "Ngày kết thúc kỳ không được trước ngày bắt đầu."}
    if (end - start).days > MAX_DAYS:
        return {"to": "Một báo cáo không dài quá 3 năm."}
    if start < EARLIEST:
        return {"from": "Ngày bắt đầu kỳ không hợp lệ."}
    if end.year > LATEST_YEAR:
        return {"to": "Ngày kết thúc kỳ không hợp lệ."}
    return {}


def parse_request(actor: Actor, args: Any) -> tuple[ReportRequest | None, dict[str, str]]:
    """The period and organization asked for (default: last quarter, the user's broadest
    organization); an organization outside the user's grants is 404."""
    errors: dict[str, str] = {}
    default_start, default_end = presets(today())[0][1:]
    dates = {}
    for key, default in (("from", default_start), ("to", default_end)):
        raw = args.get(key)
        try:
            dates[key] = parse_date(raw) if raw else default
        except ValueError as exc:
            errors[key] = str(exc)
    if not errors:
        errors = period_errors(dates["from"], dates["to"])
    org = None
    raw_org = args.get("org")
    if raw_org:
        org_id = parse_id(raw_org)
        org = db.session.get(Organization, org_id) if org_id else None
        if org is None or actor.scope_for(REPORT_READERS, org.path) is None:
            raise NotFound()
    elif not whole_committee_allowed(actor):
        choices = org_choices(actor)
        if not choices:
            raise NotFound()
        org = choices[0]
    if errors:
        return None, errors
    return ReportRequest(dates["from"], dates["to"], org), errors


def document_for(req: ReportRequest) -> document_mod.ReportDocument:
    report = period_mod.compute(req.start, req.end, req.org, with_year_to_date=True)
    # the committee named as it was at the period's end (it may since have been succeeded)
    return document_mod.build(report, committee_name=history.upper_on(req.end).name)
