"""Printed lists of members in the Party's document format on landscape pages, and the same
rows as a workbook: a badge round's lists (an organization's, the department's compiled list
for the provincial standing committee, the re-issue list 4A-HHĐ) and the card lists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from states import badges as rules_of
from states.dates import format_months, vn_date
from states.rules import rules_on
from states.text import first_lower
from workflow.clock import today
from workflow.extensions import db
from workflow.models import BadgeAward, BadgeRound, Organization
from workflow.spreadsheet import workbook_bytes

COLUMNS = (
    ("TT", 6),
    ("Họ và tên", 24),
    ("Ngày sinh", 16),
    ("Quê quán", 20),
    ("Ngày quyết định kết nạp", 16),
    ("Ngày vào Đảng", 16),
    ("Ngày chính thức", 16),
    ("Số thẻ đảng viên", 15),
    ("Tuổi đảng đến ngày xét", 14),
    ("Loại Huy hiệu", 11),
    ("Hình thức", 14),
    ("Tổ chức đề nghị", 20),
    ("Ghi chú", 22),
)


@dataclass(frozen=True)
class Listing:
    """A printed list of members: its title, the body that keeps it, its rows."""

    title: str
    subtitle: str
    #: who signs: "T/M BAN THƯỜNG VỤ" (the compiled and re-issue lists), or the organization
    on_behalf: str
    form_code: str
    keeper: str
    rows: list[list[str]]
    gift_total: int = 0
    gift_unknown: int = 0
    columns: tuple[str, ...] = tuple(c for c, _ in COLUMNS)
    widths: tuple[int, ...] = tuple(w for _, w in COLUMNS)


def _awards(rnd: BadgeRound, org: Organization | None, reissue: bool) -> list[BadgeAward]:
    stmt = (
        select(BadgeAward)
        .where(BadgeAward.round_id == rnd.id)
        .options(joinedload(BadgeAward.person), joinedload(BadgeAward.org))
        .order_by(BadgeAward.sort_key, BadgeAward.id)
    )
    stmt = stmt.where(BadgeAward.kind == "reissue" if reissue else BadgeAward.kind != "reissue")
    if org is not None:
        stmt = stmt.where(
            BadgeAward.org_id == org.id,
            BadgeAward.status.in_(("confirmed", "sent", "decided", "handed")),
        )
    else:
        stmt = stmt.where(BadgeAward.status.in_(("sent", "decided", "handed")))
    return list(db.session.scalars(stmt))


def build(rnd: BadgeRound, org: Organization | None, *, reissue: bool = False) -> Listing:
    rules = rules_on(rnd.round_on)
    awards = _awards(rnd, org, reissue)
    rows, total, unknown = [], 0, 0
    for n, a in enumerate(awards, 1):
        p = a.person
        rows.append(
            [
                str(n),
                p.full_name,
                vn_date(p.birth_date),
                p.home_town,
                vn_date(p.admission_decision_on),
                vn_date(p.joined_on),
                vn_date(p.official_on),
                p.card_number or "",
                format_months(a.party_age_months),
                f"{a.years} năm",
                rules_of.KINDS[a.kind],
                a.org.name,
                a.badge_number if reissue else a.note,
            ]
        )
        money = rules_of.gift(a.years, rules)
        if a.kind != "reissue":
            if money is None:
                unknown += 1
            else:
                total += money
    occasion = rules_of.OCCASIONS.get(rnd.occasion, (0, 0, ""))[2]
    if reissue:
        title = "DANH SÁCH ĐẢNG VIÊN ĐỀ NGHỊ CẤP LẠI HUY HIỆU ĐẢNG"
        code = "Mẫu 4A-HHĐ"
    else:
        title = "DANH SÁCH ĐẢNG VIÊN ĐỀ NGHỊ TẶNG, TRUY TẶNG HUY HIỆU ĐẢNG"
        code = ""
    if org is None:
        on_behalf = "T/M BAN THƯỜNG VỤ"
    else:
        on_behalf = "T/M CHI BỘ" if org.kind == "grassroots_cell" else "T/M ĐẢNG ỦY"
    return Listing(
        on_behalf=on_behalf,
        title=title,
        subtitle=f"Đợt {rnd.occasion}/{rnd.year} ({first_lower(occasion)})",
        form_code=code,
        keeper=org.name if org else current_app.config["UPPER_COMMITTEE_NAME"],
        rows=rows,
        gift_total=total,
        gift_unknown=unknown,
    )


def to_html(listing: Listing, on: date | None = None) -> str:
    from workflow.documents.render import long_date

    config = current_app.config
    org_level = listing.keeper != config["UPPER_COMMITTEE_NAME"]
    return current_app.jinja_env.get_template("pdf/member_list.html").render(
        listing=listing,
        columns=listing.columns,
        percents=[round(w * 100 / sum(listing.widths), 1) for w in listing.widths],
        superior=config["UPPER_COMMITTEE_NAME"] if org_level else config["SUPERIOR_BODY"],
        committee=listing.keeper,
        place=config["PLACE_NAME"],
        long_date=long_date(on or today()),
    )


def to_xlsx(listing: Listing) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Danh sách"
    sheet.append([listing.title])
    sheet.append(
        [" — ".join(x for x in (listing.form_code, listing.subtitle, listing.keeper) if x)]
    )
    sheet.append(list(listing.columns))
    for cell in sheet[3]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in listing.rows:
        sheet.append(row)
    for i, width in enumerate(listing.widths):
        sheet.column_dimensions[chr(ord("A") + i)].width = width
    sheet.freeze_panes = "A4"
    return workbook_bytes(book)
