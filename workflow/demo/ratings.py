"""The demonstration's quality ratings: the two years before this one (the earlier under the
four levels, the later, from 2025, on the 100-point score), every cell's grid proposed by its
secretary and approved by its grassroots committee with the cell's own level, the grassroots
organizations' self-reviews and the upper committee's rating; then this year's model-cell
round with the eligible cells registered and the list approved. Every level goes through the
same operations and checks as the pages (the excellent quota, the discipline cap)."""

from __future__ import annotations

from states.ratings import EXCELLENT, FAILED, GOOD
from states.spec import Role
from workflow.demo.context import Demo
from workflow.extensions import db
from workflow.models import Organization, RatingPeriod
from workflow.ratings import access, model_cells, operations, rules_for

#: a score inside each level's band (QĐ 366), and how far above its floor it may go
SCORE_RANGES = {EXCELLENT: (90, 98), GOOD: (72, 88), "completed": (55, 68), FAILED: (35, 48)}


def _actor(d: Demo, roles: tuple[Role, ...], path: str | None):
    for role in roles:
        try:
            return d.actor_for(role, path)
        except RuntimeError:
            continue
    return None


def _levels(d: Demo, count: int, disciplined: int) -> list[str]:
    """Mostly good, a few completed, the excellent ones within a fifth of the rest."""
    out = [GOOD if d.rng.random() < 0.93 else "completed" for _ in range(count)]
    good = sum(1 for level in out if level == GOOD)
    for i in d.rng.sample(range(count), k=min(count, good // 5)):
        if out[i] == GOOD:
            out[i] = EXCELLENT
    return out + [FAILED] * disciplined


def _version(period: RatingPeriod, org: Organization) -> str:
    """The version a form opened now would carry ("0": the organization has no row yet)."""
    row = operations.sheet(period, org)
    return str(row.version) if row is not None else "0"


def _score(d: Demo, level: str, scored: bool) -> str:
    return str(d.rng.randint(*SCORE_RANGES[level])) if scored else ""


def _rate_cell(d: Demo, period: RatingPeriod, cell: Organization) -> None:
    scored = rules_for(period).scored
    members = operations.cell_members(cell)
    if not members:
        return
    caught = operations.disciplined_in(period, [p.id for p in members])
    clean = [p for p in members if p.id not in caught]
    levels = _levels(d, len(clean), 0)
    chosen = dict(zip([p.id for p in clean], levels, strict=True))
    chosen.update(dict.fromkeys(caught, FAILED))
    rows = {}
    for pid, level in chosen.items():
        own = level if d.rng.random() < 0.8 or level == FAILED else GOOD
        rows[pid] = {
            "self_level": own,
            "self_score": _score(d, own, scored),
            "proposed_level": level,
            "proposed_score": _score(d, level, scored),
            "proposed_conditions": "1",
        }
    secretary = _actor(d, (Role.CELL_SECRETARY, Role.GRASSROOTS_STAFF), cell.path)
    if secretary is None:
        return
    operations.save_cell_sheet(
        period.id, cell.id, rows, _version(period, cell), actor=secretary, submit=True
    )
    root = access.root_of(cell)
    approver = _actor(d, (Role.GRASSROOTS_STAFF,), root.path)
    if approver is None:
        return
    sheet = operations.sheet(period, cell)
    cell_level = d.rng.choice([EXCELLENT, GOOD, GOOD, GOOD])
    approved = {
        pid: {"level": r["proposed_level"], "score": r["proposed_score"], "conditions": "1"}
        for pid, r in rows.items()
    }
    own = {"level": cell_level, "score": _score(d, cell_level, scored), "conditions": "1"}
    operations.approve_cell_sheet(period.id, cell.id, approved, own, sheet.version, actor=approver)


def _rate_grassroots(d: Demo, period: RatingPeriod) -> None:
    scored = rules_for(period).scored
    orgs = operations.grassroots_orgs(period.ends_on)
    for org in orgs:
        staff = _actor(d, (Role.GRASSROOTS_STAFF,), org.path)
        if staff is not None:
            level = d.rng.choice([EXCELLENT, GOOD, GOOD])
            operations.self_review(
                period.id,
                org.id,
                {"level": level, "score": _score(d, level, scored), "conditions": "1"},
                _version(period, org),
                actor=staff,
            )
    levels = _levels(d, len(orgs), 0)
    rows = {}
    for org, level in zip(orgs, levels, strict=True):
        rows[org.id] = {
            "level": level,
            "score": _score(d, level, scored),
            "conditions": "1",
            "exemplary": "1" if level == EXCELLENT and d.rng.random() < 0.6 else "",
        }
    department = d.actor_for(Role.DEPARTMENT_STAFF, None)
    db.session.expire_all()
    period = db.session.get(RatingPeriod, period.id)
    operations.rate_grassroots(period.id, rows, period.version, actor=department)


def build(d: Demo) -> None:
    department = d.actor_for(Role.DEPARTMENT_STAFF, None)
    for year in (d.today.year - 2, d.today.year - 1):
        period = operations.create_period({"kind": "year", "year": str(year)}, actor=department)
        for cell in d.cells:
            _rate_cell(d, period, db.session.get(Organization, cell.id))
        _rate_grassroots(d, period)
    found = model_cells.create_round(
        {"year": str(d.today.year), "target_percent": ""}, actor=department
    )
    for cell in model_cells.eligible_cells(d.today.year)[:8]:
        secretary = _actor(d, (Role.CELL_SECRETARY, Role.GRASSROOTS_STAFF), cell.path)
        if secretary is not None:
            model_cells.register(found.id, cell.id, actor=secretary)
    db.session.expire_all()
    found = model_cells.get_round(found.id)
    if any(e.status == "registered" for e in found.entries):
        signer = d.actor_for(Role.SIGNER, None)
        # dated today: the committee's register of decisions holds the walks' dates up to it
        model_cells.approve_list(
            found.id, {"decided_on": d.today.strftime("%d/%m/%Y")}, found.version, actor=signer
        )
