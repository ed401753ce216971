"""The probation's demonstration: a case for each member recorded as probationary; those
whose twelve months have run are moved on, through recognition or removal, with back-dated
events."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from sqlalchemy import select

from states import probation as spec
from states.dates import add_months
from workflow.extensions import db
from workflow.models import Case, Organization, Person
from workflow.procedures.base import DemoContext

#: where the probationary members' cases stand, by how long ago their probation ended
TARGETS = (
    "official",
    "awaiting_cell_review",
    "department_appraised",
    "removed:removal",
    "cell_proposed",
    "department_appraised:removal",
    "grassroots_proposed",
    "official",
    "awaiting_cell_review",
)
REMOVAL = {
    "proposal": "removal",
    "reason": "Không hoàn thành nhiệm vụ, vi phạm tư cách đảng viên trong thời kỳ dự bị.",
}


def _next_step(case: Case, roots: dict[int, Organization]) -> str:
    held = {x.purpose for x in case.documents}
    root = roots[case.cell.ancestor_ids()[0]]
    if case.state == "in_probation":
        if len(held & {"self_review", "helper_assessment", "opinions"}) < 3:
            return "record_document"
        if "new_member_certificate" not in held:
            return "record_new_member_certificate"
        return "end_probation"
    if case.state == "awaiting_cell_review":
        return "record_cell_resolution"
    if case.state == "cell_proposed":
        if len(case.cell.ancestor_ids()) == 3:
            return "appraise_by_subcommittee"
        if root.authorized_to_admit:
            return "decide_by_grassroots"
        return (
            "appraise_by_department"
            if case.cell.kind == "grassroots_cell"
            else "record_grassroots_resolution"
        )
    if case.state == "subcommittee_appraised":
        return "record_grassroots_resolution"
    if case.state == "grassroots_proposed":
        return "appraise_by_department"
    return "approve_recognition" if case.proposal == "recognition" else "approve_removal"


def _walk(
    d: DemoContext,
    roots: dict[int, Organization],
    person_id: int,
    target: str | None,
    removal: bool,
) -> Iterator[date]:
    joined_on = db.session.get(Person, person_id).joined_on
    yield joined_on
    case_id = d.start(spec.KEY, person_id, joined_on)
    case = db.session.get(Case, case_id)
    if target is None:
        return  # still on probation
    end = case.probation_end
    day = end - timedelta(days=40)
    # a stage the organization's path does not have (a grassroots cell has no grassroots
    # committee, an authorized committee decides itself) ends the case at its outcome
    while case.state != target and case.state not in ("official", "removed"):
        trigger = _next_step(case, roots)
        day = min(day + timedelta(days=d.rng.randint(2, 6)), d.today)
        if trigger == "end_probation":
            day = end
        yield day
        extra = REMOVAL if removal and trigger == "record_cell_resolution" else {}
        d.step(case_id, trigger, day, **extra)
        case = db.session.get(Case, case_id)


def scenario(d: DemoContext) -> list[Iterator[date]]:
    """A probation case for each member recorded as probationary without one (the members a
    committee's lists bring in: the ceremonies' cases are opened by the admission's walks)."""
    roots = {o.id: o for o in d.roots.values()}
    people = db.session.scalars(
        select(Person)
        .where(
            Person.member_status == "probationary",
            ~Person.id.in_(select(Case.person_id).where(Case.procedure == spec.KEY)),
        )
        .order_by(Person.joined_on)
    ).all()
    walks = []
    ended = 0
    for person in people:
        target, proposal = None, ""
        if add_months(person.joined_on, 12) <= d.today - timedelta(days=10):
            target, _, proposal = TARGETS[ended % len(TARGETS)].partition(":")
            ended += 1
        walks.append(_walk(d, roots, person.id, target, proposal == "removal"))
    return walks
