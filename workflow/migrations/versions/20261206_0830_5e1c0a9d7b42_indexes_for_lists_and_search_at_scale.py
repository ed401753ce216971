"""indexes for lists and search at a province's scale

The open cases (a tenth of a million) get their own indexes, in the case list's order and by
step; the open deadlines theirs by due date and by case; the documents page its order; and on
PostgreSQL a search reads trigram indexes (pg_trgm) on the name key and the citizen ID instead
of walking the whole list of people.

Revision ID: 5e1c0a9d7b42
Revises: bfc36738c5d8
Create Date: 2026-12-06 08:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5e1c0a9d7b42"
down_revision = "bfc36738c5d8"
branch_labels = None
depends_on = None

OPEN_CASE = sa.text("closed_at IS NULL")
OPEN_DEADLINE = sa.text("status = 'open'")


def upgrade():
    partial = {}
    for where in (OPEN_CASE, OPEN_DEADLINE):
        partial[where] = {"postgresql_where": where, "sqlite_where": where}
    op.create_index(
        "ix_case_open_last_event", "membership_case", ["last_event_on", "id"], **partial[OPEN_CASE]
    )
    op.create_index(
        "ix_case_open_state", "membership_case", ["procedure", "state"], **partial[OPEN_CASE]
    )
    op.create_index("ix_deadline_open_due", "deadline", ["due_on", "id"], **partial[OPEN_DEADLINE])
    op.create_index(
        "ix_deadline_open_case", "deadline", ["case_id", "due_on"], **partial[OPEN_DEADLINE]
    )
    op.create_index("ix_decision_list", "decision", ["decided_on", "id"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.create_index(
            "ix_person_search_trgm",
            "person",
            ["search_key"],
            postgresql_using="gin",
            postgresql_ops={"search_key": "gin_trgm_ops"},
        )
        op.create_index(
            "ix_person_citizen_id_trgm",
            "person",
            ["citizen_id"],
            postgresql_using="gin",
            postgresql_ops={"citizen_id": "gin_trgm_ops"},
        )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_person_citizen_id_trgm", table_name="person")
        op.drop_index("ix_person_search_trgm", table_name="person")
    op.drop_index("ix_decision_list", table_name="decision")
    op.drop_index("ix_deadline_open_case", table_name="deadline")
    op.drop_index("ix_deadline_open_due", table_name="deadline")
    op.drop_index("ix_case_open_state", table_name="membership_case")
    op.drop_index("ix_case_open_last_event", table_name="membership_case")
