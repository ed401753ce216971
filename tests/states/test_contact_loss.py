"""The procedure of a member out of contact, as data: its table, the restoration's dates and
its dossier papers (pure: no database)."""

from __future__ import annotations

from datetime import date

from states import REGISTRY, contact_loss
from states.facts import OrgFacts, PersonFacts
from states.rules import rules_on
from states.spec import GuardContext

DAY = date(2026, 4, 20)


def ctx(payload, since=date(2026, 2, 1), day=DAY) -> GuardContext:
    facts = contact_loss.ContactLossFacts(
        today=day,
        state="lost",
        person=PersonFacts(1, "Nguyễn Văn An", date(1980, 1, 1), "male", "university", "official"),
        org=OrgFacts(1, "cell", False, False, False),
        documents=frozenset(),
        since=since,
    )
    return GuardContext(facts, day, payload, rules_on(day))


def test_it_is_registered_without_a_clock_and_ends_restored_or_voided():
    spec = REGISTRY["contact_loss"]
    assert spec.deadlines == {} and spec.open_deadlines == ()
    assert spec.finals == {"restored", "voided"}
    assert {t.trigger for t in spec.transitions_from("lost")} == {
        "restore",
        "propose_removal",
        "void",
    }
    # waiting on the removal's decision, the cell may still record the contact restored
    assert {t.trigger for t in spec.transitions_from("removal_proposed")} == {"restore", "void"}


def test_contact_is_restored_after_the_loss_and_no_later_than_its_record():
    guard = contact_loss.restored_after_loss
    assert guard(ctx(None)).pending
    assert guard(ctx({"restored_on": date(2026, 4, 15)})).ok
    assert guard(ctx({"restored_on": DAY})).ok
    early = guard(ctx({"restored_on": date(2026, 2, 1)}))
    assert not early.ok and early.field == "restored_on"
    assert "phải sau ngày mất liên lạc (01/02/2026)" in early.message
    late = guard(ctx({"restored_on": date(2026, 4, 21)}))
    assert not late.ok and "không được sau ngày chi bộ ghi nhận (20/04/2026)" in late.message


def test_its_papers_are_a_rule_setting_with_its_source():
    setting = rules_on(DAY).setting("contact_loss.forms")
    assert set(setting.value) == {"cell_report", "confirmation", "restoration", "removal_proposal"}
    assert "QĐ 24-QĐ/TW mục 4.5.1" in setting.source
