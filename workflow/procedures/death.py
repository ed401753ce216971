"""Death of a member (states/death.py): the facts its guards read, the notice it records, who
records a death, its happy path and its demonstration."""

from __future__ import annotations

from datetime import date
from typing import Any

from states import death as spec
from states.dates import vn_date
from states.leaving_guards import LeavingFacts
from workflow.models import Case, Person
from workflow.permissions import Actor
from workflow.procedures import death_demo
from workflow.procedures.base import EffectContext, Opening, Procedure
from workflow.procedures.common import add_document
from workflow.procedures.removal import plain_facts


def facts(case: Case, actor: Actor | None, today: date) -> LeavingFacts:
    return plain_facts(case, actor, today)


def record_notice(ctx: EffectContext) -> None:
    """The death certificate or the family's or employer's notice the death is recorded on."""
    note = ctx.data["notice"] + (f"\n{ctx.data['note']}" if ctx.data.get("note") else "")
    add_document(ctx, "death_notice", note)


def may_report(person: Person | None, actor: Actor) -> bool:
    return (
        person is not None
        and person.member_status in ("official", "probationary")
        and person.presence == "active"
        and actor.scope_for(spec.SPEC.open_roles, person.cell.path) is not None
    )


def _slip(case: Case, day: date, _ctx) -> dict[str, Any]:
    return {"reference": f"{case.id}/PB ngày {vn_date(day)}"}


HAPPY = {
    "write_notice_slip": _slip,
    "hand_over_dossier": lambda _case, day, _ctx: {"reference": f"Biên bản ngày {vn_date(day)}"},
    "record_dossier_received": lambda _case, _day, _ctx: {},
}

PROCEDURE = Procedure(
    spec=spec.SPEC,
    facts=facts,
    effects={"record_notice": record_notice},
    opening=Opening(
        "person",
        "Ghi nhận đảng viên từ trần",
        may_report,
        "Đã ghi nhận đảng viên từ trần; các hồ sơ khác của đảng viên đã kết thúc.",
        "Ghi nhận",
        hint="Đảng viên ra khỏi danh sách từ ngày từ trần. Gia đình giữ thẻ đảng viên và Huy "
        "hiệu Đảng. Cấp ủy cơ sở lập phiếu báo và bàn giao hồ sơ lên cấp trên trong "
        "{rule:death.dossier_working_days} ngày làm việc kể từ ngày lập phiếu báo.",
    ),
    happy=HAPPY,
    demo=death_demo.scenario,
)
