# Copy to instance/config.py and adjust. Environment variables WORKFLOW_<NAME> override these,
# and DATABASE_URL selects PostgreSQL, e.g. postgresql://user@host:5432/dbname.

SECRET_KEY = "replace with the output of: python -c 'import secrets; print(secrets.token_hex(32))'"
# The audit trail's key (its rows carry HMACs under it). Another random value; keep it outside
# the database and with the backups' keys.
AUDIT_KEY = "replace with the output of: python -c 'import secrets; print(secrets.token_hex(32))'"

# The upper committee (the body directly above the grassroots organizations).
UPPER_COMMITTEE_NAME = "Đảng ủy Khối các cơ quan và doanh nghiệp tỉnh"
UPPER_COMMITTEE_ABBR = "ĐUK"
SUPERIOR_BODY = "Đảng bộ tỉnh Phú Thọ"
PLACE_NAME = "Phú Thọ"
# The party organization the upper committee leads, printed above a grassroots committee's name
# on its documents (default: the committee's name with "Đảng ủy" read as "Đảng bộ").
# UPPER_PARTY_NAME = "Đảng bộ Khối các cơ quan và doanh nghiệp tỉnh"
# Recipients ("Nơi nhận") of a period report numbered to be sent.
REPORT_RECIPIENTS = ("Ban Tổ chức Tỉnh ủy (để báo cáo)", "Lưu Văn phòng, Ban Tổ chức")
# Percentages: digits after the comma, cut off (True) as the department's reports do, or rounded.
PERCENT_DECIMALS = 2
PERCENT_TRUNCATE = True

# Committee term start dates: decision numbers restart at 1 in each term.
TERM_STARTS = ("2020-10-01", "2025-10-01")

# Serve over HTTPS in production. Only for plain-HTTP use on one's own machine:
# SESSION_COOKIE_SECURE = False

# Documents: the address users reach the application at. The QR code and link printed on every
# issued document open its verification page there, and issued documents never change, so no
# document is issued until this is set (WORKFLOW_PUBLIC_BASE_URL in the environment also works).
PUBLIC_BASE_URL = "https://dangvien.example.gov.vn"
# Page margins in millimetres: top, bottom, left, right (HD 36-HD/VPTW).
DOCUMENT_MARGINS_MM = (25, 25, 35, 15)
# The committee's working rules, cited among the legal bases of its decisions.
WORKING_RULES_BASIS = "Căn cứ Quy chế làm việc của Ban Chấp hành Đảng bộ Khối nhiệm kỳ 2025 – 2030;"
# Digital signature of issued PDFs (PAdES) with the organization's certificate, if it has one:
# SIGNING_PKCS12 = "/etc/workflow/org-certificate.p12"
# SIGNING_PASSPHRASE = "…"
# Processes a queue worker uses to render a meeting's batch of decisions.
RENDER_PROCESSES = 2

# The job queue (README "Deploying"): "sqlite" keeps it in QUEUE_SQLITE_PATH (default
# instance/queue.sqlite3), "postgresql" in the huey_* tables of QUEUE_DATABASE_URL (default the
# application's database); unset: the database's kind.
# QUEUE_STORAGE = "postgresql"
# Tasks one `flask wf worker` runs at once.
QUEUE_WORKERS = 2
# A print job whose worker gave no sign of life for this many seconds is taken over by another.
PRINT_JOB_STALE_SECONDS = 60
# When the workers run the daily jobs (scan of deadlines, sweep of files), Vietnamese time.
DAILY_JOB_AT = "01:30"
# Where issued PDFs, scans and print outputs are kept: "directory" (folders under instance/,
# for one server) or "database" (a table of the database, which every server reads; written
# with the rows that name the files). Move the files first: flask wf move-files --to database.
FILE_STORAGE = "directory"
# Scans attached to dossiers: where they are stored with FILE_STORAGE = "directory" (outside
# the web root) and the largest file accepted. Keep MAX_CONTENT_LENGTH a little above it.
# ATTACHMENTS_DIR = "/var/lib/workflow/attachments"
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024

# Sign-in. Behind a reverse proxy, the number of proxies that set X-Forwarded-For (otherwise
# every user shares the proxy's address and the per-address login limit blocks them together):
# PROXY_FIX_X_FOR = 1
# Roles that must sign in with an authenticator app code as well as the password.
MFA_REQUIRED_ROLES = ("admin",)
# A session ends after this many minutes without a request, and this many hours after the
# login however active it is.
IDLE_TIMEOUT_MINUTES = 30
SESSION_MAX_HOURS = 12
# Failed logins from one address (any accounts) before it is refused for a while.
LOGIN_MAX_FAILURES_PER_ADDRESS = 20
