"""Builders for the procedure of a member out of contact."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tests.leaving.helpers import open_for
from workflow.extensions import db
from workflow.models import MembershipGap

SEARCH = "Chi ủy đã gọi điện, đến nơi cư trú, hỏi gia đình: không liên lạc được."


def report_loss(world, person_id: int, since: date, day: date, username="sec1", **payload) -> int:
    """The cell's report that the member has been out of contact since ``since``, after its
    meeting of ``day``."""
    data = {"since": since.isoformat(), "search": SEARCH, **payload}
    return open_for(world, "contact_loss", person_id, username, day, **data)


def gaps(person_id: int) -> list[MembershipGap]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(MembershipGap)
            .where(MembershipGap.person_id == person_id)
            .order_by(MembershipGap.start_on)
        )
    )
