"""API access tokens: made and revoked by their owner (audited), and looked up by hash."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select

from states.text import clean_line
from workflow.extensions import db
from workflow.models import ApiToken, User, utcnow
from workflow.permissions import Actor
from workflow.store import audit
from workflow.store.errors import InvalidInput, NotFound
from workflow.store.rows import locked
from workflow.store.uow import transactional

#: every token starts with this, so a leaked one is easy to recognise (e.g. by secret scanners)
TOKEN_PREFIX = "wfapi_"  # noqa: S105 (a public marker, not a secret)
#: how long a token may be given to live, in days ("" means until revoked)
LIFETIMES = (30, 90, 365)
MAX_NAME_LENGTH = 80
MAX_ACTIVE_TOKENS = 20
#: last use is written at most this often, so reads do not each become a write
TOUCH_INTERVAL = timedelta(minutes=1)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@transactional
def create_token(user_id: int, name: str, lifetime_days: int | None, *, actor: Actor) -> str:
    """A new token for the user; returns the token, which is never stored."""
    user = locked(User, user_id)
    name = clean_line(name or "")
    errors = {}
    if not name:
        errors["name"] = "Đặt tên cho mã truy cập (ví dụ: Báo cáo tự động)."
    elif len(name) > MAX_NAME_LENGTH:
        errors["name"] = f"Tối đa {MAX_NAME_LENGTH} ký tự."
    if lifetime_days is not None and lifetime_days not in LIFETIMES:
        errors["lifetime"] = "Chọn một thời hạn trong danh sách."
    if not errors and len(active_tokens(user.id)) >= MAX_ACTIVE_TOKENS:
        errors["name"] = f"Mỗi tài khoản có tối đa {MAX_ACTIVE_TOKENS} mã đang dùng."
    if errors:
        raise InvalidInput(errors)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    row = ApiToken(
        user_id=user.id,
        name=name,
        token_hash=token_hash(token),
        prefix=token[: len(TOKEN_PREFIX) + 6],
        created_at=now,
        expires_at=now + timedelta(days=lifetime_days) if lifetime_days else None,
    )
    db.session.add(row)
    db.session.flush()
    audit.append(
        actor=actor,
        subject_type="user",
        subject_id=user.id,
        action="api_token.create",
        payload={
            "token_id": row.id,
            "name": name,
            "expires_at": row.expires_at.isoformat(timespec="seconds") if row.expires_at else None,
        },
    )
    return token


@transactional
def revoke_token(user_id: int, token_id: int, *, actor: Actor) -> str:
    """Revoke one of the user's own tokens; returns its name."""
    user = locked(User, user_id)
    row = db.session.get(ApiToken, token_id, with_for_update=True, populate_existing=True)
    if row is None or row.user_id != user.id:
        raise NotFound()
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        audit.append(
            actor=actor,
            subject_type="user",
            subject_id=user.id,
            action="api_token.revoke",
            payload={"token_id": row.id, "name": row.name},
        )
    return row.name


def revoke_all(user: User, *, actor: Actor, reason: str) -> int:
    """Revoke every usable token of ``user`` (a password changed or reset: whoever held the
    old password may have made tokens with it); returns how many."""
    now = utcnow()
    revoked = [t for t in tokens_of(user.id) if t.usable(now)]
    for row in revoked:
        row.revoked_at = now
    if revoked:
        audit.append(
            actor=actor,
            subject_type="user",
            subject_id=user.id,
            action="api_token.revoke_all",
            payload={"tokens": [t.id for t in revoked], "reason": reason},
        )
    return len(revoked)


def tokens_of(user_id: int) -> list[ApiToken]:
    return list(
        db.session.scalars(
            select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id.desc())
        )
    )


def active_tokens(user_id: int) -> list[ApiToken]:
    now = utcnow()
    return [t for t in tokens_of(user_id) if t.usable(now)]


def user_for_token(token: str) -> User | None:
    """The active user a token belongs to, if the token is known, unrevoked and unexpired.
    Records the use (at most once per ``TOUCH_INTERVAL``)."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    digest = token_hash(token)
    row = db.session.scalars(select(ApiToken).where(ApiToken.token_hash == digest)).first()
    now = utcnow()
    if row is None or not row.usable(now) or not row.user.active:
        return None
    if row.last_used_at is None or now - row.last_used_at >= TOUCH_INTERVAL:
        _touch(row.id, now)
    return db.session.get(User, row.user_id)


@transactional
def _touch(token_id: int, now: datetime) -> None:
    row = db.session.get(ApiToken, token_id)
    if row is not None:
        row.last_used_at = now
