"""Model cells (chi bộ kiểu mẫu): a year's registration round, who may register (computed
from the cells' own ratings of the years before, under the criteria settings), the standing
committee's approved list as a numbered decision, the progress towards the target share of
all cells, and the recognition at the end of the year."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm.attributes import flag_modified

from states import ratings as rules
from states.dates import vn_date
from states.fields import parse_date
from states.ratings import RANK
from workflow.clock import today
from workflow.extensions import db
from workflow.models import ModelCellEntry, ModelCellRound, Organization, OrgRating, RatingPeriod
from workflow.models.orgs import CELL_KINDS, by_name
from workflow.permissions import Actor
from workflow.ratings import access, report
from workflow.store import audit
from workflow.store.errors import InvalidInput, NotFound, PermissionDenied, StaleRecord
from workflow.store.numbering import next_number
from workflow.store.uow import transactional

ENTRY_STATUSES = {
    "registered": "Đã đăng ký",
    "approved": "Được duyệt xây dựng",
    "recognized": "Được công nhận chi bộ kiểu mẫu",
    "not_recognized": "Không được công nhận",
    "withdrawn": "Đã rút đăng ký",
}
ROUND_STATUSES = {
    "open": "Đang nhận đăng ký",
    "approved": "Đã duyệt danh sách",
    "closed": "Đã công nhận",
}
STALE = "Đợt này vừa được người khác cập nhật; trang đã được tải lại, hãy làm lại."


@dataclass(frozen=True)
class Criteria:
    years: tuple[int, ...]
    min_level: str
    min_excellent: int
    target: tuple[int, int]


def criteria(year: int) -> Criteria:
    day = date(year, 1, 1)
    count = rules.setting_on("rating.model_cell_years", day).value
    return Criteria(
        years=tuple(range(year - count, year)),
        min_level=rules.setting_on("rating.model_cell_min_level", day).value,
        min_excellent=rules.setting_on("rating.model_cell_min_excellent", day).value,
        target=tuple(rules.setting_on("rating.model_cell_target", day).value),
    )


def active_cells() -> list[Organization]:
    return by_name(
        db.session.scalars(
            select(Organization).where(
                Organization.kind.in_(CELL_KINDS), Organization.active.is_(True)
            )
        )
    )


def yearly_levels(years: tuple[int, ...]) -> dict[int, dict[int, str]]:
    """org id → year → the organization's own approved level in that year."""
    out: dict[int, dict[int, str]] = {}
    for org_id, year, level in db.session.execute(
        select(OrgRating.org_id, RatingPeriod.year, OrgRating.level)
        .join(RatingPeriod, RatingPeriod.id == OrgRating.period_id)
        .where(
            RatingPeriod.kind == "year",
            RatingPeriod.year.in_(years or (0,)),
            OrgRating.level.is_not(None),
        )
    ):
        out.setdefault(org_id, {})[year] = level
    return out


def eligibility(year: int, cells: list[Organization]) -> dict[int, str | None]:
    """cell id → why it may not register (None: it may)."""
    crit = criteria(year)
    levels = yearly_levels(crit.years)
    return {
        c.id: rules.model_cell_eligibility(
            levels.get(c.id, {}), crit.years, crit.min_level, crit.min_excellent
        )
        for c in cells
    }


def eligible_cells(year: int) -> list[Organization]:
    cells = active_cells()
    reasons = eligibility(year, cells)
    return [c for c in cells if reasons[c.id] is None]


def get_round(round_id: int, *, lock: bool = False) -> ModelCellRound:
    found = db.session.get(ModelCellRound, round_id, with_for_update=lock, populate_existing=lock)
    if found is None:
        raise NotFound()
    return found


def _check(found: ModelCellRound, expected: Any) -> None:
    if str(expected or "") != str(found.version):
        raise StaleRecord(STALE)


@transactional
def create_round(raw: Mapping[str, Any], *, actor: Actor) -> ModelCellRound:
    access.require_manager(actor)
    errors = {}
    year_text = str(raw.get("year") or "").strip()
    year = int(year_text) if year_text.isdigit() else 0
    if not 2000 <= year <= today().year + 1:
        errors["year"] = f"Ghi năm từ 2000 đến {today().year + 1}."
    target_text = str(raw.get("target_percent") or "").strip()
    if year and not target_text:
        num, den = criteria(year).target
        target_text = str(num * 100 // den)
    target = int(target_text) if target_text.isdigit() else -1
    if not 1 <= target <= 100:
        errors["target_percent"] = "Chỉ tiêu là số phần trăm từ 1 đến 100."
    if year and db.session.scalar(select(ModelCellRound.id).where(ModelCellRound.year == year)):
        errors["year"] = f"Đã có đợt đăng ký chi bộ kiểu mẫu năm {year}."
    if errors:
        raise InvalidInput(errors)
    found = ModelCellRound(year=year, target_percent=target, created_by=actor.user_id)
    db.session.add(found)
    db.session.flush()
    audit.append(
        actor=actor,
        subject_type="model_cell_round",
        subject_id=found.id,
        action="model_cell.round_open",
        payload={"round_year": str(year), "target_share": f"{target}%"},
    )
    return found


def _entry_audit(found: ModelCellRound, cell: Organization, action: str, actor: Actor) -> None:
    flag_modified(found, "status")
    db.session.flush()
    audit.append(
        actor=actor,
        subject_type="model_cell_round",
        subject_id=found.id,
        action=action,
        payload={"round_year": str(found.year), "cell": cell.label},
    )


@transactional
def register(round_id: int, cell_id: int, *, actor: Actor) -> ModelCellEntry:
    cell = db.session.get(Organization, cell_id)
    if cell is None or not cell.is_cell:
        raise NotFound()
    if not access.may_register_model(actor, cell):
        raise PermissionDenied()
    found = get_round(round_id, lock=True)
    if found.status != "open":
        raise InvalidInput({"cell": "Đợt đăng ký đã duyệt danh sách: không nhận thêm."})
    reason = eligibility(found.year, [cell])[cell.id]
    if reason:
        raise InvalidInput({"cell": f"{cell.name} chưa đủ điều kiện đăng ký: {reason}"})
    entry = next((e for e in found.entries if e.cell_id == cell.id), None)
    if entry is not None and entry.status != "withdrawn":
        raise InvalidInput({"cell": f"{cell.name} đã đăng ký trong đợt này."})
    if entry is None:
        entry = ModelCellEntry(round_id=found.id, cell_id=cell.id, note="")
        db.session.add(entry)
        found.entries.append(entry)
    entry.cell = cell
    entry.status, entry.registered_by = "registered", actor.user_id
    _entry_audit(found, cell, "model_cell.registered", actor)
    return entry


@transactional
def withdraw(round_id: int, entry_id: int, *, actor: Actor) -> ModelCellEntry:
    found = get_round(round_id, lock=True)
    entry = next((e for e in found.entries if e.id == entry_id), None)
    if entry is None or not access.may_register_model(actor, entry.cell):
        raise NotFound()
    if found.status != "open" or entry.status != "registered":
        raise InvalidInput({"cell": "Danh sách đã được duyệt: không rút được đăng ký."})
    entry.status = "withdrawn"
    _entry_audit(found, entry.cell, "model_cell.withdrawn", actor)
    return entry


def reference(number: int) -> str:
    return f"{number}-QĐ/{current_app.config['UPPER_COMMITTEE_ABBR']}"


@transactional
def approve_list(
    round_id: int, raw: Mapping[str, Any], expected_version: Any, *, actor: Actor
) -> ModelCellRound:
    """The standing committee approves the registered cells: a decision numbered in the
    upper committee's register of decisions, dated ``raw["decided_on"]``."""
    scope = actor.scope_for(access.UPPER_RATERS, None)
    if scope is None:
        raise PermissionDenied()
    found = get_round(round_id, lock=True)
    _check(found, expected_version)
    if found.status != "open":
        raise InvalidInput({"decided_on": "Danh sách của đợt này đã được duyệt."})
    try:
        decided_on = parse_date(raw.get("decided_on") or "")
    except ValueError as exc:
        raise InvalidInput({"decided_on": str(exc)}) from None
    if decided_on > today():
        raise InvalidInput({"decided_on": "Ngày quyết định không được sau hôm nay."})
    registered = [e for e in found.entries if e.status == "registered"]
    if not registered:
        raise InvalidInput({"decided_on": "Chưa có chi bộ nào đăng ký."})
    # the ratings may have changed since a cell registered: check again
    reasons = eligibility(found.year, [e.cell for e in registered])
    problems = [f"{e.cell.name}: {reasons[e.cell_id]}" for e in registered if reasons[e.cell_id]]
    if problems:
        raise InvalidInput({"decided_on": " ".join(problems)})
    number, _term = next_number("upper", "QĐ", decided_on, field="decided_on")
    found.decision_number, found.decision_reference = number, reference(number)
    found.decided_on, found.status = decided_on, "approved"
    found.signer_name, found.signer_title = actor.name, scope.title or ""
    for entry in registered:
        entry.status = "approved"
    db.session.flush()
    audit.append(
        actor=actor,
        subject_type="model_cell_round",
        subject_id=found.id,
        action="model_cell.list_approved",
        event_date=decided_on,
        payload={
            "round_year": str(found.year),
            "decision_reference": found.decision_reference,
            "cell_count": str(len(registered)),
        },
    )
    return found


@transactional
def recognize(
    round_id: int, recognized: set[int], expected_version: Any, *, actor: Actor
) -> ModelCellRound:
    """At the end of the year: the approved cells in ``recognized`` (entry ids) are
    recognized, the others not; a cell rated below the criteria's level that year cannot be."""
    access.require_manager(actor)
    found = get_round(round_id, lock=True)
    _check(found, expected_version)
    if found.status != "approved":
        raise InvalidInput({"entries": "Chỉ công nhận sau khi danh sách đã được duyệt."})
    crit = criteria(found.year)
    levels = yearly_levels((found.year,))
    problems = []
    for entry in found.entries:
        if entry.id in recognized and entry.status == "approved":
            level = levels.get(entry.cell_id, {}).get(found.year)
            if level is None or RANK[level] > RANK[crit.min_level]:
                problems.append(
                    f"{entry.cell.name}: năm {found.year} "
                    + ("chưa có kết quả xếp loại." if level is None else "xếp loại chưa đạt.")
                )
    if problems:
        raise InvalidInput({"entries": " ".join(problems)})
    for entry in found.entries:
        if entry.status == "approved":
            entry.status = "recognized" if entry.id in recognized else "not_recognized"
    found.status = "closed"
    db.session.flush()
    audit.append(
        actor=actor,
        subject_type="model_cell_round",
        subject_id=found.id,
        action="model_cell.recognized",
        payload={
            "round_year": str(found.year),
            "cell_count": str(sum(1 for e in found.entries if e.status == "recognized")),
        },
    )
    return found


@dataclass
class Progress:
    cells: int
    target: int
    approved: int
    recognized: int
    target_percent: int

    def shares(self) -> dict[str, str]:
        return {
            "approved": report.percent(self.approved, self.cells),
            "recognized": report.percent(self.recognized, self.cells),
        }


def progress(found: ModelCellRound) -> Progress:
    cells = len(active_cells())
    target = -(-cells * found.target_percent // 100)
    approved = sum(1 for e in found.entries if e.status in ("approved", "recognized"))
    approved += sum(1 for e in found.entries if e.status == "not_recognized")
    recognized = sum(1 for e in found.entries if e.status == "recognized")
    return Progress(cells, target, approved, recognized, found.target_percent)


def decision_html(found: ModelCellRound) -> str:
    from workflow.documents.render import long_date

    config = current_app.config
    cells = by_name(
        e.cell for e in found.entries if e.status != "withdrawn" and e.status != "registered"
    )
    crit = criteria(found.year)
    return current_app.jinja_env.get_template("pdf/model_cells.html").render(
        found=found,
        cells=cells,
        years=crit.years,
        superior=config["SUPERIOR_BODY"],
        committee=config["UPPER_COMMITTEE_NAME"],
        place=config["PLACE_NAME"],
        reference=f"Số {found.decision_reference}",
        rules_title=rules.Rules.for_day(date(found.year - 1, 12, 31)).basis,
        long_date=long_date(found.decided_on),
        decided=vn_date(found.decided_on) if found.decided_on else "",
    )
