"""What a procedure plugs into the application besides its spec in ``states/``.

A ``Procedure`` holds everything the application needs for one procedure: the facts its guards
read, the effects its steps name, the sources of its reference fields' options, the defaults its
forms start with, the documents it issues, who may open it for whom, the payloads of its happy
path and its demonstration. The engine, the views and the API iterate the registry in
``workflow.procedures``; none of them names a procedure.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from states.fields import Field
from states.rules import RuleSet
from states.spec import ProcedureSpec, Role, TransitionSpec
from workflow.documents.kinds import DocumentKind
from workflow.models import Case, Organization, Person
from workflow.permissions import Actor, Scope
from workflow.store.uow import UnitOfWork


@dataclass
class EffectContext:
    """What an effect works with: the case (locked), who acts and under which grant, the step
    and its parsed payload, the event's date and the rules in force on it."""

    case: Case
    actor: Actor
    scope: Scope | None
    spec: TransitionSpec
    data: dict[str, Any]
    event_date: date
    rules: RuleSet
    from_state: str
    procedure: Procedure
    uow: UnitOfWork | None = None
    arg: str | None = None
    #: opens another procedure's case in the same change (the ceremony opens probation):
    #: (procedure key, person, opening date, acting role) → the new case
    start_case: Callable[..., Case] | None = None


Effect = Callable[[EffectContext], None]


@dataclass(frozen=True)
class Subject:
    """What a form's options and defaults are for: a case's step, or the opening of a case for
    a person (a member's transfer) or for a new person (``person`` None)."""

    case: Case | None = None
    person: Person | None = None
    #: where a new person's case will be (the first cell the opener may choose)
    cell: Organization | None = None

    @property
    def organization(self) -> Organization | None:
        """The cell the options are for: the case's, the person's, or the new case's."""
        if self.case is not None:
            return self.case.cell
        return self.person.cell if self.person is not None else self.cell


#: the options of a reference field: (value, label) pairs
ChoiceSource = Callable[[Subject], list[tuple[str, str]]]
#: a form's starting value
DefaultSource = Callable[[Subject], str]


@dataclass(frozen=True)
class Opening:
    """How a case of the procedure is opened, and by whom for whom.

    ``subject``: "person" opens it for a person on record (their page offers it); "new_person"
    writes the person's record with the case, in a cell the opener chooses (a candidate put on
    the source list); "incoming" writes the record of a member arriving from outside, with the
    ``subject_fields`` (their membership), through ``create``."""

    subject: str
    #: the button that offers it
    label: str
    #: may the actor open it for this person (None: a person the form creates)? The engine
    #: still checks the opening roles and the effects the rest; this says what to offer
    openable: Callable[[Person | None, Actor], bool]
    #: said once the case is opened
    done: str = "Đã mở hồ sơ."
    #: the form's button
    submit: str = "Ghi"
    #: a line under the form's title
    hint: str = ""
    #: what the form asks about the subject besides a person's particulars
    subject_fields: tuple[Field, ...] = ()
    #: an arriving member: (the opening payload) → the organization their record goes to
    place: Callable[[Mapping[str, Any]], Organization] | None = None
    #: then what their record needs besides the particulars: (person, subject field values,
    #: the opening payload); raises InvalidInput
    complete: Callable[[Person, Mapping[str, Any], Mapping[str, Any]], None] | None = None

    @property
    def new_record(self) -> bool:
        return self.subject != "person"


#: the payload of a happy-path step for a case on a day, besides its date and the standing
#: committee's vote: what the demonstration, the tests' builders and the benchmarks fire
HappyPayload = Callable[[Case, date, "HappyContext"], dict[str, Any]]


def _first(items: Sequence[Any]) -> Any:
    return items[0]


def _lowest(low: int, _high: int) -> int:
    return low


#: the standing committee's meeting, unless the walker says otherwise: most members present,
#: all of them in favour
STANDING_VOTE = {"members_total": 9, "members_present": 8, "yes": 8, "no": 0}


def _standing_vote() -> dict[str, int]:
    return dict(STANDING_VOTE)


@dataclass(frozen=True)
class HappyContext:
    """What a happy-path payload may ask of whoever walks the path. The demonstration answers
    at random from its seeded generator; the tests answer the same way every time."""

    #: (case, day, how many) → official members of the case's organization, in good standing
    #: on the day, to name (sponsors, helpers)
    members: Callable[[Case, date, int], list[int]]
    #: one of the items
    pick: Callable[[Sequence[Any]], Any] = _first
    #: a whole number from ``low`` to ``high`` inclusive (a register's number, a few days)
    number: Callable[[int, int], int] = _lowest
    #: the standing committee's vote for a step decided at its meeting
    standing_vote: Callable[[], dict[str, int]] = _standing_vote


class DemoContext(Protocol):
    """What a procedure's demonstration works with (``workflow.demo`` gives it): the seeded
    generator, the day the demonstration ends, its organizations, new people's particulars,
    and the steps, taken through the engine by the demonstration user who may take them."""

    rng: random.Random
    today: date
    #: the happy-path context the demonstration's payloads are made with
    happy: HappyContext
    #: every cell, in the order they were made
    cells: list[Organization]
    #: the grassroots organizations, by code
    roots: dict[str, Organization]
    #: the cell whose secretary's account the demonstration prints: it sees every stage
    home_cell: Organization
    #: the people a scenario has already given a part (a transfer), for the others to leave
    taken: set[int]

    def person_data(self, birth_from: int, birth_to: int, occupation: str) -> dict[str, Any]:
        """A new person's particulars, born between the two years."""
        ...

    def citizen_id(self, province: str, birth: date, sex: str) -> str:
        """An unused citizen identity number."""
        ...

    def open_new(self, procedure: str, cell_id: int, particulars: dict[str, Any], day: date) -> int:
        """Write a new person's record in the cell and open their case, by its secretary."""
        ...

    def open(self, procedure: str, person_id: int, day: date, **payload: Any) -> int:
        """Open a case for a person on record, by their cell's secretary."""
        ...

    def open_incoming(
        self,
        procedure: str,
        particulars: dict[str, Any],
        subject: dict[str, Any],
        day: date,
        **payload: Any,
    ) -> int:
        """Open a case that writes an arriving member's record, by the department's staff."""
        ...

    def start(self, procedure: str, person_id: int, day: date) -> int:
        """Start a case another procedure would have opened (probation, by a ceremony)."""
        ...

    def step(self, case_id: int, trigger: str, day: date, **extra: Any) -> None:
        """Take a step on the happy path: its payload from the procedure's ``happy`` table,
        with ``extra`` over it."""
        ...

    def actor_for(self, role: Role, path: str | None) -> Actor:
        """The demonstration user who holds ``role`` over ``path`` (for work done outside a
        case, such as a training class)."""
        ...


@dataclass(frozen=True)
class Procedure:
    spec: ProcedureSpec
    #: (case, actor, today) → the frozen facts its guards read
    facts: Callable[[Case, Actor | None, date], Any]
    #: the effects its steps name that are its own (shared ones live in ``common``)
    effects: Mapping[str, Effect] = field(default_factory=dict)
    sources: Mapping[str, ChoiceSource] = field(default_factory=dict)
    defaults: Mapping[str, DefaultSource] = field(default_factory=dict)
    #: the document kinds it issues, by key
    documents: Mapping[str, DocumentKind] = field(default_factory=dict)
    #: None: only another procedure opens it (probation, by the ceremony)
    opening: Opening | None = None
    #: trigger → the payload of the step on the happy path (besides the event date): every
    #: step of its main path, and the records the path takes on the way
    happy: Mapping[str, HappyPayload] = field(default_factory=dict)
    #: the demonstration: (the demonstration's context, see ``DemoContext``) → back-dated
    #: walks, each yielding the date of its next step before taking it
    demo: Callable[[DemoContext], Iterable[Iterator[date]]] | None = None
    #: papers of the dossier held elsewhere than in the case (a certificate is the person's):
    #: (case) → purpose → [(date, note)]
    papers: Callable[[Case], dict[str, list[tuple[date, str]]]] | None = None
    #: what the case page shows of a case: (case) → the template's values, and the template
    page: Callable[[Case], dict[str, Any]] | None = None
    page_template: str | None = None
    #: what the member's page says of an open case of it that holds their standing
    #: (``ProcedureSpec.holds_standing``) besides its state: the form decided, the decision
    standing: Callable[[Case], str] | None = None
    #: what the member's page says of an open case of it beside the member's status, linked
    #: to the case ("Mất liên lạc từ 01/02/2026"): (case) → the line, "" for none
    notice: Callable[[Case], str] | None = None
    #: what it does when a step of another case closes an open case of it (the member left
    #: the lists or the committee): (that step's context, the case closed)
    closed_elsewhere: Callable[[EffectContext, Case], None] | None = None

    @property
    def key(self) -> str:
        return self.spec.key

    def happy_payload(
        self, case: Case, trigger: str, day: date, ctx: HappyContext
    ) -> dict[str, Any]:
        """The whole payload of a step: its date, the standing committee's vote if the step
        is decided at its meeting, and the procedure's payload for it if the step is on the
        happy path (the walker gives the rest of a step off it)."""
        payload: dict[str, Any] = {"event_date": day.isoformat()}
        if any(t.meeting for t in self.spec.transitions_for(trigger)):
            payload.update(ctx.standing_vote())
        if trigger in self.happy:
            payload.update(self.happy[trigger](case, day, ctx))
        return payload


#: every procedure by key, filled by ``workflow.procedures`` once all are built: for the
#: shared steps that act on another procedure's case
RUNNING: dict[str, Procedure] = {}
