"""The rating figures of a period: members and organizations by level, counted from the
approved levels, with their shares written as year-end reports write them ("91,4%", "98%"),
the sentence the report opens with, and the printed list and workbook."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app
from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import ColumnElement, func, select, true

from states.numbers import percent_of, vn_number
from states.ratings import EXCELLENT, GOOD, GRASSROOTS_KINDS, LEVELS, ORG_GROUPS
from workflow.clock import today
from workflow.extensions import db
from workflow.models import MemberRating, Organization, OrgRating, RatingPeriod
from workflow.spreadsheet import workbook_bytes

#: the grassroots organizations by kind, under their total
KIND_ROWS = {"grassroots_committee": "Đảng bộ cơ sở", "grassroots_cell": "Chi bộ cơ sở"}


def percent(part: int, whole: int) -> str:
    """ "91,4%", "98%" (the digits cut off, trailing zeros dropped); "—" without a whole."""
    text = percent_of(
        part,
        whole,
        decimals=current_app.config["RATING_PERCENT_DECIMALS"],
        truncate=current_app.config["PERCENT_TRUNCATE"],
    )
    if text is None:
        return "—"
    if "," in text:
        text = text.rstrip("0").rstrip(",")
    return text + "%"


@dataclass
class Group:
    key: str
    label: str
    counts: dict[str, int] = field(default_factory=dict)
    #: rows without an approved level yet (members proposed, organizations self-reviewed)
    waiting: int = 0
    exemplary: int = 0

    @property
    def rated(self) -> int:
        return sum(self.counts.values())

    @property
    def good_or_above(self) -> int:
        return self.counts.get(EXCELLENT, 0) + self.counts.get(GOOD, 0)

    def share(self, level: str) -> str:
        return percent(self.counts.get(level, 0), self.rated)

    def rows(self) -> list[tuple[str, int, str]]:
        return [(label, self.counts.get(k, 0), self.share(k)) for k, label in LEVELS]


@dataclass
class Figures:
    period: RatingPeriod
    members: Group
    orgs: list[Group]

    @property
    def grassroots(self) -> Group:
        return self.orgs[0]

    def sentence(self) -> str:
        """ "Có 91,4% TCCS Đảng và 98% đảng viên hoàn thành tốt nhiệm vụ (trong đó, có 20,9%
        TCCS Đảng và 17,2% đảng viên hoàn thành xuất sắc nhiệm vụ); 18 TCCS đạt tiêu chuẩn
        trong sạch, vững mạnh tiêu biểu." """
        g, m = self.grassroots, self.members
        text = (
            f"Có {percent(g.good_or_above, g.rated)} TCCS Đảng và "
            f"{percent(m.good_or_above, m.rated)} đảng viên hoàn thành tốt nhiệm vụ (trong "
            f"đó, có {percent(g.counts.get(EXCELLENT, 0), g.rated)} TCCS Đảng và "
            f"{percent(m.counts.get(EXCELLENT, 0), m.rated)} đảng viên hoàn thành xuất sắc "
            "nhiệm vụ)"
        )
        if g.exemplary:
            text += (
                f"; {vn_number(g.exemplary)} TCCS đạt tiêu chuẩn trong sạch, vững mạnh tiêu biểu"
            )
        return text + "."


def figures(period: RatingPeriod, scope: ColumnElement[bool] | None = None) -> Figures:
    """The period's figures over the organizations ``scope`` (a condition on
    ``Organization.path``) covers: the whole committee when None."""
    where = scope if scope is not None else true()
    members = Group("members", "Đảng viên")
    for level, count in db.session.execute(
        select(MemberRating.level, func.count())
        .join(Organization, Organization.id == MemberRating.cell_id)
        .where(MemberRating.period_id == period.id, where)
        .group_by(MemberRating.level)
    ):
        if level is None:
            members.waiting += count
        else:
            members.counts[level] = count
    groups = {key: Group(key, label) for key, label in ORG_GROUPS.items()}
    kinds = {kind: Group(kind, f"– {label}") for kind, label in KIND_ROWS.items()}
    for kind, level, exemplary, count in db.session.execute(
        select(Organization.kind, OrgRating.level, OrgRating.exemplary, func.count())
        .join(Organization, Organization.id == OrgRating.org_id)
        .where(OrgRating.period_id == period.id, Organization.kind != "sub_committee", where)
        .group_by(Organization.kind, OrgRating.level, OrgRating.exemplary)
    ):
        targets = [groups["grassroots" if kind in GRASSROOTS_KINDS else "cell"]]
        if kind in kinds:
            targets.append(kinds[kind])
        for group in targets:
            if level is None:
                group.waiting += count
                continue
            group.counts[level] = group.counts.get(level, 0) + count
            if exemplary:
                group.exemplary += count
    return Figures(period, members, [groups["grassroots"], *kinds.values(), groups["cell"]])


def all_groups(fig: Figures) -> list[Group]:
    """The rows of the table: the grassroots organizations (and by kind), the cells inside
    grassroots committees, the members."""
    return [*fig.orgs, fig.members]


def workbook(fig: Figures) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Xếp loại"
    ws.append([f"Kết quả đánh giá, xếp loại chất lượng {fig.period.title.lower()}"])
    ws["A1"].font = Font(bold=True)
    ws.append([fig.sentence()])
    ws.append([])
    ws.append(["Đối tượng", "Số được xếp loại"] + [label for _k, label in LEVELS] + ["Tỷ lệ"])
    for cell in ws[4]:
        cell.font = Font(bold=True)
    for group in all_groups(fig):
        ws.append(
            [group.label, group.rated]
            + [group.counts.get(k, 0) for k, _l in LEVELS]
            + [" / ".join(group.share(k) for k, _l in LEVELS)]
        )
    ws.append([])
    ws.append(["TCCS trong sạch, vững mạnh tiêu biểu", fig.grassroots.exemplary])
    ws.column_dimensions["A"].width = 36
    return workbook_bytes(wb)


def to_html(fig: Figures) -> str:
    """The printed list: the Party document heading over the table (only the figures reach
    the template)."""
    from workflow.documents.render import long_date

    config = current_app.config
    return current_app.jinja_env.get_template("pdf/ratings_report.html").render(
        fig=fig,
        groups=all_groups(fig),
        levels=LEVELS,
        superior=config["SUPERIOR_BODY"],
        committee=config["UPPER_COMMITTEE_NAME"],
        place=config["PLACE_NAME"],
        long_date=long_date(today()),
    )
