"""The charts of the report page and the dashboard: the candidate pipeline by state, target
progress per organization, and admissions and recognitions per month."""

from __future__ import annotations

from markupsafe import Markup
from sqlalchemy import func, select

from states import REGISTRY, get_spec
from states.text import first_lower
from workflow.extensions import db
from workflow.models import Case, Organization
from workflow.presenters import vn_percent
from workflow.reports import charts
from workflow.reports import period as period_mod
from workflow.reports.document import ReportDocument


def pipelines(org: Organization | None) -> list[tuple[str, Markup]]:
    """(title, chart) of each procedure charted by step (the spec says so)."""
    return [
        (f"Hồ sơ {first_lower(spec.label)} đang mở, theo bước", pipeline(org, spec.key))
        for spec in REGISTRY.values()
        if spec.pipeline
    ]


def pipeline(org: Organization | None, procedure: str) -> Markup:
    """Open cases of ``procedure`` by state, in the order of the procedure's states."""
    spec = get_spec(procedure)
    stmt = (
        select(Case._state, func.count())
        .where(Case.procedure == procedure, Case.closed_at.is_(None))
        .group_by(Case._state)
    )
    if org is not None:
        stmt = stmt.join(Organization, Organization.id == Case.cell_id).where(
            Organization.path.startswith(org.path, autoescape=True)
        )
    counts = dict(db.session.execute(stmt).all())
    bars = [
        charts.Bar(label, counts[state])
        for state, label in spec.states.items()
        if counts.get(state) and state not in spec.finals
    ]
    return charts.horizontal_bars(f"Hồ sơ {first_lower(spec.label)} đang mở theo bước", bars)


def target_progress(doc: ReportDocument, kind: str = "admissions") -> Markup:
    """Per organization of the report: the figure from 1 January to the period's end against
    its yearly target."""
    bars = []
    for row in doc.ytd.rows:
        resolved = doc.year_targets.resolve(kind, row.org.id)
        value, target = row.tally.figure(kind), resolved.value if resolved else None
        bars.append(charts.Bar(row.name, value, target, vn_percent(value, target or 0) or ""))
    label = "Kết nạp đảng viên" if kind == "admissions" else "Bồi dưỡng nhận thức về Đảng"
    return charts.horizontal_bars(
        f"{label} từ đầu năm {doc.year_targets.year} so với chỉ tiêu", bars
    )


def monthly(report: period_mod.PeriodReport) -> Markup:
    """Admissions (decisions) and recognitions in each month of the report's period."""
    months = []
    y, m = report.start.year, report.start.month
    while (y, m) <= (report.end.year, report.end.month) and len(months) < 24:
        months.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    monthly = report.total.monthly
    series = [
        ("Kết nạp (quyết định)", [monthly[("admissions", k)] for k in months]),
        ("Công nhận chính thức", [monthly[("recognized", k)] for k in months]),
    ]
    labels = [f"{k[5:]}/{k[2:4]}" for k in months]
    return charts.monthly_columns(
        "Kết nạp và công nhận đảng viên chính thức theo tháng", labels, series
    )
