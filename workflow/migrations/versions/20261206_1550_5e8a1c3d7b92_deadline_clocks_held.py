"""a case's clock can stand stopped while the case waits on a body outside the committee

The re-admission's decision clock stops while the provincial standing committee's written
consent is awaited: the day it stopped and the days it stood stopped are kept on the clock,
whose due date moves by them when it runs again. Existing clocks never stopped.

Revision ID: 5e8a1c3d7b92
Revises: c7e2eeafc1d9
Create Date: 2026-12-06 15:50:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5e8a1c3d7b92"
down_revision = "c7e2eeafc1d9"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("deadline") as batch_op:
        batch_op.add_column(sa.Column("held_on", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("held_days", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade():
    with op.batch_alter_table("deadline") as batch_op:
        batch_op.drop_column("held_days")
        batch_op.drop_column("held_on")
