"""One description of a period report, shared by the page, the XLSX, the PDF and the JSON:
the same figures, labels and sentences everywhere."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date
from typing import Any

from sqlalchemy import select

from states.dates import vn_date
from states.indicators import (
    DISCIPLINE_FORMS,
    FLOWS,
    INDICATORS,
    REMOVAL_FLOWS,
    SECTIONS,
    TARGET_KINDS,
    UNTRACKED,
    UNTRACKED_FLOWS,
)
from states.numbers import vn_decimal, vn_number
from states.text import first_lower
from workflow.clock import LOCAL_TZ, today
from workflow.extensions import db
from workflow.models import AuditEntry, Organization
from workflow.models.reports import ReportSnapshot
from workflow.orgs import history
from workflow.permissions import Actor
from workflow.presenters import vn_percent
from workflow.reports import period as period_mod
from workflow.reports import targets as target_mod
from workflow.store import audit
from workflow.store.uow import transactional


@dataclass
class TargetLine:
    kind: str
    label: str
    year: int
    target: int | None
    how: str
    percent_basis: str | None
    period_value: int
    period_percent: str | None
    #: from 1 January to the period's end, when the period starts later
    ytd_value: int | None = None
    ytd_percent: str | None = None


@dataclass
class Changes:
    snapshot: ReportSnapshot
    entered_since: int
    #: (label, then, now) of each figure that differs
    differences: list[tuple[str, Any, Any]] = field(default_factory=list)


@dataclass
class ReportDocument:
    report: period_mod.PeriodReport
    title: str
    org_name: str
    period_label: str
    sections: list[tuple[str, list[dict[str, Any]]]]
    members: list[dict[str, Any]]
    flows: list[tuple[str, str, int]]
    targets: list[TargetLine]
    summary: str
    changes: Changes | None
    #: the same report from 1 January (the report itself when it starts then)
    ytd: period_mod.PeriodReport
    year_targets: target_mod.YearTargets
    #: today, when the period ends after it: the figures are provisional ("tạm tính") up to it
    provisional_on: date | None = None
    #: when the last event the figures saw was entered, as a reader says it ("14:05 ngày
    #: 15/06/2026"); the audit position itself (``report.as_of_seq``) is for the auditor
    data_as_of: str = ""
    #: the audit chain's position at that row ("#2501 3fa9c0d1e2b4a5f6"), printed so that an
    #: auditor can later check the trail against it (``flask wf audit-verify --anchor``)
    chain_position: str = ""
    #: the keys of ``flows`` no procedure records yet (printed "chưa theo dõi")
    untracked_flows: tuple[str, ...] = UNTRACKED_FLOWS

    def as_json(self) -> dict[str, Any]:
        """The figures for programs: counts as numbers; each indicator as ``{"value", "tracked"}``
        (tracked false: no procedure records it yet, see ``states.indicators.UNTRACKED``), and
        the membership flows in the same case listed in ``untracked_flows``."""
        r = self.report
        figures = r.figures()
        figures["indicators"] = _marked(figures["indicators"])
        for row in figures["organizations"].values():
            row["indicators"] = _marked(row["indicators"])
        return {
            "from": r.start.isoformat(),
            "to": r.end.isoformat(),
            "organization": r.org.code if r.org else None,
            "organization_name": self.org_name,
            "as_of_seq": r.as_of_seq,
            "chain_position": self.chain_position,
            "balanced": r.balanced,
            "late_entered_events": r.late_entered,
            "summary": self.summary,
            "targets": [
                {
                    "kind": t.kind,
                    "year": t.year,
                    "target": t.target,
                    "period": t.period_value,
                    "period_percent": t.period_percent,
                    "year_to_date": t.ytd_value,
                    "year_to_date_percent": t.ytd_percent,
                }
                for t in self.targets
            ],
            "untracked_flows": list(UNTRACKED_FLOWS),
            **figures,
        }


def _marked(values: dict[str, int]) -> dict[str, dict[str, Any]]:
    return {key: {"value": value, "tracked": key not in UNTRACKED} for key, value in values.items()}


INDICATOR_LABELS = {i.key: i.label for i in INDICATORS}


def build(report: period_mod.PeriodReport, *, committee_name: str) -> ReportDocument:
    org_name = history.identity_on(report.org, report.end).name if report.org else committee_name
    sections = []
    for key, title in SECTIONS.items():
        items = [
            {
                "key": i.key,
                "label": i.label,
                "value": report.total.figure(i.key),
                "built": i.built,
            }
            for i in INDICATORS
            if i.section == key
        ]
        sections.append((title, items))
    members = [
        {
            "name": row.name,
            "code": row.org.code if row.org else "",
            **row.tally.as_dict(),
        }
        for row in report.rows
    ]
    members.append({"name": "Tổng cộng", "code": "", **report.total.as_dict()})
    flows = [(f.key, f.label, report.total.flows[f.key]) for f in FLOWS]
    ytd = period_mod.year_to_date(report)
    year_targets = target_mod.for_report(report)
    targets = _targets(report, ytd, year_targets)
    provisional_on = today() if report.end > today() else None
    return ReportDocument(
        report=report,
        title="Báo cáo thống kê công tác đảng viên",
        org_name=org_name,
        period_label=f"từ ngày {vn_date(report.start)} đến ngày {vn_date(report.end)}",
        sections=sections,
        members=members,
        flows=flows,
        targets=targets,
        summary=_summary(report, targets, provisional_on or report.end),
        changes=_changes(report),
        ytd=ytd,
        year_targets=year_targets,
        provisional_on=provisional_on,
        **_as_of(report.as_of_seq),
    )


def _as_of(seq: int) -> dict[str, str]:
    """When audit row ``seq`` was entered, in local time ("14:05 ngày 15/06/2026"), and the
    chain's position there."""
    row = db.session.execute(
        select(AuditEntry.entered_at, AuditEntry.row_hash).where(AuditEntry.seq == seq)
    ).first()
    if row is None:
        return {}
    local = row.entered_at.replace(tzinfo=UTC).astimezone(LOCAL_TZ)
    return {
        "data_as_of": f"{local:%H:%M} ngày {vn_date(local.date())}",
        "chain_position": audit.position(seq, row.row_hash),
    }


def _targets(
    report: period_mod.PeriodReport,
    ytd: period_mod.PeriodReport,
    year_targets: target_mod.YearTargets,
) -> list[TargetLine]:
    org_id = report.org.id if report.org else None
    out = []
    for kind, label in TARGET_KINDS.items():
        resolved = year_targets.resolve(kind, org_id)
        target = resolved.value if resolved else None
        value = report.total.figure(kind)
        line = TargetLine(
            kind=kind,
            label=label,
            year=year_targets.year,
            target=target,
            how=resolved.how if resolved else "",
            percent_basis=(
                f"{vn_decimal(resolved.percent)}% của "
                f"{vn_number(year_targets.members_at_start.get(org_id, 0))} đảng viên "
                f"đầu năm"
                if resolved and resolved.percent is not None
                else None
            ),
            period_value=value,
            period_percent=vn_percent(value, target or 0),
        )
        if ytd is not report:
            line.ytd_value = ytd.total.figure(kind)
            line.ytd_percent = vn_percent(line.ytd_value, target or 0)
        out.append(line)
    return out


def _summary(report: period_mod.PeriodReport, targets: list[TargetLine], until: date) -> str:
    """The sentence a quarterly report writes, e.g. "kết nạp 181 đảng viên mới, đạt 30,16%
    chỉ tiêu"; the members counted at ``until`` (today for a period not over yet)."""
    t = report.total
    by_kind = {line.kind: line for line in targets}

    def with_target(text: str, kind: str) -> str:
        line = by_kind[kind]
        if line.period_percent is None:
            return text
        text += f", đạt {line.period_percent} chỉ tiêu năm {line.year}"
        if line.ytd_value is not None:
            text += f" (từ đầu năm: {vn_number(line.ytd_value)}, đạt {line.ytd_percent} chỉ tiêu)"
        return text

    def trained(kind: str, what: str, whom: str) -> str:
        """ "tổ chức 03 lớp bồi dưỡng … cho 120 quần chúng" (the classes that issued the
        certificates counted; none when they were all typed into cases)."""
        text = f"bồi dưỡng {what} cho {vn_number(t.figure(kind))} {whom}"
        if t.records(kind):
            text = f"tổ chức {t.records(kind):02d} lớp {text}"
        return with_target(text, kind)

    arrived = t.flows["transfer_in_internal"] + t.flows["transfer_in_external"]
    departed = t.flows["transfer_out_internal"] + t.flows["transfer_out_external"]
    parts = [
        trained("awareness_trainees", "nhận thức về Đảng", "quần chúng"),
        trained("new_member_trainees", "lý luận chính trị", "đảng viên mới"),
        trained("party_work_trainees", "nghiệp vụ công tác xây dựng Đảng", "đồng chí"),
        with_target(f"kết nạp {vn_number(t.figure('admissions'))} đảng viên mới", "admissions"),
        f"công nhận {vn_number(t.figure('recognitions'))} đảng viên chính thức",
        f"chuyển đến {vn_number(arrived)}, chuyển đi {vn_number(departed)} đảng viên",
    ]
    if t.figure("cards_exchanged"):  # the 2025 exchange, while it runs
        parts.append(
            "đổi thẻ đảng viên theo mẫu mới (Chỉ thị 51-CT/TW) cho "
            f"{vn_number(t.figure('cards_exchanged'))} đảng viên"
        )
    if t.flows["rejoined"]:  # after the admissions
        admitted = next(i for i, p in enumerate(parts) if p.startswith("kết nạp "))
        parts.insert(admitted + 1, f"kết nạp lại {vn_number(t.flows['rejoined'])} đảng viên")
    parts += _discipline(t)
    orgs = period_mod.org_disciplines(report)
    if orgs:
        detail = ", ".join(f"{form.lower()} {vn_number(n)}" for form, n in sorted(orgs.items()))
        parts.append(f"thi hành kỷ luật {vn_number(sum(orgs.values()))} tổ chức đảng ({detail})")
    off = [(f, t.flows[f.key]) for f in FLOWS if f.key in REMOVAL_FLOWS.values()]
    gone = sum(n for _, n in off)
    if gone:  # who left the lists other than by a transfer, and how
        how = ", ".join(f"{first_lower(f.label)} {vn_number(n)}" for f, n in off if n)
        parts.append(f"{vn_number(gone)} đảng viên ra khỏi danh sách ({how})")
    ending = (
        f"Đến ngày {vn_date(until)} có {vn_number(t.end_total)} đảng viên "
        f"({vn_number(t.end['official'])} chính thức, {vn_number(t.end['probationary'])} dự bị)"
    )
    return "Trong kỳ, " + "; ".join(parts) + ". " + ending + "."


def _discipline(t) -> list[str]:
    """The clauses a report writes of discipline, e.g. "thi hành kỷ luật 7 đảng viên (khiển
    trách 3, khai trừ 4); đình chỉ sinh hoạt đảng 1 đảng viên" — only the figures that are not
    0 (the table gives every one)."""
    parts = []
    forms = [(label, t.figure(f"discipline_{form}")) for form, _code, label in DISCIPLINE_FORMS]
    forms = [(label, n) for label, n in forms if n]
    if forms:
        detail = ", ".join(f"{label} {vn_number(n)}" for label, n in forms)
        total = sum(n for _, n in forms)
        parts.append(f"thi hành kỷ luật {vn_number(total)} đảng viên ({detail})")
    for key, text in (
        ("suspensions", "đình chỉ sinh hoạt đảng {} đảng viên"),
        ("reinstatements", "cho trở lại sinh hoạt đảng {} đảng viên"),
    ):
        if t.figure(key):
            parts.append(text.format(vn_number(t.figure(key))))
    return parts


def _changes(report: period_mod.PeriodReport) -> Changes | None:
    """Compared with the last locked figures of the same report: what was entered since."""
    snapshot = db.session.scalars(
        select(ReportSnapshot)
        .where(
            ReportSnapshot.start_on == report.start,
            ReportSnapshot.end_on == report.end,
            (
                ReportSnapshot.org_id == report.org.id
                if report.org
                else ReportSnapshot.org_id.is_(None)
            ),
        )
        .order_by(ReportSnapshot.id.desc())
        .limit(1)
    ).first()
    if snapshot is None:
        return None
    entered_since = sum(1 for seq in report.counted_seqs if seq > snapshot.as_of_seq)
    now = report.figures()
    differences = []
    for key, label in INDICATOR_LABELS.items():
        then_value = snapshot.figures.get("indicators", {}).get(key, 0)
        if then_value != now["indicators"][key]:
            differences.append((label, then_value, now["indicators"][key]))
    for when, word in (("start", "đầu kỳ"), ("end", "cuối kỳ")):
        then_value = snapshot.figures.get("members", {}).get(when, {}).get("total")
        if then_value != now["members"][when]["total"]:
            differences.append((f"Đảng viên {word}", then_value, now["members"][when]["total"]))
    return Changes(snapshot, entered_since, differences)


@transactional
def lock_period(start: date, end: date, org_id: int | None, *, actor: Actor) -> None:
    """Count the period of ``org_id``'s subtree (None: the whole committee) in the write
    transaction and keep the figures as they stand."""
    org = db.session.get(Organization, org_id) if org_id is not None else None
    lock(period_mod.compute(start, end, org), actor=actor)


def lock(report: period_mod.PeriodReport, *, actor: Actor) -> ReportSnapshot:
    """Keep the figures as they stand (call inside ``unit_of_work()``)."""
    snapshot = ReportSnapshot(
        start_on=report.start,
        end_on=report.end,
        org_id=report.org.id if report.org else None,
        as_of_seq=report.as_of_seq,
        figures=report.figures(),
        created_by=actor.user_id,
    )
    db.session.add(snapshot)
    db.session.flush()
    audit.append(
        actor=actor,
        subject_type="report",
        subject_id=snapshot.id,
        action="report.locked",
        event_date=report.end,
        payload={
            "from": report.start,
            "to": report.end,
            "organization": report.org.code if report.org else None,
            "as_of_seq": report.as_of_seq,
        },
    )
    return snapshot
