"""party badge rounds and the card path

A badge round (an anniversary of a year) holds the members it proposes, per organization, with
how each was dealt with up to the hand-over. A card record now says whether it is a new card or
a lost or damaged one to re-issue, with the self-review, the photos, the decision and the date
of each step; the cards recorded before are new cards, their dates kept as they were.

Revision ID: b4d9e2a61c05
Revises: 5e8a1c3d7b92
Create Date: 2026-12-06 16:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b4d9e2a61c05"
down_revision = "5e8a1c3d7b92"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "badge_round",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occasion", sa.String(length=10), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("round_on", sa.Date(), nullable=False),
        sa.Column("since_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("compiled_on", sa.Date(), nullable=True),
        sa.Column("decision_number", sa.String(length=80), nullable=False),
        sa.Column("decision_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_badge_round")),
        sa.UniqueConstraint("occasion", "year", name="uq_badge_round_occasion_year"),
    )
    with op.batch_alter_table("badge_round", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_badge_round_round_on"), ["round_on"], unique=False)

    op.create_table(
        "badge_award",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("cell_id", sa.Integer(), nullable=False),
        sa.Column("sort_key", sa.String(length=200), nullable=False),
        sa.Column("years", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("reached_on", sa.Date(), nullable=False),
        sa.Column("party_age_months", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("held_until", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("needs_review", sa.Boolean(), nullable=False),
        sa.Column("declaration_on", sa.Date(), nullable=True),
        sa.Column("confirmed_on", sa.Date(), nullable=True),
        sa.Column("sent_on", sa.Date(), nullable=True),
        sa.Column("badge_number", sa.String(length=40), nullable=False),
        sa.Column("handed_on", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cell_id"], ["organization.id"], name=op.f("fk_badge_award_cell_id_organization")
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organization.id"], name=op.f("fk_badge_award_org_id_organization")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_badge_award_person_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["round_id"], ["badge_round.id"], name=op.f("fk_badge_award_round_id_badge_round")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_badge_award")),
        sa.UniqueConstraint(
            "round_id", "person_id", "years", "kind", name="uq_badge_award_round_person"
        ),
    )
    with op.batch_alter_table("badge_award", schema=None) as batch_op:
        batch_op.create_index("ix_badge_award_person_years", ["person_id", "years"], unique=False)
        batch_op.create_index(
            "ix_badge_award_round_cell", ["round_id", "cell_id", "sort_key", "id"], unique=False
        )
        batch_op.create_index(
            "ix_badge_award_round_org", ["round_id", "org_id", "sort_key", "id"], unique=False
        )
        batch_op.create_index(
            "ix_badge_award_round_sort", ["round_id", "sort_key", "id"], unique=False
        )

    with op.batch_alter_table("card_issuance", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=10), nullable=False, server_default=sa.text("'new'"))
        )
        batch_op.add_column(
            sa.Column("reason", sa.Text(), nullable=False, server_default=sa.text("''"))
        )
        batch_op.add_column(
            sa.Column(
                "old_card_number",
                sa.String(length=20),
                nullable=False,
                server_default=sa.text("''"),
            )
        )
        batch_op.add_column(
            sa.Column("photos", sa.Integer(), nullable=False, server_default=sa.text("'0'"))
        )
        batch_op.add_column(
            sa.Column(
                "decision_number",
                sa.String(length=80),
                nullable=False,
                server_default=sa.text("''"),
            )
        )
        batch_op.add_column(
            sa.Column("step_dates", sa.Text(), nullable=False, server_default=sa.text("'{}'"))
        )
        batch_op.add_column(
            sa.Column("version", sa.Integer(), nullable=False, server_default=sa.text("'1'"))
        )
        batch_op.add_column(
            sa.Column(
                "generation", sa.String(length=10), nullable=False, server_default=sa.text("'old'")
            )
        )
        batch_op.add_column(sa.Column("electronic_on", sa.Date(), nullable=True))
        batch_op.alter_column(
            "status",
            existing_type=sa.VARCHAR(length=10),
            type_=sa.String(length=20),
            existing_nullable=False,
        )
        batch_op.create_index(
            batch_op.f("ix_card_issuance_card_number"), ["card_number"], unique=False
        )
        batch_op.create_index(
            "ix_card_issuance_status_proposed", ["status", "proposed_on", "id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("card_issuance", schema=None) as batch_op:
        batch_op.drop_index("ix_card_issuance_status_proposed")
        batch_op.drop_index(batch_op.f("ix_card_issuance_card_number"))
        batch_op.alter_column(
            "status",
            existing_type=sa.String(length=20),
            type_=sa.VARCHAR(length=10),
            existing_nullable=False,
        )
        batch_op.drop_column("electronic_on")
        batch_op.drop_column("generation")
        batch_op.drop_column("version")
        batch_op.drop_column("step_dates")
        batch_op.drop_column("decision_number")
        batch_op.drop_column("photos")
        batch_op.drop_column("old_card_number")
        batch_op.drop_column("reason")
        batch_op.drop_column("kind")

    with op.batch_alter_table("badge_award", schema=None) as batch_op:
        batch_op.drop_index("ix_badge_award_round_sort")
        batch_op.drop_index("ix_badge_award_round_org")
        batch_op.drop_index("ix_badge_award_round_cell")
        batch_op.drop_index("ix_badge_award_person_years")

    op.drop_table("badge_award")
    with op.batch_alter_table("badge_round", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_badge_round_round_on"))

    op.drop_table("badge_round")
