"""The organization tree below the upper committee."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String
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
