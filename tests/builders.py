"""Builders for tests: a small organization tree with users, and cases moved by the engine."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from states import get_spec
from states.spec import Role
from workflow.clock import clock
from workflow.documents import service
from workflow.engine import FireResult, fire, open_case
from workflow.extensions import db
from workflow.models import Case, Decision, Organization, Person, User
from workflow.models.people import name_keys
from workflow.operations import orgs as org_ops
from workflow.operations import people as people_ops
from workflow.operations import users as user_ops
from workflow.permissions import Actor
from workflow.procedures import PROCEDURES
from workflow.procedures.base import STANDING_VOTE, HappyContext
from workflow.procedures.probation import PAPERS
from workflow.store.uow import unit_of_work

PASSWORD = "Mat-khau-thu-nghiem-2026!"
#: the authenticator app of every user whose role requires a second factor (administrators)
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
SYSTEM = Actor(None, "Khởi tạo thử nghiệm", Actor.system().scopes)

#: code → (name, kind, parent code, authorized)
ORGS = {
    "G1": ("Đảng bộ Sở Tài chính", "grassroots_committee", None, False),
    "C1": ("Chi bộ Phòng Ngân sách", "cell", "G1", False),
    "C1B": ("Chi bộ Văn phòng Sở", "cell", "G1", False),
    "G2": ("Đảng bộ Công ty Điện lực", "grassroots_committee", None, True),
    "C2": ("Chi bộ Phòng Kỹ thuật", "cell", "G2", False),
    "G3": ("Đảng bộ Bệnh viện tỉnh", "grassroots_committee", None, False),
    "S3": ("Đảng bộ bộ phận Khối Nội", "sub_committee", "G3", False),
    "C3": ("Chi bộ Khoa Nội", "cell", "S3", False),
    "GC4": ("Chi bộ Sở Tư pháp", "grassroots_cell", None, False),
}
CELLS = ("C1", "C1B", "C2", "C3", "GC4")
SURNAMES = ("Trần", "Lê", "Phạm", "Hoàng", "Vũ")
GIVEN = ("An", "Bình", "Cường", "Dung", "Đức", "Giang", "Hải", "Hoa", "Khánh")

#: username → (full name, [(role, org code or None, title)])
USERS = {
    "sec1": ("Ngô Văn Một", [(Role.CELL_SECRETARY, "C1", "")]),
    "sec1b": ("Ngô Văn Hai", [(Role.CELL_SECRETARY, "C1B", "")]),
    "sec2": ("Lý Thị Ba", [(Role.CELL_SECRETARY, "C2", "")]),
    "sec3": ("Đinh Văn Bốn", [(Role.CELL_SECRETARY, "C3", "")]),
    "sec4": ("Tạ Thị Năm", [(Role.CELL_SECRETARY, "GC4", ""), (Role.GRASSROOTS_STAFF, "GC4", "")]),
    "gs1": ("Bùi Thị Sáu", [(Role.GRASSROOTS_STAFF, "G1", "")]),
    "gs2": ("Bùi Văn Bảy", [(Role.GRASSROOTS_STAFF, "G2", "")]),
    "gs3": ("Bùi Văn Tám", [(Role.GRASSROOTS_STAFF, "G3", "")]),
    "gs3s": ("Bùi Văn Chín", [(Role.GRASSROOTS_STAFF, "S3", "")]),
    "sign2": ("Hà Văn Mười", [(Role.SIGNER, "G2", "BÍ THƯ")]),
    "dept": ("Trần Thị Tổ Chức", [(Role.DEPARTMENT_STAFF, None, "")]),
    "dept2": ("Đỗ Văn Thẩm", [(Role.DEPARTMENT_STAFF, None, "")]),
    "signer": ("Lê Văn Thường", [(Role.SIGNER, None, "PHÓ BÍ THƯ")]),
    "signer2": ("Phạm Quang Vụ", [(Role.SIGNER, None, "BÍ THƯ")]),
    "admin": ("Nguyễn Minh Quản", [(Role.ADMIN, None, "")]),
    "auditor": ("Vũ Đức Soát", [(Role.AUDITOR, None, "")]),
    "inspector": ("Hoàng Thị Kiểm", [(Role.INSPECTION, None, "")]),
}

_counter = {"cccd": 0}


def meeting_vote(case: Case | None, trigger: str) -> dict[str, Any]:
    """The standing committee's vote a step decided at its meeting records (else nothing)."""
    if case is None:
        return {}
    spec = get_spec(case.procedure)
    return STANDING_VOTE if any(t.meeting for t in spec.transitions_for(trigger)) else {}


def citizen_id(birth: date, sex: str) -> str:
    _counter["cccd"] += 1
    century = (0 if birth.year < 2000 else 2) + (0 if sex == "male" else 1)
    return f"025{century}{birth.year % 100:02d}{_counter['cccd']:06d}"


def person_data(name: str, birth: date, sex: str = "female", **extra: Any) -> dict[str, Any]:
    data = {
        "full_name": name,
        "birth_date": birth.isoformat(),
        "sex": sex,
        "ethnicity": "Kinh",
        "religion": "Không",
        "home_town": "xã Phú Lộc, tỉnh Phú Thọ",
        "citizen_id": citizen_id(birth, sex),
        "education": "university",
        "occupation": "Chuyên viên",
        "phone": "",
    }
    data.update(extra)
    return data


@dataclass
class World:
    orgs: dict[str, int]
    users: dict[str, int]
    members: dict[str, list[int]]
    password: str = PASSWORD
    day: date = field(default_factory=lambda: date(2025, 9, 1))

    def org(self, code: str) -> Organization:
        return db.session.get(Organization, self.orgs[code])

    @property
    def happy(self) -> HappyContext:
        """The happy path's choices, the same every time: the first members of the case's
        cell, the first option, the lowest number, ``STANDING_VOTE``."""
        return HappyContext(members=self._first_members)

    def _first_members(self, case: Case, _day: date, count: int) -> list[int]:
        cell_code = next(c for c, i in self.orgs.items() if i == case.cell_id)
        return self.members[cell_code][:count]

    def actor(self, username: str) -> Actor:
        user = db.session.get(User, self.users[username])
        return Actor.of(user)

    def new_candidate(
        self,
        cell: str = "C1",
        *,
        birth: date = date(2000, 3, 15),
        opened: date = date(2025, 9, 1),
        name: str = "Nguyễn Thị Hằng",
        secretary: str | None = None,
        **extra: Any,
    ) -> int:
        secretary = secretary or _secretary_of(cell)
        with unit_of_work():
            person = people_ops.create_person(
                person_data(name, birth, **extra), cell=self.org(cell), actor=self.actor(secretary)
            )
            case = open_case(
                "admission",
                person=person,
                actor=self.actor(secretary),
                payload={"event_date": opened.isoformat()},
            )
            return case.id

    def fire(
        self, case_id: int, trigger: str, username: str, day: date | None = None, **payload: Any
    ) -> FireResult:
        case = db.session.get(Case, case_id)
        default = case.last_event_on if case is not None and case.last_event_on else self.day
        data = {
            "event_date": (day or default).isoformat(),
            **meeting_vote(case, trigger),
            **payload,
        }
        return fire(
            case_id,
            trigger,
            actor=self.actor(username),
            payload=data,
            expected_version=case.version if case else None,
            password=self.password,
        )

    def advance(
        self, case_id: int, target: str, start: date | None = None, step_days: int = 7
    ) -> date:
        """Fire the main path until the case reaches ``target``; returns the last event date."""
        case = db.session.get(Case, case_id)
        day = start or max(date(2025, 9, 8), case.last_event_on + timedelta(days=step_days))
        last = day
        while True:
            case = db.session.get(Case, case_id)
            if case.state == target:
                return last
            if case.procedure == "probation" and case.state == "in_probation":
                day = max(day, case.probation_end)  # the 12 months must have run
            if day > clock().today():  # move time forward instead of waiting
                clock().set_today(day)
            trigger, username, payload = next_step(self, case, day)
            self.fire(case_id, trigger, username, day, **payload)
            last = day
            day += timedelta(days=step_days)

    def probation_of(self, admission_case_id: int) -> int:
        """The probation case the ceremony opened for the admission case's person."""
        person_id = db.session.get(Case, admission_case_id).person_id
        return db.session.scalars(
            select(Case.id).where(Case.person_id == person_id, Case.procedure == "probation")
        ).one()


def _secretary_of(cell: str) -> str:
    return next(
        u
        for u, (_, grants) in USERS.items()
        if any(r == Role.CELL_SECRETARY and o == cell for r, o, _ in grants)
    )


def _grassroots_staff_of(case: Case) -> str:
    root = case.cell.ancestor_ids()[0]
    code = next(c for c, i in _WORLD_ORGS.items() if i == root)
    return {"G1": "gs1", "G2": "gs2", "G3": "gs3", "GC4": "sec4"}[code]


_WORLD_ORGS: dict[str, int] = {}


def next_step(world: World, case: Case, day: date) -> tuple[str, str, dict[str, Any]]:
    """The main-path trigger for the case's state, who fires it, and its whole payload: the
    procedure's happy-path table and, for a step decided at a meeting, the standing vote."""
    cell_code = next(c for c, i in world.orgs.items() if i == case.cell_id)
    sec = _secretary_of(cell_code)
    staff = _grassroots_staff_of(case)
    authorized = world.org("G2").id == case.cell.ancestor_ids()[0]
    if case.procedure == "probation":
        trigger, username = probation_step(case, case.state, sec, staff, authorized, cell_code)
    else:
        trigger, username = admission_step(case, case.state, sec, staff, authorized, cell_code)
    payload = PROCEDURES[case.procedure].happy[trigger](case, day, world.happy)
    return trigger, username, {**meeting_vote(case, trigger), **payload}


def _upper_step(sec: str, staff: str, authorized: bool, cell_code: str) -> tuple[str, str]:
    """After the cell's resolution: the sub-committee, the authorized committee, the
    department for a grassroots cell, else the grassroots committee."""
    if cell_code == "C3":
        return "appraise_by_subcommittee", "gs3s"
    if authorized:
        return "decide_by_grassroots", "sign2"
    if cell_code == "GC4":
        return "appraise_by_department", "dept"
    return "record_grassroots_resolution", staff


def admission_step(
    case: Case, state: str, sec: str, staff: str, authorized: bool, cell_code: str
) -> tuple[str, str]:
    if state == "preparing_dossier":
        if not case.sponsors:
            return "record_sponsors", sec
        if not any(d.purpose == "opinions" for d in case.documents):
            return "record_document", sec
        return "start_verification", staff
    if state == "under_verification":
        if any(r.answered_on is None for r in case.verification_requests):
            return "record_verification_answer", staff
        return "conclude_verification", staff
    spec = get_spec(case.procedure)
    step = _admission_table(state, sec, staff, authorized, cell_code)
    if step is not None and any(state in t.sources for t in spec.transitions_for(step[0])):
        return step
    # a variant's own step on the way (re-admission: the provincial consent, asked for and
    # recorded by the department)
    admission = get_spec("admission").triggers()
    for t in spec.transitions_from(state):
        if t.kind == "main" and Role.DEPARTMENT_STAFF in t.roles and t.trigger not in admission:
            return t.trigger, "dept"
    raise AssertionError(f"no main step from {state}")


def _admission_table(
    state: str, sec: str, staff: str, authorized: bool, cell_code: str
) -> tuple[str, str] | None:
    if state == "cell_resolved":
        return _upper_step(sec, staff, authorized, cell_code)
    if state == "provincial_consented":
        return ("decide_by_grassroots", "sign2") if authorized else ("approve_admission", "signer")
    steps = {
        "source_list": ("enroll_awareness_class", sec),
        "in_awareness_class": ("record_certificate", sec),
        "certified": ("submit_application", sec),
        "awaiting_cell_meeting": ("record_cell_resolution", sec),
        "subcommittee_appraised": ("record_grassroots_resolution", staff),
        "grassroots_resolved": ("appraise_by_department", "dept"),
        "department_appraised": ("approve_admission", "signer"),
        "admission_decided": ("receive_decision", sec),
        "awaiting_ceremony": ("hold_ceremony", sec),
    }
    return steps.get(state)


def probation_step(
    case: Case, state: str, sec: str, staff: str, authorized: bool, cell_code: str
) -> tuple[str, str]:
    """The recognition path; a case proposed for removal goes the same way to its decision."""
    papers = {d.purpose for d in case.documents}
    if state == "in_probation":
        if not set(PAPERS) <= papers:
            return "record_document", sec
        if "new_member_certificate" not in papers:
            return "record_new_member_certificate", sec
        return "end_probation", sec
    if state == "awaiting_cell_review":
        return "record_cell_resolution", sec
    if state == "cell_proposed":
        return _upper_step(sec, staff, authorized, cell_code)
    if state == "subcommittee_appraised":
        return "record_grassroots_resolution", staff
    if state == "grassroots_proposed":
        return "appraise_by_department", "dept"
    if state == "department_appraised":
        trigger = "approve_recognition" if case.proposal == "recognition" else "approve_removal"
        return trigger, "signer"
    raise AssertionError(f"no probation step from {state}")


def build_world() -> World:
    orgs: dict[str, int] = {}
    users: dict[str, int] = {}
    members: dict[str, list[int]] = {}
    with unit_of_work():
        for code, (name, kind, parent, authorized) in ORGS.items():
            org = org_ops.create_org(
                {
                    "code": code,
                    "name": name,
                    "kind": kind,
                    "parent_id": orgs.get(parent) if parent else None,
                    "authorized_to_admit": authorized,
                    "abbreviation": "ĐU" if authorized else None,
                },
                actor=SYSTEM,
            )
            orgs[code] = org.id
        for code in CELLS:
            cell = db.session.get(Organization, orgs[code])
            members[code] = []
            for i in range(9):
                sex = "male" if i % 2 else "female"
                birth = date(1975 + i, 1 + i, 10 + i)
                name = (
                    f"{SURNAMES[CELLS.index(code)]} {'Văn' if sex == 'male' else 'Thị'} {GIVEN[i]}"
                )
                p = people_ops.create_person(person_data(name, birth, sex), cell=cell, actor=SYSTEM)
                people_ops.record_membership(
                    p,
                    status="official",
                    admission_decision_on=date(2010, 1, 5),
                    joined_on=date(2010, 2, 1),
                    official_on=date(2011, 2, 1),
                    card_number=f"25{p.id:06d}",
                    actor=SYSTEM,
                )
                members[code].append(p.id)
        for username, (full_name, grants) in USERS.items():
            user, _ = user_ops.create_user(username, full_name, actor=SYSTEM)
            user.password_hash = _hash()
            for role, org_code, title in grants:
                user_ops.add_grant(
                    user, role.value, orgs[org_code] if org_code else None, title, actor=SYSTEM
                )
            if any(role == Role.ADMIN for role, _, _ in grants):
                user.totp_secret = TOTP_SECRET
            users[username] = user.id
    _WORLD_ORGS.clear()
    _WORLD_ORGS.update(orgs)
    return World(orgs, users, members)


_HASH: dict[str, str] = {}


def _hash() -> str:
    from workflow.auth import hash_password

    if "h" not in _HASH:
        _HASH["h"] = hash_password(PASSWORD)
    return _HASH["h"]


def official_members(cell_id: int) -> list[Person]:
    return list(
        db.session.scalars(
            select(Person).where(Person.cell_id == cell_id, Person.member_status == "official")
        )
    )


def clone_appraised(world: World, count: int) -> list[int]:
    """``count`` cases waiting for the signature, made quickly: one real case, then copies
    of its person, case and draft (setup only; the signing goes through the engine)."""
    template = world.new_candidate("C1", name="Nguyễn Văn Mẫu")
    world.advance(template, "department_appraised")
    source = db.session.get(Case, template)
    draft = service.find_draft(template, "admission")
    ids = [template]
    with unit_of_work():
        for i in range(count - 1):
            p = source.person
            name = f"Nguyễn Văn Mẫu {chr(0x41 + i % 26)}"
            person = Person(
                full_name=name,
                **name_keys(name),
                birth_date=p.birth_date,
                sex=p.sex,
                ethnicity=p.ethnicity,
                religion=p.religion,
                home_town=p.home_town,
                citizen_id=citizen_id(p.birth_date, p.sex),
                education=p.education,
                occupation=p.occupation,
                cell_id=p.cell_id,
            )
            case = Case(
                procedure="admission",
                _state="department_appraised",
                person=person,
                cell_id=source.cell_id,
                opened_on=source.opened_on,
                last_event_on=source.last_event_on,
                proposer_id=source.proposer_id,
            )
            db.session.add(case)
            db.session.flush()
            db.session.add(
                Decision(
                    case_id=case.id,
                    kind="admission",
                    status="draft",
                    issuer=draft.issuer,
                    issuer_abbr=draft.issuer_abbr,
                    doc_type=draft.doc_type,
                    subject=draft.subject,
                    template=draft.template,
                    snapshot=draft.snapshot,
                    verify_token=f"t{i}-{case.id}",
                    proposer_id=draft.proposer_id,
                )
            )
            ids.append(case.id)
    return ids


def current_code(secret: str = TOTP_SECRET) -> str:
    """The authenticator's code after the next 30-second step begins: each sign-in in a test
    happens a step later than the one before, as it would for a person (a code is used once)."""
    from workflow import totp

    clock().pass_seconds(totp.STEP_SECONDS)
    return totp.code_at(secret, totp.step_of(clock().seconds()))


def sign_in(client, username: str, password: str = PASSWORD, **extra: str):
    """Post the login form, and the authenticator's code when the account asks for one; the
    response of the last step."""
    from urllib.parse import urlsplit

    response = client.post("/login", data={"username": username, "password": password, **extra})
    if response.status_code == 302 and urlsplit(response.headers["Location"]).path == (
        "/login/code"
    ):
        response = client.post("/login/code", data={"code": current_code()})
    return response
