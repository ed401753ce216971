"""Party cards proposed with recognition, and recorded when issued."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from states.fields import parse_date
from workflow.clock import today
from workflow.extensions import db
from workflow.models import CardIssuance, Person
from workflow.permissions import Actor
from workflow.store import audit
from workflow.store.errors import InvalidInput, NotFound
from workflow.store.uow import transactional


@transactional
def record_issued(card_id: int, raw: Mapping[str, Any], *, actor: Actor) -> None:
    """Record the number and date of an issued card (``raw``: card_number, issued_on)."""
    card = db.session.get(CardIssuance, card_id, with_for_update=True, populate_existing=True)
    if card is None:
        raise NotFound()
    errors = {}
    number = re.sub(r"\s", "", str(raw.get("card_number") or ""))
    if not re.fullmatch(r"\d{8}", number):
        errors["card_number"] = "Số thẻ đảng viên gồm 8 chữ số."
    elif db.session.scalars(
        select(Person.id).where(Person.card_number == number, Person.id != card.person_id)
    ).first():
        errors["card_number"] = "Số thẻ này đã cấp cho người khác."
    try:
        issued_on = parse_date(raw.get("issued_on") or "")
        if issued_on > today() or issued_on < card.proposed_on:
            errors["issued_on"] = "Ngày cấp phải từ ngày đề nghị đến hôm nay."
    except ValueError as exc:
        errors["issued_on"] = str(exc)
    if card.status != "proposed":
        errors["card_number"] = "Thẻ này đã được ghi cấp."
    if errors:
        raise InvalidInput(errors)
    card.card_number, card.issued_on, card.status = number, issued_on, "issued"
    db.session.get(Person, card.person_id).card_number = number
    audit.append(
        actor=actor,
        subject_type="person",
        subject_id=card.person_id,
        action="card.issued",
        event_date=issued_on,
        payload={"card_number": number, "card": card.id},
        person_id=card.person_id,
    )
