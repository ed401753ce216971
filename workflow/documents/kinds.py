"""What a kind of document is: how it is titled, numbered, printed and drafted.

Each procedure declares the kinds it issues in its module of ``workflow.procedures``; the
documents layer takes the kind as an argument and names none. The annulment of a decision
belongs to no procedure: it is this layer's own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class IssueOptions:
    """What a kind adds when one is signed: values its text takes beyond the draft, a draft to
    use instead of the case's own, and the leader (user id, name, title) it is signed for."""

    extra: dict[str, Any] | None = None
    draft: Any = None
    signer: tuple[int, str, str] | None = None


@dataclass(frozen=True)
class DocumentKind:
    key: str
    #: template under templates/
    template: str
    #: register symbol before the issuer's abbreviation: "QĐ" gives "Số 15-QĐ/ĐUK"
    doc_type: str
    title: str
    subject: str
    form_code: str
    label: str
    #: the signer's title when the grant names none
    signer_title: str = "BÍ THƯ"
    #: (snapshot key, rule setting): values the text takes from the rules in force on the day
    #: it is signed, the same in the draft the signer reviews and in the issued document
    rule_values: tuple[tuple[str, str], ...] = ()
    #: the snapshot a draft starts from: (case, issuer key) → plain data
    draft: Callable[[Any, str], dict[str, Any]] | None = None
    #: the dossier paper (its purpose) an issued one becomes in the case
    paper: str | None = None
    #: before signing (the step's effect context): what the signing adds
    prepare: Callable[[Any], IssueOptions] | None = None
    #: after signing (the effect context, the issued decision): what it changes in the case
    issued: Callable[[Any, Any], None] | None = None


ANNULMENT = DocumentKind(
    "annulment",
    "pdf/annulment.html",
    "QĐ",
    "QUYẾT ĐỊNH",
    "về việc hủy bỏ quyết định",
    "",
    "Quyết định hủy bỏ",
)

#: the upper committee's decisions on its party organizations (``workflow.reorganization``):
#: established, renamed, merged …, committees' elections approved, posts relieved
ORG_DECISION = DocumentKind(
    "org_event",
    "pdf/org_event.html",
    "QĐ",
    "QUYẾT ĐỊNH",
    "về tổ chức đảng",
    "",
    "Quyết định về tổ chức đảng",
)
