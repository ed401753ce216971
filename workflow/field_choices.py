"""The options a form's member and reference fields offer (web forms and API): members from the
lists, reference fields from the choice source each declares in its procedure."""

from __future__ import annotations

from states.fields import Field
from workflow.procedures import common, default, get, source
from workflow.procedures.base import Subject


def field_choices(
    procedure: str, fields: tuple[Field, ...], subject: Subject
) -> dict[str, list[tuple[str, str]]]:
    """Options of member and reference fields, limited to what the case (or the person a case
    is opened for) may reference."""
    plugin = get(procedure)
    choices: dict[str, list[tuple[str, str]]] = {}

    def walk(fs: tuple[Field, ...]) -> None:
        for f in fs:
            if f.kind == "rows":
                walk(f.rows)
            elif f.kind == "member" and f.name not in choices:
                choices[f.name] = common.MEMBERS(subject)
            elif f.kind == "ref" and f.source:
                choices[f.name] = source(plugin, f.source)(subject)

    walk(fields)
    return choices


def case_choices(case, fields: tuple[Field, ...]) -> dict[str, list[tuple[str, str]]]:
    """The options of a step's fields for one case."""
    return field_choices(case.procedure, fields, Subject(case=case))


def form_defaults(procedure: str, fields: tuple[Field, ...], subject: Subject) -> dict[str, str]:
    """The values a form starts with, as its fields declare them."""
    plugin = get(procedure)
    return {f.name: default(plugin, f.default_from)(subject) for f in fields if f.default_from}
