"""issued reports frozen in the database, as issued decisions are

Every column of a numbered report is fixed when it is written but its PDF and digest, filled
in once; it is never deleted. Column lists are this revision's.

Revision ID: bd30afafda22
Revises: f4cafd81e3b0
Create Date: 2026-12-06 07:30:00

"""

from alembic import op

from workflow.models.frozen import FrozenRows

# revision identifiers, used by Alembic.
revision = "bd30afafda22"
down_revision = "f4cafd81e3b0"
branch_labels = None
depends_on = None

ISSUED_REPORTS = FrozenRows(
    name="issued_report",
    table="issued_report",
    frozen=(
        "id", "snapshot_id", "issuer", "issuer_abbr", "doc_type", "term_start", "number",
        "issued_on", "issued_by", "signer_id", "signer_name", "signer_title", "html",
        "created_at",
    ),
    once=("pdf", "pdf_sha256"),
    open_once="OLD.pdf_sha256 IS NULL",
    message="an issued report cannot be changed",
    deleted_message="an issued report cannot be deleted",
)  # fmt: skip


def upgrade():
    for stmt in ISSUED_REPORTS.statements(op.get_bind().dialect.name):
        op.execute(stmt)


def downgrade():
    for stmt in ISSUED_REPORTS.drop(op.get_bind().dialect.name):
        op.execute(stmt)
