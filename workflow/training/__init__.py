"""Training classes (``states/training.py``): awareness classes for candidates, political
theory for new members, party-work training for secretaries and committee members, and the
kinds the configuration adds.

A class is its own record, not a procedure of one person: its particulars, a roster of
trainees sent by their organizations (proposed by a cell, taken by the department), their
attendance and results, and the certificates it issues, numbered in the issuer's register of
that kind and printed together as one PDF by the job queue. Every change writes an audit row.
The admission and probation procedures read the certificates from the person's record, and the
period report counts them by their date.
"""

from __future__ import annotations

from flask import current_app

from states.training import ClassKind
from states.training import kinds as _kinds


def kinds() -> dict[str, ClassKind]:
    """The kinds of class in use (built in, and ``TRAINING_EXTRA_KINDS``)."""
    return _kinds(current_app.config.get("TRAINING_EXTRA_KINDS") or {})


def certified_action(kind: str) -> str:
    """The audit action of a certificate of ``kind`` issued by a class (what the period
    report counts, by the certificate's date)."""
    return f"class.certified:{kind}"
