"""issued decisions wholly frozen; scan records and the access log kept as written

An issued decision kept only its number, text and a few more columns; now every column is
fixed at signing but the rendered file's (digest, path, size, signed, time), which are filled
in once. The records of attached scans keep everything but who withdrew them and when (filled
in once), and the log of sensitive reads is append-only. Column lists are this revision's.

Revision ID: 439819a425d2
Revises: 5d1e44db19a4
Create Date: 2026-12-06 06:00:00

"""

from alembic import op

from workflow.models.frozen import FrozenRows

# revision identifiers, used by Alembic.
revision = "439819a425d2"
down_revision = "5d1e44db19a4"
branch_labels = None
depends_on = None

_DECISION = {
    "name": "decision_issued",
    "table": "decision",
    "closed": "OLD.status = 'issued'",
    "message": "an issued decision cannot be changed",
    "deleted_message": "an issued decision cannot be deleted",
}
ISSUED_DECISIONS = FrozenRows(
    **_DECISION,
    frozen=(
        "id", "case_id", "kind", "status", "issuer", "issuer_abbr", "doc_type", "subject",
        "term_start", "number", "decided_on", "signer_id", "signer_name", "signer_title",
        "proposer_id", "rule_set", "template", "template_version", "snapshot", "html",
        "verify_token", "corrects_id", "correction_kind", "drafted_by", "created_at",
    ),
    once=("pdf_sha256", "pdf_path", "pdf_size", "signed", "rendered_at"),
    open_once="OLD.pdf_sha256 IS NULL",
)  # fmt: skip
#: what the previous revision froze (its triggers have the same names)
PREVIOUS_DECISIONS = FrozenRows(
    **_DECISION,
    frozen=(
        "number", "term_start", "decided_on", "issuer", "doc_type", "kind", "snapshot", "html",
        "subject", "signer_id", "status", "verify_token", "corrects_id",
    ),
    once=("pdf_sha256",),
    open_once="OLD.pdf_sha256 IS NULL",
)  # fmt: skip
ATTACHMENTS = FrozenRows(
    name="attachment",
    table="attachment",
    frozen=(
        "id", "case_id", "purpose", "original_name", "stored_name", "content_type", "size",
        "sha256", "uploaded_by", "uploaded_at",
    ),
    once=("removed_at", "removed_by"),
    open_once="OLD.removed_at IS NULL",
    message="attachment records are append-only",
)  # fmt: skip
ACCESS_LOG = FrozenRows(
    name="access_log",
    table="access_log",
    frozen=("id", "at", "user_id", "subject_type", "subject_id", "part", "detail_id", "ip"),
    message="access_log is append-only",
)


def _run(statements) -> None:
    for stmt in statements:
        op.execute(stmt)


def upgrade():
    dialect = op.get_bind().dialect.name
    _run(PREVIOUS_DECISIONS.drop(dialect))
    for rows in (ISSUED_DECISIONS, ATTACHMENTS, ACCESS_LOG):
        _run(rows.statements(dialect))


def downgrade():
    dialect = op.get_bind().dialect.name
    for rows in (ACCESS_LOG, ATTACHMENTS, ISSUED_DECISIONS):
        _run(rows.drop(dialect))
    _run(PREVIOUS_DECISIONS.statements(dialect))
