"""Party cards: the per-organization lists of members proposed for a card with their
recognition, and recording the cards once issued."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from states.spec import Role
from workflow.extensions import db
from workflow.models import CardIssuance, Organization, Person
from workflow.operations.cards import record_issued
from workflow.permissions import CASE_VIEW_ROLES
from workflow.store.errors import InvalidInput
from workflow.web import current_actor, requires

bp = Blueprint("cards", __name__, url_prefix="/cards")
RECORDERS = frozenset({Role.DEPARTMENT_STAFF})


def _visible_cards(status: str):
    actor = current_actor()
    return db.session.scalars(
        select(CardIssuance)
        .join(Person, Person.id == CardIssuance.person_id)
        .join(Organization, Organization.id == Person.cell_id)
        .where(actor.visible_filter(Organization.path), CardIssuance.status == status)
        .options(joinedload(CardIssuance.person))
        .order_by(CardIssuance.proposed_on)
    ).all()


@bp.route("/")
@requires(*CASE_VIEW_ROLES)
def index():
    status = "issued" if request.args.get("status") == "issued" else "proposed"
    groups: dict[int, list[CardIssuance]] = {}
    for card in _visible_cards(status):
        groups.setdefault(card.org_id, []).append(card)
    orgs = {
        o.id: o
        for o in db.session.scalars(
            select(Organization).where(Organization.id.in_(list(groups) or [0]))
        )
    }
    return render_template(
        "cards.html",
        groups=groups,
        orgs=orgs,
        status=status,
        can_record=current_actor().scope_for(RECORDERS, None) is not None,
    )


@bp.route("/<int:card_id>", methods=["POST"])
@requires(Role.DEPARTMENT_STAFF)
def record(card_id: int):
    if current_actor().scope_for(RECORDERS, None) is None:
        abort(403)
    try:
        record_issued(card_id, request.form.to_dict(), actor=current_actor())
    except InvalidInput as exc:
        flash(" ".join(exc.errors.values()), "error")
    else:
        flash("Đã ghi số thẻ đảng viên.", "success")
    return redirect(url_for("cards.index"))
