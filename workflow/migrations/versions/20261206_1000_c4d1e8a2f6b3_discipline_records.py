"""discipline records: how a violation came to light, when, what it concerns, the form and the
announcement of a discipline case

Revision ID: c4d1e8a2f6b3
Revises: 7a3f9c2e5b18
Create Date: 2026-12-06 10:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c4d1e8a2f6b3"
down_revision = "7a3f9c2e5b18"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "discipline_record",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("reference", sa.String(length=200), nullable=False),
        sa.Column("violation_on", sa.Date(), nullable=False),
        sa.Column("matter", sa.String(length=20), nullable=False),
        sa.Column("no_limitation", sa.Boolean(), nullable=False),
        sa.Column("facts", sa.Text(), nullable=False),
        sa.Column("form", sa.String(length=20), nullable=True),
        sa.Column("announced_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["membership_case.id"],
            name=op.f("fk_discipline_record_case_id_membership_case"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_discipline_record_person_id_person")
        ),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_discipline_record")),
    )
    op.create_index(
        op.f("ix_discipline_record_person_id"), "discipline_record", ["person_id"], unique=False
    )


def downgrade():
    op.drop_index(op.f("ix_discipline_record_person_id"), table_name="discipline_record")
    op.drop_table("discipline_record")
