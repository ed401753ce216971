"""The admission's demonstration: sixty candidates, each moved along the main path with
back-dated events to a state of the procedure, every state held by a few of them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from states import admission as spec
from states.spec import Role
from workflow.extensions import db
from workflow.membership import count_for
from workflow.models import Case, Organization
from workflow.procedures.base import DemoContext
from workflow.training import demo as training_demo

#: the target state of each demo candidate (60 in all, every state of the procedure)
TARGETS = (
    ["source_list"] * 5
    + ["in_awareness_class"] * 4
    + ["certified"] * 4
    + ["preparing_dossier"] * 4
    + ["under_verification"] * 4
    + ["awaiting_cell_meeting"] * 4
    + ["cell_resolved"] * 4
    + ["subcommittee_appraised"] * 2
    + ["grassroots_resolved"] * 4
    + ["department_appraised"] * 4
    + ["admission_decided"] * 3
    + ["awaiting_ceremony"] * 3
    + ["admitted"] * 4
    + ["paused"] * 2
    + ["certificate_expired"] * 2
    + ["rejected"] * 4
    + ["withdrawn"] * 3
)
#: the main path as far as the cell's resolution (the upper levels depend on the tree)
PATH = [
    "enroll_awareness_class",
    "take_class_certificate",
    "submit_application",
    "record_sponsors",
    "record_document",
    "start_verification",
    "send_verification_request",
    "record_verification_answer",
    "record_verification_answer",
    "conclude_verification",
    "record_cell_resolution",
]
#: the days a step usually comes after the one before it (10 if not named)
GAPS = {
    "enroll_awareness_class": 25,
    # the class runs on the 10th–14th of the month after at most five weeks (training.demo)
    "take_class_certificate": 40,
    "submit_application": 30,
    "record_sponsors": 3,
    "record_document": 5,
    "start_verification": 6,
    "send_verification_request": 1,
    "record_verification_answer": 14,
    "conclude_verification": 5,
    "record_cell_resolution": 12,
    "appraise_by_subcommittee": 8,
    "record_grassroots_resolution": 12,
    "decide_by_grassroots": 15,
    "appraise_by_department": 14,
    "approve_admission": 12,
    "receive_decision": 5,
    "hold_ceremony": 18,
}
#: the state reached after each step on the main path
REACHED = {
    "enroll_awareness_class": "in_awareness_class",
    "take_class_certificate": "certified",
    "submit_application": "preparing_dossier",
    "start_verification": "under_verification",
    "conclude_verification": "awaiting_cell_meeting",
    "record_cell_resolution": "cell_resolved",
    "appraise_by_subcommittee": "subcommittee_appraised",
    "record_grassroots_resolution": "grassroots_resolved",
    "appraise_by_department": "department_appraised",
    "approve_admission": "admission_decided",
    "decide_by_grassroots": "admission_decided",
    "receive_decision": "awaiting_ceremony",
    "hold_ceremony": "admitted",
}
ORDER = [
    "source_list",
    "in_awareness_class",
    "certified",
    "preparing_dossier",
    "under_verification",
    "awaiting_cell_meeting",
    "cell_resolved",
    "subcommittee_appraised",
    "grassroots_resolved",
    "department_appraised",
    "admission_decided",
    "awaiting_ceremony",
    "admitted",
]
#: an outcome off the main path: the state on the path it leaves from, and the step
OFF_PATH = {
    "paused": ("under_verification", "pause"),
    "certificate_expired": ("certified", "expire_certificate"),
    "rejected": ("awaiting_cell_meeting", "record_cell_rejection"),
    "withdrawn": ("preparing_dossier", "withdraw"),
}
#: what a step off the path says
OFF_PATH_PAYLOADS = {
    "pause": {"reason": "Kết quả thẩm tra có nội dung cần làm rõ thêm."},
    "withdraw": {"reason": "Người vào Đảng xin rút hồ sơ vì chuyển công tác ra ngoài tỉnh."},
}


def _fits(cell: Organization, target: str, roots: dict[int, Organization]) -> bool:
    """Whether a case in ``cell`` passes through ``target`` (the path depends on the tree)."""
    ids = cell.ancestor_ids()
    authorized = roots[ids[0]].authorized_to_admit
    if target == "subcommittee_appraised":
        return len(ids) == 3
    if target == "grassroots_resolved":
        return cell.kind == "cell" and not authorized
    if target == "department_appraised":
        return not authorized
    return True


def _steps_for(cell: Organization, roots: dict[int, Organization]) -> list[str]:
    root = roots[cell.ancestor_ids()[0]]
    steps = list(PATH)
    if len(cell.ancestor_ids()) == 3:
        steps.append("appraise_by_subcommittee")
    if root.authorized_to_admit:
        steps.append("decide_by_grassroots")
    else:
        if cell.kind != "grassroots_cell":
            steps.append("record_grassroots_resolution")
        steps += ["appraise_by_department", "approve_admission"]
    return [*steps, "receive_decision", "hold_ceremony"]


def _off_path(case: Case, trigger: str, day: date) -> dict:
    if trigger == "record_cell_rejection":
        total = count_for(case, "cell_official_members", day)
        return {"official_total": total, "yes": total // 2, "no": total - total // 2, "invalid": 0}
    return OFF_PATH_PAYLOADS.get(trigger, {})


def _candidate_walk(
    d: DemoContext, cell: Organization, target: str, roots: dict[int, Organization], index: int
) -> Iterator[date]:
    """Open a case and fire it along the main path to ``target`` with back-dated events,
    yielding the date of each step before taking it."""
    base_target, off_step = OFF_PATH.get(target, (target, None))
    todo: list[str] = []
    reached = "source_list"
    for step in _steps_for(cell, roots):
        if ORDER.index(reached) >= ORDER.index(base_target):
            break
        todo.append(step)
        reached = REACHED.get(step, reached)
    if off_step:
        todo.append(off_step)
    # Dates: walk back from a recent "last event" so the case ends near today.
    gaps = [GAPS.get(t, 10) + d.rng.randint(0, 6) for t in todo]
    late = index % 7 == 0 and base_target in (
        "grassroots_resolved",
        "department_appraised",
        "awaiting_ceremony",
    )
    end = d.today - timedelta(days=d.rng.randint(1, 20) + (60 if late else 0))
    if target == "certificate_expired":
        gaps[-1] += 5 * 365 + 30
    start = end - timedelta(days=sum(gaps) + 20)
    age_floor = 19 if base_target != "source_list" else 18
    data = d.person_data(start.year - 35, start.year - age_floor, "")
    data["occupation"] = f"Chuyên viên, {cell.name.removeprefix('Chi bộ ')}"
    yield start
    case_id = d.open_new(spec.KEY, cell.id, data, start)
    department = d.actor_for(Role.DEPARTMENT_STAFF, None)
    day = start
    class_id = None
    for trigger, gap in zip(todo, gaps, strict=True):
        day += timedelta(days=gap)
        yield day
        case = db.session.get(Case, case_id)
        extra = _off_path(case, trigger, day)
        if trigger == "enroll_awareness_class":
            class_id = training_demo.awareness_class_for(day, department).id
            extra["training_class"] = class_id
        elif trigger == "take_class_certificate":
            result = "excellent" if index % 4 == 0 else "good"
            training_demo.certify(class_id, case.person_id, day, department, result)
        d.step(case_id, trigger, day, **extra)


def scenario(d: DemoContext) -> list[Iterator[date]]:
    """A candidate for each of ``TARGETS``, in a cell whose path passes through it; every
    fifth in the cell whose secretary's account the demonstration prints."""
    roots = {o.id: o for o in d.roots.values()}
    walks = []
    for index, target in enumerate(TARGETS):
        eligible = [c for c in d.cells if _fits(c, target, roots)]
        if index % 5 == 0 and d.home_cell in eligible:
            cell = d.home_cell
        else:
            others = [c for c in eligible if c is not d.home_cell]
            cell = others[(index * 7) % len(others)]
        walks.append(_candidate_walk(d, cell, target, roots, index))
    return walks
