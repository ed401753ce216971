"""the receiver's notice kept apart from the sending committee's register entry, and the day
of that entry

A receiver's notice used to overwrite the sending grassroots committee's register reference;
rows where a receipt was recorded keep what they hold as the receipt (the register entry they
replaced is lost). The day of the entry is read from the audit trail.

Revision ID: c5d2e8a1f3b7
Revises: 7b3e91c4d2a6
Create Date: 2026-12-05 16:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c5d2e8a1f3b7"
down_revision = "7b3e91c4d2a6"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("transfer", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("receipt_reference", sa.String(length=100), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("registered_on", sa.Date(), nullable=True))
    op.execute(
        """
        UPDATE transfer SET receipt_reference = reference, reference = ''
        WHERE case_id IN (SELECT subject_id FROM audit_log
                          WHERE subject_type = 'case' AND action = 'record_receipt')
        """
    )
    op.execute(
        """
        UPDATE transfer SET registered_on = (
            SELECT min(event_date) FROM audit_log
            WHERE audit_log.subject_type = 'case' AND audit_log.subject_id = transfer.case_id
              AND audit_log.action = 'record_grassroots_part')
        """
    )


def downgrade():
    op.execute("UPDATE transfer SET reference = receipt_reference WHERE receipt_reference <> ''")
    with op.batch_alter_table("transfer", schema=None) as batch_op:
        batch_op.drop_column("registered_on")
        batch_op.drop_column("receipt_reference")
