"""a period out of party activity may be still open, and may be recorded by a case

Time out of contact with the Party was typed in by the department once over; the procedure
that records it now keeps the period open while the member is out of contact (no end date: read
as "up to the day asked") and names the case that recorded it. Existing periods were entered by
hand and are over: they keep their end and have no case.

Revision ID: d41c7e9a2b63
Revises: 7c3e9a1f5b20
Create Date: 2026-12-06 19:10:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "d41c7e9a2b63"
down_revision = "7c3e9a1f5b20"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("membership_gap", schema=None) as batch_op:
        batch_op.alter_column("end_on", existing_type=sa.Date(), nullable=True)
        batch_op.add_column(sa.Column("case_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_membership_gap_case_id"), ["case_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_membership_gap_case_id_membership_case"),
            "membership_case",
            ["case_id"],
            ["id"],
        )


def downgrade():
    # a period still open ends on the day of the downgrade (the old schema needs an end)
    op.execute("UPDATE membership_gap SET end_on = CURRENT_DATE WHERE end_on IS NULL")
    with op.batch_alter_table("membership_gap", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_membership_gap_case_id_membership_case"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_membership_gap_case_id"))
        batch_op.drop_column("case_id")
        batch_op.alter_column("end_on", existing_type=sa.Date(), nullable=False)
