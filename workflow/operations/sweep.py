"""Files the database no longer knows: a scan written just before its transaction died with the
process, a PDF rendered by a worker that lost the race to record its own, an interrupted
write's temporary file. Files are written before the rows that name them commit, so only files
older than a grace period are removed, and only names the application itself gives; anything
else in the storage is reported and left alone (``workflow.store.files``: folders or the
database, whichever is configured)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select

from workflow.documents.service import document_key
from workflow.extensions import db
from workflow.models import Attachment, Decision, PrintJob
from workflow.operations.attachments import stored_key
from workflow.permissions import Actor
from workflow.store import audit, files
from workflow.store.uow import unit_of_work

#: names the application writes, by area (a partial write ends in .<random>.part, or, from
#: earlier versions, .part or .tmp)
_PARTIAL = r"(\.[0-9a-f]{8}\.part)?"
_ATTACHMENT = re.compile(rf"^attachments/[0-9a-f]{{2}}/[0-9a-f]{{32}}(\.part)?{_PARTIAL}$")
_DOCUMENT = re.compile(
    rf"^documents/(\d{{4}}/\d+-[0-9a-f]{{12}}\.(pdf|tmp)|batches/[\w.-]+\.(pdf|zip|tmp)){_PARTIAL}$"
)


@dataclass
class SweepReport:
    removed: list[str] = field(default_factory=list)
    removed_bytes: int = 0
    #: unknown to the database but younger than the grace period (maybe still being written)
    young: list[str] = field(default_factory=list)
    #: not a name the application gives: never touched
    foreign: list[str] = field(default_factory=list)
    kept: int = 0


def _known() -> set[str]:
    """The keys of the files rows name."""
    known = {stored_key(name) for name in db.session.scalars(select(Attachment.stored_name))}
    known.update(document_key(p) for p in db.session.scalars(select(Decision.pdf_path)) if p)
    for pdf, archive in db.session.execute(select(PrintJob.pdf_path, PrintJob.zip_path)):
        known.update(document_key(p) for p in (pdf, archive) if p)
    return known


def sweep(older_than: timedelta, *, now: float, dry_run: bool = False) -> SweepReport:
    """Remove (or with ``dry_run`` only list) the orphaned files older than ``older_than``
    from the configured storage; ``now`` in Unix seconds, as file times are."""
    known = _known()
    report = SweepReport()
    cutoff = now - older_than.total_seconds()
    store = files.backend()
    orphans = []
    for entry in list(store.entries(partial=True)):
        if entry.key in known:
            report.kept += 1
        elif not (_ATTACHMENT.match(entry.key) or _DOCUMENT.match(entry.key)):
            report.foreign.append(entry.key)
        elif entry.modified > cutoff:
            report.young.append(entry.key)
        else:
            orphans.append(entry.key)
            report.removed.append(entry.key)
            report.removed_bytes += entry.size
    if not report.removed or dry_run:
        return report
    with unit_of_work():
        for key in orphans:  # a folder's files go at once; the database's rows with the record
            store.delete(key)
        audit.append(
            actor=Actor(None, "Hệ thống", ()),
            subject_type="system",
            subject_id=None,
            action="files.swept",
            payload={"removed": len(report.removed), "bytes": report.removed_bytes},
        )
    return report
