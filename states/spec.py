"""Declarative building blocks of a procedure: roles, levels, verdicts, transitions, deadlines."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from states.fields import Field
from states.rules import Setting


class Role(StrEnum):
    """A role is granted to a user together with an organization scope (a subtree)."""

    ADMIN = "admin"
    DEPARTMENT_STAFF = "department_staff"
    SIGNER = "signer"
    INSPECTION = "inspection"
    GRASSROOTS_STAFF = "grassroots_staff"
    CELL_SECRETARY = "cell_secretary"
    AUDITOR = "auditor"
    #: the body that runs classes where the committee has one apart from its department (a
    #: political training centre): it manages classes, rosters and certificates, not dossiers
    TRAINING = "training"


ROLE_LABELS: Mapping[Role, str] = {
    Role.ADMIN: "Quản trị hệ thống",
    Role.DEPARTMENT_STAFF: "Cán bộ Ban Tổ chức",
    Role.SIGNER: "Lãnh đạo ký quyết định",
    Role.INSPECTION: "Ủy ban Kiểm tra",
    Role.GRASSROOTS_STAFF: "Cán bộ đảng ủy cơ sở",
    Role.CELL_SECRETARY: "Bí thư chi bộ",
    Role.AUDITOR: "Kiểm toán (chỉ xem)",
    Role.TRAINING: "Cơ sở bồi dưỡng (quản lý lớp học)",
}


class Level(StrEnum):
    """Which body of the case's organization chain acts on a transition.

    A grant permits a transition when its organization is that body or one of its ancestors;
    a grant with no organization covers the whole upper committee.
    """

    CELL = "cell"
    SUBCOMMITTEE = "subcommittee"
    GRASSROOTS = "grassroots"
    UPPER = "upper"
    #: the organization a transfer goes to (the case's transfer names it)
    RECEIVING = "receiving"


@dataclass(frozen=True)
class Verdict:
    """The result of one guard: passed, failed with a reason, or waiting for form input."""

    ok: bool
    code: str = ""
    message: str = ""
    field: str | None = None
    pending: bool = False
    #: the action does not apply to this case now: hide it rather than show it disabled
    hidden: bool = False

    @classmethod
    def passed(cls) -> Verdict:
        return cls(ok=True)

    @classmethod
    def failed(cls, code: str, message: str, field: str | None = None) -> Verdict:
        return cls(ok=False, code=code, message=message, field=field)

    @classmethod
    def not_applicable(cls, code: str, message: str) -> Verdict:
        return cls(ok=False, code=code, message=message, hidden=True)

    @classmethod
    def needs_input(cls, note: str = "") -> Verdict:
        """The guard depends on values the form has not supplied yet (the ``note`` the page
        shows under the action says which)."""
        return cls(ok=True, pending=True, message=note)


@dataclass(frozen=True)
class GuardContext:
    """What a guard may look at: facts read from the database, the event date and the payload."""

    facts: Any
    event_date: Any
    payload: Mapping[str, Any] | None
    rules: Any


Guard = Callable[[GuardContext], Verdict]


def is_structural(guard: Guard) -> bool:
    """Structural guards read only ``facts.org``, ``facts.paused_from`` and
    ``facts.internal_destination`` (transfers): when one fails the
    action does not apply to this case at all, so it is hidden rather than shown disabled."""
    return bool(getattr(guard, "structural", False))


@dataclass(frozen=True)
class DeadlineSpec:
    """A clock opened by one transition and closed by others."""

    kind: str
    label: str
    #: rule-setting key holding the length in working days
    length_setting: str
    #: rule-setting key holding the maximum extension in working days (None: not extendable)
    extension_setting: str | None = None
    #: payload field whose date starts the clock (default: the event date)
    start_field: str = "event_date"
    #: working_days, months (calendar months with month-end clamping) or days (calendar)
    unit: str = "working_days"
    #: passing the due date is a fault to report (not, e.g., the end of probation)
    alerts: bool = True


@dataclass(frozen=True)
class TransitionSpec:
    """One edge of the procedure graph and everything the engine needs to fire it."""

    trigger: str
    sources: tuple[str, ...]
    #: None for a record-only step that leaves the case in its state (still audited)
    dest: str | None
    roles: frozenset[Role]
    level: Level
    label: str
    event_label: str
    guards: tuple[Guard, ...] = ()
    fields: tuple[Field, ...] = ()
    #: names of the persistence effects the application layer runs, in order ("name:arg")
    effects: tuple[str, ...] = ()
    opens: tuple[str, ...] = ()
    closes: tuple[str, ...] = ()
    cancels: tuple[str, ...] = ()
    #: clocks stopped while the case waits on a body outside the committee (a provincial
    #: consent): the days until a step ``resumes`` them are added to their due date
    holds: tuple[str, ...] = ()
    resumes: tuple[str, ...] = ()
    #: "main" for the forward path, "side" for returns, pauses and exits, "record" for self-loops
    kind: str = "main"
    #: a short explanation shown on the form
    help: str = ""
    #: the grant must be held at the acting body itself, not above it (signing authority, a
    #: sub-committee's own appraisal): a higher grant does not speak for that body
    exact: bool = False
    #: the user enters their password again before firing (signing a decision)
    reauth: bool = False
    #: the document kind whose draft the form shows for review before firing
    preview: str | None = None
    #: decided at a meeting of the standing committee: the signer takes such steps of many
    #: cases together on the meeting's page
    meeting: bool = False
    #: whether the case waits on whoever may take this step ("Việc của tôi"): None for the
    #: forward path only, True or False to say so, or a deadline kind: once that clock of the
    #: case is due (the end of probation is nobody's work months ahead)
    awaited: bool | str | None = None
    #: the daily scan takes the step itself once the clock it is awaited after is due (the end
    #: of probation is recorded on the day the 12 months have run)
    auto: bool = False

    @property
    def is_internal(self) -> bool:
        return self.dest is None

    def awaits_after(self) -> str | bool:
        """True or False, or the deadline kind whose due date makes the step awaited."""
        return self.kind == "main" if self.awaited is None else self.awaited

    def target(self, source: str) -> str:
        return source if self.dest is None else self.dest


@dataclass(frozen=True)
class ProcedureSpec:
    """A whole procedure: its states, transitions and deadlines."""

    key: str
    label: str
    states: Mapping[str, str]
    initial: str
    finals: frozenset[str]
    transitions: tuple[TransitionSpec, ...]
    deadlines: Mapping[str, DeadlineSpec] = field(default_factory=dict)
    #: the states of its open case in which the member's party activity is suspended: they
    #: are left out of their cell's vote totals, may not be named as a sponsor or helper, and
    #: a procedure whose opening runs ``check_not_suspended`` (a transfer) refuses them
    suspends_activity: frozenset[str] = frozenset()
    #: its files are confidential (discipline): every reading of a case page or its trail is
    #: recorded in the access log, as reading verification results is
    confidential: bool = False
    #: the module of ``workflow.procedures`` that runs it (its ``PROCEDURE``, or the one of its
    #: ``PROCEDURES`` with this key); by default the one named as the key
    module: str = ""
    open_label: str = ""
    open_fields: tuple[Field, ...] = ()
    open_roles: frozenset[Role] = frozenset()
    #: clocks that start when the case opens
    open_deadlines: tuple[str, ...] = ()
    #: persistence effects run when the case opens
    open_effects: tuple[str, ...] = ()
    open_event_label: str = "Ngày chi bộ xét đưa vào danh sách nguồn"
    #: members recorded with this status (a member list imported, a member's history entered)
    #: have a case of this procedure, opened the day they joined: probation, for the
    #: probationary; its recognition comes due through it
    opened_for: str | None = None
    #: the dashboard and the report chart its open cases by step
    pipeline: bool = False
    #: what the person of a case is called on its pages
    subject_label: str = "Thông tin đảng viên"
    #: a case has a receiving side besides its cell: the organization its transfer record names
    #: sees the case and acts on its receiving steps
    receiving: bool = False
    #: the procedure's own rule settings, named "<key>.…": key → ((date of the first rule set
    #: it belongs to, Setting), ...) — see ``states.rules.declare``
    settings: Mapping[str, tuple[tuple[date, Setting], ...]] = field(default_factory=dict)
    #: a step that ends the member's membership (``end_membership``) closes the member's other
    #: open cases with this reason ("Đảng viên từ trần")
    ends_membership: str = ""
    #: ending the membership, the cell collects the member's party card (False: the family
    #: keeps it, as after a death)
    returns_card: bool = True
    #: an open case of it keeps another case that ends the membership from opening (two
    #: removals at once); False for one that ends it on one outcome only (discipline, when it
    #: comes to expulsion), which a death or a removal may overtake
    excludes_endings: bool = True
    #: an open case of it puts the member's standing in question ("đang bị xem xét hoặc thi hành
    #: kỷ luật"): the procedures that require a member in good standing (leaving at one's own
    #: request) read it from the record
    holds_standing: str = ""
    #: of those cases, the states in which the violation is still being considered (no decision
    #: yet): a removal waits for them, since a violation deserving discipline is disciplined
    considering: frozenset[str] = frozenset()

    def triggers(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for t in self.transitions:
            seen.setdefault(t.trigger, None)
        return tuple(seen)

    def transitions_for(self, trigger: str) -> tuple[TransitionSpec, ...]:
        return tuple(t for t in self.transitions if t.trigger == trigger)

    def transitions_from(self, state: str) -> tuple[TransitionSpec, ...]:
        return tuple(t for t in self.transitions if state in t.sources)

    def state_label(self, state: str) -> str:
        return self.states.get(state, state)
