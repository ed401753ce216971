"""The plain data a document template receives, built from a case.

A draft's snapshot is frozen when the department drafts it; issuing adds only what the signing
decides (number, date, signer, the legal bases in force that day), so what the signer reviewed
is what is issued.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import current_app

from states.dates import vn_date
from states.facts import EDUCATION_LEVELS
from workflow.documents.render import long_date
from workflow.extensions import db
from workflow.models import Case, Organization, Person, Vote

EDUCATION = dict(EDUCATION_LEVELS)


def committee_name(organization: str) -> str:
    """Who acts for a party organization: "Đảng bộ Sở Y tế" is led by "Đảng ủy Sở Y tế";
    a cell, or a committee named as such ("Đảng ủy xã …"), is named as it is."""
    for body, committee in (("Đảng bộ ", "Đảng ủy "), ("đảng bộ ", "đảng ủy ")):
        if organization.startswith(body):
            return committee + organization.removeprefix(body)
    return organization


def upper_party_name() -> str:
    """The party organization the upper committee leads ("Đảng bộ Khối …" for "Đảng ủy Khối
    …"): the superior body its grassroots committees' documents name on their first line."""
    config = current_app.config
    upper = config["UPPER_COMMITTEE_NAME"]
    return config.get("UPPER_PARTY_NAME") or "Đảng bộ " + upper.removeprefix("Đảng ủy ")


def issuer_of(case: Case, issuer: str) -> dict[str, str]:
    config = current_app.config
    if issuer == "upper":
        upper = config["UPPER_COMMITTEE_NAME"]
        return {
            "superior_name": config["SUPERIOR_BODY"],
            "issuer_name": upper,
            "decider": f"Ban Thường vụ {upper}",
            "on_behalf": "T/M BAN THƯỜNG VỤ",
            "department": f"Ban Tổ chức {upper}",
            "abbr": config["UPPER_COMMITTEE_ABBR"],
        }
    if issuer == "inspection":
        upper = config["UPPER_COMMITTEE_NAME"]
        name = f"Ủy ban Kiểm tra {upper}"
        return {
            # HD 36-HD/VPTW: the party organization whose committee the commission serves
            "superior_name": upper_party_name(),
            "issuer_name": name,
            "decider": name,
            "on_behalf": "T/M ỦY BAN KIỂM TRA",
            "department": name,
            "abbr": "UBKT" + config["UPPER_COMMITTEE_ABBR"],
        }
    root = db.session.get(Organization, int(issuer.removeprefix("org:")))
    if root.kind == "cell":
        # a cell inside a party organization: that organization is its superior body
        parent = root.parent
        return {
            "superior_name": parent.name if parent is not None else upper_party_name(),
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
        "superior_name": upper_party_name(),
        "issuer_name": name,
        "decider": name,
        "on_behalf": "T/M ĐẢNG ỦY",
        "department": name,
        "abbr": root.abbreviation or "ĐU",
    }


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
) -> dict[str, Any]:
    """Add what the signing decides to a draft snapshot."""
    return {
        **draft,
        **(extra or {}),
        "reference": reference,
        "decided_on_iso": decided_on.isoformat() if decided_on else "",
        "long_date": long_date(decided_on),
        "legal_bases": [*legal_bases, current_app.config["WORKING_RULES_BASIS"]],
        "signer_name": signer_name,
        "signer_title": signer_title,
        "verify_url": verify_url,
        "chain": chain,
        "template_version": template_version,
    }
