"""Who holds which post of a committee on a day, and who signs for the upper committee's
standing committee then."""

from __future__ import annotations

from datetime import date

from sqlalchemy import or_, select

from workflow.extensions import db
from workflow.models import CommitteePost
from workflow.models.orgs import POST_TITLES


def held_on(org_id: int | None, day: date) -> list[CommitteePost]:
    """The posts of a committee (None: the upper committee) held on ``day``, secretary first."""
    where = CommitteePost.org_id.is_(None) if org_id is None else CommitteePost.org_id == org_id
    rows = db.session.scalars(
        select(CommitteePost).where(
            where,
            CommitteePost.valid_from <= day,
            or_(CommitteePost.valid_to.is_(None), CommitteePost.valid_to > day),
        )
    ).all()
    order = [*POST_TITLES, "standing_member", "committee_member"]
    return sorted(
        rows,
        key=lambda p: (order.index(p.post) if p.post in order else len(order), p.holder_name),
    )


def title_held(org_id: int | None, day: date, name: str) -> str | None:
    """The title a signature block prints for ``name`` on ``day`` when the committee's posts
    are recorded and they held its secretary's or a deputy's post then (None otherwise)."""
    for post in held_on(org_id, day):
        if post.post in POST_TITLES and post.holder_name == name:
            return POST_TITLES[post.post]
    return None
