"""the period report's facts, stored

What each audit row counts in the period reports (a place change, a flow, a move, a counted
step) is kept in ``report_fact``, derived from the trail in the transaction that appends to a
person's history, so that a report sums an index instead of following every person's
history. ``report_fact_state`` holds the rules they were derived under, the audit head's new
``derived_seq`` the last row they include. An installation with a trail has none yet
(``derived_seq`` 0): the report follows the trail until the periodic task (or ``flask wf
report-facts rebuild``) has derived them.

Revision ID: 7c3e9a1f5b20
Revises: 3acfdb612353
Create Date: 2026-12-06 19:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "7c3e9a1f5b20"
down_revision = "3acfdb612353"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "report_fact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("event_date", sa.Date(), nullable=False),
        sa.Column("entered_at", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=True),
        sa.Column("to_org_id", sa.Integer(), nullable=True),
        sa.Column("subject_id", sa.Integer(), nullable=True),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_fact")),
    )
    op.create_index(op.f("ix_report_fact_person_id"), "report_fact", ["person_id"])
    op.create_index(
        "ix_report_fact_kind_date", "report_fact", ["kind", "event_date", "org_id", "key", "n"]
    )
    op.create_table(
        "report_fact_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("built_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_fact_state")),
    )
    with op.batch_alter_table("audit_head") as batch:
        batch.add_column(sa.Column("derived_seq", sa.Integer(), nullable=False, server_default="0"))


def downgrade():
    with op.batch_alter_table("audit_head") as batch:
        batch.drop_column("derived_seq")
    op.drop_table("report_fact_state")
    op.drop_index("ix_report_fact_kind_date", table_name="report_fact")
    op.drop_index(op.f("ix_report_fact_person_id"), table_name="report_fact")
    op.drop_table("report_fact")
