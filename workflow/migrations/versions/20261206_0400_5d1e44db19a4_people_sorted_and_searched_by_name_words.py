"""people listed in Vietnamese alphabetical order and found by the words of their name

``sort_key`` orders people by given name, family name, then middle names, in the Vietnamese
alphabet (indexed alone, and after ``cell_id``, which replaces the index on ``cell_id``);
``search_key`` becomes the name's words without and with their marks (it was the
whole name folded). Both are computed from each name by ``states.text``, here as in the
application.

Revision ID: 5d1e44db19a4
Revises: 5bf586ad3ab0
Create Date: 2026-12-06 04:00:00

"""

import sqlalchemy as sa
from alembic import op

from states.text import fold, name_search_key, name_sort_key

# revision identifiers, used by Alembic.
revision = "5d1e44db19a4"
down_revision = "5bf586ad3ab0"
branch_labels = None
depends_on = None

PERSON = sa.table(
    "person",
    sa.column("id", sa.Integer),
    sa.column("full_name", sa.String),
    sa.column("search_key", sa.String),
    sa.column("sort_key", sa.String),
)
CHUNK = 1000


def _rewrite_keys(keys) -> None:
    """Set the keys of every person from their name, a chunk of people at a time."""
    conn = op.get_bind()
    update = (
        sa.update(PERSON)
        .where(PERSON.c.id == sa.bindparam("person_id"))
        .values({name: sa.bindparam(f"new_{name}") for name in keys})
    )
    last = 0
    while True:
        rows = conn.execute(
            sa.select(PERSON.c.id, PERSON.c.full_name)
            .where(PERSON.c.id > last)
            .order_by(PERSON.c.id)
            .limit(CHUNK)
        ).all()
        if not rows:
            return
        conn.execute(
            update,
            [
                {"person_id": pid, **{f"new_{k}": f(name) for k, f in keys.items()}}
                for pid, name in rows
            ],
        )
        last = rows[-1].id


def upgrade():
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_index("ix_person_search_key")
        batch_op.alter_column(
            "search_key", existing_type=sa.String(length=100), type_=sa.String(length=260)
        )
        batch_op.add_column(sa.Column("sort_key", sa.String(length=210), nullable=True))
    _rewrite_keys({"search_key": name_search_key, "sort_key": name_sort_key})
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.alter_column("sort_key", existing_type=sa.String(length=210), nullable=False)
        batch_op.create_index("ix_person_sort_key", ["sort_key", "id"], unique=False)
        batch_op.create_index(
            "ix_person_cell_id_sort_key", ["cell_id", "sort_key", "id"], unique=False
        )
        batch_op.drop_index("ix_person_cell_id")


def downgrade():
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.create_index("ix_person_cell_id", ["cell_id"], unique=False)
        batch_op.drop_index("ix_person_cell_id_sort_key")
        batch_op.drop_index("ix_person_sort_key")
        batch_op.drop_column("sort_key")
    _rewrite_keys({"search_key": fold})
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.alter_column(
            "search_key", existing_type=sa.String(length=260), type_=sa.String(length=100)
        )
        batch_op.create_index("ix_person_search_key", ["search_key"], unique=False)
