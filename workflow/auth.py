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
from sqlalchemy import func, select, update
from zxcvbn import zxcvbn
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from states.text import clean_line
from workflow import throttle, totp
from workflow.extensions import db, login_manager
from workflow.ids import parse_id
from workflow.models import User, utcnow
from workflow.permissions import Actor
from workflow.store import audit
from workflow.store.errors import ReauthFailed, ReauthLocked
from workflow.store.uow import transactional, unit_of_work

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
    #: the password was right; the authenticator app's code comes next
    second_factor: bool = False
    #: refused for the network address, not the account (HTTP 429)
    throttled: bool = False


GENERIC_LOGIN_ERROR = "Tên đăng nhập hoặc mật khẩu không đúng."
BAD_CODE = "Mã xác thực không đúng hoặc đã được dùng. Hãy nhập mã đang hiện trên ứng dụng."
LOGIN_EXPIRED = "Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại."


def _login_audit(actor: Actor, user_id: int | None, action: str, ip: str, **extra) -> None:
    audit.append(
        actor=actor,
        subject_type="user",
        subject_id=user_id,
        action=action,
        payload={"ip": ip, **extra},
    )


def _address_refusal(ip: str, until, now, actor: Actor, user_id: int | None) -> LoginResult:
    _login_audit(actor, user_id, "login_refused_address", ip)
    minutes = throttle.minutes_left(until, now)
    return LoginResult(
        None,
        f"Có quá nhiều lần đăng nhập sai từ địa chỉ mạng này. Vui lòng thử lại sau {minutes} phút.",
        throttled=True,
    )


def _locked(until, now, ip: str, actor: Actor, user_id: int | None) -> LoginResult | None:
    """The refusal of a locked account (or of a name that has none, after as many failures:
    the two read the same); the attempt still counts against the address."""
    if until is None or until <= now:
        return None
    throttle.record_failure(ip, now)
    _login_audit(actor, user_id, "login_refused_locked", ip)
    minutes = throttle.minutes_left(until, now)
    return LoginResult(
        None, f"Tài khoản tạm khóa do nhập sai nhiều lần. Thử lại sau {minutes} phút."
    )


def _failed(user: User | None, now, ip: str, actor: Actor, error: str, **extra) -> LoginResult:
    """A wrong password or code: counted against the account and the address."""
    if user is not None:
        user.failed_logins += 1
        if user.failed_logins >= current_app.config["LOGIN_MAX_FAILURES"]:
            user.locked_until = now + timedelta(minutes=current_app.config["LOGIN_LOCK_MINUTES"])
            user.failed_logins = 0
    throttle.record_failure(ip, now)
    _login_audit(actor, user.id if user else None, "login_failed", ip, **extra)
    return LoginResult(None, error)


def _succeeded(user: User, now, ip: str, **extra) -> LoginResult:
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    _login_audit(Actor(user.id, user.full_name, ()), user.id, "login", ip, **extra)
    return LoginResult(user)


@transactional
def authenticate(username: str, password: str, *, ip: str = "") -> LoginResult:
    """Check the password; count failures in the database (per account and per address) so
    the limits hold across workers. A user with an authenticator app is not signed in yet: the
    result asks for the code (``verify_code``)."""
    username = clean_line(username)[:100]  # no control characters reach a query or the log
    now = utcnow()
    # the account's row (or the unknown name's counter) stays locked while the password is
    # checked: concurrent guesses at one account wait for each other, so exactly the limit of
    # them are checked whatever the number of workers
    user = db.session.scalars(
        select(User).where(func.lower(User.username) == username.lower()).with_for_update()
    ).first()
    actor = Actor(user.id, user.full_name, ()) if user else Actor(None, username, ())
    until = throttle.blocked_until(ip, now)
    if until is not None:
        return _address_refusal(ip, until, now, actor, user.id if user else None)
    if user is None:
        phantom = throttle.blocked_until(throttle.unknown_username_key(username), now, lock=True)
        locked = _locked(phantom, now, ip, actor, None)
        if locked is not None:
            return locked  # as fast as a real locked account: no hashing either
        hasher().hash(password)  # same work as a real check: no timing oracle
        throttle.record_unknown_username(username, now)
        return _failed(None, now, ip, actor, GENERIC_LOGIN_ERROR)
    locked = _locked(user.locked_until, now, ip, actor, user.id)
    if locked is not None:
        return locked
    if not user.active or not verify_password(user.password_hash, password):
        return _failed(user, now, ip, actor, GENERIC_LOGIN_ERROR)
    if hasher().check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    if user.totp_secret:
        _login_audit(actor, user.id, "login_password_ok", ip)
        return LoginResult(user, second_factor=True)
    return _succeeded(user, now, ip)


@transactional
def verify_code(user_id: int, epoch: int, code: str, *, ip: str = "") -> LoginResult:
    """The second step of a login: the authenticator app's current code, accepted once."""
    from workflow.clock import clock

    now = utcnow()
    user = db.session.get(User, user_id, with_for_update=True)
    if user is None or not user.active or user.session_epoch != epoch or not user.totp_secret:
        return LoginResult(None, LOGIN_EXPIRED)
    actor = Actor(user.id, user.full_name, ())
    until = throttle.blocked_until(ip, now)
    if until is not None:
        return _address_refusal(ip, until, now, actor, user.id)
    locked = _locked(user.locked_until, now, ip, actor, user.id)
    if locked is not None:
        return locked
    step = totp.matching_step(user.totp_secret, code, clock().seconds(), user.totp_last_step)
    if step is None:
        return _failed(user, now, ip, actor, BAD_CODE, factor="totp")
    user.totp_last_step = step
    return _succeeded(user, now, ip, factor="totp")


def confirm_password(actor: Actor, password: str | None) -> None:
    """A signing step's password, whatever the channel (web form, API, command line): right,
    or ReauthFailed — counted in the account's login lockout by one statement of the database
    (so concurrent attempts each count), with one audit row — or ReauthLocked while the
    account is locked. Runs in its own transaction, never in the caller's (so not
    ``@transactional``): a refusal is kept when the step is not."""
    config = current_app.config
    with unit_of_work():
        now = utcnow()
        # locked while the password is checked: concurrent attempts take turns, so no more
        # than the lockout's number are checked however many arrive at once
        user = db.session.get(User, actor.user_id, with_for_update=True, populate_existing=True)
        if user is None or not user.active:
            raise ReauthFailed()
        if user.locked_until is not None and user.locked_until > now:
            raise ReauthLocked()
        if isinstance(password, str) and password and verify_password(user.password_hash, password):
            if user.failed_logins:
                user.failed_logins = 0
            return
        failures = db.session.execute(
            update(User)
            .where(User.id == user.id)
            .values(failed_logins=User.failed_logins + 1)
            .returning(User.failed_logins)
        ).scalar_one()
        if failures >= config["LOGIN_MAX_FAILURES"]:
            db.session.execute(
                update(User)
                .where(User.id == user.id)
                .values(
                    failed_logins=0,
                    locked_until=now + timedelta(minutes=config["LOGIN_LOCK_MINUTES"]),
                )
            )
        audit.append(
            actor=Actor(user.id, user.full_name, ()),
            subject_type="user",
            subject_id=user.id,
            action="reauth_failed",
            payload={"ip": actor.address, "via": actor.channel or "web"},
        )
    raise ReauthFailed()


def needs_second_factor(actor: Actor) -> bool:
    """Whether the user's roles require an authenticator app (administrators by default)."""
    required = set(current_app.config["MFA_REQUIRED_ROLES"])
    return any(s.role.value in required for s in actor.scopes)


@transactional
def end_sessions(user_id: int, action: str = "logout") -> None:
    """Bump the epoch: every cookie issued before now stops working."""
    user = db.session.get(User, user_id, with_for_update=True, populate_existing=True)
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
