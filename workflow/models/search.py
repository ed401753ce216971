"""SQLite's word index of people: an FTS5 table over the name's search key and the citizen ID,
kept in step with ``person`` by triggers (PostgreSQL searches through its trigram indexes).

What a person's row is indexed as: the search key with each exact form marked by "=" (so a
folded word and an exact form are different words: " nguyen =nguyên3 thi =thi5 "), then the
citizen ID reversed behind "#" (its end is then the start of a word: "#4321…"). The
tokenizer keeps marks (``remove_diacritics 0``) and counts "=" and "#" as letters, so a search
(``states.text.SearchTerms.index_query``) asks for a folded word's prefix, an exact form's
whole word or the reversed ID's prefix, exactly as the plain test does; the search keeps the
plain test as well, on the few rows the index finds.

The table is contentless (it stores no copy of the key): a row is removed from it by telling
it the text it was indexed with, which the triggers compute from the old row. Rebuilding the
``person`` table (``batch_alter_table`` on SQLite) drops its triggers: such a migration must
install them again (tests/test_migrations.py compares them with a new schema's).
"""

from __future__ import annotations

from sqlalchemy import DDL, Integer, Table, Text, column, event, table

#: the index, and the names of the tables SQLite keeps it in (not the models' tables)
FTS_TABLE = "person_fts"
FTS_SHADOWS = tuple(f"{FTS_TABLE}_{part}" for part in ("data", "idx", "docsize", "config"))

#: the index as a table to query: ``person_fts.c.terms.match(...)``, rowid = person.id
person_fts = table(FTS_TABLE, column("rowid", Integer), column("terms", Text))

_TOKENIZER = "unicode61 remove_diacritics 0 tokenchars '=#'"


def _indexed(row: str) -> str:
    """The text a row (NEW or OLD) is indexed as, in SQL."""
    reversed_id = " || ".join(f"substr({row}.citizen_id, -{i}, 1)" for i in range(1, 13))
    return f"replace({row}.search_key, ':', ' =') || ' #' || {reversed_id}"


def _add(row: str) -> str:
    return f"INSERT INTO {FTS_TABLE} (rowid, terms) VALUES ({row}.id, {_indexed(row)});"  # noqa: S608 (constants)


def _remove(row: str) -> str:
    into = f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rowid, terms)"
    return f"{into} VALUES ('delete', {row}.id, {_indexed(row)});"


def create_statements() -> list[str]:
    """The index, its triggers, and the people already written (none for a new table)."""
    return [
        f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(terms, content='', columnsize=0, "
        f"prefix='2 3', tokenize=\"{_TOKENIZER}\")",
        f"CREATE TRIGGER {FTS_TABLE}_insert AFTER INSERT ON person BEGIN {_add('NEW')} END",
        f"CREATE TRIGGER {FTS_TABLE}_delete AFTER DELETE ON person BEGIN {_remove('OLD')} END",
        f"CREATE TRIGGER {FTS_TABLE}_update AFTER UPDATE OF id, search_key, citizen_id ON person "
        f"BEGIN {_remove('OLD')} {_add('NEW')} END",
        f"INSERT INTO {FTS_TABLE} (rowid, terms) SELECT id, {_indexed('person')} FROM person",  # noqa: S608
    ]


def drop_statements() -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {FTS_TABLE}_update",
        f"DROP TRIGGER IF EXISTS {FTS_TABLE}_delete",
        f"DROP TRIGGER IF EXISTS {FTS_TABLE}_insert",
        f"DROP TABLE IF EXISTS {FTS_TABLE}",
    ]


def is_index_table(name: str) -> bool:
    """A table of the index (the comparison of models and database leaves them out)."""
    return name == FTS_TABLE or name in FTS_SHADOWS


def install(person: Table) -> None:
    """Create the index with the ``person`` table on SQLite, drop it with the table."""
    for stmt in create_statements():
        event.listen(person, "after_create", DDL(stmt).execute_if(dialect="sqlite"))
    for stmt in drop_statements():
        event.listen(person, "after_drop", DDL(stmt).execute_if(dialect="sqlite"))
