"""Party cards (thẻ đảng viên): the path of an issuance and of a re-issue, as steps a card
moves through, and the card number's format (§(d) of the procedures).

A new card is proposed with the recognition as official member and goes up the lists: the
grassroots committee's (1-TĐV), the department's (1A-TĐV), the standing committee's decision
(with the recognition), entry in the national member database, printing by the province,
receipt by the department and hand-over at a cell meeting. A lost or damaged card starts with
the member's self-review and the cell's consideration; the lists are 2-TĐV / 3-TĐV and
2A-TĐV / 3A-TĐV, the decision form 4-TĐV; the rest of the path is the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from states.rules import Setting

SINCE = date(2022, 1, 18)
URL_EXCHANGE = (
    "https://thanhnien.vn/doi-the-dang-vien-trong-toan-dang-hoan-thanh-truoc-29-"
    "185250813171217493.htm"
)
URL_CARDS = (
    "https://lawnet.vn/en/laws/procedures-for-reissuing-a-lost-communist-party-member-card-"
    "can-losing-a-communist-party-member-card-165620.html"
)

SETTINGS: dict[str, tuple[tuple[date, Setting], ...]] = {
    "card.number_pattern": (
        (
            SINCE,
            Setting(
                (r"\d{8}", "8 chữ số (2 chữ số mã đảng bộ tỉnh và 6 chữ số thứ tự)"),
                "Thẻ đảng viên: số thẻ 8 chữ số (nguồn thứ cấp, chưa giữ địa chỉ)",
                uncertain=True,
                note="Cần đối chiếu HD 12-2022 / HD 38-2025.",
            ),
        ),
    ),
    "card.generation_2025_from": (
        (
            SINCE,
            Setting(
                date(2025, 8, 8),
                "Chỉ thị 51-CT/TW ngày 08/8/2025: đổi thẻ đảng viên theo mẫu mới, gắn với thẻ "
                "đảng viên điện tử; " + URL_EXCHANGE,
                uncertain=True,
                note="Thẻ quyết định cấp từ ngày này là thẻ mẫu 2025.",
            ),
        ),
    ),
    "card.photos": (
        (
            SINCE,
            Setting(2, f"HD 12-HD/BTCTW 2022 Phần II 2.2: 2 ảnh chân dung 2×3 cm; {URL_CARDS}"),
        ),
    ),
}

KINDS = {
    "new": "Phát thẻ mới",
    "lost": "Cấp lại thẻ bị mất",
    "damaged": "Đổi lại thẻ bị hỏng",
    "exchange": "Đổi thẻ theo Chỉ thị 51-CT/TW",
}
#: a card's design: before the 2025 exchange, or the 2025 one (with an electronic card)
GENERATIONS = {"old": "Thẻ mẫu cũ", "2025": "Thẻ mẫu 2025"}


def generation_on(day: date, since: date) -> str:
    """The design of a card decided on ``day`` (the 2025 design from ``since``)."""
    return "2025" if day >= since else "old"


@dataclass(frozen=True)
class Step:
    key: str
    #: the statuses a card may take the step from → the status it reaches
    sources: tuple[str, ...]
    target: str
    label: str
    #: the date the step asks for
    date_label: str
    #: the card kinds that take it
    kinds: tuple[str, ...] = ("new", "lost", "damaged", "exchange")
    #: the list or form the step sends or signs, by kind
    forms: tuple[tuple[str, str], ...] = ()


STEPS: tuple[Step, ...] = (
    Step("cell_review", ("self_review",), "cell_reviewed", "Chi bộ xem xét bản tự kiểm điểm",
         "Ngày họp chi bộ", kinds=("lost", "damaged")),
    Step("grassroots_list", ("proposed", "cell_reviewed"), "grassroots_listed",
         "Đảng ủy cơ sở gửi danh sách", "Ngày gửi danh sách",
         forms=(("new", "1-TĐV"), ("lost", "2-TĐV"), ("damaged", "3-TĐV"))),
    Step("department_list", ("grassroots_listed",), "department_listed",
         "Ban Tổ chức tổng hợp danh sách trình Ban Thường vụ", "Ngày tổng hợp",
         forms=(("new", "1A-TĐV"), ("lost", "2A-TĐV"), ("damaged", "3A-TĐV"))),
    Step("decide", ("proposed", "grassroots_listed", "department_listed"), "issued",
         "Ghi quyết định và số thẻ", "Ngày quyết định",
         forms=(("lost", "4-TĐV"), ("damaged", "4-TĐV"))),
    Step("enter", ("issued",), "entered", "Nhập cơ sở dữ liệu đảng viên", "Ngày nhập"),
    Step("print", ("entered",), "printed", "Ban Tổ chức Tỉnh ủy duyệt, in thẻ", "Ngày in"),
    Step("receive", ("printed",), "received", "Nhận thẻ từ Ban Tổ chức Tỉnh ủy", "Ngày nhận"),
    Step("hand_over", ("received",), "handed", "Trao thẻ tại buổi sinh hoạt chi bộ",
         "Ngày trao thẻ"),
)  # fmt: skip
STEP_BY_KEY = {s.key: s for s in STEPS}

STATUSES = {
    "self_review": "Đảng viên đã viết bản tự kiểm điểm",
    "cell_reviewed": "Chi bộ đã xem xét",
    "proposed": "Đề nghị phát thẻ (cùng công nhận chính thức, hoặc đổi thẻ)",
    "grassroots_listed": "Đảng ủy cơ sở đã gửi danh sách",
    "department_listed": "Ban Tổ chức đã tổng hợp, trình Ban Thường vụ",
    "issued": "Đã có quyết định, số thẻ",
    "entered": "Đã nhập cơ sở dữ liệu",
    "printed": "Tỉnh ủy đã in thẻ",
    "received": "Đã nhận thẻ",
    "handed": "Đã trao thẻ",
    "collected": "Đã thu hồi thẻ",
}


def steps_for(kind: str, status: str) -> list[Step]:
    """The steps a card of ``kind`` in ``status`` may take next."""
    return [s for s in STEPS if kind in s.kinds and status in s.sources]


def form_of(step: Step, kind: str) -> str:
    return dict(step.forms).get(kind, "")
