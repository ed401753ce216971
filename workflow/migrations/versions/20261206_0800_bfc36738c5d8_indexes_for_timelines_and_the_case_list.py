"""indexes for a subject's timeline and the case list's order

A case page read its timeline by scanning the whole audit trail (no index on subject); the case
list sorted every case by its last event. Both are now read from an index.

Revision ID: bfc36738c5d8
Revises: bd30afafda22
Create Date: 2026-12-06 08:00:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "bfc36738c5d8"
down_revision = "bd30afafda22"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_audit_log_subject", "audit_log", ["subject_type", "subject_id", "seq"], unique=False
    )
    op.create_index("ix_case_last_event", "membership_case", ["last_event_on", "id"], unique=False)


def downgrade():
    op.drop_index("ix_case_last_event", table_name="membership_case")
    op.drop_index("ix_audit_log_subject", table_name="audit_log")
