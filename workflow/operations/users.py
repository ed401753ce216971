"""Accounts and role grants."""

from __future__ import annotations

import re
import secrets

from sqlalchemy import func, select

from states.spec import Role
from states.text import check_person_name
from workflow.auth import hash_password, password_problems, verify_password
from workflow.extensions import db
from workflow.ids import parse_id
from workflow.models import Grant, Organization, User
from workflow.operations import tokens as token_ops
from workflow.permissions import Actor
from workflow.store import audit
from workflow.store.errors import InvalidInput
from workflow.store.rows import locked
from workflow.store.uow import transactional

_WORDS = (
    "song",
    "nui",
    "rung",
    "bien",
    "lua",
    "sen",
    "tre",
    "may",
    "gio",
    "trang",
    "sao",
    "dong",
    "suoi",
    "doi",
    "hoa",
    "chim",
    "mua",
    "nang",
    "cau",
    "thuyen",
    "den",
    "lang",
)


def random_password() -> str:
    """A readable random password: four words, two digits and a symbol (about 25 bits/word)."""
    words = [secrets.choice(_WORDS).capitalize() for _ in range(4)]
    return (
        "-".join(words)
        + f"-{secrets.randbelow(90) + 10}{secrets.choice('!#%+')}"
        + secrets.token_hex(2)
    )


@transactional
def create_user(username: str, full_name: str, *, actor: Actor) -> tuple[User, str]:
    errors = {}
    username = username.strip().lower()
    if not re.fullmatch(r"[a-z0-9][a-z0-9._-]{2,59}", username):
        errors["username"] = "Tên đăng nhập gồm 3–60 chữ thường không dấu, số, dấu chấm, gạch."
    elif db.session.scalars(select(User.id).where(func.lower(User.username) == username)).first():
        errors["username"] = "Tên đăng nhập đã có."
    try:
        full_name = check_person_name(full_name)
    except ValueError as exc:
        errors["full_name"] = str(exc)
    if errors:
        raise InvalidInput(errors)
    password = random_password()
    user = User(username=username, full_name=full_name, password_hash=hash_password(password))
    db.session.add(user)
    db.session.flush()
    audit.append(
        actor=actor,
        subject_type="user",
        subject_id=user.id,
        action="user.create",
        payload={"username": username, "full_name": full_name},
    )
    return user, password


@transactional
def create_administrator(username: str, full_name: str, *, actor: Actor) -> str:
    """A system administrator over the whole committee; returns the password (shown once)."""
    user, password = create_user(username, full_name, actor=actor)
    add_grant(user, Role.ADMIN.value, None, "", actor=actor)
    return password


#: what an administrator may not do to their own account (segregation of duties, ASVS 4.3.3):
#: another administrator does it, so that no one widens their own access unseen
SELF_REFUSALS = {
    "grant": "Không tự cấp hoặc bỏ vai trò của chính mình: một quản trị viên khác làm việc này.",
    "password": "Không tự đặt lại mật khẩu của mình ở đây: hãy dùng trang Đổi mật khẩu.",
    "mfa": "Không tự đặt lại xác thực hai lớp của mình: một quản trị viên khác làm việc này.",
    "active": "Không tự khóa hoặc mở khóa tài khoản của mình.",
}


def _not_self(user: User, actor: Actor, what: str, field: str = "_") -> None:
    if actor.user_id is not None and actor.user_id == user.id:
        raise InvalidInput({field: SELF_REFUSALS[what]})


@transactional
def grant_role(
    user_id: int, role: str, org_ref: int | str | None, title: str, *, actor: Actor
) -> None:
    """Give the user ``role`` over the organization ``org_ref`` (see ``add_grant``)."""
    add_grant(locked(User, user_id), role, org_ref, title, actor=actor)


@transactional
def add_grant(
    user: User, role: str, org_ref: int | str | None, title: str, *, actor: Actor
) -> Grant:
    """``org_ref`` is an organization id as typed or chosen; empty means the whole committee."""
    _not_self(user, actor, "grant", "role")
    errors = {}
    try:
        Role(role)
    except ValueError:
        errors["role"] = "Chọn vai trò."
    org = None
    org_id = None
    if org_ref not in (None, ""):
        org_id = parse_id(org_ref)
        org = db.session.get(Organization, org_id) if org_id else None
        if org is None:
            raise InvalidInput({**errors, "org_id": "Tổ chức không tồn tại."})
    if role == Role.CELL_SECRETARY and (org is None or not org.is_cell):
        errors["org_id"] = "Bí thư chi bộ phải được gán cho một chi bộ."
    if (
        role in (Role.DEPARTMENT_STAFF, Role.AUDITOR, Role.ADMIN, Role.INSPECTION)
        and org is not None
    ):
        errors["org_id"] = "Vai trò này được gán cho toàn Đảng ủy cấp trên."
    if role == Role.GRASSROOTS_STAFF and (org is None or org.kind == "cell"):
        errors["org_id"] = "Cán bộ đảng ủy cơ sở được gán cho tổ chức cơ sở hoặc đảng bộ bộ phận."
    if any(g.role == role and g.org_id == org_id for g in user.grants):
        errors["role"] = "Người dùng đã có vai trò này trong phạm vi này."
    if errors:
        raise InvalidInput(errors)
    grant = Grant(role=role, org_id=org_id, title=title.strip().upper()[:60])
    user.grants.append(grant)
    db.session.flush()
    audit.append(
        actor=actor,
        subject_type="user",
        subject_id=user.id,
        action="grant.add",
        payload={"role": role, "org_id": org_id, "title": grant.title},
    )
    return grant


@transactional
def remove_grant(user_id: int, grant_id: int, *, actor: Actor) -> None:
    user = locked(User, user_id)
    _not_self(user, actor, "grant")
    grant = next((g for g in user.grants if g.id == grant_id), None)
    if grant is None:
        raise InvalidInput({"grant": "Không tìm thấy vai trò này."})
    user.grants.remove(grant)
    db.session.delete(grant)
    user.session_epoch += 1
    audit.append(
        actor=actor,
        subject_type="user",
        subject_id=user.id,
        action="grant.remove",
        payload={"role": grant.role, "org_id": grant.org_id},
    )


@transactional
def reset_password(user_id: int, *, actor: Actor) -> str:
    user = locked(User, user_id)
    _not_self(user, actor, "password")
    password = random_password()
    user.password_hash = hash_password(password)
    user.session_epoch += 1
    user.failed_logins = 0
    user.locked_until = None
    audit.append(actor=actor, subject_type="user", subject_id=user.id, action="password.reset")
    token_ops.revoke_all(user, actor=actor, reason="password.reset")
    return password


@transactional
def set_active(user_id: int, active: bool, *, actor: Actor) -> None:
    user = locked(User, user_id)
    _not_self(user, actor, "active")
    user.active = active
    user.session_epoch += 1
    audit.append(
        actor=actor,
        subject_type="user",
        subject_id=user.id,
        action="user.activate" if active else "user.deactivate",
    )


@transactional
def change_password(user_id: int, current: str, new: str, confirm: str, *, actor: Actor) -> None:
    user = locked(User, user_id)
    errors = {}
    if not verify_password(user.password_hash, current):
        errors["current"] = "Mật khẩu hiện tại không đúng."
    problems = password_problems(new, username=user.username, full_name=user.full_name)
    if problems:
        errors["new"] = " ".join(problems)
    elif new != confirm:
        errors["confirm"] = "Hai lần nhập mật khẩu mới không khớp."
    if errors:
        raise InvalidInput(errors)
    user.password_hash = hash_password(new)
    user.session_epoch += 1
    audit.append(actor=actor, subject_type="user", subject_id=user.id, action="password.change")
    token_ops.revoke_all(user, actor=actor, reason="password.change")


def _check_password_and_code(
    user: User, password: str, secret: str, code: str, last_step: int | None
) -> int:
    """The step of a right code, after the user's current password; InvalidInput otherwise."""
    from workflow import totp
    from workflow.clock import clock

    errors = {}
    if not verify_password(user.password_hash, password):
        errors["password"] = "Mật khẩu hiện tại không đúng."  # noqa: S105 (a message)
    step = totp.matching_step(secret, code, clock().seconds(), last_step)
    if step is None:
        errors["code"] = "Mã xác thực không đúng: nhập mã gồm 6 chữ số đang hiện trên ứng dụng."
    if errors:
        raise InvalidInput(errors)
    return step


@transactional
def enable_second_factor(user_id: int, secret: str, password: str, code: str, *, actor: Actor):
    """Turn the authenticator app on once it has shown a right code for ``secret``; every other
    session of the user ends (they signed in without it)."""
    user = locked(User, user_id)
    if user.totp_secret:
        raise InvalidInput({"code": "Xác thực hai lớp đã được bật."})
    step = _check_password_and_code(user, password, secret, code, None)
    user.totp_secret, user.totp_last_step = secret, step
    _end_access(user, actor, "mfa.enable")


@transactional
def disable_second_factor(user_id: int, password: str, code: str, *, actor: Actor) -> None:
    from workflow.auth import needs_second_factor

    user = locked(User, user_id)
    if not user.totp_secret:
        raise InvalidInput({"code": "Xác thực hai lớp chưa được bật."})
    if needs_second_factor(Actor.of(user)):
        raise InvalidInput({"code": "Vai trò của bạn bắt buộc xác thực hai lớp."})
    _check_password_and_code(user, password, user.totp_secret, code, user.totp_last_step)
    user.totp_secret, user.totp_last_step = None, None
    _end_access(user, actor, "mfa.disable")


@transactional
def reset_second_factor(user_id: int, *, actor: Actor) -> None:
    """An administrator removes a lost authenticator: the user signs in with the password and
    (if their role requires it) sets up a new one at once."""
    user = locked(User, user_id)
    _not_self(user, actor, "mfa")
    if not user.totp_secret:
        raise InvalidInput({"_": "Tài khoản này chưa bật xác thực hai lớp."})
    user.totp_secret, user.totp_last_step = None, None
    _end_access(user, actor, "mfa.reset")


def _end_access(user: User, actor: Actor, action: str) -> None:
    """A change of how the user signs in: every session and API token they hold ends."""
    user.session_epoch += 1
    audit.append(actor=actor, subject_type="user", subject_id=user.id, action=action)
    token_ops.revoke_all(user, actor=actor, reason=action)
