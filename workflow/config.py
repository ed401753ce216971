"""Default settings. Override in ``instance/config.py``, then with environment variables."""

from __future__ import annotations

#: The development key: the app refuses to start outside debug or testing while it is in use.
DEV_SECRET_KEY = "dev-only-not-secret"  # noqa: S105 (a marker the app refuses in production)


class DefaultConfig:
    SECRET_KEY = DEV_SECRET_KEY
    #: None: an SQLite file in the instance folder. ``DATABASE_URL`` overrides it.
    SQLALCHEMY_DATABASE_URI: str | None = None
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    #: seconds an SQLite writer waits for the lock before giving up
    SQLITE_BUSY_TIMEOUT = 15

    # The upper committee: the body directly above the grassroots organizations. It is
    # configuration, not data, because it is the tenant itself (domain reference §0.2).
    UPPER_COMMITTEE_NAME = "Đảng ủy Khối các cơ quan và doanh nghiệp tỉnh"
    UPPER_COMMITTEE_ABBR = "ĐUK"
    SUPERIOR_BODY = "Đảng bộ tỉnh Phú Thọ"
    PLACE_NAME = "Phú Thọ"

    # Sessions and cookies (ASVS 3.4). Local HTTP development turns SECURE off in instance config.
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = 12 * 3600
    #: minutes without a request before the user must log in again
    IDLE_TIMEOUT_MINUTES = 30
    REMEMBER_COOKIE_DURATION = 0
    WTF_CSRF_TIME_LIMIT = 3600
    MAX_CONTENT_LENGTH = 12 * 1024 * 1024
    MAX_FORM_MEMORY_SIZE = 500 * 1024

    #: failed logins before an account is locked, and for how long
    LOGIN_MAX_FAILURES = 5
    LOGIN_LOCK_MINUTES = 15

    #: committee term start dates (decision numbers restart at 1 in each term)
    TERM_STARTS = ("2020-10-01", "2025-10-01")

    PAGE_SIZE = 25
    #: a fixed "today" (ISO date) for demonstrations and tests; None uses the real date
    FIXED_TODAY: str | None = None
