"""Rows the database itself keeps as they were written, whoever connects: triggers on SQLite
and PostgreSQL built from one description, used by the models (``after_create``) and by the
migrations, which pass their own column lists."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import DDL, Table, event


@dataclass(frozen=True)
class FrozenRows:
    """``table``'s rows that ``closed`` selects (an SQL condition on ``OLD``; None: every row)
    keep their ``frozen`` columns and are never deleted; their ``once`` columns may still be
    filled in while ``open_once`` holds (the condition on ``OLD`` of a row whose file is not
    recorded yet), and never after. ``deletable``: rows are never changed but may be deleted."""

    name: str
    table: str
    frozen: Sequence[str]
    message: str
    closed: str | None = None
    once: Sequence[str] = ()
    open_once: str | None = None
    deleted_message: str = ""
    deletable: bool = False

    def _changed(self, differs: Callable[[str], str]) -> str:
        terms = [differs(c) for c in self.frozen]
        if self.once:
            later = " OR ".join(differs(c) for c in self.once)
            terms.append(f"(NOT ({self.open_once}) AND ({later}))")
        return " OR ".join(terms)

    @property
    def _deleted(self) -> str:
        return self.deleted_message or self.message

    def sqlite(self) -> list[str]:
        closed = f"{self.closed} AND " if self.closed else ""
        changed = self._changed(lambda c: f"NEW.{c} IS NOT OLD.{c}")
        when_deleted = f" WHEN {self.closed}" if self.closed else ""
        frozen = (
            f"CREATE TRIGGER {self.name}_frozen BEFORE UPDATE ON {self.table} "
            f"WHEN {closed}({changed}) BEGIN SELECT RAISE(ABORT, '{self.message}'); END"
        )
        if self.deletable:
            return [frozen]
        return [
            frozen,
            f"CREATE TRIGGER {self.name}_kept BEFORE DELETE ON {self.table}{when_deleted} "
            f"BEGIN SELECT RAISE(ABORT, '{self._deleted}'); END",
        ]

    def postgresql(self) -> list[str]:
        closed = self.closed or "TRUE"
        deleted = "FALSE" if self.deletable else closed
        changed = self._changed(lambda c: f"NEW.{c} IS DISTINCT FROM OLD.{c}")
        return [
            f"CREATE OR REPLACE FUNCTION {self.name}_frozen() RETURNS trigger AS $$ BEGIN "
            f"IF TG_OP = 'DELETE' THEN IF {deleted} THEN "
            f"RAISE EXCEPTION '{self._deleted}'; END IF; RETURN OLD; END IF; "
            f"IF {closed} AND ({changed}) THEN RAISE EXCEPTION '{self.message}'; END IF; "
            "RETURN NEW; END $$ LANGUAGE plpgsql",
            f"CREATE TRIGGER {self.name}_frozen BEFORE UPDATE OR DELETE ON {self.table} "
            f"FOR EACH ROW EXECUTE FUNCTION {self.name}_frozen()",
        ]

    def statements(self, dialect: str) -> list[str]:
        return self.postgresql() if dialect == "postgresql" else self.sqlite()

    def drop(self, dialect: str) -> list[str]:
        if dialect == "postgresql":
            return [
                f"DROP TRIGGER IF EXISTS {self.name}_frozen ON {self.table}",
                f"DROP FUNCTION IF EXISTS {self.name}_frozen()",
            ]
        return [
            f"DROP TRIGGER IF EXISTS {self.name}_frozen",
            f"DROP TRIGGER IF EXISTS {self.name}_kept",
        ]

    def install(self, table: Table) -> None:
        """Create the triggers with the table (the tests' and a new database's schema)."""
        for dialect in ("sqlite", "postgresql"):
            for stmt in self.statements(dialect):
                event.listen(table, "after_create", DDL(stmt).execute_if(dialect=dialect))
