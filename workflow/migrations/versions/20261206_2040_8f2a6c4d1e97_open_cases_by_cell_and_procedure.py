"""open cases by cell and procedure

The case list filtered by procedure and organization counted its rows (up to 10,001) by
ANDing, for each cell, the cell's cases with every open case of the procedure: 800 ms at five
million cases. An index of the open cases on (cell, procedure) makes each cell one short range
(2 ms).

Revision ID: 8f2a6c4d1e97
Revises: d41c7e9a2b63
Create Date: 2026-12-06 20:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "8f2a6c4d1e97"
down_revision = "d41c7e9a2b63"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_case_open_cell_procedure",
        "membership_case",
        ["cell_id", "procedure"],
        postgresql_where=sa.text("closed_at IS NULL"),
        sqlite_where=sa.text("closed_at IS NULL"),
    )


def downgrade():
    op.drop_index("ix_case_open_cell_procedure", table_name="membership_case")
