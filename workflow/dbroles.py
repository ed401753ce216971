"""The PostgreSQL role the application connects as: it owns nothing.

The migrations run as the schema's owner; the application connects as another role that may
read and write the tables' rows but not alter a table, disable a trigger or truncate, and may
neither update nor delete the rows kept as written: audit rows, the log of sensitive reads and
the records of uploaded scans (whose withdrawal is an update), nor change a stored file (an
unused one is deleted by the daily sweep). Issued decisions are kept by their triggers, which
only the owner could disable (drafts are rewritten and deleted).

Nor may the role create objects of its own in the schema: PostgreSQL 15 gives ``CREATE`` on
``public`` to the database's owner only, but up to 14 every role has it through ``PUBLIC``,
which only the schema's owner (there the server's superuser) can take back. ``can_create``
tells whether the role still has it, for the grants to refuse to finish while it does.
"""

from __future__ import annotations

import re

#: table → the privileges the application's role does not get on it
WITHHELD: dict[str, tuple[str, ...]] = {
    "audit_log": ("UPDATE", "DELETE"),
    "access_log": ("UPDATE", "DELETE"),
    "attachment": ("DELETE",),
    "stored_file": ("UPDATE",),
    "alembic_version": ("INSERT", "UPDATE", "DELETE"),
}

_ROLE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def grant_statements(role: str) -> list[str]:
    """What the owner runs (after every migration: new tables need their grants) to let
    ``role`` use the schema as the application does and no further."""
    if not _ROLE.match(role):
        raise ValueError(f"invalid role name: {role!r}")
    statements = [
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {role}",
        f"REVOKE CREATE ON SCHEMA public FROM {role}",
        f"GRANT USAGE ON SCHEMA public TO {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
    ]
    for table, privileges in WITHHELD.items():
        # alembic_version exists only where the migrations built the schema
        statements.append(
            f"DO $$ BEGIN IF to_regclass('public.{table}') IS NOT NULL THEN "
            f"REVOKE {', '.join(privileges)} ON {table} FROM {role}; END IF; END $$"
        )
    return statements


#: true while the role may create objects in the schema (given to it or to ``PUBLIC``)
CAN_CREATE = "SELECT has_schema_privilege(CAST(:role AS text), 'public', 'CREATE')"

#: what the server's superuser runs, once, where ``PUBLIC`` still has ``CREATE`` (up to 14)
SCHEMA_FIX = "ALTER SCHEMA public OWNER TO {owner}; REVOKE CREATE ON SCHEMA public FROM PUBLIC"
