"""Who read a sensitive part of a case, and when (verification results, dossier scans).

Kept apart from the audit trail: reads change nothing, so they are not links of its hash chain,
but they are stored in the same database so they survive restarts and cover every worker.
"""

from __future__ import annotations

from flask import has_request_context, request
from sqlalchemy import select

from workflow.extensions import db
from workflow.models import AccessLogEntry, User
from workflow.permissions import Actor

PART_LABELS = {
    "verification": "Kết quả thẩm tra lý lịch",
    "attachment": "Bản quét giấy tờ hồ sơ",
    "member_list": "Danh sách đảng viên xuất ra Excel (có số CCCD)",
}


def record(
    actor: Actor, subject_type: str, subject_id: int, part: str, detail_id: int | None = None
) -> None:
    """Append one read. Runs inside the caller's unit of work."""
    if actor.user_id is None:
        return
    db.session.add(
        AccessLogEntry(
            user_id=actor.user_id,
            subject_type=subject_type,
            subject_id=subject_id,
            part=part,
            detail_id=detail_id,
            ip=(request.remote_addr or "")[:45] if has_request_context() else "",
        )
    )


def read_case_file(case_id: int, actor: Actor):
    """The case as ``queries.get_case`` gives it; when it carries verification results (the
    case page and the case's trail show them), the read is recorded first."""
    from workflow.queries import get_case
    from workflow.store.uow import unit_of_work

    case = get_case(case_id, actor)
    if any(r.answered_on for r in case.verification_requests):
        with unit_of_work():
            record(actor, "case", case_id, "verification")
        case = get_case(case_id, actor)
    return case


def recent(subject_type: str | None = None, subject_id: int | None = None, limit: int = 200):
    """The latest reads with the reader's name, newest first."""
    stmt = (
        select(AccessLogEntry, User.full_name, User.username)
        .join(User, User.id == AccessLogEntry.user_id)
        .order_by(AccessLogEntry.id.desc())
        .limit(limit)
    )
    if subject_type is not None:
        stmt = stmt.where(AccessLogEntry.subject_type == subject_type)
    if subject_id is not None:
        stmt = stmt.where(AccessLogEntry.subject_id == subject_id)
    return db.session.execute(stmt).all()
