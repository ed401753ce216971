"""people searched through a word index on SQLite

On SQLite a search of people read every row of the list; an FTS5 table over the name's search
key and the citizen ID, kept in step by triggers, now finds the candidates (filled here from
the people already written). PostgreSQL keeps its trigram indexes: nothing changes there.

Revision ID: 3acfdb612353
Revises: 5e8b2d4f7a13
Create Date: 2026-12-06 17:10:00

"""

from alembic import op

from workflow.models.search import create_statements, drop_statements

# revision identifiers, used by Alembic.
revision = "3acfdb612353"
down_revision = "5e8b2d4f7a13"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != "sqlite":
        return
    for statement in create_statements():
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name != "sqlite":
        return
    for statement in drop_statements():
        op.execute(statement)
