"""stored files in the database, for several application servers

With FILE_STORAGE = "database" issued PDFs, scans and print-job outputs are rows of
stored_file, written in the transaction of the row that names them. A stored file never
changes (a trigger refuses it, whoever connects); an unused one may be deleted. On PostgreSQL
the bytes are kept uncompressed out of line, so a download reads them by slices.

Revision ID: 186d3697a684
Revises: 5e2c8a7d1f04
Create Date: 2026-12-06 09:00:00

"""

import sqlalchemy as sa
from alembic import op

from workflow.models.frozen import FrozenRows

# revision identifiers, used by Alembic.
revision = "186d3697a684"
down_revision = "5e2c8a7d1f04"
branch_labels = None
depends_on = None

STORED_FILES = FrozenRows(
    name="stored_file",
    table="stored_file",
    frozen=("key", "size", "sha256", "data", "created_at"),
    message="a stored file cannot be changed",
    deletable=True,
)


def upgrade():
    op.create_table(
        "stored_file",
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_stored_file")),
    )
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("ALTER TABLE stored_file ALTER COLUMN data SET STORAGE EXTERNAL")
    for stmt in STORED_FILES.statements(dialect):
        op.execute(stmt)


def downgrade():
    for stmt in STORED_FILES.drop(op.get_bind().dialect.name):
        op.execute(stmt)
    op.drop_table("stored_file")
