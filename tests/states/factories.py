"""Plain builders of the frozen facts the admission guards read (no database)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from states.facts import (
    AdmissionFacts,
    CertificateFacts,
    OrgFacts,
    PersonFacts,
    SponsorFacts,
    VerificationFacts,
)
from states.rules import rules_on
from states.spec import GuardContext

MEETING = date(2026, 6, 15)

ALL_DOCUMENTS = frozenset(
    {
        "awareness_certificate",
        "application",
        "biography",
        "sponsor_letter",
        "opinions",
        "verification_request",
        "cell_resolution",
        "subcommittee_report",
        "grassroots_resolution",
    }
)


def person(**overrides: Any) -> PersonFacts:
    base = PersonFacts(
        id=100,
        full_name="Nguyễn Thị Hằng",
        birth_date=date(1998, 4, 2),
        sex="female",
        education="university",
        member_status="none",
    )
    return replace(base, **overrides)


def sponsor(**overrides: Any) -> SponsorFacts:
    base = SponsorFacts(
        person_id=1,
        full_name="Trần Văn An",
        official_since=date(2010, 3, 1),
        together_since=date(2020, 1, 1),
        replacement=False,
        same_grassroots=True,
    )
    return replace(base, **overrides)


def org(**overrides: Any) -> OrgFacts:
    base = OrgFacts(
        cell_id=10,
        cell_kind="cell",
        is_grassroots_cell=False,
        has_subcommittee=False,
        grassroots_authorized=False,
    )
    return replace(base, **overrides)


def admission_facts(**overrides: Any) -> AdmissionFacts:
    """A case that satisfies every admission guard on ``MEETING``; override what a test needs."""
    base = AdmissionFacts(
        today=MEETING,
        state="awaiting_cell_meeting",
        person=person(),
        org=org(),
        certificate=CertificateFacts(number="15/GCN", issued_on=date(2025, 3, 10)),
        sponsor_route="two_members",
        sponsors=(
            sponsor(),
            sponsor(person_id=2, full_name="Lê Thị Bình", official_since=date(2015, 7, 1)),
        ),
        documents=ALL_DOCUMENTS,
        verification=VerificationFacts(total=2, answered=2, concerns=0),
        paused_from=None,
        last_event_date=date(2026, 6, 1),
        decision_received_on=None,
        ceremony_due=None,
        late_ceremony_approved=False,
        decision_extension_used=0,
        proposer_id=None,
        actor_id=None,
    )
    return replace(base, **overrides)


def context(
    facts: AdmissionFacts | None = None,
    event_date: date = MEETING,
    payload: dict[str, Any] | None = None,
) -> GuardContext:
    facts = facts if facts is not None else admission_facts()
    return GuardContext(facts, event_date, payload, rules_on(event_date))
