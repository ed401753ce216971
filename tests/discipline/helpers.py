"""Builders for the discipline and suspension procedures."""

from __future__ import annotations

from datetime import date

from tests.leaving.helpers import cell_vote, open_for, state  # noqa: F401 (re-exported)

DAY = date(2025, 9, 1)
VIOLATION = "Nhiều lần vắng sinh hoạt chi bộ không có lý do chính đáng."


def open_discipline(world, person_id: int, username="sec1", day=DAY, **payload) -> int:
    data = {
        "source": "cell_review",
        "violation_on": "2025-06-15",
        "matter": "member_duties",
        "no_limitation": "no",
        "facts": VIOLATION,
        **payload,
    }
    return open_for(world, "discipline", person_id, username, day, **data)


def ballot(form: str, total: int = 9, yes: int | None = None, **extra) -> dict:
    return {"form": form, "violation": VIOLATION, **cell_vote(total, yes), **extra}


def commission(form: str | None = None, yes: int = 7, **extra) -> dict:
    data = {"members_total": 7, "members_present": 7, "yes": yes, "no": 7 - yes, **extra}
    if form:
        data.update(form=form, violation=VIOLATION)
    return data


def open_suspension(world, person_id: int, username="dept", day=DAY, **payload) -> int:
    data = {"ground": "detained", "facts": "Bị tạm giam để điều tra.", **payload}
    return open_for(world, "suspension", person_id, username, day, **data)
