"""the audit trail keyed: each row's HMAC, and the head's, under a key kept outside the database

The rows already written are keyed here, with the application's ``AUDIT_KEY`` (the append-only
trigger is lifted for that update only), so that every row of the trail carries its MAC.

Revision ID: 0f4088e095b1
Revises: 439819a425d2
Create Date: 2026-12-06 06:30:00

"""

import sqlalchemy as sa
from alembic import op

from workflow.models.audit import SQLITE_TRIGGERS
from workflow.store.audit import head_mac, row_mac

# revision identifiers, used by Alembic.
revision = "0f4088e095b1"
down_revision = "439819a425d2"
branch_labels = None
depends_on = None

AUDIT = sa.table(
    "audit_log",
    sa.column("seq", sa.Integer),
    sa.column("row_hash", sa.String),
    sa.column("mac", sa.String),
)
HEAD = sa.table(
    "audit_head",
    sa.column("id", sa.Integer),
    sa.column("seq", sa.Integer),
    sa.column("row_hash", sa.String),
    sa.column("mac", sa.String),
)
CHUNK = 5000


def _key_existing_rows() -> None:
    conn = op.get_bind()
    update = (
        sa.update(AUDIT)
        .where(AUDIT.c.seq == sa.bindparam("row_seq"))
        .values(mac=sa.bindparam("new_mac"))
    )
    last = 0
    while True:
        rows = conn.execute(
            sa.select(AUDIT.c.seq, AUDIT.c.row_hash)
            .where(AUDIT.c.seq > last)
            .order_by(AUDIT.c.seq)
            .limit(CHUNK)
        ).all()
        if not rows:
            break
        conn.execute(
            update, [{"row_seq": seq, "new_mac": row_mac(row_hash)} for seq, row_hash in rows]
        )
        last = rows[-1][0]
    head = conn.execute(sa.select(HEAD.c.seq, HEAD.c.row_hash).where(HEAD.c.id == 1)).first()
    if head is not None and head.seq > 0:
        conn.execute(
            sa.update(HEAD).where(HEAD.c.id == 1).values(mac=head_mac(head.seq, head.row_hash))
        )


def upgrade():
    op.add_column("audit_log", sa.Column("mac", sa.String(length=64), nullable=True))
    op.add_column("audit_head", sa.Column("mac", sa.String(length=64), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change")
        _key_existing_rows()
        op.execute("ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_change")
    else:
        op.execute("DROP TRIGGER audit_log_no_update")
        _key_existing_rows()
        op.execute(SQLITE_TRIGGERS[0])


def downgrade():
    op.drop_column("audit_head", "mac")
    op.drop_column("audit_log", "mac")
