"""The plain data a document template receives, built from a case.

A draft's snapshot is frozen when the department drafts it; issuing adds only what the signing
decides (number, date, signer, the legal bases in force that day), so what the signer reviewed
is what is issued.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from flask import current_app

from states.dates import vn_date
from states.facts import EDUCATION_LEVELS
from workflow.clock import today
from workflow.documents.render import long_date
from workflow.extensions import db
from workflow.models import Case, Organization, Person, Vote
from workflow.orgs.history import identity_on, upper_on

EDUCATION = dict(EDUCATION_LEVELS)


def committee_name(organization: str) -> str:
    """Who acts for a party organization: "Đảng bộ Sở Y tế" is led by "Đảng ủy Sở Y tế";
    a cell, or a committee named as such ("Đảng ủy xã …"), is named as it is."""
    for body, committee in (("Đảng bộ ", "Đảng ủy "), ("đảng bộ ", "đảng ủy ")):
        if organization.startswith(body):
            return committee + organization.removeprefix(body)
    return organization


def upper_party_name(on: date | None = None) -> str:
    """The party organization the upper committee leads ("Đảng bộ Khối …" for "Đảng ủy Khối
    …") on ``on`` (today by default): the superior body its grassroots committees' documents
    name on their first line."""
    return upper_on(on or today()).party_name


def issuer_of(case: Case | None, issuer: str, on: date | None = None) -> dict[str, str]:
    """Who issues: names as they were on ``on`` (the document's date; today by default)."""
    day = on or today()
    upper = upper_on(day)
    if issuer == "upper":
        return {
            "superior_name": upper.superior_name,
            "issuer_name": upper.name,
            "decider": f"Ban Thường vụ {upper.name}",
            "on_behalf": "T/M BAN THƯỜNG VỤ",
            "department": f"Ban Tổ chức {upper.name}",
            "abbr": upper.abbreviation or "",
        }
    if issuer == "inspection":
        name = f"Ủy ban Kiểm tra {upper.name}"
        return {
            # HD 36-HD/VPTW: the party organization whose committee the commission serves
            "superior_name": upper.party_name,
            "issuer_name": name,
            "decider": name,
            "on_behalf": "T/M ỦY BAN KIỂM TRA",
            "department": name,
            "abbr": "UBKT" + (upper.abbreviation or ""),
        }
    root = identity_on(db.session.get(Organization, int(issuer.removeprefix("org:"))), day)
    if root.kind == "cell":
        # a cell inside a party organization: that organization is its superior body
        parent = db.session.get(Organization, root.parent_id) if root.parent_id else None
        return {
            "superior_name": identity_on(parent, day).name
            if parent is not None
            else upper.party_name,
            "issuer_name": root.name,
            "decider": root.name,
            "on_behalf": "T/M CHI BỘ",
            "department": root.name,
            "abbr": root.abbreviation or "CB",
        }
    name = committee_name(root.name)
    return {
        # HD 36-HD/VPTW: the superior party organization above the issuing committee, as the
        # upper committee's own documents print the provincial party organization
        "superior_name": upper.party_name,
        "issuer_name": name,
        "decider": name,
        "on_behalf": "T/M ĐẢNG ỦY",
        "department": name,
        "abbr": root.abbreviation or "ĐU",
    }


#: the snapshot keys that name the issuer (what ``as_issued_on`` brings to the signing date)
ISSUER_KEYS = ("superior_name", "issuer_name", "decider", "on_behalf", "department")


def as_issued_on(draft: dict[str, Any], who: dict[str, str], old_abbr: str) -> dict[str, Any]:
    """A draft's snapshot with the issuer named as it was on the signing day (a draft made
    before a committee was renamed or succeeded, or signed with an earlier date): the issuer's
    fields replaced, and its former names (``old_abbr``: the abbreviation it was drafted
    with) wherever the text repeats them."""
    swaps: list[tuple[str, str]] = []
    for key in ("department", "decider", "issuer_name", "superior_name"):
        old, new = draft.get(key), who.get(key)
        if isinstance(old, str) and old and new is not None and old != new:
            swaps.append((old, new))
    if old_abbr and old_abbr != who.get("abbr"):
        swaps.append((old_abbr, who.get("abbr", "")))

    def swap(value: Any) -> Any:
        if isinstance(value, str):
            for old, new in swaps:
                value = re.sub(rf"(?<!\w){re.escape(old)}(?!\w)", new, value)
            return value
        if isinstance(value, list):
            return [swap(v) for v in value]
        if isinstance(value, dict):
            return {k: swap(v) for k, v in value.items()}
        return value

    out = {k: swap(v) for k, v in draft.items()} if swaps else dict(draft)
    out.update({k: who[k] for k in ISSUER_KEYS if k in who})
    return out


def person_data(p: Person) -> dict[str, str]:
    return {
        "full_name": p.full_name,
        "birth_date": vn_date(p.birth_date),
        "home_town": p.home_town,
        "ethnicity": p.ethnicity,
        "religion": p.religion,
        "education": EDUCATION.get(p.education, p.education),
        "occupation": p.occupation or "—",
    }


def _resolution(vote: Vote, body: str) -> str:
    number = f"số {vote.resolution_number} " if vote.resolution_number else ""
    return f"Nghị quyết {number}ngày {vn_date(vote.meeting_on)} của {body}"


def chain_of(case: Case, issuer: str, *, cell_title: str) -> dict[str, Any]:
    """What every decision drafted from a case's resolutions says: who considered what, who
    carries it out, who receives it."""
    who = issuer_of(case, issuer)
    cell = case.cell
    ids = cell.ancestor_ids()
    root = cell if len(ids) == 1 else db.session.get(Organization, ids[0])
    considered = []
    cell_vote = next((v for v in reversed(case.votes) if v.body == "cell" and v.passed), None)
    if cell_vote is not None:
        considered.append(_resolution(cell_vote, cell.name))
    elif any(v.body == "cell" for v in case.votes):
        considered.append(f"báo cáo kết quả các lần biểu quyết của {cell.name}")
    grassroots_vote = next((v for v in reversed(case.votes) if v.body == "grassroots"), None)
    if grassroots_vote is not None and root is not cell:
        considered.append(_resolution(grassroots_vote, committee_name(root.name)))
    considering = "Xét " + ", ".join(considered) if considered else f"Xét đề nghị của {cell_title}"
    if issuer == "upper":
        considering += f" và đề nghị của {who['department']}"
    executors = [who["department"]] if issuer == "upper" else []
    if root is not cell:
        executors.append(committee_name(root.name))
    executors.append(cell.name)
    return {
        **{k: v for k, v in who.items() if k != "abbr"},
        "place": current_app.config["PLACE_NAME"],
        "person": person_data(case.person),
        "cell_name": cell.name,
        "considering": considering + ",",
        "executors": ", ".join(executors),
        "recipients": ["Như Điều 3", f"Lưu hồ sơ đảng viên, Văn phòng {who['abbr']}"],
    }


def finish(
    draft: dict[str, Any],
    *,
    reference: str,
    decided_on: date | None,
    legal_bases,
    signer_name: str,
    signer_title: str,
    verify_url: str,
    chain: str,
    template_version: str,
    extra: dict[str, Any] | None = None,
    working_rules: str | None = None,
) -> dict[str, Any]:
    """Add what the signing decides to a draft snapshot (``working_rules``: the issuing
    committee's line for its term, else the configured one)."""
    return {
        **draft,
        **(extra or {}),
        "reference": reference,
        "decided_on_iso": decided_on.isoformat() if decided_on else "",
        "long_date": long_date(decided_on),
        "legal_bases": [*legal_bases, working_rules or current_app.config["WORKING_RULES_BASIS"]],
        "signer_name": signer_name,
        "signer_title": signer_title,
        "verify_url": verify_url,
        "chain": chain,
        "template_version": template_version,
    }
