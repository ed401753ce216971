"""member-list imports run in the job queue: each upload's status, attempts and error

Revision ID: 3c9e4b7a2d61
Revises: c4d1e8a2f6b3
Create Date: 2026-12-06 12:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "3c9e4b7a2d61"
down_revision = "c4d1e8a2f6b3"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("import_batch") as batch:
        batch.add_column(
            sa.Column("status", sa.String(10), nullable=False, server_default="uploaded")
        )
        batch.add_column(sa.Column("queued_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("started_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("error", sa.Text(), nullable=True))
    op.execute("UPDATE import_batch SET status = 'done' WHERE committed_at IS NOT NULL")
    op.create_index("ix_import_batch_waiting", "import_batch", ["status", "queued_at"])


def downgrade():
    op.drop_index("ix_import_batch_waiting", table_name="import_batch")
    with op.batch_alter_table("import_batch") as batch:
        for column in ("error", "attempts", "started_at", "queued_at", "status"):
            batch.drop_column(column)
