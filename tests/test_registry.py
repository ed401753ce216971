"""A procedure is complete only when everything its spec names exists: a registry test that
fails until the spec in states/, its module in workflow/procedures/ and its templates agree."""

from __future__ import annotations

from pathlib import Path

import pytest

from states import REGISTRY
from states.spec import ProcedureSpec
from workflow.membership import COUNTS
from workflow.procedures import PROCEDURES, common, effect
from workflow.procedures.base import Procedure

ROOT = Path(__file__).resolve().parent.parent
KEYS = sorted(REGISTRY)


def _fields(spec: ProcedureSpec):
    def walk(fields):
        for f in fields:
            yield f
            yield from walk(f.rows)

    yield from walk(spec.open_fields)
    for t in spec.transitions:
        yield from walk(t.fields)
    for p in PROCEDURES.values():
        if p.spec is spec and p.opening is not None:
            yield from walk(p.opening.subject_fields)


def _named_effects(spec: ProcedureSpec) -> list[tuple[str, str | None]]:
    names = [*spec.open_effects, *(e for t in spec.transitions for e in t.effects)]
    return [(n.partition(":")[0], n.partition(":")[2] or None) for n in names]


def test_every_spec_has_its_module_and_no_module_is_without_a_spec():
    assert sorted(PROCEDURES) == KEYS
    for key, procedure in PROCEDURES.items():
        assert procedure.spec is REGISTRY[key]


@pytest.mark.parametrize("key", KEYS)
def test_every_effect_the_spec_names_exists(key):
    procedure = PROCEDURES[key]
    for name, _ in _named_effects(procedure.spec):
        assert callable(effect(procedure, name)), name


@pytest.mark.parametrize("key", KEYS)
def test_every_document_the_spec_names_exists_with_its_template_and_draft(key):
    procedure = PROCEDURES[key]
    named = {t.preview for t in procedure.spec.transitions if t.preview}
    for name, arg in _named_effects(procedure.spec):
        if name in ("issue_decision", "draft_decision"):
            named.add(arg.partition("@")[0])
    for kind in named:
        assert kind in procedure.documents, kind
    for kind in procedure.documents.values():
        assert (ROOT / "templates" / kind.template).is_file(), kind.template
        assert kind.draft is not None, kind.key


@pytest.mark.parametrize("key", KEYS)
def test_every_clock_the_spec_names_is_declared(key):
    spec = REGISTRY[key]
    named = set(spec.open_deadlines)
    for t in spec.transitions:
        named |= {*t.opens, *t.closes, *t.cancels, *t.holds, *t.resumes}
        if isinstance(t.awaited, str):
            named.add(t.awaited)
        assert not t.auto or isinstance(t.awaited, str), t.trigger
    assert named <= set(spec.deadlines), named - set(spec.deadlines)


@pytest.mark.parametrize("key", KEYS)
def test_every_option_default_and_count_a_field_names_is_provided(key):
    procedure: Procedure = PROCEDURES[key]
    for f in _fields(procedure.spec):
        if f.kind == "ref":
            assert f.source in procedure.sources, (f.name, f.source)
        if f.default_from:
            assert f.default_from in {**common.DEFAULTS, **procedure.defaults}, f.default_from
        if f.count_of:
            assert f.count_of in COUNTS, f.count_of


@pytest.mark.parametrize("key", KEYS)
def test_all_versions_of_one_trigger_agree_on_roles_and_fields(key):
    spec = REGISTRY[key]
    for trigger in spec.triggers():
        versions = spec.transitions_for(trigger)
        roles = {t.roles for t in versions}
        fields = {tuple(f.name for f in t.fields) for t in versions}
        assert len(roles) == 1, (trigger, roles)
        assert len(fields) == 1, (trigger, fields)


@pytest.mark.parametrize("key", KEYS)
def test_every_procedure_is_opened_somehow(key):
    """Either by a page for whom its opening allows, or by another procedure's effect (the
    ceremony opens probation), or for the members of the status it follows."""
    procedure = PROCEDURES[key]
    spec = procedure.spec
    opened_by_another = any(
        name.startswith("open_") for p in PROCEDURES.values() for name, _ in _named_effects(p.spec)
    )
    assert procedure.opening is not None or spec.opened_for or opened_by_another
    if procedure.opening is not None:
        assert spec.open_roles and spec.open_label
        assert procedure.opening.subject in ("person", "new_person", "incoming")
        if procedure.opening.subject == "incoming":
            assert procedure.opening.place and procedure.opening.complete


@pytest.mark.parametrize("key", KEYS)
def test_every_page_template_a_procedure_names_exists(key):
    procedure = PROCEDURES[key]
    if procedure.page_template:
        assert (ROOT / "templates" / procedure.page_template).is_file()


@pytest.mark.parametrize("key", KEYS)
def test_the_readme_shows_every_procedures_current_graph(key):
    from workflow.cli import mermaid

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"```mermaid\n{mermaid(REGISTRY[key])}\n```" in readme


def _main_path(spec: ProcedureSpec) -> set[str]:
    """The steps that move a case forward on its main path (``kind`` "main"): the happy path
    the demonstration, the tests' builders and the benchmarks walk, with the records they take
    on the way."""
    return {t.trigger for t in spec.transitions if t.kind == "main"}


@pytest.mark.parametrize("key", KEYS)
def test_every_step_of_the_main_path_has_a_happy_payload(key):
    procedure = PROCEDURES[key]
    assert _main_path(procedure.spec) <= set(procedure.happy)
    assert set(procedure.happy) <= {t.trigger for t in procedure.spec.transitions}
    assert all(callable(make) for make in procedure.happy.values())


@pytest.mark.parametrize("key", KEYS)
def test_every_procedure_has_a_demonstration_scenario(key):
    assert callable(PROCEDURES[key].demo)


@pytest.mark.parametrize("key", KEYS)
def test_every_rule_a_help_text_names_is_a_number_in_force(key):
    """``{rule:key}`` in a step's help or an opening's hint reads a number of the rules."""
    import re
    from datetime import date

    from states.rules import rules_on

    procedure: Procedure = PROCEDURES[key]
    texts = [t.help or "" for t in procedure.spec.transitions]
    texts.append((procedure.opening.hint or "") if procedure.opening else "")
    rules = rules_on(date(2026, 6, 15))
    for text in texts:
        for name in re.findall(r"\{rule:([^}]*)\}", text):
            assert isinstance(rules[name], int), (key, name)
