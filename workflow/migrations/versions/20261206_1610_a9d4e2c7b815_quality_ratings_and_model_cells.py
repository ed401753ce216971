"""quality ratings of members and organizations by period; model-cell registration rounds

A rating period (a year, from QĐ 366-QĐ/TW also a quarter or a term) holds one row per rated
member (self-rating, the cell's proposal, the approved level and score) and one per
organization (its members' sheet status, its self-review, the rating by the body above). A
model-cell round holds the cells registered, approved by a numbered decision and recognized.
Nothing existing changes.

Revision ID: a9d4e2c7b815
Revises: b4d9e2a61c05
Create Date: 2026-12-06 16:10:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a9d4e2c7b815"
down_revision = "b4d9e2a61c05"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "model_cell_round",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("target_percent", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("decision_number", sa.Integer(), nullable=True),
        sa.Column("decision_reference", sa.String(length=40), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("signer_name", sa.String(length=100), nullable=False),
        sa.Column("signer_title", sa.String(length=100), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["app_user.id"], name=op.f("fk_model_cell_round_created_by_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_model_cell_round")),
        sa.UniqueConstraint("year", name=op.f("uq_model_cell_round_year")),
    )
    op.create_table(
        "rating_period",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=60), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["app_user.id"], name=op.f("fk_rating_period_created_by_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rating_period")),
        sa.UniqueConstraint("kind", "year", "number", name="uq_rating_period"),
    )
    with op.batch_alter_table("rating_period", schema=None) as batch_op:
        batch_op.create_index("ix_rating_period_ends_on", ["ends_on", "id"], unique=False)

    op.create_table(
        "member_rating",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("cell_id", sa.Integer(), nullable=False),
        sa.Column("grassroots_id", sa.Integer(), nullable=False),
        sa.Column("self_level", sa.String(length=10), nullable=True),
        sa.Column("self_score", sa.Integer(), nullable=True),
        sa.Column("proposed_level", sa.String(length=10), nullable=True),
        sa.Column("proposed_score", sa.Integer(), nullable=True),
        sa.Column("level", sa.String(length=10), nullable=True),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("conditions_met", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cell_id"], ["organization.id"], name=op.f("fk_member_rating_cell_id_organization")
        ),
        sa.ForeignKeyConstraint(
            ["grassroots_id"],
            ["organization.id"],
            name=op.f("fk_member_rating_grassroots_id_organization"),
        ),
        sa.ForeignKeyConstraint(
            ["period_id"],
            ["rating_period.id"],
            name=op.f("fk_member_rating_period_id_rating_period"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_member_rating_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_rating")),
        sa.UniqueConstraint("period_id", "person_id", name="uq_member_rating"),
    )
    with op.batch_alter_table("member_rating", schema=None) as batch_op:
        batch_op.create_index("ix_member_rating_cell", ["period_id", "cell_id"], unique=False)
        batch_op.create_index(
            "ix_member_rating_grassroots", ["period_id", "grassroots_id", "level"], unique=False
        )
        batch_op.create_index("ix_member_rating_person", ["person_id", "period_id"], unique=False)

    op.create_table(
        "model_cell_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("cell_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=15), nullable=False),
        sa.Column("registered_by", sa.Integer(), nullable=True),
        sa.Column("registered_at", sa.DateTime(), nullable=False),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["cell_id"], ["organization.id"], name=op.f("fk_model_cell_entry_cell_id_organization")
        ),
        sa.ForeignKeyConstraint(
            ["registered_by"],
            ["app_user.id"],
            name=op.f("fk_model_cell_entry_registered_by_app_user"),
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["model_cell_round.id"],
            name=op.f("fk_model_cell_entry_round_id_model_cell_round"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_model_cell_entry")),
        sa.UniqueConstraint("round_id", "cell_id", name="uq_model_cell_entry"),
    )
    with op.batch_alter_table("model_cell_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_model_cell_entry_cell_id"), ["cell_id"], unique=False)

    op.create_table(
        "org_rating",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("sheet_status", sa.String(length=10), nullable=False),
        sa.Column("self_level", sa.String(length=10), nullable=True),
        sa.Column("self_score", sa.Integer(), nullable=True),
        sa.Column("level", sa.String(length=10), nullable=True),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("conditions_met", sa.Boolean(), nullable=False),
        sa.Column("exemplary", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organization.id"], name=op.f("fk_org_rating_org_id_organization")
        ),
        sa.ForeignKeyConstraint(
            ["period_id"], ["rating_period.id"], name=op.f("fk_org_rating_period_id_rating_period")
        ),
        sa.ForeignKeyConstraint(
            ["updated_by"], ["app_user.id"], name=op.f("fk_org_rating_updated_by_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_org_rating")),
        sa.UniqueConstraint("period_id", "org_id", name="uq_org_rating"),
    )
    with op.batch_alter_table("org_rating", schema=None) as batch_op:
        batch_op.create_index("ix_org_rating_org_id", ["org_id", "period_id"], unique=False)


def downgrade():
    with op.batch_alter_table("org_rating", schema=None) as batch_op:
        batch_op.drop_index("ix_org_rating_org_id")

    op.drop_table("org_rating")
    with op.batch_alter_table("model_cell_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_model_cell_entry_cell_id"))

    op.drop_table("model_cell_entry")
    with op.batch_alter_table("member_rating", schema=None) as batch_op:
        batch_op.drop_index("ix_member_rating_person")
        batch_op.drop_index("ix_member_rating_grassroots")
        batch_op.drop_index("ix_member_rating_cell")

    op.drop_table("member_rating")
    with op.batch_alter_table("rating_period", schema=None) as batch_op:
        batch_op.drop_index("ix_rating_period_ends_on")

    op.drop_table("rating_period")
    op.drop_table("model_cell_round")
