"""The options a transition's member and record fields offer for one case (web forms and API)."""

from __future__ import annotations

from sqlalchemy import select

from states.dates import vn_date
from states.fields import Field
from workflow.clock import today
from workflow.extensions import db
from workflow.membership import members_on
from workflow.models import Case, Organization
from workflow.models.orgs import CELL_KINDS, in_tree_order
from workflow.permissions import receiving_org


def field_choices(case: Case, fields: tuple[Field, ...]) -> dict[str, list[tuple[str, str]]]:
    """Options of member and record fields, limited to what the case may reference."""
    choices: dict[str, list[tuple[str, str]]] = {}

    def walk(fs):
        for f in fs:
            if f.kind == "rows":
                walk(f.rows)
            elif f.kind == "member" and f.name not in choices:
                root = f"/{case.cell.ancestor_ids()[0]}/"
                choices[f.name] = [
                    (str(p.id), f"{p.full_name} – {p.cell.name}")
                    for p in members_on(root, today())
                    if p.id != case.person_id
                ]
            elif f.kind == "ref" and f.name == "cell":
                receiving = receiving_org(case)
                choices[f.name] = [
                    (str(o.id), o.label)
                    for o in in_tree_order(
                        db.session.scalars(
                            select(Organization).where(
                                Organization.path.startswith(receiving.path if receiving else "-"),
                                Organization.kind.in_(CELL_KINDS),
                                Organization.active.is_(True),
                            )
                        )
                    )
                ]
            elif f.kind == "ref" and f.name == "signed_by":
                from workflow.engine.transfer_effects import letter_signers

                choices[f.name] = [
                    (str(s.user_id), f"{s.title.capitalize()} {s.name}")
                    for s in letter_signers(case)
                ]
            elif f.kind == "ref" and f.name == "request":
                choices[f.name] = [
                    (str(r.id), f"{r.subject} – {r.addressee} (gửi {vn_date(r.sent_on)})")
                    for r in case.verification_requests
                    if r.answered_on is None
                ]

    walk(fields)
    return choices
