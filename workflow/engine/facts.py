"""Build the frozen facts a procedure's guards read, from the database."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from states.facts import (
    AdmissionFacts,
    CertificateFacts,
    OrgFacts,
    PersonFacts,
    ProbationFacts,
    SponsorFacts,
    TransferFacts,
    VerificationFacts,
)
from workflow.extensions import db
from workflow.models import Case, Certificate, Organization
from workflow.permissions import Actor


def org_facts(cell: Organization) -> OrgFacts:
    ids = cell.ancestor_ids()
    root = cell if len(ids) == 1 else db.session.get(Organization, ids[0])
    return OrgFacts(
        cell_id=cell.id,
        cell_kind=cell.kind,
        is_grassroots_cell=cell.kind == "grassroots_cell",
        has_subcommittee=len(ids) == 3,
        grassroots_authorized=bool(
            root is not None and root.kind == "grassroots_committee" and root.authorized_to_admit
        ),
    )


def awareness_certificate(person_id: int) -> Certificate | None:
    return db.session.scalars(
        select(Certificate)
        .where(Certificate.person_id == person_id, Certificate.kind == "awareness")
        .order_by(Certificate.issued_on.desc(), Certificate.id.desc())
        .limit(1)
    ).first()


def person_facts(person) -> PersonFacts:
    return PersonFacts(
        id=person.id,
        full_name=person.full_name,
        birth_date=person.birth_date,
        sex=person.sex,
        education=person.education,
        member_status=person.member_status,
    )


def grassroots_root_id(org: Organization) -> int:
    return org.ancestor_ids()[0]


def admission_facts(case: Case, actor: Actor | None, today: date) -> AdmissionFacts:
    person = case.person
    cert = awareness_certificate(person.id)
    documents = {item.purpose for item in case.documents}
    if cert is not None:
        documents.add("awareness_certificate")
    root_id = grassroots_root_id(case.cell)
    sponsors = tuple(
        SponsorFacts(
            person_id=s.person_id,
            full_name=s.person.full_name,
            official_since=s.person.official_on if s.person.member_status == "official" else None,
            together_since=s.together_since,
            replacement=s.replacement,
            same_grassroots=grassroots_root_id(s.person.cell) == root_id,
            introduced_on=s.introduced_on,
        )
        for s in case.sponsors
    )
    requests = case.verification_requests
    ceremony = next(
        (d for d in case.deadlines if d.kind == "ceremony" and d.status == "open"), None
    )
    decision = next(
        (d for d in case.deadlines if d.kind == "decision" and d.status == "open"), None
    )
    return AdmissionFacts(
        today=today,
        state=case.state,
        person=person_facts(person),
        org=org_facts(case.cell),
        certificate=CertificateFacts(cert.number, cert.issued_on) if cert else None,
        sponsor_route=case.sponsor_route,
        sponsors=sponsors,
        documents=frozenset(documents),
        verification=VerificationFacts(
            total=len(requests),
            answered=sum(1 for r in requests if r.answered_on is not None),
            concerns=sum(1 for r in requests if r.result == "concern"),
        ),
        paused_from=case.paused_from,
        last_event_date=case.last_event_on,
        decision_received_on=case.decision_received_on,
        ceremony_due=ceremony.due_on if ceremony else None,
        late_ceremony_approved=case.late_ceremony_approval is not None,
        decision_extension_used=decision.extended_days if decision else 0,
        proposer_id=case.proposer_id,
        actor_id=actor.user_id if actor else None,
    )


def probation_facts(case: Case, actor: Actor | None, today: date) -> ProbationFacts:
    person = case.person
    documents = {item.purpose for item in case.documents}
    decision = next(
        (d for d in case.deadlines if d.kind == "decision" and d.status == "open"), None
    )
    return ProbationFacts(
        today=today,
        state=case.state,
        person=person_facts(person),
        org=org_facts(case.cell),
        joined_on=person.joined_on,
        probation_end=case.probation_end,
        probation_end_needs_review=not case.probation_end_confirmed,
        proposal=case.proposal,
        failed_votes=sum(1 for v in case.votes if v.body == "cell" and not v.passed),
        documents=frozenset(documents),
        decision_extension_used=decision.extended_days if decision else 0,
        proposer_id=case.proposer_id,
        actor_id=actor.user_id if actor else None,
    )


#: procedure key → facts builder
BUILDERS = {"admission": admission_facts, "probation": probation_facts}


def build_facts(case: Case, actor: Actor | None, today: date):
    return BUILDERS[case.procedure](case, actor, today)


def transfer_facts(case: Case, actor: Actor | None, today: date) -> TransferFacts:
    """Every transfer case has its transfer record (written when the case opens)."""
    transfer = case.transfer
    temporary = transfer.direction == "temporary"
    return TransferFacts(
        today=today,
        state=case.state,
        person=person_facts(case.person),
        org=org_facts(case.cell),
        direction=transfer.direction,
        internal_destination=transfer.to_org_id is not None,
        purpose=transfer.reason if temporary else None,
        period_start=transfer.period_start,
        period_end=transfer.period_end,
        letter_on=transfer.letter_on,
        present_by=transfer.present_by,
        proposer_id=case.proposer_id,
        actor_id=actor.user_id if actor else None,
    )


BUILDERS.update(
    {
        "transfer": transfer_facts,
        "transfer_in": transfer_facts,
        "temporary_transfer": transfer_facts,
        "internal_transfer": transfer_facts,
    }
)
