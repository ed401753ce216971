"""Passwords, logins with per-account lockout, sessions that end on the server's word.

A session cookie carries the user id and the user's session epoch; logging out or changing the
password bumps the epoch, so every older cookie stops working (server-side revocation).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, current_app
from sqlalchemy import func, select
from zxcvbn import zxcvbn
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from states.text import clean_line
from workflow.engine import audit
from workflow.engine.uow import unit_of_work
from workflow.extensions import db, login_manager
from workflow.ids import parse_id
from workflow.models import User, utcnow
from workflow.permissions import Actor

#: Argon2id, RFC 9106 low-memory profile (t=3, m=64 MiB, p=4): above OWASP's minimum.
_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 128


def hasher() -> PasswordHasher:
    return current_app.extensions.get("workflow.hasher", _hasher)


def hash_password(password: str) -> str:
    return hasher().hash(password)


def verify_password(stored: str, password: str) -> bool:
    try:
        return hasher().verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """zxcvbn's 30,000 most common passwords plus our own list of local favourites."""
    text = resources.files("workflow.data").joinpath("common-passwords.txt").read_text("utf-8")
    ours = {
        line.strip().casefold()
        for line in text.splitlines()
        if line.strip() and not line.startswith("#")
    }
    return frozenset(ours | {p.casefold() for p in FREQUENCY_LISTS["passwords"]})


def password_problems(password: str, *, username: str = "", full_name: str = "") -> list[str]:
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(f"Mật khẩu phải có ít nhất {MIN_PASSWORD_LENGTH} ký tự.")
    if len(password) > MAX_PASSWORD_LENGTH:
        problems.append(f"Mật khẩu tối đa {MAX_PASSWORD_LENGTH} ký tự.")
    lowered = password.casefold()
    if lowered in common_passwords():
        problems.append("Mật khẩu này quá phổ biến, dễ bị đoán.")
    if username and username.casefold() in lowered:
        problems.append("Mật khẩu không được chứa tên đăng nhập.")
    if not problems:
        inputs = [x for x in (username, full_name, *full_name.split()) if x]
        if zxcvbn(password[:MAX_PASSWORD_LENGTH], user_inputs=inputs)["score"] < 3:
            problems.append("Mật khẩu dễ đoán: hãy dùng một cụm từ dài hơn, ít gặp hơn.")
    return problems


@dataclass(frozen=True)
class LoginResult:
    user: User | None
    error: str = ""


GENERIC_LOGIN_ERROR = "Tên đăng nhập hoặc mật khẩu không đúng."


def authenticate(username: str, password: str, *, ip: str = "") -> LoginResult:
    """Check the password; count failures in the database so the lockout holds across workers."""
    config = current_app.config
    username = clean_line(username)[:100]  # no control characters reach a query or the log
    with unit_of_work():
        user = db.session.scalars(
            select(User).where(func.lower(User.username) == username.lower())
        ).first()
        now = utcnow()
        if user is None:
            hasher().hash(password)  # same work as a real check: no timing oracle
            audit.append(
                actor=Actor(None, username, ()),
                subject_type="user",
                subject_id=None,
                action="login_failed",
                payload={"ip": ip},
            )
            return LoginResult(None, GENERIC_LOGIN_ERROR)
        actor = Actor(user.id, user.full_name, ())
        if user.locked_until is not None and user.locked_until > now:
            audit.append(
                actor=actor,
                subject_type="user",
                subject_id=user.id,
                action="login_refused_locked",
                payload={"ip": ip},
            )
            minutes = int((user.locked_until - now).total_seconds() // 60) + 1
            return LoginResult(
                None, f"Tài khoản tạm khóa do nhập sai nhiều lần. Thử lại sau {minutes} phút."
            )
        if not user.active or not verify_password(user.password_hash, password):
            user.failed_logins += 1
            if user.failed_logins >= config["LOGIN_MAX_FAILURES"]:
                user.locked_until = now + timedelta(minutes=config["LOGIN_LOCK_MINUTES"])
                user.failed_logins = 0
            audit.append(
                actor=actor,
                subject_type="user",
                subject_id=user.id,
                action="login_failed",
                payload={"ip": ip},
            )
            return LoginResult(None, GENERIC_LOGIN_ERROR)
        if hasher().check_needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
        user.failed_logins = 0
        user.locked_until = None
        user.last_login_at = now
        audit.append(
            actor=actor, subject_type="user", subject_id=user.id, action="login", payload={"ip": ip}
        )
    return LoginResult(user)


def end_sessions(user_id: int, action: str = "logout") -> None:
    """Bump the epoch: every cookie issued before now stops working."""
    with unit_of_work():
        user = db.session.get(User, user_id)
        if user is not None:
            user.session_epoch += 1
            audit.append(
                actor=Actor(user.id, user.full_name, ()),
                subject_type="user",
                subject_id=user.id,
                action=action,
            )


def load_user(token: str) -> User | None:
    uid, _, epoch = token.partition(":")
    user_id = parse_id(uid)
    if user_id is None or not epoch.lstrip("-").isascii() or not epoch.lstrip("-").isdigit():
        return None
    user = db.session.get(User, user_id)
    if user is None or not user.active or user.session_epoch != int(epoch):
        return None
    return user


def init_app(app: Flask) -> None:
    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Vui lòng đăng nhập để tiếp tục."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
