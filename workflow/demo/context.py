"""What the procedures' demonstrations work with: the seeded generator, the demonstration's
organizations and people, the users who take each step, and the steps themselves, taken
through the engine with the payloads of each procedure's happy path."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from states import get_spec
from states.spec import Role
from workflow.demo.data import (
    ETHNICITIES,
    GIVEN_FEMALE,
    GIVEN_MALE,
    HOME_TOWNS,
    MIDDLE_FEMALE,
    MIDDLE_MALE,
    SURNAMES,
    VILLAGES,
)
from workflow.engine import fire, open_case, start_case
from workflow.extensions import db
from workflow.models import Case, Organization, Person, User
from workflow.operations import people as people_ops
from workflow.operations.cases import OpenRequest, open_for
from workflow.permissions import Actor, acting_org, level_path
from workflow.procedures import PROCEDURES
from workflow.procedures.base import HappyContext
from workflow.store.uow import unit_of_work

#: the demonstration committee's standing committee
STANDING_MEMBERS = 11
#: the roles that take a step, the one nearest the cell first
STEP_ROLES = (
    Role.CELL_SECRETARY,
    Role.GRASSROOTS_STAFF,
    Role.DEPARTMENT_STAFF,
    Role.SIGNER,
    Role.INSPECTION,
)


@dataclass
class Demo:
    """The demonstration's state while it loads (see ``workflow.procedures.base.DemoContext``
    for what a procedure's scenario may use)."""

    rng: random.Random
    today: date
    system: Actor
    cells: list[Organization] = field(default_factory=list)
    roots: dict[str, Organization] = field(default_factory=dict)
    used_ids: set[str] = field(default_factory=set)
    accounts: list[tuple[str, str, str]] = field(default_factory=list)
    actors: dict[str, Actor] = field(default_factory=dict)
    #: user id → the password the demonstration gave them (signing steps ask for it again)
    passwords: dict[int, str] = field(default_factory=dict)
    taken: set[int] = field(default_factory=set)
    home_code: str = "CB-STC-NS"
    happy: HappyContext = field(init=False)

    def __post_init__(self) -> None:
        self.happy = HappyContext(
            members=self.members,
            pick=self.rng.choice,
            number=self.rng.randint,
            standing_vote=self.standing_vote,
        )

    @property
    def home_cell(self) -> Organization:
        return next(c for c in self.cells if c.code == self.home_code)

    # --- people ---------------------------------------------------------------------------

    def name(self, sex: str) -> str:
        middle = MIDDLE_MALE if sex == "male" else MIDDLE_FEMALE
        given = GIVEN_MALE if sex == "male" else GIVEN_FEMALE
        return f"{self.rng.choice(SURNAMES)} {self.rng.choice(middle)} {self.rng.choice(given)}"

    def citizen_id(self, province: str, birth: date, sex: str) -> str:
        century = {1900: 0, 2000: 2}[birth.year // 100 * 100] + (0 if sex == "male" else 1)
        while True:
            number = f"{province}{century}{birth.year % 100:02d}{self.rng.randrange(10**6):06d}"
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number

    def person_data(self, birth_from: int, birth_to: int, occupation: str) -> dict[str, Any]:
        sex = self.rng.choice(["male", "female"])
        birth = date(
            self.rng.randint(birth_from, birth_to), self.rng.randint(1, 12), self.rng.randint(1, 28)
        )
        town, province = self.rng.choice(HOME_TOWNS)
        return {
            "full_name": self.name(sex),
            "birth_date": birth.isoformat(),
            "sex": sex,
            "ethnicity": self.rng.choice(ETHNICITIES),
            "religion": "Không",
            "home_town": f"xã {self.rng.choice(VILLAGES)}, tỉnh {town}",
            "citizen_id": self.citizen_id(province, birth, sex),
            "education": self.rng.choice(
                ["university"] * 6 + ["postgraduate"] * 2 + ["college", "upper_secondary"]
            ),
            "occupation": occupation,
            "phone": f"09{self.rng.randrange(10**8):08d}",
        }

    # --- what the happy path asks ---------------------------------------------------------

    def members(self, case: Case, day: date, count: int) -> list[int]:
        """Members of the case's grassroots organization official for over a year, present
        on its lists and not given a part by a scenario (a transfer takes them away), from the
        case's cell if it has enough of them."""
        root_path = f"/{case.cell.ancestor_ids()[0]}/"
        members = list(
            db.session.scalars(
                select(Person)
                .join(Organization, Organization.id == Person.cell_id)
                .where(
                    Organization.path.startswith(root_path),
                    Person.member_status == "official",
                    Person.presence == "active",
                    Person.official_on < day - timedelta(days=400),
                    Person.id.not_in(self.taken or {0}),
                )
                .order_by(Person.id)
            )
        )
        same_cell = [m for m in members if m.cell_id == case.cell_id]
        chosen = self.rng.sample(same_cell if len(same_cell) >= count else members, count)
        return [m.id for m in chosen]

    def standing_vote(self) -> dict[str, int]:
        """Most members present, all of them in favour or one against."""
        present = STANDING_MEMBERS - self.rng.randint(0, 2)
        against = self.rng.randint(0, 1)
        return {
            "members_total": STANDING_MEMBERS,
            "members_present": present,
            "yes": present - against,
            "no": against,
        }

    # --- who acts -------------------------------------------------------------------------

    def actor_for(self, role: Role, path: str | None) -> Actor:
        """The demo user who holds ``role`` over ``path`` (most specific grant first)."""
        key = f"{role}:{path}"
        if key not in self.actors:
            best = None
            for user in db.session.scalars(select(User)):
                actor = Actor.of(user)
                scope = actor.scope_for({role}, path)
                if scope is not None and (
                    best is None or len(scope.org_path) > len(best[1].org_path)
                ):
                    best = (actor, scope)
            if best is None:
                raise RuntimeError(f"no demo user for {role} at {path}")
            self.actors[key] = best[0]
        return self.actors[key]

    def actor_for_step(self, case: Case, trigger: str) -> Actor:
        spec = get_spec(case.procedure)
        t = next(t for t in spec.transitions_for(trigger) if case.state in t.sources)
        path = level_path(acting_org(case, t.level), t.level)
        for role in STEP_ROLES:
            if role in t.roles:
                try:
                    return self.actor_for(role, path)
                except RuntimeError:
                    continue
        raise RuntimeError(f"no actor for {trigger}")

    # --- opening cases and taking steps ---------------------------------------------------

    def open_new(self, procedure: str, cell_id: int, particulars: dict[str, Any], day: date) -> int:
        with unit_of_work():
            cell = db.session.get(Organization, cell_id)
            secretary = self.actor_for(Role.CELL_SECRETARY, cell.path)
            person = people_ops.create_person(particulars, cell=cell, actor=secretary)
            payload = {"event_date": day.isoformat()}
            return open_case(procedure, person=person, actor=secretary, payload=payload).id

    def open(self, procedure: str, person_id: int, day: date, **payload: Any) -> int:
        with unit_of_work():
            person = db.session.get(Person, person_id)
            # the cell's secretary, or the first body above it the procedure lets open it
            roles = get_spec(procedure).open_roles
            role = next(r for r in STEP_ROLES if r in roles)
            opener = self.actor_for(role, person.cell.path)
            payload = {"event_date": day.isoformat(), **payload}
            return open_case(procedure, person=person, actor=opener, payload=payload).id

    def open_incoming(
        self,
        procedure: str,
        particulars: dict[str, Any],
        subject: dict[str, Any],
        day: date,
        **payload: Any,
    ) -> int:
        request = OpenRequest(
            procedure,
            particulars=particulars,
            subject=subject,
            payload={"event_date": day.isoformat(), **payload},
        )
        return open_for(request, self.actor_for(Role.DEPARTMENT_STAFF, None)).id

    def start(self, procedure: str, person_id: int, day: date) -> int:
        with unit_of_work():
            person = db.session.get(Person, person_id)
            return start_case(procedure, person=person, actor=self.system, opened_on=day).id

    def step(self, case_id: int, trigger: str, day: date, **extra: Any) -> None:
        case = db.session.get(Case, case_id)
        payload = PROCEDURES[case.procedure].happy_payload(case, trigger, day, self.happy)
        payload.update(extra)
        actor = self.actor_for_step(case, trigger)
        fire(
            case_id,
            trigger,
            actor=actor,
            payload=payload,
            expected_version=case.version,
            password=self.passwords.get(actor.user_id),
        )
        db.session.expire_all()
