"""Leaving the Party at one's own request (cho ra khỏi Đảng, §2(g); HD 01-HD/TW 2021 item 11.2):
the member's written application, the cell, the sub-committee and the grassroots committee
consider it, the competent committee decides to let the member leave and removes the name; on
request it confirms the member's party age (Giấy xác nhận tuổi đảng). Only a member without a
violation of member standing and without discipline pending may leave this way."""

from __future__ import annotations

from datetime import date

from states import guards as sg
from states import leaving_guards as g
from states.fields import Field
from states.guards import meeting_vote_fields, vote_consistent
from states.guards import vote_reaches_threshold as vote_passes
from states.removal import (  # the same chain as a removal's
    CELL,
    CELL_UP,
    COMMITTEES,
    DEPARTMENT,
    GRASSROOTS,
    NOTE,
    PROPOSED,
    SIGNER,
)
from states.rules import Setting
from states.spec import Level, ProcedureSpec, TransitionSpec

KEY = "leaving"

URL_LEAVING = (
    "https://thuvienphapluat.vn/hoi-dap-phap-luat/3EBA1-hd-trinh-tu-thu-tuc-dang-vien-tu-"
    "nguyen-ra-khoi-dang.html"
)
URL_AGE = (
    "https://stdt.danguykhoibinhthuan.vn/sotay/to-chuc/dang-vien-xin-ra-khoi-dang-va-xoa-ten-"
    "dang-vien/dang-vien-xin-ra-khoi-dang"
)
SINCE = date(2022, 1, 18)

FORMS = {
    "application": ("—", "Đơn xin ra khỏi Đảng của đảng viên"),
    "cell_resolution": ("—", "Nghị quyết của chi bộ đề nghị cho ra khỏi Đảng"),
    "subcommittee_report": ("—", "Báo cáo thẩm định của đảng ủy bộ phận"),
    "grassroots_resolution": ("—", "Nghị quyết của đảng ủy cơ sở đề nghị cho ra khỏi Đảng"),
    "leaving_decision": ("QĐ", "Quyết định cho ra khỏi Đảng"),
    "party_age_confirmation": ("XN", "Giấy xác nhận tuổi đảng"),
    "card_returned": ("—", "Biên bản thu hồi thẻ đảng viên"),
}
SETTINGS: dict[str, tuple[tuple[date, Setting], ...]] = {
    "leaving.forms": (
        (SINCE, Setting(FORMS, f"HD 01-HD/TW 2021 mục 11.2; {URL_LEAVING}", uncertain=True)),
    ),
}

STATES = {
    "applied": "Đảng viên có đơn xin ra khỏi Đảng, chờ chi bộ xét",
    "cell_resolved": "Chi bộ đã có nghị quyết đề nghị",
    "subcommittee_appraised": "Đảng ủy bộ phận đã thẩm định",
    "grassroots_resolved": "Đảng ủy cơ sở đã đề nghị",
    "department_appraised": "Ban Tổ chức đã thẩm định, trình Ban Thường vụ",
    "left": "Đã có quyết định cho ra khỏi Đảng",
    "closed": "Đã ra khỏi Đảng, kết thúc hồ sơ",
    "refused": "Không xét cho ra khỏi Đảng (đang có vi phạm, phải xử lý)",
    "withdrawn": "Đảng viên rút đơn",
}
FINALS = frozenset({"closed", "refused", "withdrawn"})

CELL_VOTE = meeting_vote_fields("Tổng số đảng viên chính thức của chi bộ", exclusions=True,
                                count_of="cell_official_members")  # fmt: skip
COMMITTEE_VOTE = meeting_vote_fields("Tổng số ủy viên đảng ủy", exclusions=False)
APPRAISAL = (Field("reference", "Số, ký hiệu văn bản", "line", required=False, max_length=60),
             Field("opinion", "Ý kiến thẩm định", "text", max_length=2000))  # fmt: skip
OPINION = (Field("opinion", "Ý kiến thẩm định, đề xuất", "text", max_length=4000),)
REASON = (Field("reason", "Lý do", "text", max_length=2000),)
CLOSING = (
    Field("card_number", "Số thẻ đảng viên thu hồi (để trống nếu không thu hồi được)", "line",
          required=False, max_length=20, default_from="card_number"),
    Field("dossier", "Nơi nhận hồ sơ đảng viên", "line", max_length=200,
          default_from="dossier_keeper"),
    NOTE,
)  # fmt: skip
CONFIRMATION = (
    Field("request", "Đơn đề nghị xác nhận tuổi đảng (ngày, nội dung)", "line", max_length=200),
)


def _t(trigger, sources, dest, roles, level, label, event_label, **kw) -> TransitionSpec:
    sources = (sources,) if isinstance(sources, str) else tuple(sources)
    return TransitionSpec(trigger, sources, dest, roles, level, label, event_label, **kw)


# fmt: off
TRANSITIONS: tuple[TransitionSpec, ...] = (
    _t("record_cell_resolution", "applied", "cell_resolved", CELL, Level.CELL,
       "Ghi nghị quyết chi bộ đề nghị cho ra khỏi Đảng", "Ngày họp chi bộ",
       fields=CELL_VOTE, guards=(g.standing_clear, vote_consistent, vote_passes),
       help="Chỉ xét cho ra khỏi Đảng khi hồ sơ không có vụ việc kỷ luật, đình chỉ sinh hoạt "
            "đang mở; vi phạm chưa được ghi thì mở hồ sơ kỷ luật hoặc ghi không xét.",
       effects=("record_vote:cell",)),
    _t("refuse", "applied", "refused", CELL_UP, Level.CELL,
       "Ghi không xét cho ra khỏi Đảng (đang có vi phạm)", "Ngày chi bộ họp xét", fields=REASON,
       kind="side", help="Đảng viên có vi phạm tư cách hoặc đang bị xem xét, thi hành kỷ luật "
       "thì phải xử lý vi phạm, không xét cho ra khỏi Đảng."),
    _t("appraise_by_subcommittee", "cell_resolved", "subcommittee_appraised", GRASSROOTS,
       Level.SUBCOMMITTEE, "Đảng ủy bộ phận thẩm định", "Ngày thẩm định", fields=APPRAISAL,
       guards=(sg.under_subcommittee,), exact=True,
       effects=("record_document:subcommittee_report",)),
    _t("record_grassroots_resolution", "cell_resolved", "grassroots_resolved", GRASSROOTS,
       Level.GRASSROOTS, "Ghi nghị quyết đảng ủy cơ sở đề nghị", "Ngày họp đảng ủy",
       fields=COMMITTEE_VOTE, effects=("record_vote:grassroots",),
       guards=(sg.has_grassroots_committee, sg.not_under_subcommittee,
               sg.grassroots_not_authorized, vote_consistent)),
    _t("record_grassroots_resolution", "subcommittee_appraised", "grassroots_resolved",
       GRASSROOTS, Level.GRASSROOTS, "Ghi nghị quyết đảng ủy cơ sở đề nghị", "Ngày họp đảng ủy",
       fields=COMMITTEE_VOTE, effects=("record_vote:grassroots",),
       guards=(sg.grassroots_not_authorized, vote_consistent)),
    *(_t("decide_by_grassroots", source, "left", SIGNER, Level.GRASSROOTS,
         "Đảng ủy cơ sở được ủy quyền ra quyết định cho ra khỏi Đảng", "Ngày ký quyết định",
         fields=COMMITTEE_VOTE, exact=True, reauth=True,
         guards=(sg.grassroots_authorized, vote_consistent, vote_passes),
         effects=("record_vote:grassroots", "issue_decision:leaving@grassroots",
                  "end_membership"))
      for source in ("cell_resolved", "subcommittee_appraised")),
    _t("appraise_by_department", "grassroots_resolved", "department_appraised", DEPARTMENT,
       Level.UPPER, "Thẩm định, trình Ban Thường vụ", "Ngày thẩm định", fields=OPINION,
       effects=("record_proposal", "draft_decision:leaving")),
    _t("appraise_by_department", "cell_resolved", "department_appraised", DEPARTMENT,
       Level.UPPER, "Thẩm định, trình Ban Thường vụ", "Ngày thẩm định", fields=OPINION,
       guards=(sg.is_grassroots_cell,), effects=("record_proposal", "draft_decision:leaving")),
    _t("approve_leaving", "department_appraised", "left", SIGNER, Level.UPPER,
       "Phê duyệt quyết định cho ra khỏi Đảng", "Ngày họp Ban Thường vụ, ký quyết định",
       fields=sg.standing_vote_fields(),
       guards=(sg.signer_not_proposer, sg.standing_vote_carries),
       reauth=True, preview="leaving", meeting=True,
       effects=("record_standing_vote", "issue_decision:leaving@upper", "end_membership")),
    _t("return_for_correction", PROPOSED, "applied", COMMITTEES, Level.SUBCOMMITTEE,
       "Trả lại để chi bộ xem xét lại", "Ngày trả lại", fields=REASON,
       effects=("discard_drafts",), kind="side"),
    _t("withdraw", ("applied", *PROPOSED), "withdrawn", CELL_UP, Level.CELL,
       "Ghi đảng viên rút đơn", "Ngày rút đơn", fields=REASON, effects=("discard_drafts",),
       kind="side"),
    # after the decision
    _t("issue_party_age_confirmation", "left", None, SIGNER, Level.UPPER,
       "Cấp giấy xác nhận tuổi đảng (theo đề nghị)", "Ngày ký giấy xác nhận",
       fields=CONFIRMATION, reauth=True,
       guards=(g.was_official,
               g.document_not_held("party_age_confirmation", "Đã cấp giấy xác nhận tuổi đảng."),
               g.not_before_decision),
       effects=("issue_decision:party_age_confirmation@upper",), kind="record"),
    _t("close", "left", "closed", COMMITTEES, Level.GRASSROOTS,
       "Kết thúc hồ sơ (thu hồi thẻ, chuyển hồ sơ đảng viên)", "Ngày kết thúc", fields=CLOSING,
       guards=(g.not_before_decision,), effects=("record_card",)),
)
# fmt: on

SPEC = ProcedureSpec(
    key=KEY,
    label="Cho ra khỏi Đảng (đảng viên xin ra khỏi Đảng)",
    states=STATES,
    initial="applied",
    finals=FINALS,
    transitions=TRANSITIONS,
    open_label="Ghi đơn xin ra khỏi Đảng",
    open_fields=(Field("reasons", "Lý do đảng viên nêu trong đơn", "text", max_length=4000),),
    open_roles=CELL,
    open_effects=("check_on_list", "record_application"),
    open_event_label="Ngày chi bộ nhận đơn",
    settings=SETTINGS,
    ends_membership="Đảng viên đã được cho ra khỏi Đảng",
)
