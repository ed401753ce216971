"""the audit trail's membership rows indexed in the period report's order, its counted steps
by kind and date

The period report followed each person's history by scanning the whole trail and sorting the
rows that place a person (a twentieth of it); a partial index holds those rows in that order
(with, on PostgreSQL, the columns the report reads, so it never visits the table), and the
steps it counts in the period are found by their action and date.

Revision ID: 7a3f9c2e5b18
Revises: 186d3697a684
Create Date: 2026-12-06 09:15:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "7a3f9c2e5b18"
down_revision = "186d3697a684"
branch_labels = None
depends_on = None

MEMBERSHIP_ROWS = (
    "person_id IS NOT NULL AND "
    "(org_id IS NOT NULL OR member_status IS NOT NULL OR presence IS NOT NULL)"
)


def upgrade():
    op.create_index("ix_audit_log_action_date", "audit_log", ["action", "event_date"])
    if op.get_bind().dialect.name == "postgresql":
        op.create_index(
            "ix_audit_log_membership",
            "audit_log",
            ["person_id", sa.text("event_date NULLS FIRST"), "seq"],
            postgresql_include=[
                "entered_at",
                "procedure",
                "action",
                "to_state",
                "org_id",
                "member_status",
                "presence",
            ],
            postgresql_where=sa.text(MEMBERSHIP_ROWS),
        )
    else:
        op.create_index(
            "ix_audit_log_membership_sqlite",
            "audit_log",
            ["person_id", "event_date", "seq"],
            sqlite_where=sa.text(MEMBERSHIP_ROWS),
        )


def downgrade():
    op.drop_index("ix_audit_log_action_date", table_name="audit_log")
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_audit_log_membership", table_name="audit_log")
    else:
        op.drop_index("ix_audit_log_membership_sqlite", table_name="audit_log")
