# Copy to instance/config.py and adjust. Environment variables WORKFLOW_<NAME> override these,
# and DATABASE_URL selects PostgreSQL, e.g. postgresql://user@host:5432/dbname.

SECRET_KEY = "replace with the output of: python -c 'import secrets; print(secrets.token_hex(32))'"

# The upper committee (the body directly above the grassroots organizations).
UPPER_COMMITTEE_NAME = "Đảng ủy Khối các cơ quan và doanh nghiệp tỉnh"
UPPER_COMMITTEE_ABBR = "ĐUK"
SUPERIOR_BODY = "Đảng bộ tỉnh Phú Thọ"
PLACE_NAME = "Phú Thọ"

# Committee term start dates: decision numbers restart at 1 in each term.
TERM_STARTS = ("2020-10-01", "2025-10-01")

# Serve over HTTPS in production. Only for plain-HTTP use on one's own machine:
# SESSION_COOKIE_SECURE = False
