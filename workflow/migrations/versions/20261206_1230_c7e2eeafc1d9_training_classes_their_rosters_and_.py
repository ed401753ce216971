"""training classes, their rosters and certificates; print jobs of other kinds than a meeting

A class is a record of its own (kind, organizer, dates, place, opening decision) with a roster
of trainees, their attendance and results; a certificate may now name the class that issued
it. Certificates recorded before (typed into an admission or probation case) keep their
number, date and issuer and stay as they were, without a class: the procedures read them as
before. A print job says what it prints (a meeting's decisions, or a class's certificates).

Revision ID: c7e2eeafc1d9
Revises: 3c9e4b7a2d61
Create Date: 2026-12-06 12:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c7e2eeafc1d9"
down_revision = "3c9e4b7a2d61"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "training_class",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("organizer_id", sa.Integer(), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("opening_decision", sa.String(length=80), nullable=False),
        sa.Column("certificate_issuer", sa.String(length=200), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["app_user.id"], name=op.f("fk_training_class_created_by_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["organizer_id"],
            ["organization.id"],
            name=op.f("fk_training_class_organizer_id_organization"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_class")),
    )
    with op.batch_alter_table("training_class", schema=None) as batch_op:
        batch_op.create_index("ix_training_class_ends_on", ["ends_on", "id"], unique=False)
        batch_op.create_index(
            "ix_training_class_kind_ends_on", ["kind", "ends_on", "id"], unique=False
        )
        batch_op.create_index(
            "ix_training_class_organizer_ends_on", ["organizer_id", "ends_on", "id"], unique=False
        )

    op.create_table(
        "training_roster_upload",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("committed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["class_id"],
            ["training_class.id"],
            name=op.f("fk_training_roster_upload_class_id_training_class"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"], name=op.f("fk_training_roster_upload_user_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_roster_upload")),
    )
    with op.batch_alter_table("training_roster_upload", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_training_roster_upload_class_id"), ["class_id"], unique=False
        )

    op.create_table(
        "training_enrollment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("sent_by_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("position", sa.String(length=20), nullable=False),
        sa.Column("attendance", sa.String(length=10), nullable=True),
        sa.Column("result", sa.String(length=10), nullable=True),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.Column("certificate_id", sa.Integer(), nullable=True),
        sa.Column("added_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["added_by"], ["app_user.id"], name=op.f("fk_training_enrollment_added_by_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["certificate_id"],
            ["certificate.id"],
            name=op.f("fk_training_enrollment_certificate_id_certificate"),
        ),
        sa.ForeignKeyConstraint(
            ["class_id"],
            ["training_class.id"],
            name=op.f("fk_training_enrollment_class_id_training_class"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_training_enrollment_person_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["sent_by_id"],
            ["organization.id"],
            name=op.f("fk_training_enrollment_sent_by_id_organization"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_enrollment")),
        sa.UniqueConstraint("class_id", "person_id", name="uq_training_enrollment_person"),
    )
    with op.batch_alter_table("training_enrollment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_training_enrollment_person_id"), ["person_id"], unique=False
        )

    with op.batch_alter_table("certificate", schema=None) as batch_op:
        batch_op.add_column(sa.Column("class_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_certificate_class_id"), ["class_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_certificate_class_id_training_class"),
            "training_class",
            ["class_id"],
            ["id"],
        )

    with op.batch_alter_table("print_job", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=20), server_default="meeting", nullable=False)
        )
        batch_op.add_column(sa.Column("subject_id", sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table("print_job", schema=None) as batch_op:
        batch_op.drop_column("subject_id")
        batch_op.drop_column("kind")

    with op.batch_alter_table("certificate", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_certificate_class_id_training_class"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_certificate_class_id"))
        batch_op.drop_column("class_id")

    with op.batch_alter_table("training_enrollment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_training_enrollment_person_id"))

    op.drop_table("training_enrollment")
    with op.batch_alter_table("training_roster_upload", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_training_roster_upload_class_id"))

    op.drop_table("training_roster_upload")
    with op.batch_alter_table("training_class", schema=None) as batch_op:
        batch_op.drop_index("ix_training_class_organizer_ends_on")
        batch_op.drop_index("ix_training_class_kind_ends_on")
        batch_op.drop_index("ix_training_class_ends_on")

    op.drop_table("training_class")
