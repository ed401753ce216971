"""Admission guards at their boundaries, on real facts dataclasses and the rules in force."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from states import admission_guards as g
from states.facts import EDUCATION_LEVELS, CertificateFacts, VerificationFacts
from states.guards import vote_below_threshold, vote_consistent, vote_reaches_threshold
from states.spec import Verdict, is_structural
from tests.states.factories import (
    ALL_DOCUMENTS,
    MEETING,
    admission_facts,
    context,
    org,
    person,
    sponsor,
)

SUBMITTED: dict = {}  # a submitted form with nothing relevant in it (not a preview)


def is_vietnamese(message: str) -> bool:
    return any(ch.isalpha() and not ch.isascii() for ch in message)


def assert_failed(verdict: Verdict, code: str, field: str | None = None) -> None:
    assert verdict.ok is False
    assert verdict.pending is False
    assert verdict.code == code
    assert verdict.message.strip()
    assert is_vietnamese(verdict.message), verdict.message
    if field is not None:
        assert verdict.field == field


def assert_passed(verdict: Verdict) -> None:
    assert verdict == Verdict.passed()


def born(years: int, months: int = 0, days: int = 0) -> date:
    """The birth date of someone exactly ``years``/``months`` (and ``days``) old on MEETING."""
    total = years * 12 + months
    y, m = divmod(MEETING.year * 12 + MEETING.month - 1 - total, 12)
    return date(y, m + 1, MEETING.day) - timedelta(days=days)


def with_birth(birth: date):
    return admission_facts(person=person(birth_date=birth))


# --- G1 age -----------------------------------------------------------------------------------


def test_born_helper():
    assert born(18) == date(2008, 6, 15)
    assert born(17, 11) == date(2008, 7, 15)
    assert born(60, 1) == date(1966, 5, 15)


@pytest.mark.parametrize("birth", [born(17, 11), born(18) + timedelta(days=1), born(0)])
@pytest.mark.parametrize("payload", [None, SUBMITTED])
def test_age_below_18_fails(birth, payload):
    verdict = g.age_in_range(context(with_birth(birth), payload=payload))
    assert_failed(verdict, "admission.age_below_minimum")
    assert "18 tuổi" in verdict.message


@pytest.mark.parametrize(
    "birth", [born(18), born(18, 0, 1), born(35, 4), born(60), born(60, 0, -1), born(60, 1, -1)]
)
def test_age_18_to_60_passes(birth):
    assert_passed(g.age_in_range(context(with_birth(birth), payload=SUBMITTED)))


@pytest.mark.parametrize("birth", [born(60, 1), born(72)])
def test_age_over_60_needs_approval(birth):
    facts = with_birth(birth)
    verdict = g.age_in_range(context(facts, payload=SUBMITTED))
    assert_failed(verdict, "admission.age_above_maximum", "over_age_approval")
    assert "Trên 60 tuổi" in verdict.message
    approved = context(facts, payload={"over_age_approval": "123-CV/TU"})
    assert_passed(g.age_in_range(approved))


def test_age_over_60_at_preview_is_a_pending_note_not_a_failure():
    verdict = g.age_in_range(context(with_birth(born(60, 1)), payload=None))
    assert verdict.ok is True
    assert verdict.pending is True
    assert verdict.code == "admission.age_special_route"
    assert is_vietnamese(verdict.message)


# --- G2 education -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("education", "ok"),
    [(key, key not in ("none", "primary")) for key, _ in EDUCATION_LEVELS] + [("unknown", False)],
)
def test_education_sufficient(education, ok):
    verdict = g.education_sufficient(context(admission_facts(person=person(education=education))))
    if ok:
        assert_passed(verdict)
    else:
        assert_failed(verdict, "admission.education_insufficient")
        assert "trung học cơ sở" in verdict.message


# --- G3/G4 awareness certificate --------------------------------------------------------------


def with_certificate(issued_on: date | None):
    cert = None if issued_on is None else CertificateFacts("15/GCN", issued_on)
    return admission_facts(certificate=cert)


@pytest.mark.parametrize(
    "issued_on",
    [date(2021, 7, 15), date(2021, 6, 16), MEETING],  # 59 months; one day short of 60; same day
    ids=["59-months", "60-months-less-a-day", "today"],
)
def test_certificate_valid_before_60_months(issued_on):
    facts = with_certificate(issued_on)
    assert_passed(g.certificate_valid(context(facts, payload=SUBMITTED)))
    verdict = g.certificate_has_expired(context(facts, payload=SUBMITTED))
    assert verdict.ok is False
    assert verdict.hidden is True
    assert verdict.code == "admission.certificate_still_valid"
    assert is_vietnamese(verdict.message)


@pytest.mark.parametrize(
    "issued_on", [date(2021, 6, 15), date(2021, 5, 15)], ids=["60-months", "61-months"]
)
def test_certificate_expired_from_60_months(issued_on):
    facts = with_certificate(issued_on)
    verdict = g.certificate_valid(context(facts, payload=SUBMITTED))
    assert_failed(verdict, "admission.certificate_expired")
    assert "60 tháng" in verdict.message
    assert_passed(g.certificate_has_expired(context(facts, payload=SUBMITTED)))


def test_certificate_expired_at_preview_is_only_a_warning():
    verdict = g.certificate_valid(context(with_certificate(date(2021, 6, 15)), payload=None))
    assert verdict.ok is True
    assert verdict.pending is True
    assert verdict.code == "admission.certificate_expired"
    assert is_vietnamese(verdict.message)


@pytest.mark.parametrize("guard", [g.certificate_valid, g.certificate_has_expired])
def test_certificate_missing(guard):
    assert_failed(guard(context(with_certificate(None))), "admission.certificate_missing")


# --- G5/G6 sponsors ---------------------------------------------------------------------------


def with_sponsors(*sponsors, route="two_members", documents=ALL_DOCUMENTS):
    return admission_facts(sponsor_route=route, sponsors=sponsors, documents=documents)


OTHER = {"person_id": 2, "full_name": "Lê Thị Bình"}


@pytest.mark.parametrize(
    "together_since", [date(2025, 6, 15), date(2025, 1, 1)], ids=["12-months", "17-months"]
)
def test_two_official_sponsors_with_12_months_pass(together_since):
    facts = with_sponsors(
        sponsor(together_since=together_since), sponsor(together_since=together_since, **OTHER)
    )
    assert_passed(g.sponsors_qualified(context(facts)))


@pytest.mark.parametrize(
    "together_since", [date(2025, 7, 15), date(2025, 6, 16)], ids=["11-months", "12-less-a-day"]
)
def test_sponsor_with_11_months_fails_unless_replacement(together_since):
    recent = sponsor(together_since=together_since, **OTHER)
    verdict = g.sponsors_qualified(context(with_sponsors(sponsor(), recent)))
    assert_failed(verdict, "admission.sponsor_too_recent")
    assert "Lê Thị Bình" in verdict.message
    assert "11 tháng" in verdict.message
    replacing = replace(recent, replacement=True)
    assert_passed(g.sponsors_qualified(context(with_sponsors(sponsor(), replacing))))


def test_the_months_together_count_up_to_the_introduction_not_to_the_meeting():
    # 11 months at the introduction, 12 by the meeting: the introduction was given too early
    late = sponsor(together_since=date(2025, 6, 15), introduced_on=date(2026, 5, 20), **OTHER)
    verdict = g.sponsors_qualified(context(with_sponsors(sponsor(), late)))
    assert_failed(verdict, "admission.sponsor_too_recent")
    assert "11 tháng đến ngày giới thiệu 20/05/2026" in verdict.message
    in_time = replace(late, introduced_on=MEETING)
    assert_passed(g.sponsors_qualified(context(with_sponsors(sponsor(), in_time))))


@pytest.mark.parametrize(
    ("official_since", "ok"),
    [(None, False), (MEETING + timedelta(days=1), False), (MEETING, True)],
    ids=["not-official", "official-after-meeting", "official-on-meeting-day"],
)
def test_sponsor_must_be_official_on_the_meeting_date(official_since, ok):
    facts = with_sponsors(sponsor(), sponsor(official_since=official_since, **OTHER))
    verdict = g.sponsors_qualified(context(facts))
    if ok:
        assert_passed(verdict)
    else:
        assert_failed(verdict, "admission.sponsor_not_official")


def test_sponsor_from_another_grassroots_organization_fails():
    facts = with_sponsors(sponsor(), sponsor(same_grassroots=False, **OTHER))
    assert_failed(g.sponsors_qualified(context(facts)), "admission.sponsor_other_organization")


@pytest.mark.parametrize(
    ("route", "sponsors", "code"),
    [
        (None, (), "admission.sponsors_missing"),
        ("two_members", (), "admission.sponsors_missing"),
        (None, (sponsor(),), "admission.sponsors_missing"),
        ("two_members", (sponsor(),), "admission.sponsors_too_few"),
        ("youth_union", (), "admission.sponsors_missing"),
    ],
)
def test_missing_or_too_few_sponsors(route, sponsors, code):
    assert_failed(g.sponsors_qualified(context(with_sponsors(*sponsors, route=route))), code)


@pytest.mark.parametrize(
    ("route", "document"),
    [("youth_union", "union_resolution"), ("trade_union", "trade_union_resolution")],
)
def test_union_route_needs_one_sponsor_and_the_union_resolution(route, document):
    with_doc = with_sponsors(sponsor(), route=route, documents=ALL_DOCUMENTS | {document})
    assert_passed(g.sponsors_qualified(context(with_doc)))
    without = with_sponsors(sponsor(), route=route, documents=ALL_DOCUMENTS)
    verdict = g.sponsors_qualified(context(without))
    assert_failed(verdict, "admission.union_resolution_missing")


# --- dossier documents ------------------------------------------------------------------------

CELL_DOCUMENTS = ALL_DOCUMENTS - {"cell_resolution", "subcommittee_report", "grassroots_resolution"}


@pytest.mark.parametrize(
    ("missing", "codes"),
    [
        ({"opinions"}, "5-KNĐ"),
        ({"application", "biography"}, "1-KNĐ, 2-KNĐ"),
        ({"awareness_certificate", "verification_request"}, "CN-NTVĐ, 20-KNĐ"),
        ({"sponsor_letter"}, "3-KNĐ"),
    ],
)
@pytest.mark.parametrize("stage", ["cell", "verification"])
def test_documents_present_for_the_cell_lists_missing_form_codes(stage, missing, codes):
    facts = admission_facts(documents=CELL_DOCUMENTS - missing)
    verdict = g.documents_present(stage)(context(facts))
    assert_failed(verdict, "admission.documents_missing")
    assert verdict.message == f"Hồ sơ còn thiếu: {codes}."


@pytest.mark.parametrize("stage", ["cell", "verification"])
def test_documents_present_for_the_cell_does_not_need_later_resolutions(stage):
    assert_passed(g.documents_present(stage)(context(admission_facts(documents=CELL_DOCUMENTS))))


@pytest.mark.parametrize(("route", "code"), [("youth_union", "4-KNĐ"), ("trade_union", "4A-KNĐ")])
def test_documents_present_needs_the_union_resolution_on_a_union_route(route, code):
    facts = admission_facts(sponsor_route=route, sponsors=(sponsor(),), documents=CELL_DOCUMENTS)
    verdict = g.documents_present("cell")(context(facts))
    assert_failed(verdict, "admission.documents_missing")
    assert verdict.message == f"Hồ sơ còn thiếu: {code}."


@pytest.mark.parametrize(
    ("is_grassroots_cell", "has_subcommittee", "codes"),
    [
        (False, False, "6-KNĐ, 8-KNĐ"),
        (True, False, "6-KNĐ"),
        (False, True, "6-KNĐ, 7-KNĐ, 8-KNĐ"),
    ],
    ids=["under-grassroots-committee", "grassroots-cell", "under-subcommittee"],
)
def test_documents_present_for_the_department(is_grassroots_cell, has_subcommittee, codes):
    facts = admission_facts(
        org=org(is_grassroots_cell=is_grassroots_cell, has_subcommittee=has_subcommittee),
        documents=CELL_DOCUMENTS,
    )
    guard = g.documents_present("department")
    verdict = guard(context(facts))
    assert_failed(verdict, "admission.documents_missing")
    assert verdict.message == f"Hồ sơ còn thiếu: {codes}."
    assert_passed(guard(context(replace(facts, documents=ALL_DOCUMENTS))))


def test_documents_present_names_its_stage():
    assert g.documents_present("department").__name__ == "documents_present_department"


# --- G7/G8 verification -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "answered", "concerns", "code"),
    [
        (0, 0, 0, "admission.verification_not_sent"),
        (3, 2, 0, "admission.verification_pending"),
        (3, 0, 0, "admission.verification_pending"),
        (3, 3, 1, "admission.verification_concerns"),
        (3, 3, 0, None),
        (1, 1, 0, None),
    ],
)
def test_verification_answered(total, answered, concerns, code):
    facts = admission_facts(verification=VerificationFacts(total, answered, concerns))
    verdict = g.verification_answered(context(facts))
    if code is None:
        assert_passed(verdict)
    else:
        assert_failed(verdict, code)


# --- decision, ceremony and extension ---------------------------------------------------------


@pytest.mark.parametrize(
    ("proposer_id", "actor_id", "ok"),
    [(7, 7, False), (7, 8, True), (None, 8, True), (7, None, True), (None, None, True)],
)
def test_signer_not_proposer(proposer_id, actor_id, ok):
    facts = admission_facts(proposer_id=proposer_id, actor_id=actor_id)
    verdict = g.signer_not_proposer(context(facts))
    if ok:
        assert_passed(verdict)
    else:
        assert_failed(verdict, "decision.signer_is_proposer")


DUE = date(2026, 7, 10)


@pytest.mark.parametrize(
    ("due", "event_date", "approved", "ok"),
    [
        (DUE, DUE - timedelta(days=5), False, True),
        (DUE, DUE, False, True),
        (DUE, DUE + timedelta(days=1), False, False),
        (DUE, DUE + timedelta(days=1), True, True),
        (DUE, DUE + timedelta(days=90), True, True),
        (None, DUE + timedelta(days=1), False, True),
    ],
)
def test_ceremony_in_time(due, event_date, approved, ok):
    facts = admission_facts(ceremony_due=due, late_ceremony_approved=approved)
    verdict = g.ceremony_in_time(context(facts, event_date, payload=SUBMITTED))
    if ok:
        assert_passed(verdict)
    else:
        assert_failed(verdict, "admission.ceremony_late")
        assert "10/07/2026" in verdict.message


def test_late_ceremony_at_preview_is_only_a_warning():
    facts = admission_facts(ceremony_due=DUE)
    verdict = g.ceremony_in_time(context(facts, DUE + timedelta(days=1), payload=None))
    assert verdict.ok is True
    assert verdict.pending is True
    assert verdict.code == "admission.ceremony_late"


@pytest.mark.parametrize(
    ("used", "payload", "ok"),
    [
        (0, {"days": 30}, True),
        (0, {"days": 1}, True),
        (20, {"days": 10}, True),
        (20, {"days": 15}, False),
        (0, {"days": 31}, False),
        (30, {"days": 1}, False),
        (30, None, False),
        (29, None, True),
    ],
)
def test_extension_available(used, payload, ok):
    facts = admission_facts(decision_extension_used=used)
    verdict = g.extension_available("admission.decision_extension_working_days")(
        context(facts, payload=payload)
    )
    if ok:
        assert_passed(verdict)
    else:
        assert_failed(verdict, "deadline.extension_exhausted", "days")
        assert "30 ngày làm việc" in verdict.message


# --- the sponsor form -------------------------------------------------------------------------


def sponsor_form(route: str, *members: int, union_number: str | None = None) -> dict:
    since = date(2024, 1, 1)
    return {
        "route": route,
        "sponsors": [{"member": m, "together_since": since, "replacement": False} for m in members],
        "union_resolution_number": union_number,
    }


COUNT_MISMATCH = "admission.sponsor_count_mismatch"
UNION_NUMBER = "admission.union_resolution_number_missing"


@pytest.mark.parametrize(
    ("payload", "code", "field"),
    [
        (sponsor_form("two_members", 1, 2), None, None),
        (sponsor_form("two_members", 1), COUNT_MISMATCH, "sponsors"),
        (sponsor_form("two_members"), COUNT_MISMATCH, "sponsors"),
        (sponsor_form("youth_union", 1, 2), COUNT_MISMATCH, "sponsors"),
        (sponsor_form("two_members", 1, 1), "admission.sponsor_duplicate", "sponsors"),
        (sponsor_form("two_members", 1, 100), "admission.sponsor_is_applicant", "sponsors"),
        (sponsor_form("youth_union", 1), UNION_NUMBER, "union_resolution_number"),
        (sponsor_form("trade_union", 1, union_number=""), UNION_NUMBER, "union_resolution_number"),
        (sponsor_form("youth_union", 1, union_number="5/NQ-ĐTN"), None, None),
        (sponsor_form("trade_union", 1, union_number="7/NQ-CĐ"), None, None),
    ],
)
def test_sponsor_rows_match_route(payload, code, field):
    verdict = g.sponsor_rows_match_route(context(payload=payload))
    if code is None:
        assert_passed(verdict)
    else:
        assert_failed(verdict, code, field)


def test_sponsor_rows_at_preview_need_input():
    assert g.sponsor_rows_match_route(context(payload=None)) == Verdict.needs_input()


# --- structural guards ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("guard", "org_kwargs", "ok"),
    [
        (g.under_subcommittee, {"has_subcommittee": True}, True),
        (g.under_subcommittee, {"has_subcommittee": False}, False),
        (g.not_under_subcommittee, {"has_subcommittee": False}, True),
        (g.not_under_subcommittee, {"has_subcommittee": True}, False),
        (g.has_grassroots_committee, {"is_grassroots_cell": False}, True),
        (g.has_grassroots_committee, {"is_grassroots_cell": True}, False),
        (g.is_grassroots_cell, {"is_grassroots_cell": True}, True),
        (g.is_grassroots_cell, {"is_grassroots_cell": False}, False),
        (g.grassroots_authorized, {"grassroots_authorized": True}, True),
        (g.grassroots_authorized, {"grassroots_authorized": False}, False),
        (g.grassroots_not_authorized, {"grassroots_authorized": False}, True),
        (g.grassroots_not_authorized, {"grassroots_authorized": True}, False),
    ],
)
def test_organization_guards_are_structural(guard, org_kwargs, ok):
    assert is_structural(guard)
    verdict = guard(context(admission_facts(org=org(**org_kwargs))))
    if ok:
        assert_passed(verdict)
    else:
        assert verdict.ok is False
        assert verdict.code.startswith("org.")
        assert is_vietnamese(verdict.message)


@pytest.mark.parametrize("guard", [g.age_in_range, g.certificate_valid, g.sponsors_qualified])
def test_rule_guards_are_not_structural(guard):
    assert not is_structural(guard)


@pytest.mark.parametrize(
    ("paused_from", "ok"), [("under_verification", True), ("certified", False)]
)
def test_paused_from_is_structural(paused_from, ok):
    guard = g.paused_from("under_verification")
    assert is_structural(guard)
    assert guard.__name__ == "paused_from_under_verification"
    verdict = guard(context(admission_facts(paused_from=paused_from)))
    assert verdict.ok is ok


def test_paused_from_failure_carries_a_vietnamese_message():
    verdict = g.paused_from("under_verification")(context(admission_facts(paused_from="certified")))
    assert_failed(verdict, "case.not_paused_from")


# --- the shared vote guards -------------------------------------------------------------------


def vote(total, yes, no, invalid=None, excluded=0):
    return {
        "official_total": total,
        "excluded": [{"name": f"Đảng viên {i}", "reason": "suspended"} for i in range(excluded)],
        "yes": yes,
        "no": no,
        "invalid": invalid,
    }


@pytest.mark.parametrize(
    ("payload", "code", "field"),
    [
        (vote(9, 6, 3), None, None),
        (vote(9, 6, 2, invalid=1), None, None),
        (vote(9, 0, 0), None, None),
        (vote(9, 7, 3), "vote.too_many_ballots", "yes"),
        (vote(9, 6, 3, invalid=1), "vote.too_many_ballots", "yes"),
        (vote(10, 6, 3, excluded=1), None, None),
        (vote(10, 6, 4, excluded=1), "vote.too_many_ballots", "yes"),
        (vote(2, 0, 0, excluded=2), "vote.no_eligible_members", "official_total"),
        (vote(2, 0, 0, excluded=3), "vote.no_eligible_members", "official_total"),
        (vote(0, 0, 0), "vote.no_eligible_members", "official_total"),
    ],
)
def test_vote_consistent(payload, code, field):
    verdict = vote_consistent(context(payload=payload))
    if code is None:
        assert_passed(verdict)
    else:
        assert_failed(verdict, code, field)


@pytest.mark.parametrize(
    ("payload", "reaches"),
    [
        (vote(9, 6, 3), True),
        (vote(9, 5, 4), False),
        (vote(6, 4, 2), True),  # exactly 2/3
        (vote(6, 3, 3), False),
        (vote(3, 2, 1), True),  # exactly 2/3
        (vote(3, 1, 1), False),
        (vote(10, 6, 3, excluded=1), True),  # 6/9 once one member is excluded
        (vote(10, 6, 4), False),  # 6/10 without the exclusion
        (vote(1, 1, 0), True),
    ],
)
def test_vote_threshold_guards_are_inverse(payload, reaches):
    reached = vote_reaches_threshold(context(payload=payload))
    below = vote_below_threshold(context(payload=payload))
    if reaches:
        assert_passed(reached)
        assert_failed(below, "vote.reached_threshold", "yes")
    else:
        assert_failed(reached, "vote.below_threshold", "yes")
        assert "2/3" in reached.message
        assert_passed(below)


def test_vote_below_threshold_message_says_how_many_are_needed():
    verdict = vote_reaches_threshold(context(payload=vote(9, 5, 4)))
    assert "5/9" in verdict.message
    assert "cần ít nhất 6" in verdict.message


@pytest.mark.parametrize("guard", [vote_consistent, vote_reaches_threshold, vote_below_threshold])
def test_vote_guards_need_input_at_preview(guard):
    assert guard(context(payload=None)) == Verdict.needs_input()


# --- the default facts pass every admission guard --------------------------------------------


@pytest.mark.parametrize(
    "guard",
    [
        g.age_in_range,
        g.education_sufficient,
        g.certificate_valid,
        g.sponsors_qualified,
        g.documents_present("cell"),
        g.documents_present("department"),
        g.verification_answered,
        g.signer_not_proposer,
        g.ceremony_in_time,
        g.extension_available("admission.decision_extension_working_days"),
    ],
    ids=lambda guard: guard.__name__,
)
def test_default_facts_pass(guard):
    assert_passed(guard(context(payload=SUBMITTED)))
