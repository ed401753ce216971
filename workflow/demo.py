"""Demonstration data: a bloc of grassroots organizations, members, users and candidates.

Candidates are moved through the real engine with back-dated event dates, so every case's
timeline, dossier, votes and deadlines are what the pages would have produced.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from states.spec import Role
from states.text import fold
from workflow.clock import today
from workflow.engine import fire, open_case
from workflow.extensions import db
from workflow.membership import count_for
from workflow.models import Case, Organization, Person, User
from workflow.operations import orgs as org_ops
from workflow.operations import people as people_ops
from workflow.operations import users as user_ops
from workflow.permissions import Actor
from workflow.store.uow import unit_of_work

SURNAMES = (
    ["Nguyễn"] * 8
    + ["Trần"] * 4
    + ["Lê"] * 3
    + ["Phạm"] * 2
    + [
        "Hoàng",
        "Huỳnh",
        "Phan",
        "Vũ",
        "Võ",
        "Đặng",
        "Bùi",
        "Đỗ",
        "Hồ",
        "Ngô",
        "Dương",
        "Lý",
        "Đinh",
        "Trịnh",
        "Đào",
        "Lương",
        "Mai",
        "Tạ",
        "Hà",
        "Kiều",
    ]
)
MIDDLE_MALE = [
    "Văn",
    "Đức",
    "Minh",
    "Quang",
    "Hữu",
    "Thanh",
    "Công",
    "Xuân",
    "Tiến",
    "Mạnh",
    "Ngọc",
    "Việt",
    "Hoàng",
    "Trung",
    "Duy",
]
MIDDLE_FEMALE = [
    "Thị",
    "Thị",
    "Thị",
    "Thu",
    "Ngọc",
    "Thanh",
    "Minh",
    "Thùy",
    "Hồng",
    "Kim",
    "Thị Thu",
    "Bích",
    "Phương",
    "Hải",
]
GIVEN_MALE = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Đạt",
    "Đức",
    "Giang",
    "Hải",
    "Hiếu",
    "Hoàng",
    "Hùng",
    "Huy",
    "Khánh",
    "Khoa",
    "Kiên",
    "Lâm",
    "Long",
    "Lực",
    "Mạnh",
    "Nam",
    "Nghĩa",
    "Phong",
    "Phúc",
    "Quân",
    "Quang",
    "Sơn",
    "Tài",
    "Thắng",
    "Thành",
    "Thịnh",
    "Toàn",
    "Trung",
    "Tuấn",
    "Tùng",
    "Việt",
    "Vinh",
    "Vũ",
    "Hòa",
]
GIVEN_FEMALE = [
    "Anh",
    "Chi",
    "Dung",
    "Duyên",
    "Giang",
    "Hà",
    "Hạnh",
    "Hằng",
    "Hiền",
    "Hoa",
    "Hồng",
    "Huyền",
    "Hương",
    "Lan",
    "Liên",
    "Linh",
    "Loan",
    "Mai",
    "My",
    "Nga",
    "Ngân",
    "Ngọc",
    "Nhung",
    "Oanh",
    "Phương",
    "Quyên",
    "Tâm",
    "Thảo",
    "Thơ",
    "Thủy",
    "Trang",
    "Uyên",
    "Vân",
    "Yến",
    "Hoà",
    "Diệp",
]
HOME_TOWNS = [
    ("Phú Thọ", "025"),
    ("Vĩnh Phúc", "026"),
    ("Hà Nội", "001"),
    ("Tuyên Quang", "008"),
    ("Yên Bái", "015"),
    ("Thái Bình", "034"),
    ("Nam Định", "036"),
    ("Hải Dương", "030"),
    ("Bắc Ninh", "027"),
    ("Thanh Hóa", "038"),
    ("Nghệ An", "040"),
    ("Hòa Bình", "017"),
]
VILLAGES = ["Thanh Sơn", "Phú Lộc", "Hùng Lô", "Sơn Vi", "Tiên Kiên", "Văn Lang", "Hợp Hải"]
ETHNICITIES = ["Kinh"] * 14 + ["Mường", "Tày", "Dao", "Cao Lan"]

#: code, name, kind, authorized, abbreviation, cells (name, sub-committee name or None)
STRUCTURE = [
    (
        "DB-STC",
        "Đảng bộ Sở Tài chính",
        "grassroots_committee",
        False,
        None,
        [
            ("CB-STC-NS", "Chi bộ Phòng Ngân sách", None),
            ("CB-STC-GC", "Chi bộ Phòng Quản lý giá và công sản", None),
            ("CB-STC-TH", "Chi bộ Phòng Tài chính – Hành chính sự nghiệp", None),
            ("CB-STC-TT", "Chi bộ Thanh tra Sở", None),
            ("CB-STC-VP", "Chi bộ Văn phòng Sở", None),
        ],
    ),
    (
        "DB-SGD",
        "Đảng bộ Sở Giáo dục và Đào tạo",
        "grassroots_committee",
        False,
        None,
        [
            ("CB-SGD-GDTH", "Chi bộ Phòng Giáo dục Trung học", None),
            ("CB-SGD-GDMN", "Chi bộ Phòng Giáo dục Mầm non – Tiểu học", None),
            ("CB-SGD-KT", "Chi bộ Phòng Khảo thí và Kiểm định chất lượng", None),
            ("CB-SGD-TC", "Chi bộ Phòng Tổ chức cán bộ", None),
            ("CB-SGD-VP", "Chi bộ Văn phòng Sở", None),
        ],
    ),
    (
        "DB-BVDK",
        "Đảng bộ Bệnh viện Đa khoa tỉnh",
        "grassroots_committee",
        False,
        None,
        [
            ("CB-BV-NOI1", "Chi bộ Khoa Nội tổng hợp", "Đảng bộ bộ phận Khối Nội"),
            ("CB-BV-NOI2", "Chi bộ Khoa Tim mạch", "Đảng bộ bộ phận Khối Nội"),
            ("CB-BV-NOI3", "Chi bộ Khoa Nhi", "Đảng bộ bộ phận Khối Nội"),
            ("CB-BV-NGO1", "Chi bộ Khoa Ngoại tổng hợp", "Đảng bộ bộ phận Khối Ngoại"),
            ("CB-BV-NGO2", "Chi bộ Khoa Gây mê hồi sức", "Đảng bộ bộ phận Khối Ngoại"),
            ("CB-BV-NGO3", "Chi bộ Khoa Chấn thương chỉnh hình", "Đảng bộ bộ phận Khối Ngoại"),
            ("CB-BV-HC", "Chi bộ Phòng Hành chính quản trị", None),
            ("CB-BV-KH", "Chi bộ Phòng Kế hoạch tổng hợp", None),
        ],
    ),
    (
        "DB-PC",
        "Đảng bộ Công ty Điện lực tỉnh",
        "grassroots_committee",
        True,
        "ĐU",
        [
            ("CB-PC-KT", "Chi bộ Phòng Kỹ thuật", None),
            ("CB-PC-KD", "Chi bộ Phòng Kinh doanh", None),
            ("CB-PC-DD", "Chi bộ Trung tâm Điều độ", None),
            ("CB-PC-TP", "Chi bộ Điện lực thành phố", None),
            ("CB-PC-PN", "Chi bộ Điện lực Phù Ninh", None),
            ("CB-PC-VP", "Chi bộ Văn phòng Công ty", None),
        ],
    ),
    (
        "DB-SYT",
        "Đảng bộ Sở Y tế",
        "grassroots_committee",
        False,
        None,
        [
            ("CB-SYT-NV", "Chi bộ Phòng Nghiệp vụ Y", None),
            ("CB-SYT-KH", "Chi bộ Phòng Kế hoạch – Tài chính", None),
            ("CB-SYT-TT", "Chi bộ Thanh tra Sở", None),
            ("CB-SYT-VP", "Chi bộ Văn phòng Sở", None),
        ],
    ),
    (
        "DB-VPUB",
        "Đảng bộ Văn phòng Ủy ban nhân dân tỉnh",
        "grassroots_committee",
        False,
        None,
        [
            ("CB-VP-KT", "Chi bộ Phòng Kinh tế ngành", None),
            ("CB-VP-KG", "Chi bộ Phòng Khoa giáo – Văn xã", None),
            ("CB-VP-HCTC", "Chi bộ Phòng Hành chính – Tổ chức", None),
            ("CB-VP-TH", "Chi bộ Trung tâm Phục vụ hành chính công", None),
        ],
    ),
    (
        "DB-DHHV",
        "Đảng bộ Trường Đại học Hùng Vương",
        "grassroots_committee",
        False,
        None,
        [
            ("CB-HV-KT", "Chi bộ Khoa Kinh tế và Quản trị kinh doanh", None),
            ("CB-HV-KTCN", "Chi bộ Khoa Kỹ thuật – Công nghệ", None),
            ("CB-HV-SP", "Chi bộ Khoa Giáo dục Tiểu học và Mầm non", None),
            ("CB-HV-NN", "Chi bộ Khoa Ngoại ngữ", None),
            ("CB-HV-SV", "Chi bộ Sinh viên", None),
        ],
    ),
    ("CB-STP", "Chi bộ Sở Tư pháp", "grassroots_cell", False, None, []),
    ("CB-BDT", "Chi bộ Ban Dân tộc tỉnh", "grassroots_cell", False, None, []),
    ("CB-LMHTX", "Chi bộ Liên minh Hợp tác xã tỉnh", "grassroots_cell", False, None, []),
]

#: the target state of each demo candidate (60 in all, every state of the procedure)
TARGETS = (
    ["source_list"] * 5
    + ["in_awareness_class"] * 4
    + ["certified"] * 4
    + ["preparing_dossier"] * 4
    + ["under_verification"] * 4
    + ["awaiting_cell_meeting"] * 4
    + ["cell_resolved"] * 4
    + ["subcommittee_appraised"] * 2
    + ["grassroots_resolved"] * 4
    + ["department_appraised"] * 4
    + ["admission_decided"] * 3
    + ["awaiting_ceremony"] * 3
    + ["admitted"] * 4
    + ["paused"] * 2
    + ["certificate_expired"] * 2
    + ["rejected"] * 4
    + ["withdrawn"] * 3
)


@dataclass
class Demo:
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

    def person_data(self, birth_from: int, birth_to: int, occupation: str) -> dict:
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


def _build_orgs(d: Demo) -> None:
    for code, name, kind, authorized, abbr, cells in STRUCTURE:
        root = org_ops.create_org(
            {
                "code": code,
                "name": name,
                "kind": kind,
                "authorized_to_admit": authorized,
                "abbreviation": abbr,
            },
            actor=d.system,
        )
        d.roots[code] = root
        if kind == "grassroots_cell":
            d.cells.append(root)
        subs: dict[str, Organization] = {}
        for i, (cell_code, cell_name, sub_name) in enumerate(cells):
            parent = root
            if sub_name:
                if sub_name not in subs:
                    subs[sub_name] = org_ops.create_org(
                        {
                            "code": f"{code}-BP{len(subs) + 1}",
                            "name": sub_name,
                            "kind": "sub_committee",
                            "parent_id": root.id,
                        },
                        actor=d.system,
                    )
                parent = subs[sub_name]
            d.cells.append(
                org_ops.create_org(
                    {
                        "code": cell_code or f"{code}-{i}",
                        "name": cell_name,
                        "kind": "cell",
                        "parent_id": parent.id,
                    },
                    actor=d.system,
                )
            )


def _build_members(d: Demo, total: int) -> None:
    per_cell = [total // len(d.cells)] * len(d.cells)
    for i in range(total - sum(per_cell)):
        per_cell[i] += 1
    for cell, count in zip(d.cells, per_cell, strict=True):
        unit = cell.name.removeprefix("Chi bộ ")
        for k in range(count):
            probationary = k >= count - 2 and d.rng.random() < 0.55
            data = d.person_data(
                1966,
                1996 if not probationary else 2001,
                d.rng.choice(
                    [
                        "Chuyên viên",
                        "Chuyên viên chính",
                        "Phó Trưởng phòng",
                        "Trưởng phòng",
                        "Kế toán",
                        "Kỹ sư",
                        "Bác sĩ",
                        "Giảng viên",
                    ]
                )
                + f", {unit}",
            )
            person = people_ops.create_person(data, cell=cell, actor=d.system)
            birth = person.birth_date
            if probationary:
                # some have served their 12 months already and are being recognized
                decided = d.today - timedelta(days=d.rng.randint(60, 560))
            else:
                earliest = date(birth.year + 21, birth.month, 1)
                span = max(30, (d.today - timedelta(days=500) - earliest).days)
                decided = earliest + timedelta(days=d.rng.randint(0, span))
            joined = decided + timedelta(days=d.rng.randint(7, 35))
            official = None if probationary else _add_year(joined)
            people_ops.record_membership(
                person,
                status="probationary" if probationary else "official",
                admission_decision_on=decided,
                joined_on=joined,
                official_on=official,
                card_number=None if probationary else f"25{d.rng.randrange(10**6):06d}",
                actor=d.system,
            )


def _add_year(day: date) -> date:
    from states.dates import add_months

    return add_months(day, 12)


USERS = [
    # username, full name, role, org code or None, title, printed
    ("quantri", "Nguyễn Minh Quản", Role.ADMIN, None, "", True),
    ("bantochuc", "Trần Thị Tổ Chức", Role.DEPARTMENT_STAFF, None, "", True),
    ("bantochuc2", "Đỗ Văn Thẩm", Role.DEPARTMENT_STAFF, None, "", False),
    ("truongban", "Hà Minh Trưởng", Role.DEPARTMENT_STAFF, None, "TRƯỞNG BAN TỔ CHỨC", False),
    ("phobithu", "Lê Văn Thường", Role.SIGNER, None, "PHÓ BÍ THƯ", True),
    ("bithu.duk", "Phạm Quang Vụ", Role.SIGNER, None, "BÍ THƯ", False),
    ("ubkt", "Hoàng Thị Kiểm", Role.INSPECTION, None, "", True),
    ("kiemtoan", "Vũ Đức Soát", Role.AUDITOR, None, "", True),
    ("dangbo.stc", "Bùi Thị Cơ Sở", Role.GRASSROOTS_STAFF, "DB-STC", "", True),
    ("chibo.ngansach", "Ngô Văn Chi", Role.CELL_SECRETARY, "CB-STC-NS", "", True),
]


def _user(d: Demo, username: str, full_name: str):
    """A demonstration account; its password is kept (signing steps ask for it again)."""
    user, password = user_ops.create_user(username, full_name, actor=d.system)
    d.passwords[user.id] = password
    return user, password


def _build_users(d: Demo) -> None:
    from states.spec import ROLE_LABELS

    for username, full_name, role, org_code, title, printed in USERS:
        org = _org_by_code(org_code) if org_code else None
        user, password = _user(d, username, full_name)
        user_ops.add_grant(user, role.value, org.id if org else None, title, actor=d.system)
        if printed:
            where = org.name if org else "toàn Đảng ủy"
            d.accounts.append((username, password, f"{ROLE_LABELS[role]} – {where}"))
    # Every other cell and grassroots organization gets its own secretary or staff account,
    # so the demonstration timelines show who did what (passwords are reset by the admin).
    for cell in d.cells:
        if cell.code == "CB-STC-NS":
            continue
        user, _ = _user(d, f"bt.{cell.code.lower()}", d.name("male"))
        user_ops.add_grant(user, Role.CELL_SECRETARY.value, cell.id, "", actor=d.system)
        if cell.kind == "grassroots_cell":
            user_ops.add_grant(user, Role.GRASSROOTS_STAFF.value, cell.id, "", actor=d.system)
    for code, root in d.roots.items():
        if root.kind != "grassroots_committee":
            continue
        if code != "DB-STC":
            user, _ = _user(d, f"du.{code.lower()}", d.name("female"))
            user_ops.add_grant(user, Role.GRASSROOTS_STAFF.value, root.id, "", actor=d.system)
        if root.authorized_to_admit:
            user, _ = _user(d, f"bithu.{code.lower()}", d.name("male"))
            user_ops.add_grant(user, Role.SIGNER.value, root.id, "BÍ THƯ", actor=d.system)
        for sub in root.children:
            if sub.kind == "sub_committee":
                user, _ = _user(d, f"dubp.{sub.code.lower()}", d.name("male"))
                user_ops.add_grant(user, Role.GRASSROOTS_STAFF.value, sub.id, "", actor=d.system)


def _org_by_code(code: str) -> Organization:
    from sqlalchemy import select

    return db.session.scalars(select(Organization).where(Organization.code == code)).one()


def _actor_for(d: Demo, role: Role, path: str | None) -> Actor:
    """The demo user who holds ``role`` over ``path`` (most specific grant first)."""
    key = f"{role}:{path}"
    if key not in d.actors:
        from sqlalchemy import select

        best = None
        for user in db.session.scalars(select(User)):
            actor = Actor.of(user)
            scope = actor.scope_for({role}, path)
            if scope is not None and (best is None or len(scope.org_path) > len(best[1].org_path)):
                best = (actor, scope)
        if best is None:
            raise RuntimeError(f"no demo user for {role} at {path}")
        d.actors[key] = best[0]
    return d.actors[key]


PATH = [
    "enroll_awareness_class",
    "record_certificate",
    "submit_application",
    "record_sponsors",
    "record_document",
    "start_verification",
    "record_verification_answer",
    "record_verification_answer",
    "conclude_verification",
    "record_cell_resolution",
    "appraise_by_subcommittee",
    "record_grassroots_resolution",
    "decide_by_grassroots",
    "appraise_by_department",
    "approve_admission",
    "receive_decision",
    "hold_ceremony",
]
GAPS = {
    "enroll_awareness_class": 25,
    "record_certificate": 12,
    "submit_application": 30,
    "record_sponsors": 3,
    "record_document": 5,
    "start_verification": 6,
    "record_verification_answer": 14,
    "conclude_verification": 5,
    "record_cell_resolution": 12,
    "appraise_by_subcommittee": 8,
    "record_grassroots_resolution": 12,
    "decide_by_grassroots": 15,
    "appraise_by_department": 14,
    "approve_admission": 12,
    "receive_decision": 5,
    "hold_ceremony": 18,
}
#: the state reached after each step on the main path
REACHED = {
    "enroll_awareness_class": "in_awareness_class",
    "record_certificate": "certified",
    "submit_application": "preparing_dossier",
    "start_verification": "under_verification",
    "conclude_verification": "awaiting_cell_meeting",
    "record_cell_resolution": "cell_resolved",
    "appraise_by_subcommittee": "subcommittee_appraised",
    "record_grassroots_resolution": "grassroots_resolved",
    "appraise_by_department": "department_appraised",
    "approve_admission": "admission_decided",
    "decide_by_grassroots": "admission_decided",
    "receive_decision": "awaiting_ceremony",
    "hold_ceremony": "admitted",
}
ORDER = [
    "source_list",
    "in_awareness_class",
    "certified",
    "preparing_dossier",
    "under_verification",
    "awaiting_cell_meeting",
    "cell_resolved",
    "subcommittee_appraised",
    "grassroots_resolved",
    "department_appraised",
    "admission_decided",
    "awaiting_ceremony",
    "admitted",
]


def _fits(cell: Organization, target: str, roots: dict[int, Organization]) -> bool:
    """Whether a case in ``cell`` passes through ``target`` (the path depends on the tree)."""
    ids = cell.ancestor_ids()
    authorized = roots[ids[0]].authorized_to_admit
    if target == "subcommittee_appraised":
        return len(ids) == 3
    if target == "grassroots_resolved":
        return cell.kind == "cell" and not authorized
    if target == "department_appraised":
        return not authorized
    return True


def _steps_for(cell: Organization, roots: dict[int, Organization]) -> list[str]:
    root = roots[cell.ancestor_ids()[0]]
    steps = PATH[:10]
    if len(cell.ancestor_ids()) == 3:
        steps.append("appraise_by_subcommittee")
    if root.authorized_to_admit:
        steps.append("decide_by_grassroots")
    else:
        if cell.kind != "grassroots_cell":
            steps.append("record_grassroots_resolution")
        steps += ["appraise_by_department", "approve_admission"]
    return [*steps, "receive_decision", "hold_ceremony"]


def _payload(d: Demo, case: Case, trigger: str, day: date, answered: list[int]) -> dict:
    from sqlalchemy import select

    p: dict = {"event_date": day.isoformat(), **_standing_vote(d, case, trigger)}
    root_path = f"/{case.cell.ancestor_ids()[0]}/"
    if trigger == "enroll_awareness_class":
        p["class_name"] = f"Lớp bồi dưỡng nhận thức về Đảng khóa {day.month}/{day.year}"
    elif trigger == "record_certificate":
        p["certificate_number"] = f"{d.rng.randint(100, 999)}-CN/ĐUK"
        p["issuer"] = "Ban Thường vụ Đảng ủy Khối"
    elif trigger == "record_sponsors":
        members = list(
            db.session.scalars(
                select(Person)
                .join(Organization, Organization.id == Person.cell_id)
                .where(
                    Organization.path.startswith(root_path),
                    Person.member_status == "official",
                    Person.official_on < day - timedelta(days=400),
                )
            )
        )
        same_cell = [m for m in members if m.cell_id == case.cell_id] or members
        chosen = d.rng.sample(same_cell, 2) if len(same_cell) >= 2 else d.rng.sample(members, 2)
        p["route"] = "two_members"
        p["sponsors"] = [
            {
                "member": m.id,
                "together_since": (day - timedelta(days=d.rng.randint(420, 1500))).isoformat(),
            }
            for m in chosen
        ]
    elif trigger == "record_document":
        p["document"] = "opinions"
        p["note"] = "Ý kiến của Công đoàn cơ sở, Đoàn Thanh niên và chi ủy nơi cư trú"
    elif trigger == "start_verification":
        p["requests"] = [
            {"subject": "Bản thân", "addressee": "Đảng ủy phường nơi cư trú"},
            {"subject": "Cha, mẹ", "addressee": "Đảng ủy xã nơi cha mẹ cư trú"},
        ]
    elif trigger == "record_verification_answer":
        pending = [
            r for r in case.verification_requests if r.answered_on is None and r.id not in answered
        ]
        p["request"] = pending[0].id
        answered.append(pending[0].id)
        p["result"] = "clear"
        p["note"] = "Lý lịch khai đúng; gia đình chấp hành tốt chủ trương, chính sách"
    elif trigger == "conclude_verification":
        p["conclusion"] = "Lý lịch rõ ràng, đủ tiêu chuẩn chính trị để xem xét kết nạp."
    elif trigger == "record_cell_resolution":
        total = count_for(case, "cell_official_members", day)
        p.update(
            resolution_number=f"{d.rng.randint(10, 99)}-NQ/CB",
            official_total=total,
            yes=total,
            no=0,
            invalid=0,
        )
    elif trigger in ("record_grassroots_resolution", "decide_by_grassroots"):
        p.update(
            resolution_number=f"{d.rng.randint(100, 300)}-NQ/ĐU",
            official_total=9,
            yes=9,
            no=0,
            invalid=0,
        )
    elif trigger == "appraise_by_subcommittee":
        p.update(
            reference=f"{d.rng.randint(10, 90)}-BC/ĐUBP", opinion="Hồ sơ đầy đủ, đúng quy định."
        )
    elif trigger == "appraise_by_department":
        p["opinion"] = (
            "Hồ sơ đầy đủ, đúng quy trình; đề nghị Ban Thường vụ xem xét, quyết định kết nạp."
        )
    elif trigger == "hold_ceremony":
        helper = next(s.person_id for s in case.sponsors)
        p["helpers"] = [{"member": helper}]
    return p


#: the demonstration committee's standing committee
STANDING_MEMBERS = 11


def _standing_vote(d: Demo, case: Case, trigger: str) -> dict:
    """The standing committee's meeting, for a step decided there: most members present,
    all of them in favour or one against."""
    from states import get_spec

    if not any(t.meeting for t in get_spec(case.procedure).transitions_for(trigger)):
        return {}
    present = STANDING_MEMBERS - d.rng.randint(0, 2)
    against = d.rng.randint(0, 1)
    return {
        "members_total": STANDING_MEMBERS,
        "members_present": present,
        "yes": present - against,
        "no": against,
    }


def _actor_for_step(d: Demo, case: Case, trigger: str) -> Actor:
    from states import get_spec
    from workflow.permissions import acting_org, level_path

    spec = get_spec(case.procedure)
    t = next(t for t in spec.transitions_for(trigger) if case.state in t.sources)
    path = level_path(acting_org(case, t.level), t.level)
    for role in (Role.CELL_SECRETARY, Role.GRASSROOTS_STAFF, Role.DEPARTMENT_STAFF, Role.SIGNER):
        if role in t.roles:
            try:
                return _actor_for(d, role, path)
            except RuntimeError:
                continue
    raise RuntimeError(f"no actor for {trigger}")


def _candidate_walk(d: Demo, cell: Organization, target: str, roots, index: int) -> Iterator[date]:
    """Open a case and fire it along the main path to ``target`` with back-dated events,
    yielding the date of each step before taking it (see ``_in_date_order``)."""
    base_target = {
        "paused": "under_verification",
        "certificate_expired": "certified",
        "rejected": "awaiting_cell_meeting",
        "withdrawn": "preparing_dossier",
    }.get(target, target)
    steps = _steps_for(cell, roots)
    todo: list[str] = []
    reached = "source_list"
    for step in steps:
        if ORDER.index(reached) >= ORDER.index(base_target):
            break
        todo.append(step)
        reached = REACHED.get(step, reached)
    extra = {
        "paused": ["pause"],
        "rejected": ["record_cell_rejection"],
        "withdrawn": ["withdraw"],
        "certificate_expired": ["expire_certificate"],
    }
    todo += extra.get(target, [])
    # Dates: walk back from a recent "last event" so the case ends near today.
    gaps = [GAPS.get(t, 10) + d.rng.randint(0, 6) for t in todo]
    late = index % 7 == 0 and base_target in (
        "grassroots_resolved",
        "department_appraised",
        "awaiting_ceremony",
    )
    end = d.today - timedelta(days=d.rng.randint(1, 20) + (60 if late else 0))
    if target == "certificate_expired":
        gaps[-1] += 5 * 365 + 30
    start = end - timedelta(days=sum(gaps) + 20)
    age_floor = 19 if base_target not in ("source_list",) else 18
    data = d.person_data(start.year - 35, start.year - age_floor, "")
    data["occupation"] = f"Chuyên viên, {cell.name.removeprefix('Chi bộ ')}"
    secretary = _actor_for(d, Role.CELL_SECRETARY, cell.path)
    yield start
    with unit_of_work():
        fresh_cell = db.session.get(Organization, cell.id)
        person = people_ops.create_person(data, cell=fresh_cell, actor=secretary)
        case_id = open_case(
            "admission", person=person, actor=secretary, payload={"event_date": start.isoformat()}
        ).id
    day = start
    answered: list[int] = []
    for trigger, gap in zip(todo, gaps, strict=True):
        day += timedelta(days=gap)
        yield day
        case = db.session.get(Case, case_id)
        payload = _payload(d, case, trigger, day, answered)
        if trigger == "pause":
            payload["reason"] = "Kết quả thẩm tra có nội dung cần làm rõ thêm."
        elif trigger == "record_cell_rejection":
            total = count_for(case, "cell_official_members", day)
            payload.update(official_total=total, yes=total // 2, no=total - total // 2, invalid=0)
        elif trigger == "withdraw":
            payload["reason"] = "Người vào Đảng xin rút hồ sơ vì chuyển công tác ra ngoài tỉnh."
        actor = _actor_for_step(d, case, trigger)
        fire(
            case_id,
            trigger,
            actor=actor,
            payload=payload,
            expected_version=case.version,
            password=d.passwords.get(actor.user_id),
        )


def _in_date_order(walks: Iterable[Iterator[date]]) -> None:
    """Take the steps of several back-dated walks in the order of their dates, so that the
    numbers of each register follow the dates of what they number, as in a real register."""
    queue: list[tuple[date, int, Iterator[date]]] = []
    for i, walk in enumerate(walks):
        day = next(walk, None)
        if day is not None:
            heapq.heappush(queue, (day, i, walk))
    while queue:
        _, i, walk = heapq.heappop(queue)
        day = next(walk, None)  # takes the step due, then tells when the next one is
        if day is not None:
            heapq.heappush(queue, (day, i, walk))


def load_demo(
    seed: int = 2026, members: int = 400, people: bool = True
) -> list[tuple[str, str, str]]:
    """Load everything; return the printed accounts (username, password, description).

    ``people`` False: only the organizations, the accounts and the targets, as a committee
    starts before its member lists are imported."""
    d = Demo(
        rng=random.Random(seed),
        today=today(),
        system=Actor(None, "Nhập liệu ban đầu", Actor.system().scopes),
    )
    with unit_of_work():
        _build_orgs(d)
        if people:
            _build_members(d, members)
        _build_users(d)
        d.cells = [db.session.get(Organization, c.id) for c in d.cells]
    roots = {
        o.id: o
        for o in db.session.scalars(db.select(Organization).where(Organization.parent_id.is_(None)))
    }
    if not people:
        _set_targets(d, roots)
        return d.accounts
    home = next(c for c in d.cells if c.code == "CB-STC-NS")
    walks = _probation_walks(d, roots)
    for index, target in enumerate(TARGETS):
        eligible = [c for c in d.cells if _fits(c, target, roots)]
        if index % 5 == 0 and home in eligible:
            cell = home  # the demo cell secretary's own cell sees every stage
        else:
            others = [c for c in eligible if c is not home]
            cell = others[(index * 7) % len(others)]
        walks.append(_candidate_walk(d, cell, target, roots, index))
    _in_date_order(walks)
    from workflow.demo_transfers import run_transfers

    run_transfers(d)
    _set_targets(d, roots)
    return d.accounts


def _set_targets(d: Demo, roots: dict[int, Organization]) -> None:
    """This year's targets: the committee's admissions as 8% of its members on 1 January, its
    awareness-class trainees as a number, and each grassroots organization's admissions."""
    from workflow.reports import targets as target_mod

    year = str(d.today.year)
    with unit_of_work():
        target_mod.set_target(
            {"year": year, "kind": "admissions", "percent": "8"}, None, actor=d.system
        )
        target_mod.set_target(
            {"year": year, "kind": "awareness_trainees", "value": "60"}, None, actor=d.system
        )
        for index, org in enumerate(sorted(roots.values(), key=lambda o: o.code)):
            value = str(2 + index % 4)
            target_mod.set_target(
                {"year": year, "kind": "admissions", "value": value}, org, actor=d.system
            )


#: where the probationary members' cases stand, by how long ago their probation ended
PROBATION_TARGETS = (
    "official",
    "awaiting_cell_review",
    "department_appraised",
    "removed:removal",
    "cell_proposed",
    "department_appraised:removal",
    "grassroots_proposed",
    "official",
    "awaiting_cell_review",
)


def _probation_payload(case: Case, trigger: str, day: date, d: Demo, proposal: str) -> dict:
    p: dict = {"event_date": day.isoformat(), **_standing_vote(d, case, trigger)}
    if trigger == "record_document":
        held = {x.purpose for x in case.documents}
        p["document"] = next(
            k for k in ("self_review", "helper_assessment", "opinions") if k not in held
        )
    elif trigger == "record_new_member_certificate":
        p.update(
            certificate_number=f"{d.rng.randint(100, 999)}-CN/ĐVM",
            issuer="Ban Thường vụ Đảng ủy Khối",
        )
    elif trigger in (
        "record_cell_resolution",
        "record_grassroots_resolution",
        "decide_by_grassroots",
    ):
        total = 9
        if trigger == "record_cell_resolution":
            total = count_for(case, "cell_official_members", day)
            p["proposal"] = proposal
            if proposal == "removal":
                p["reason"] = (
                    "Không hoàn thành nhiệm vụ, vi phạm tư cách đảng viên trong thời kỳ dự bị."
                )
        p.update(official_total=total, yes=total, no=0)
    elif trigger in ("appraise_by_subcommittee",):
        p["opinion"] = "Đủ điều kiện theo quy định."
    elif trigger == "appraise_by_department":
        p["opinion"] = "Hồ sơ đầy đủ; đề nghị Ban Thường vụ xem xét, quyết định."
    return p


def _probation_step(case: Case, roots) -> str:
    held = {x.purpose for x in case.documents}
    root = roots[case.cell.ancestor_ids()[0]]
    if case.state == "in_probation":
        if len(held & {"self_review", "helper_assessment", "opinions"}) < 3:
            return "record_document"
        if "new_member_certificate" not in held:
            return "record_new_member_certificate"
        return "end_probation"
    if case.state == "awaiting_cell_review":
        return "record_cell_resolution"
    if case.state == "cell_proposed":
        if len(case.cell.ancestor_ids()) == 3:
            return "appraise_by_subcommittee"
        if root.authorized_to_admit:
            return "decide_by_grassroots"
        return (
            "appraise_by_department"
            if case.cell.kind == "grassroots_cell"
            else "record_grassroots_resolution"
        )
    if case.state == "subcommittee_appraised":
        return "record_grassroots_resolution"
    if case.state == "grassroots_proposed":
        return "appraise_by_department"
    return "approve_recognition" if case.proposal == "recognition" else "approve_removal"


def _probation_walks(d: Demo, roots) -> list[Iterator[date]]:
    """Probation cases for the members recorded as probationary; those whose 12 months have
    run are moved on through recognition with back-dated events."""
    from sqlalchemy import select

    people = list(
        db.session.scalars(
            select(Person)
            .where(
                Person.member_status == "probationary",
                ~Person.id.in_(select(Case.person_id).where(Case.procedure == "probation")),
            )
            .order_by(Person.joined_on)
        )
    )
    walks = []
    ended = 0
    for person in people:
        target = proposal = None
        if _add_year(person.joined_on) <= d.today - timedelta(days=10):
            target, _, proposal = PROBATION_TARGETS[ended % len(PROBATION_TARGETS)].partition(":")
            ended += 1
        walks.append(_probation_walk(d, roots, person.id, target, proposal or "recognition"))
    return walks


def _probation_walk(
    d: Demo, roots, person_id: int, target: str | None, proposal: str
) -> Iterator[date]:
    from workflow.engine import start_case

    joined_on = db.session.get(Person, person_id).joined_on
    yield joined_on
    with unit_of_work():
        fresh = db.session.get(Person, person_id)
        case_id = start_case("probation", person=fresh, actor=d.system, opened_on=joined_on).id
    case = db.session.get(Case, case_id)
    if target is None:
        return  # still on probation
    end = case.probation_end
    day = end - timedelta(days=40)
    # a stage the organization's path does not have (a grassroots cell has no grassroots
    # committee, an authorized committee decides itself) ends the case at its outcome
    while case.state != target and case.state not in ("official", "removed"):
        trigger = _probation_step(case, roots)
        day = min(day + timedelta(days=d.rng.randint(2, 6)), d.today)
        if trigger == "end_probation":
            day = end
        yield day
        case = db.session.get(Case, case_id)
        actor = _actor_for_step(d, case, trigger)
        fire(
            case_id,
            trigger,
            actor=actor,
            payload=_probation_payload(case, trigger, day, d, proposal),
            expected_version=case.version,
            password=d.passwords.get(actor.user_id),
        )
        db.session.expire_all()
        case = db.session.get(Case, case_id)


__all__ = ["fold", "load_demo"]
