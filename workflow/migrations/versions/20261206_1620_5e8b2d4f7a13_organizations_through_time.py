"""organizations through time: dated identities, events, committee terms and posts

An organization's name, abbreviation, kind and parent are kept by date (org_version; the upper
committee's own rows have no organization). Organizations entered before have no version rows
and read as their own row says on every day, so nothing is copied here. Events of the tree
(establish, merge, …) cite the numbered decision that made them; committees may have their own
congress terms (numbering restarts) and posts held by date.

Revision ID: 5e8b2d4f7a13
Revises: a9d4e2c7b815
Create Date: 2026-12-06 15:45:12.893064

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5e8b2d4f7a13"
down_revision = "a9d4e2c7b815"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "committee_term",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("label", sa.String(length=60), nullable=False),
        sa.Column("working_rules", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organization.id"], name=op.f("fk_committee_term_org_id_organization")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_committee_term")),
    )
    with op.batch_alter_table("committee_term", schema=None) as batch_op:
        batch_op.create_index("ix_committee_term_org", ["org_id", "starts_on"], unique=False)

    op.create_table(
        "committee_post",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=True),
        sa.Column("post", sa.String(length=30), nullable=False),
        sa.Column("holder_name", sa.String(length=100), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("decision_id", sa.Integer(), nullable=True),
        sa.Column("ended_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["decision.id"], name=op.f("fk_committee_post_decision_id_decision")
        ),
        sa.ForeignKeyConstraint(
            ["ended_by_id"], ["decision.id"], name=op.f("fk_committee_post_ended_by_id_decision")
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organization.id"], name=op.f("fk_committee_post_org_id_organization")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_committee_post_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_committee_post")),
    )
    with op.batch_alter_table("committee_post", schema=None) as batch_op:
        batch_op.create_index("ix_committee_post_org", ["org_id", "valid_from"], unique=False)

    op.create_table(
        "org_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=True),
        sa.Column("target_id", sa.Integer(), nullable=True),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=True),
        sa.Column("external_reference", sa.String(length=200), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["decision.id"], name=op.f("fk_org_event_decision_id_decision")
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organization.id"], name=op.f("fk_org_event_org_id_organization")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"], ["app_user.id"], name=op.f("fk_org_event_recorded_by_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["target_id"], ["organization.id"], name=op.f("fk_org_event_target_id_organization")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_org_event")),
    )
    with op.batch_alter_table("org_event", schema=None) as batch_op:
        batch_op.create_index("ix_org_event_date", ["effective_on", "id"], unique=False)
        batch_op.create_index("ix_org_event_org", ["org_id", "effective_on"], unique=False)

    op.create_table(
        "org_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("abbreviation", sa.String(length=20), nullable=True),
        sa.Column("kind", sa.String(length=30), nullable=True),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("superior_name", sa.String(length=200), nullable=True),
        sa.Column("party_name", sa.String(length=200), nullable=True),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"], ["org_event.id"], name=op.f("fk_org_version_event_id_org_event")
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organization.id"], name=op.f("fk_org_version_org_id_organization")
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["organization.id"], name=op.f("fk_org_version_parent_id_organization")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_org_version")),
    )
    with op.batch_alter_table("org_version", schema=None) as batch_op:
        batch_op.create_index("ix_org_version_org", ["org_id", "valid_from"], unique=False)
        batch_op.create_index("ix_org_version_parent", ["parent_id"], unique=False)


def downgrade():
    with op.batch_alter_table("org_version", schema=None) as batch_op:
        batch_op.drop_index("ix_org_version_parent")
        batch_op.drop_index("ix_org_version_org")

    op.drop_table("org_version")
    with op.batch_alter_table("org_event", schema=None) as batch_op:
        batch_op.drop_index("ix_org_event_org")
        batch_op.drop_index("ix_org_event_date")

    op.drop_table("org_event")
    with op.batch_alter_table("committee_post", schema=None) as batch_op:
        batch_op.drop_index("ix_committee_post_org")

    op.drop_table("committee_post")
    with op.batch_alter_table("committee_term", schema=None) as batch_op:
        batch_op.drop_index("ix_committee_term_org")

    op.drop_table("committee_term")
