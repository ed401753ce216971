"""The organization tree below the upper committee."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from states.text import text_sort_key
from workflow.models.base import Base, utcnow

ORG_KINDS: dict[str, str] = {
    "grassroots_committee": "Đảng bộ cơ sở",
    "grassroots_cell": "Chi bộ cơ sở",
    "sub_committee": "Đảng bộ bộ phận",
    "cell": "Chi bộ trực thuộc",
}
#: kinds a member or a case can belong to
CELL_KINDS = ("cell", "grassroots_cell")
#: which parent kinds each kind accepts (None: directly under the upper committee)
ALLOWED_PARENTS: dict[str, tuple[str | None, ...]] = {
    "grassroots_committee": (None,),
    "grassroots_cell": (None,),
    "sub_committee": ("grassroots_committee",),
    "cell": ("grassroots_committee", "sub_committee"),
}


class Organization(Base):
    __tablename__ = "organization"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('grassroots_committee','grassroots_cell','sub_committee','cell')", name="kind"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: short unique code used in URLs, imports and reports
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30))
    #: None: directly under the upper committee
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"), index=True)
    #: materialized path of ids, "/3/17/", for subtree queries
    path: Mapped[str] = mapped_column(String(200), index=True, default="")
    #: a grassroots party committee authorized to decide admissions itself
    authorized_to_admit: Mapped[bool] = mapped_column(Boolean, default=False)
    #: abbreviation printed in decision numbers issued by this body (authorized committees)
    abbreviation: Mapped[str | None] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    parent: Mapped[Organization | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Organization]] = relationship(
        back_populates="parent", order_by="Organization.name"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def kind_label(self) -> str:
        return ORG_KINDS.get(self.kind, self.kind)

    @property
    def is_cell(self) -> bool:
        return self.kind in CELL_KINDS

    @property
    def label(self) -> str:
        """The name and, for an organization inside another, that one's name — how pickers
        tell apart the cells that share a name: "Chi bộ Văn phòng — Đảng bộ Sở Y tế"."""
        return f"{self.name} — {self.parent.name}" if self.parent is not None else self.name

    @property
    def children_by_name(self) -> list[Organization]:
        """The organizations directly under this one in Vietnamese alphabetical order (the
        database orders ``children`` by code points: "Chi bộ 10" before "Chi bộ 2")."""
        return by_name(self.children)

    def ancestor_ids(self) -> list[int]:
        return [int(x) for x in self.path.strip("/").split("/") if x]

    def lineage(self) -> list[Organization]:
        """The organization's ancestors, top first, then itself."""
        chain = [self]
        while chain[-1].parent is not None:
            chain.append(chain[-1].parent)
        return chain[::-1]

    def __repr__(self) -> str:
        return f"<Organization {self.code}>"


def by_name(orgs: Iterable[Organization]) -> list[Organization]:
    """In Vietnamese alphabetical order of their labels, numbers by value ("Chi bộ 2" before
    "Chi bộ 10")."""
    return sorted(orgs, key=lambda o: ([text_sort_key(a.name) for a in o.lineage()[::-1]], o.id))


def in_tree_order(orgs: Iterable[Organization]) -> list[Organization]:
    """Each organization after its parent, the children of one parent by name (as
    ``by_name``)."""
    return sorted(orgs, key=lambda o: [(text_sort_key(a.name), a.id) for a in o.lineage()])


#: what an organization's identity on a day consists of (a version row's own columns)
IDENTITY_FIELDS = ("name", "abbreviation", "kind", "parent_id")


class OrgVersion(Base):
    """An organization's identity over an interval of days: ``valid_from`` included (None:
    since before the records), ``valid_to`` excluded (None: still so). ``org_id`` None is the
    upper committee itself (its name, abbreviation and superior body), whose first identity
    is the configuration's until an event records another one. An organization without
    version rows is as its own row says, on every day."""

    __tablename__ = "org_version"
    __table_args__ = (
        Index("ix_org_version_org", "org_id", "valid_from"),
        Index("ix_org_version_parent", "parent_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"))
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    name: Mapped[str] = mapped_column(String(200))
    abbreviation: Mapped[str | None] = mapped_column(String(20))
    kind: Mapped[str | None] = mapped_column(String(30))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"))
    #: the upper committee's superior body ("Đảng bộ tỉnh Phú Thọ")
    superior_name: Mapped[str | None] = mapped_column(String(200))
    #: the party organization the upper committee leads, printed above its grassroots
    #: committees' names (None: read from its name)
    party_name: Mapped[str | None] = mapped_column(String(200))
    #: the event that opened this version (None: recorded when the organization was entered)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("org_event.id"))

    def covers(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day < self.valid_to
        )


class OrgEvent(Base):
    """A dated change of the tree decided by a numbered decision: an organization established,
    renamed, upgraded or downgraded, merged, split, dissolved, moved, handed over, or the upper
    committee succeeded by another body."""

    __tablename__ = "org_event"
    __table_args__ = (
        Index("ix_org_event_date", "effective_on", "id"),
        Index("ix_org_event_org", "org_id", "effective_on"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    effective_on: Mapped[date] = mapped_column(Date)
    #: the organization the event is about (None: the upper committee)
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"))
    #: the organization receiving (merge, move's new parent, split's new part)
    target_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"))
    #: canonical JSON: the sources of a merge, names before and after, members moved …
    payload: Mapped[str] = mapped_column(Text, default="{}")
    #: the upper committee's numbered decision (None: a superior body's, cited as text)
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decision.id"))
    #: a decision of another body, as cited: "Quyết định số 1533-QĐ/TU ngày 10/02/2025"
    external_reference: Mapped[str] = mapped_column(String(200), default="")
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CommitteeTerm(Base):
    """A committee's congress term: its registers restart at the term's start, and its
    decisions cite the working rules adopted for the term. ``org_id`` None: the upper
    committee. A committee without terms numbers by the configured term starts."""

    __tablename__ = "committee_term"
    __table_args__ = (Index("ix_committee_term_org", "org_id", "starts_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"))
    starts_on: Mapped[date] = mapped_column(Date)
    #: "nhiệm kỳ 2025 – 2030"
    label: Mapped[str] = mapped_column(String(60), default="")
    #: the "Căn cứ Quy chế làm việc …" line its decisions cite ("" : the configured one)
    working_rules: Mapped[str] = mapped_column(String(300), default="")


POSTS: dict[str, str] = {
    "secretary": "Bí thư",
    "deputy_secretary": "Phó Bí thư",
    "standing_member": "Ủy viên Ban Thường vụ",
    "committee_member": "Cấp ủy viên",
    "inspection_chair": "Chủ nhiệm Ủy ban Kiểm tra",
    "inspection_member": "Ủy viên Ủy ban Kiểm tra",
}
#: the title a signature block prints for a post held by the signer
POST_TITLES = {"secretary": "BÍ THƯ", "deputy_secretary": "PHÓ BÍ THƯ"}


class CommitteePost(Base):
    """Who holds a post of a committee over an interval (``valid_to`` excluded), from the
    decision approving the election (chuẩn y) or appointing, to the one relieving them."""

    __tablename__ = "committee_post"
    __table_args__ = (Index("ix_committee_post_org", "org_id", "valid_from"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"))
    post: Mapped[str] = mapped_column(String(30))
    holder_name: Mapped[str] = mapped_column(String(100))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    #: the decision approving or appointing, and the one relieving
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decision.id"))
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("decision.id"))

    @property
    def post_label(self) -> str:
        return POSTS.get(self.post, self.post)
