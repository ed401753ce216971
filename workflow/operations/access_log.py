"""Who read a sensitive part of a case, and when (verification results, dossier scans).

Kept apart from the audit trail: reads change nothing, so they are not links of its hash chain,
but they are stored in the same database so they survive restarts and cover every worker.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from states import get_spec
from workflow import throttle
from workflow.extensions import db
from workflow.models import AccessLogEntry, User, utcnow
from workflow.permissions import Actor
from workflow.queries import get_case
from workflow.store import audit
from workflow.store.uow import transactional

PART_LABELS = {
    "verification": "Kết quả thẩm tra lý lịch",
    "attachment": "Bản quét giấy tờ hồ sơ",
    "member_list": "Danh sách đảng viên xuất ra Excel (có số CCCD)",
    "case_file": "Hồ sơ mật (kỷ luật, đình chỉ sinh hoạt đảng)",
}


@transactional
def record(
    actor: Actor, subject_type: str, subject_id: int, part: str, detail_id: int | None = None
) -> None:
    """Append one read (with the address the actor came from)."""
    if actor.user_id is None:
        return
    db.session.add(
        AccessLogEntry(
            user_id=actor.user_id,
            subject_type=subject_type,
            subject_id=subject_id,
            part=part,
            detail_id=detail_id,
            ip=actor.address[:45],
        )
    )


def read_case_file(case_id: int, actor: Actor):
    """The case as ``queries.get_case`` gives it; when its file is confidential, or it carries
    verification results (the case page and the case's trail show them), the read is recorded
    first."""
    case = get_case(case_id, actor)
    part = None
    if get_spec(case.procedure).confidential:
        part = "case_file"
    elif any(r.answered_on for r in case.verification_requests):
        part = "verification"
    if part:
        record(actor, "case", case_id, part)
        case = get_case(case_id, actor)
    return case


def record_refusal(actor: Actor, *, endpoint: str, method: str, path: str, **extra: str) -> None:
    """A refused page, action or API call (forbidden, or not found because it lies outside the
    user's scope): who, when and what, in the audit trail. Whatever the refused request had
    left unsaved is discarded first. A user's refusals are recorded one by one up to
    REFUSALS_RECORDED_PER_HOUR in an hour, then once more to say the rest of the hour is not
    (a scan of ids cannot flood the trail)."""
    db.session.rollback()
    _append_refusal(actor, {"endpoint": endpoint, "method": method, "path": path[:200], **extra})


@transactional
def _append_refusal(actor: Actor, payload: dict[str, str]) -> None:
    limit = current_app.config["REFUSALS_RECORDED_PER_HOUR"]
    key = f"refusals:{actor.user_id or actor.address or '-'}"
    count = throttle.count_in_window(key, utcnow(), timedelta(hours=1))
    if count > limit + 1:
        return
    audit.append(
        actor=actor,
        subject_type="user",
        subject_id=actor.user_id,
        action="access.refused" if count <= limit else "access.refused_suppressed",
        payload=payload if count <= limit else {**payload, "limit": str(limit)},
    )


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
