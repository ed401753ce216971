"""Default settings. Override in ``instance/config.py``, then with environment variables."""

from __future__ import annotations

#: The development key: the app refuses to start outside debug or testing while it is in use.
DEV_SECRET_KEY = "dev-only-not-secret"  # noqa: S105 (a marker the app refuses in production)
#: The development audit key, refused in production like the development SECRET_KEY.
DEV_AUDIT_KEY = "dev-only-audit-key"


class DefaultConfig:
    SECRET_KEY = DEV_SECRET_KEY
    #: the key of the audit trail's HMACs: kept here or in WORKFLOW_AUDIT_KEY, never in the
    #: database, so that whoever can write to the database cannot forge the trail. Changing it
    #: makes the rows written before unverifiable: keep it with the backups' keys.
    AUDIT_KEY = DEV_AUDIT_KEY
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
    #: the party organization the upper committee leads, printed on the first line of its
    #: grassroots committees' documents above their own name; None: the committee's name with
    #: "Đảng ủy" read as "Đảng bộ" ("Đảng bộ Khối các cơ quan và doanh nghiệp tỉnh")
    UPPER_PARTY_NAME: str | None = None
    PLACE_NAME = "Phú Thọ"

    # Sessions and cookies (ASVS 3.4). Local HTTP development turns SECURE off in instance config.
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = 12 * 3600
    #: minutes without a request before the user must log in again
    IDLE_TIMEOUT_MINUTES = 30
    #: hours after a login when the session ends however active it is (ASVS 3.3.2)
    SESSION_MAX_HOURS = 12
    REMEMBER_COOKIE_DURATION = 0
    WTF_CSRF_TIME_LIMIT = 3600
    #: a request body above this is refused with 413 before it is read
    MAX_CONTENT_LENGTH = 12 * 1024 * 1024
    #: largest scan attached to a dossier (PDF, JPEG or PNG), and its largest picture
    ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
    ATTACHMENT_MAX_PIXELS = 60_000_000
    #: what one user may upload in one day (Vietnamese calendar day), scans kept or withdrawn
    ATTACHMENT_DAILY_QUOTA_BYTES = 300 * 1024 * 1024
    ATTACHMENT_DAILY_QUOTA_FILES = 300
    #: where issued PDFs, scans and print-job outputs are kept: "directory" (folders under
    #: instance/, one server or a shared folder) or "database" (a table, written in the same
    #: transaction as the rows that name them: every server reads them). Move the files with
    #: `flask wf move-files --to …` before changing it.
    FILE_STORAGE = "directory"
    #: where attachments are stored (outside the web root) in the "directory" storage; None:
    #: instance/attachments
    ATTACHMENTS_DIR: str | None = None
    MAX_FORM_MEMORY_SIZE = 500 * 1024
    #: deepest nesting of arrays and objects an API request body may have (the API's own
    #: bodies need 3); deeper is refused with 400 before it is parsed
    API_JSON_MAX_DEPTH = 16
    #: largest member list imported at once (file size, and rows not blank)
    ROSTER_MAX_BYTES = 10 * 1024 * 1024
    ROSTER_MAX_ROWS = 20_000
    #: kinds of training class besides the built-in ones (awareness, new members, party work):
    #: key → {"label": …, "certificate_title": …, "certificate_code": …}
    TRAINING_EXTRA_KINDS: dict[str, dict[str, str]] = {}
    #: most trainees on one class's roster (a page shows the whole roster), and the largest
    #: roster spreadsheet imported at once
    TRAINING_CLASS_MAX_TRAINEES = 500
    TRAINING_ROSTER_MAX_BYTES = 2 * 1024 * 1024
    #: certificates rendered per step of a class's print job (its progress moves by these)
    TRAINING_CERTIFICATES_PER_STEP = 10

    #: refusals (forbidden, or not found outside the user's scope) recorded one by one per user
    #: in an hour; past it one more row says the rest of the hour is not recorded
    REFUSALS_RECORDED_PER_HOUR = 30
    #: hours after the last completed daily run (`flask wf daily`, from the machine's timer)
    #: when the department is warned that it is late
    DAILY_RUN_MAX_AGE_HOURS = 36
    #: level of the application's lines on standard error (the request lines are INFO)
    LOG_LEVEL = "INFO"
    #: failed logins before an account is locked, and for how long
    LOGIN_MAX_FAILURES = 5
    LOGIN_LOCK_MINUTES = 15
    #: failed logins from one network address (any accounts) within the window before every
    #: login from it is refused with 429, and for how long
    LOGIN_MAX_FAILURES_PER_ADDRESS = 20
    LOGIN_ADDRESS_WINDOW_MINUTES = 15
    LOGIN_ADDRESS_BLOCK_MINUTES = 15
    #: proxies in front of the application that set X-Forwarded-For (0: none, the client's
    #: own address counts); set it to 1 behind one reverse proxy, or every user shares its address
    PROXY_FIX_X_FOR = 0
    #: roles whose holders must sign in with an authenticator app code as well (ASVS 4.3.1)
    MFA_REQUIRED_ROLES = ("admin",)
    #: the name an authenticator app shows beside the codes
    MFA_ISSUER = "Công tác đảng viên"
    #: seconds between a right password and the code before the login starts over
    MFA_PENDING_SECONDS = 300

    #: committee term start dates (decision numbers restart at 1 in each term)
    TERM_STARTS = ("2020-10-01", "2025-10-01")

    # Documents (HD 36-HD/VPTW format): margins top, bottom, left, right in millimetres.
    DOCUMENT_MARGINS_MM = (25, 25, 35, 15)
    #: months written with a leading zero in document dates ("tháng 02")
    DOCUMENT_PADDED_MONTHS = (1, 2)
    #: the committee's own working rules, cited among the legal bases of its decisions
    WORKING_RULES_BASIS = (
        "Căn cứ Quy chế làm việc của Ban Chấp hành Đảng bộ Khối nhiệm kỳ 2025 – 2030;"
    )
    #: "Nơi nhận" of a period report numbered to be sent (one line each; the form may change
    #: them for one report)
    REPORT_RECIPIENTS = ("Ban Tổ chức Tỉnh ủy (để báo cáo)", "Lưu Văn phòng, Ban Tổ chức")
    #: read the period reports from the stored facts when they stand for the trail (unset:
    #: always follow the trail, e.g. while a suspected fault is looked into)
    REPORT_FACTS_READ = True
    #: compute every period report both from the stored facts and by following the trail,
    #: and fail if they differ (the tests set it; it doubles a report's cost)
    REPORT_FACTS_CHECK = False
    #: the address users reach the application at ("https://dangvien.example.gov.vn"): the QR
    #: code and link printed on every issued document point at its verification page, and an
    #: issued document is frozen, so outside development nothing is issued until it is set
    PUBLIC_BASE_URL: str | None = None
    #: what development and tests print instead when PUBLIC_BASE_URL is unset
    DEV_PUBLIC_BASE_URL = "http://127.0.0.1:5000"
    #: PKCS#12 file and passphrase of the organization certificate; unset: documents unsigned
    SIGNING_PKCS12: str | None = None
    SIGNING_PASSPHRASE: str | None = None
    #: processes used to render a batch of documents
    RENDER_PROCESSES = 2
    #: make an issued decision's PDF right after the signing commits (else on first use)
    RENDER_AFTER_ISSUE = True

    # The job queue (huey): "sqlite" (a file, QUEUE_SQLITE_PATH, default
    # instance/queue.sqlite3) or "postgresql" (the huey_* tables of QUEUE_DATABASE_URL, default
    # the application's database); empty: the database's kind. QUEUE_IMMEDIATE runs tasks at
    # once where they are queued (default: when TESTING).
    QUEUE_STORAGE: str | None = None
    QUEUE_SQLITE_PATH: str | None = None
    QUEUE_DATABASE_URL: str | None = None
    QUEUE_IMMEDIATE: bool | None = None
    #: threads of one `flask wf worker` (each print job renders in RENDER_PROCESSES processes)
    QUEUE_WORKERS = 2
    #: the longest pause between two looks at an empty SQLite queue (PostgreSQL is notified)
    QUEUE_POLL_MAX_SECONDS = 1.0
    #: a print job whose worker gave no sign of life this long is taken over by another
    PRINT_JOB_STALE_SECONDS = 60
    PRINT_JOB_MAX_ATTEMPTS = 3
    # An import a worker took and has not finished after this long is taken to have died with
    # its worker and is queued again (its transaction was rolled back; a second copy of a live
    # one waits for it and finds it done). Longer than the largest import (ROSTER_MAX_ROWS).
    ROSTER_IMPORT_STALE_SECONDS = 30 * 60
    ROSTER_IMPORT_MAX_ATTEMPTS = 3
    #: when the workers run the daily jobs, local time (Asia/Ho_Chi_Minh), "HH:MM"
    DAILY_JOB_AT = "01:30"

    # Figures as the department prints them (states.numbers): "8.912", "30,16%".
    #: digits after the comma in a percentage: 2 prints 181 of 600 as "30,16%"; some reports
    #: use 1 ("101,3%")
    PERCENT_DECIMALS = 2
    #: True: the digits past PERCENT_DECIMALS are cut off, as the department's reports do
    #: (325 of 800 is 40,625%: "40,62%"); False: rounded half up ("40,63%")
    PERCENT_TRUNCATE = True
    #: the rating figures are written with one decimal and no trailing zero, as year-end
    #: reports write them ("91,4%", "98%")
    RATING_PERCENT_DECIMALS = 1

    PAGE_SIZE = 25
    #: a fixed "today" (ISO date) for demonstrations and tests; None uses the real date
    FIXED_TODAY: str | None = None
