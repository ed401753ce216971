"""The figures of the period report (§4.2) and the recorded events each one counts.

Two kinds of figure:

* **events**: recorded steps whose date falls in the period, named by (procedure, action) and,
  where one action ends in several states, the state reached. A step counts for the
  organization the member belonged to on that date (``org_from`` names a field of the step's
  form when the step concerns another organization, such as the cell hosting a temporary stay).
* **flows**: changes of a member's place on the lists (status, cell, presence) found by
  following each member's recorded history in date order; the same history gives the members
  at the start and at the end of the period, so ``start + in - out = end`` checks one against
  the other.

Counting choices, stated once:

* Trainees of a class count **certificates issued**, by the certificate's date (the class's end
  date or a later one the department chose), for the organization the person belonged to on
  that date; a certificate typed into a case (a class held elsewhere) counts the same way. The
  classes counted with them are those that issued at least one of these certificates (for an
  organization's row: to one of its people), each once.

* Admissions against the target count **signed decisions** by their date, as committee reports
  do; the member enters the list (flow ``joined``) on the ceremony day.
* Recognitions and removals during probation count the decision's date.
* A transfer inside the committee leaves the sending organization on the letter's date and
  reaches the receiving one on the confirmation date; in between the member is in transit and on
  neither list (so the committee's own total dips meanwhile).

* Badges count the hand-overs at the ceremony (``badge.awarded``) by the ceremony's date, for
  the organization the member belonged to on that date; re-issued badges are not counted.
* Re-issued cards count the standing committee's decision (4-TĐV) by its date, lost and
  damaged apart; cards exchanged for the 2025 design (Chỉ thị 51-CT/TW) count the exchange's
  decision, with the new card's number, by its date (``card.exchanged``; a card of the old
  design decided before the exchange began is not one).

Figures of procedures not built yet have no events and show 0; their keys are fixed so that
they fill in when those procedures record steps under the names given here. A figure declared
not built
whose flows a registered procedure records (``REMOVAL_FLOWS``, ``ENTRY_FLOWS``,
``ARRIVAL_FLOWS``: a procedure that takes a member off the lists under its own name) counts as
built: registering the procedure is what makes it tracked.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from states import REGISTRY

#: what the membership columns of the trail take as being on a list
MEMBER_STATUSES = ("probationary", "official")


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str
    section: str
    #: (procedure, action, state reached or None for any) counted when dated in the period
    events: tuple[tuple[str | None, str, str | None], ...] = ()
    #: membership flow keys summed (see FLOWS)
    flows: tuple[str, ...] = ()
    #: the yearly target this figure is measured against
    target: str | None = None
    #: the step's form field naming the organization the event is counted for
    org_from: str | None = None
    #: (form field, value): count only the steps whose form gave that value (a discipline
    #: decision counts under the figure of its form)
    where: tuple[str, str] | None = None
    #: the actions whose rows' subjects the figure also counts, once each: the classes whose
    #: certificates it counts ("tổ chức 03 lớp … cho 120 quần chúng")
    subjects_of: tuple[str, ...] = ()
    #: False: no procedure records it yet (shown as 0)
    built: bool = True


@dataclass(frozen=True)
class Flow:
    key: str
    label: str
    #: +1 enters a list, -1 leaves one, 0 changes status on the same list
    direction: int


# fmt: off
FLOWS: tuple[Flow, ...] = (
    Flow("joined", "Kết nạp (đã tổ chức lễ, vào danh sách)", +1),
    Flow("rejoined", "Kết nạp lại", +1),
    Flow("transfer_in_internal", "Chuyển đến từ tổ chức trong Đảng bộ", +1),
    Flow("transfer_in_external", "Chuyển đến từ ngoài Đảng bộ", +1),
    Flow("restored", "Trở lại danh sách (quyết định xóa tên, khai trừ… bị hủy bỏ)", +1),
    Flow("died", "Từ trần", -1),
    Flow("removed_probationary", "Xóa tên đảng viên dự bị", -1),
    Flow("removed_official", "Xóa tên đảng viên chính thức", -1),
    Flow("left_party", "Cho ra khỏi Đảng", -1),
    Flow("expelled", "Khai trừ", -1),
    Flow("transfer_out_internal", "Chuyển đi tổ chức trong Đảng bộ", -1),
    Flow("transfer_out_external", "Chuyển đi ngoài Đảng bộ", -1),
    Flow("other_out", "Giảm khác", -1),
    Flow("reorganized_in", "Đến cùng tổ chức đảng (sắp xếp, hợp nhất, chuyển giao tổ chức)", +1),
    Flow("reorganized_out", "Đi cùng tổ chức đảng (sắp xếp, hợp nhất, chuyển giao tổ chức)", -1),
    Flow("recognized", "Công nhận đảng viên chính thức", 0),
)
# fmt: on
FLOW_KEYS = tuple(f.key for f in FLOWS)
IN_FLOWS = tuple(f.key for f in FLOWS if f.direction > 0)
OUT_FLOWS = tuple(f.key for f in FLOWS if f.direction < 0)

#: a member leaving the lists with status ``removed``, by the procedure that recorded it
REMOVAL_FLOWS = {
    "probation": "removed_probationary",
    "death": "died",
    "discipline": "expelled",
    "leaving": "left_party",
    "removal": "removed_official",
}
#: a member entering a list from outside the Party, by procedure
ENTRY_FLOWS = {"readmission": "rejoined"}
#: a member arriving from another list, by procedure
ARRIVAL_FLOWS = {"transfer_in": "transfer_in_external"}
#: the procedure name of the membership rows that move members with their organization (an
#: organization merged, upgraded, split or handed over: ``workflow.orgs.events``): no
#: transfer of party activity, a reorganization
REORGANIZATION = "reorganization"
#: the flows of a member moved with their organization: (leaving one list, entering one)
REORGANIZATION_FLOWS = ("reorganized_out", "reorganized_in")

SECTIONS = {
    "development": "Phát triển đảng viên",
    "probation": "Đảng viên dự bị",
    "training": "Bồi dưỡng nghiệp vụ công tác đảng",
    "transfers": "Chuyển sinh hoạt đảng",
    "cards": "Thẻ đảng viên",
    "badges": "Huy hiệu Đảng",
    "discipline": "Kỷ luật, đình chỉ sinh hoạt",
    "leaving": "Giảm đảng viên",
}

ADMISSION_DECISIONS = (
    ("admission", "approve_admission", None),
    ("admission", "decide_by_grassroots", None),
    (None, "history.admission_decided", None),
)

#: the steps that sign a member's discipline decision, counted by the form they decided
DISCIPLINE_DECISIONS = tuple(
    ("discipline", action, None)
    for action in ("decide_by_cell", "decide_by_grassroots", "decide_by_inspection",
                   "decide_by_standing")
)  # fmt: skip
DISCIPLINE_FORMS = (
    ("reprimand", "reprimand", "khiển trách"),
    ("warning", "warning", "cảnh cáo"),
    ("dismissal", "dismissal", "cách chức"),
    ("expulsion", "expulsion", "khai trừ"),
)
#: the steps that suspend a member's party activity
SUSPENSIONS = ("suspend_by_inspection", "suspend_by_standing", "suspend_by_grassroots")

# fmt: off
INDICATORS: tuple[Indicator, ...] = (
    Indicator("awareness_trainees", "Quần chúng học lớp bồi dưỡng nhận thức về Đảng "
              "(được cấp giấy chứng nhận)", "development",
              events=(("admission", "record_certificate", None),
                      (None, "class.certified:awareness", None)), target="awareness_trainees",
              subjects_of=("class.certified:awareness",)),
    Indicator("verifications", "Hồ sơ thẩm tra lý lịch đã kết luận tiêu chuẩn chính trị",
              "development", events=(("admission", "conclude_verification", None),)),
    Indicator("admissions", "Kết nạp đảng viên mới (theo ngày ký quyết định)", "development",
              events=ADMISSION_DECISIONS, target="admissions"),
    Indicator("readmissions", "Kết nạp lại", "development", flows=("rejoined",), built=False),
    Indicator("new_member_trainees", "Đảng viên mới học lớp bồi dưỡng lý luận chính trị",
              "probation",
              events=(("probation", "record_new_member_certificate", None),
                      (None, "class.certified:new_member", None)), target="new_member_trainees",
              subjects_of=("class.certified:new_member",)),
    Indicator("party_work_trainees", "Bí thư, phó bí thư, cấp ủy viên được bồi dưỡng nghiệp vụ "
              "công tác xây dựng Đảng (được cấp giấy chứng nhận)", "training",
              events=((None, "class.certified:party_work", None),),
              target="party_work_trainees", subjects_of=("class.certified:party_work",)),
    Indicator("recognitions", "Đảng viên dự bị được công nhận chính thức", "probation",
              flows=("recognized",)),
    Indicator("probation_removals", "Xóa tên đảng viên dự bị", "probation",
              flows=("removed_probationary",)),
    Indicator("transfers_in_internal", "Chuyển đến chính thức, từ tổ chức trong Đảng bộ",
              "transfers", flows=("transfer_in_internal",)),
    Indicator("transfers_in_external", "Chuyển đến chính thức, từ ngoài Đảng bộ", "transfers",
              flows=("transfer_in_external",)),
    Indicator("transfers_out_internal", "Chuyển đi chính thức, đến tổ chức trong Đảng bộ",
              "transfers", flows=("transfer_out_internal",)),
    Indicator("transfers_out_external", "Chuyển đi chính thức, ra ngoài Đảng bộ", "transfers",
              flows=("transfer_out_external",)),
    Indicator("reorganized_in", "Đảng viên đến cùng tổ chức đảng (sắp xếp, hợp nhất, chuyển "
              "giao tổ chức; không phải chuyển sinh hoạt)", "transfers",
              flows=("reorganized_in",)),
    Indicator("reorganized_out", "Đảng viên đi cùng tổ chức đảng (sắp xếp, hợp nhất, chuyển "
              "giao tổ chức; không phải chuyển sinh hoạt)", "transfers",
              flows=("reorganized_out",)),
    Indicator("temporary_out", "Giới thiệu sinh hoạt tạm thời đi", "transfers",
              events=(("temporary_transfer", "issue_letter", None),)),
    Indicator("temporary_in", "Tiếp nhận sinh hoạt tạm thời", "transfers",
              events=(("temporary_transfer", "confirm_arrival", None),), org_from="cell"),
    Indicator("temporary_returned", "Trở về sau sinh hoạt tạm thời", "transfers",
              events=(("temporary_transfer", "record_return", None),)),
    Indicator("cards_issued", "Thẻ đảng viên phát mới", "cards",
              events=((None, "card.issued", None),)),
    Indicator("cards_reissued_lost", "Thẻ đảng viên cấp lại (mất)", "cards",
              events=((None, "card.reissued_lost", None),)),
    Indicator("cards_reissued_damaged", "Thẻ đảng viên đổi lại (hỏng)", "cards",
              events=((None, "card.reissued_damaged", None),)),
    Indicator("cards_exchanged", "Thẻ đảng viên đổi theo mẫu mới (Chỉ thị 51-CT/TW)", "cards",
              events=((None, "card.exchanged", None),), where=("generation", "2025")),
    Indicator("badges", "Huy hiệu Đảng được trao tặng, truy tặng (theo ngày trao)", "badges",
              events=((None, "badge.awarded", None),)),
    *(Indicator(f"discipline_{form}", f"Đảng viên bị kỷ luật {label} (theo ngày ký quyết "
                "định)", "discipline", events=DISCIPLINE_DECISIONS, where=("form", code))
      for form, code, label in DISCIPLINE_FORMS),
    Indicator("suspensions", "Đình chỉ sinh hoạt đảng", "discipline",
              events=tuple(("suspension", a, None) for a in SUSPENSIONS)),
    Indicator("reinstatements", "Cho trở lại sinh hoạt đảng", "discipline",
              events=(("suspension", "reinstate", None),)),
    Indicator("removals", "Xóa tên đảng viên chính thức", "leaving", flows=("removed_official",),
              built=False),
    Indicator("left_party", "Cho ra khỏi Đảng", "leaving", flows=("left_party",), built=False),
    Indicator("expelled", "Khai trừ khỏi Đảng", "leaving", flows=("expelled",), built=False),
    Indicator("deaths", "Đảng viên từ trần", "leaving", flows=("died",), built=False),
)
# fmt: on


def _recorded(indicator: Indicator) -> bool:
    """Some registered procedure records a flow the figure counts."""
    flows = {**REMOVAL_FLOWS, **ENTRY_FLOWS, **ARRIVAL_FLOWS}
    return any(flow in indicator.flows for key, flow in flows.items() if key in REGISTRY)


INDICATORS = tuple(i if i.built else replace(i, built=_recorded(i)) for i in INDICATORS)
INDICATOR_KEYS = tuple(i.key for i in INDICATORS)
#: figures no procedure of the application records yet ("chưa theo dõi"): what they count
#: comes only from history entered from member lists, so a 0 means "not known", not "none"
UNTRACKED = frozenset(i.key for i in INDICATORS if not i.built)
#: the membership flows behind those figures
UNTRACKED_FLOWS = tuple(dict.fromkeys(f for i in INDICATORS if not i.built for f in i.flows))

TARGET_KINDS = {
    "admissions": "Kết nạp đảng viên mới",
    "awareness_trainees": "Bồi dưỡng nhận thức về Đảng",
    "new_member_trainees": "Bồi dưỡng lý luận chính trị cho đảng viên mới",
    "party_work_trainees": "Bồi dưỡng nghiệp vụ công tác xây dựng Đảng",
}


def event_actions() -> frozenset[str]:
    """Every action some figure counts (to fetch only those rows)."""
    return frozenset(action for i in INDICATORS for _proc, action, _state in i.events)


def payload_actions() -> frozenset[str]:
    """The actions whose form names the organization they count for, or the value they are
    counted by."""
    return frozenset(
        action for i in INDICATORS if i.org_from or i.where for _proc, action, _state in i.events
    )


def classify(before: dict, after: dict, procedure: str | None) -> list[tuple[str, int, str]]:
    """The flows of one recorded change, each as (flow key, organization it counts for, the
    member's status it counts under: before leaving a list, after entering one).

    ``before``/``after``: the member's ``org_id``, ``member_status`` and ``presence``."""
    was_on, is_on = on_list(before), on_list(after)
    if not was_on and not is_on:
        return []
    if procedure == REORGANIZATION:
        return _reorganized(before, after, was_on, is_on)
    if was_on and is_on:
        out: list[tuple[str, int, str]] = []
        if before["org_id"] != after["org_id"]:
            out += [
                ("transfer_out_internal", before["org_id"], before["member_status"]),
                ("transfer_in_internal", after["org_id"], before["member_status"]),
            ]
        if before["member_status"] == "probationary" and after["member_status"] == "official":
            out.append(("recognized", after["org_id"], "official"))
        return out
    if is_on:
        if before.get("member_status") == "removed" and procedure in REMOVAL_FLOWS:
            # back on the list through the procedure that took them off: its decision annulled
            return [("restored", after["org_id"], after["member_status"])]
        if before.get("member_status") in MEMBER_STATUSES:
            flow = ARRIVAL_FLOWS.get(procedure or "", "transfer_in_internal")
        else:
            flow = ENTRY_FLOWS.get(procedure or "", "joined")
        return [(flow, after["org_id"], after["member_status"])]
    # left a list
    status = before["member_status"]
    if after.get("member_status") == "removed":
        flow = REMOVAL_FLOWS.get(procedure or "", "other_out")
        if flow == "removed_probationary" and status != "probationary":
            flow = "other_out"
        return [(flow, before["org_id"], status)]
    presence = after.get("presence")
    if presence == "in_transit":
        return [("transfer_out_internal", before["org_id"], status)]
    if presence == "left":
        return [("transfer_out_external", before["org_id"], status)]
    return [("other_out", before["org_id"], status)]


def _reorganized(before: dict, after: dict, was_on: bool, is_on: bool) -> list:
    """A member moved with their organization: out of the one list and into the other (or
    out only, their organization handed to another upper committee), never a transfer."""
    out_flow, in_flow = REORGANIZATION_FLOWS
    out: list[tuple[str, int, str]] = []
    if was_on and (not is_on or before["org_id"] != after["org_id"]):
        out.append((out_flow, before["org_id"], before["member_status"]))
    if is_on and (not was_on or before["org_id"] != after["org_id"]):
        out.append(
            (in_flow, after["org_id"], before.get("member_status") or after["member_status"])
        )
    if was_on and is_on and before["member_status"] == "probationary" == after["member_status"]:
        return out
    if was_on and is_on and before["member_status"] == "probationary":
        out.append(("recognized", after["org_id"], "official"))
    return out


def on_list(state: dict) -> bool:
    return state.get("member_status") in MEMBER_STATUSES and state.get("presence") == "active"
