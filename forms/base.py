"""Web forms built from a transition's field declarations in ``states/``.

The form only collects text: every check (types, ranges, dates, the rules) happens once, in the
engine, against the same declarations, and its messages are put back on the fields by name.
WTForms field names for rows ("sponsors-0-member") match the engine's error keys.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice

from states.fields import Field

DATE_PLACEHOLDER = "ngày/tháng/năm"
BLANK = "— chọn —"


def options(pairs: Iterable[tuple[str, str]], blank: str | None = BLANK) -> list[SelectChoice]:
    """Select options from (value, label) pairs, with an empty first option by default."""
    out = [SelectChoice("", blank)] if blank is not None else []
    return out + [SelectChoice(str(value), label) for value, label in pairs]


def _wtf_field(f: Field, choices: Mapping[str, list[tuple[str, str]]]):
    kwargs: dict[str, Any] = {"description": f.help}
    # a label that already says when the field is needed ("(nếu có)", "khi …") is left alone
    optional = not (f.required or f.kind in ("bool", "rows") or f.label.endswith(")"))
    label = f.label + (" (không bắt buộc)" if optional else "")
    if f.kind == "date":
        return StringField(
            label,
            render_kw={
                "placeholder": DATE_PLACEHOLDER,
                "inputmode": "numeric",
                "class": "date",
                "autocomplete": "off",
            },
            **kwargs,
        )
    if f.kind in ("int",):
        return StringField(label, render_kw={"inputmode": "numeric", "class": "num"}, **kwargs)
    if f.kind == "line":
        return StringField(label, render_kw={"maxlength": f.max_length}, **kwargs)
    if f.kind == "text":
        return TextAreaField(label, render_kw={"maxlength": f.max_length, "rows": 3}, **kwargs)
    if f.kind == "bool":
        return BooleanField(label, **kwargs)
    if f.kind == "choice":
        return SelectField(label, choices=options(f.choices), validate_choice=False, **kwargs)
    if f.kind in ("member", "ref"):
        return SelectField(
            label,
            choices=options(choices.get(f.name, [])),
            validate_choice=False,
            **kwargs,
        )
    if f.kind == "rows":

        class RowForm(Form):
            pass

        for sub in f.rows:
            setattr(RowForm, sub.name, _wtf_field(sub, choices))
        return FieldList(
            FormField(RowForm),
            label=label,
            min_entries=f.max_rows,
            max_entries=f.max_rows,
            description="optional" if f.min_rows == 0 else "",
        )
    raise ValueError(f"unsupported field kind {f.kind}")


class TransitionForm(FlaskForm):
    """Base of every transition form: the version the case was loaded at travels with it."""

    expected_version = HiddenField()


class ReauthTransitionForm(TransitionForm):
    """For signing: the user's password again (checked by the view, never stored)."""

    password = PasswordField(
        "Mật khẩu của bạn (xác nhận ký)", render_kw={"autocomplete": "current-password"}
    )


class SubForm(FlaskForm):
    """A second form on a page whose main form already carries the CSRF token."""

    class Meta:
        csrf = False


def build_form(
    fields: Iterable[Field],
    choices: Mapping[str, list[tuple[str, str]]] | None = None,
    base: type[FlaskForm] = TransitionForm,
    **kwargs: Any,
) -> FlaskForm:
    """A form instance for ``fields``; ``choices`` supplies the options of member/ref fields."""
    choices = choices or {}

    class GeneratedForm(base):  # type: ignore[misc, valid-type]
        pass

    for f in fields:
        setattr(GeneratedForm, f.name, _wtf_field(f, choices))
    return GeneratedForm(**kwargs)


def payload_of(form: FlaskForm, fields: Iterable[Field]) -> dict[str, Any]:
    """The submitted values as plain data, for the engine to parse."""
    return {f.name: form[f.name].data for f in fields}


def apply_errors(form: FlaskForm, errors: Mapping[str, str]) -> list[str]:
    """Attach engine errors to the fields they name; return the ones that fit no field."""
    leftover = []
    for key, message in errors.items():
        field = _find(form, key)
        if field is None:
            leftover.append(message)
        else:
            field.errors = [*list(field.errors or []), message]
    return leftover


def _find(form: FlaskForm, key: str):
    if key in form:
        return form[key]
    name, *rest = key.split("-")
    if name not in form or not rest:
        return None
    field = form[name]
    try:
        entry = field.entries[int(rest[0])]
    except (AttributeError, IndexError, ValueError):
        return field
    if len(rest) == 1:
        return entry
    sub = rest[1]
    # a WTForms form supports `in` and `[]` but has no .get()
    return entry.form[sub] if sub in entry.form else entry  # noqa: SIM401
