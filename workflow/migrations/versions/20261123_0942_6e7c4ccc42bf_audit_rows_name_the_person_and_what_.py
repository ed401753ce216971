"""Audit rows name the person and what the event changed of their membership

Revision ID: 6e7c4ccc42bf
Revises: 2196c79cb124
Create Date: 2026-11-23 09:42:57.273553

Plain ALTER TABLE (no batch copy on SQLite) so that the append-only triggers of audit_log
stay in place; rows already written keep empty columns and their hashes.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "6e7c4ccc42bf"
down_revision = "2196c79cb124"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("audit_log", sa.Column("person_id", sa.Integer(), nullable=True))
    op.add_column("audit_log", sa.Column("org_id", sa.Integer(), nullable=True))
    op.add_column("audit_log", sa.Column("member_status", sa.String(length=20), nullable=True))
    op.add_column("audit_log", sa.Column("presence", sa.String(length=12), nullable=True))
    op.create_index(op.f("ix_audit_log_person_id"), "audit_log", ["person_id"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_audit_log_person_id"), table_name="audit_log")
    op.drop_column("audit_log", "presence")
    op.drop_column("audit_log", "member_status")
    op.drop_column("audit_log", "org_id")
    op.drop_column("audit_log", "person_id")
