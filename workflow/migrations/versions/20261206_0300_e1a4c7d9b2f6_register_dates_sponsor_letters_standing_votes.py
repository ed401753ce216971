"""registers remember the date of their last number (numbers follow dates); a sponsor's
introduction keeps the day it was received (the months together count up to it); a standing
committee's vote records the members present

Revision ID: e1a4c7d9b2f6
Revises: c5d2e8a1f3b7
Create Date: 2026-12-06 03:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e1a4c7d9b2f6"
down_revision = "c5d2e8a1f3b7"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("register_counter", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_on", sa.Date(), nullable=True))
    op.execute(
        """
        UPDATE register_counter SET last_on = (
            SELECT max(decided_on) FROM decision
            WHERE decision.issuer = register_counter.issuer
              AND decision.doc_type = register_counter.doc_type
              AND decision.term_start = register_counter.term_start
              AND decision.status = 'issued')
        """
    )
    with op.batch_alter_table("sponsor", schema=None) as batch_op:
        batch_op.add_column(sa.Column("introduced_on", sa.Date(), nullable=True))
    with op.batch_alter_table("vote", schema=None) as batch_op:
        batch_op.add_column(sa.Column("present", sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table("vote", schema=None) as batch_op:
        batch_op.drop_column("present")
    with op.batch_alter_table("sponsor", schema=None) as batch_op:
        batch_op.drop_column("introduced_on")
    with op.batch_alter_table("register_counter", schema=None) as batch_op:
        batch_op.drop_column("last_on")
