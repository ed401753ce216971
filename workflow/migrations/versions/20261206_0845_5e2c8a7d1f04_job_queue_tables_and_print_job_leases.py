"""job queue tables (huey on PostgreSQL), print job leases, one active print job per meeting

Revision ID: 5e2c8a7d1f04
Revises: 5e1c0a9d7b42
Create Date: 2026-12-06 08:45:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5e2c8a7d1f04"
down_revision = "5e1c0a9d7b42"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
ACTIVE = sa.text("status IN ('pending', 'running')")


def upgrade():
    op.create_table(
        "huey_task",
        sa.Column("id", _ID, nullable=False),
        sa.Column("queue", sa.Text(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("priority", sa.Float(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_huey_task")),
    )
    op.create_index(
        "ix_huey_task_queue_priority_id", "huey_task", ["queue", "priority", "id"], unique=False
    )
    op.create_table(
        "huey_schedule",
        sa.Column("id", _ID, nullable=False),
        sa.Column("queue", sa.Text(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("timestamp", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_huey_schedule")),
    )
    op.create_index(
        "ix_huey_schedule_queue_timestamp", "huey_schedule", ["queue", "timestamp"], unique=False
    )
    op.create_table(
        "huey_kv",
        sa.Column("queue", sa.Text(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("value", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("queue", "key", name=op.f("pk_huey_kv")),
    )
    op.create_table(
        "huey_counter",
        sa.Column("queue", sa.Text(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("value", sa.BigInteger(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("queue", "key", name=op.f("pk_huey_counter")),
    )
    with op.batch_alter_table("print_job", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lease", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("heartbeat_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("attempts", sa.Integer(), server_default="0", nullable=False))
    # jobs the web workers' threads were running died with them when the servers stopped for
    # this upgrade: they are failed (the page offers to print again), and at most one job per
    # meeting is active from here on
    op.execute(
        "UPDATE print_job SET status = 'failed', error = 'WorkerLost' "
        "WHERE status IN ('pending', 'running')"
    )
    op.create_index(
        "uq_print_job_meeting_active",
        "print_job",
        ["issuer", "meeting_on"],
        unique=True,
        sqlite_where=ACTIVE,
        postgresql_where=ACTIVE,
    )


def downgrade():
    op.drop_index(
        "uq_print_job_meeting_active",
        table_name="print_job",
        sqlite_where=ACTIVE,
        postgresql_where=ACTIVE,
    )
    with op.batch_alter_table("print_job", schema=None) as batch_op:
        batch_op.drop_column("attempts")
        batch_op.drop_column("heartbeat_at")
        batch_op.drop_column("lease")
    op.drop_table("huey_counter")
    op.drop_table("huey_kv")
    op.drop_index("ix_huey_schedule_queue_timestamp", table_name="huey_schedule")
    op.drop_table("huey_schedule")
    op.drop_index("ix_huey_task_queue_priority_id", table_name="huey_task")
    op.drop_table("huey_task")
