"""Frozen snapshots of what guards may know about a case; built by the application from the DB."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

#: Education levels in ascending order; guards compare positions.
EDUCATION_LEVELS: tuple[tuple[str, str], ...] = (
    ("none", "Chưa tốt nghiệp tiểu học"),
    ("primary", "Tốt nghiệp tiểu học"),
    ("lower_secondary", "Tốt nghiệp trung học cơ sở"),
    ("upper_secondary", "Tốt nghiệp trung học phổ thông"),
    ("vocational", "Trung cấp"),
    ("college", "Cao đẳng"),
    ("university", "Đại học"),
    ("postgraduate", "Sau đại học"),
)
EDUCATION_RANK = {key: i for i, (key, _) in enumerate(EDUCATION_LEVELS)}


@dataclass(frozen=True)
class PersonFacts:
    id: int
    full_name: str
    birth_date: date
    sex: str
    education: str
    member_status: str


@dataclass(frozen=True)
class CertificateFacts:
    number: str
    issued_on: date


@dataclass(frozen=True)
class SponsorFacts:
    person_id: int
    full_name: str
    #: date the sponsor became an official member (None: not official)
    official_since: date | None
    together_since: date
    replacement: bool
    same_grassroots: bool
    #: the day the introduction was received (None: recorded before it was kept)
    introduced_on: date | None = None


@dataclass(frozen=True)
class VerificationFacts:
    total: int
    answered: int
    concerns: int


@dataclass(frozen=True)
class OrgFacts:
    cell_id: int
    cell_kind: str
    #: the cell is a grassroots cell (chi bộ cơ sở): no grassroots committee above it
    is_grassroots_cell: bool
    has_subcommittee: bool
    grassroots_authorized: bool


@dataclass(frozen=True)
class AdmissionFacts:
    today: date
    state: str
    person: PersonFacts
    org: OrgFacts
    certificate: CertificateFacts | None
    sponsor_route: str | None
    sponsors: tuple[SponsorFacts, ...]
    documents: frozenset[str]
    verification: VerificationFacts
    paused_from: str | None
    last_event_date: date | None
    decision_received_on: date | None
    ceremony_due: date | None
    late_ceremony_approved: bool
    decision_extension_used: int
    #: user who sent the case to the standing committee (appraised it)
    proposer_id: int | None
    actor_id: int | None


@dataclass(frozen=True)
class ProbationFacts:
    today: date
    state: str
    person: PersonFacts
    org: OrgFacts
    #: the ceremony date: probation starts on it
    joined_on: date | None
    #: the day the 12 months end; the official date when recognized
    probation_end: date | None
    #: the probation started on 29 February and nobody has confirmed its end yet
    probation_end_needs_review: bool
    #: recognition | removal, once the cell has resolved (or the department, for an escalation)
    proposal: str | None
    #: cell votes on this case that reached no 2/3 majority either way
    failed_votes: int
    documents: frozenset[str]
    decision_extension_used: int
    proposer_id: int | None
    actor_id: int | None
    paused_from: str | None = None


@dataclass(frozen=True)
class TransferFacts:
    today: date
    state: str
    person: PersonFacts
    #: the organization that holds the case (the member's cell while the transfer runs)
    org: OrgFacts
    #: within (to another organization of the committee) | out | in | temporary
    direction: str
    #: the receiving organization is one of the committee's own
    internal_destination: bool
    #: temporary transfers: work (or residence) | study
    purpose: str | None
    period_start: date | None
    period_end: date | None
    #: the date of the introduction letter, and the day it must be presented by
    letter_on: date | None
    present_by: date | None
    proposer_id: int | None
    actor_id: int | None
    paused_from: str | None = None
